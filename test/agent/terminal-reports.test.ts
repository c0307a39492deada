/**
 * terminalReports(): the title, the working directory and shell integration's command marks
 * that a program writes to its terminal (OSC 0/2, 7, 133, 633), from a real pty, also when a
 * sequence is split across reads.
 */
import { describe, expect, it } from 'vitest';
import { spawn, terminalReports, type CommandMark, type Progress, type TerminalNotification } from '../../src/index.js';
import { waitForExit } from '../helpers/index.js';

describe('terminalReports', () => {
  it('reads the title, the cwd and the marks, across split sequences', async () => {
    // Each printf is a read of its own (sleeps between): one OSC 7 arrives in two halves.
    const script = [
      "printf '\\033]0;first title\\007'",
      "printf '\\033]2;build: 3/10\\033\\\\'",
      "printf '\\033]7;file://host/tmp/with%%20space'",
      'sleep 0.1',
      "printf '/dir\\007'",
      "printf '\\033]133;A\\007$ \\033]133;B\\007'",
      "printf '\\033]633;E;ls \\\\x3b echo\\007\\033]133;C\\007'",
      "printf 'output\\r\\n\\033]133;D;2\\007'",
      "printf '\\033]633;P;Cwd=/srv/app\\007'",
    ].join('; sleep 0.05; ');
    const pty = spawn('sh', ['-c', `read go; ${script}`]);
    const reports = terminalReports(pty);
    const titles: string[] = [];
    const cwds: string[] = [];
    const marks: CommandMark[] = [];
    reports.on('title', (t: string) => titles.push(t));
    reports.on('cwd', (c: string) => cwds.push(c));
    reports.on('mark', (m: CommandMark) => marks.push(m));
    pty.write('\r');
    await waitForExit(pty);
    expect(titles).toEqual(['first title', 'build: 3/10']);
    expect(cwds).toEqual(['/tmp/with space/dir', '/srv/app']);
    expect(marks).toEqual([{ kind: 'prompt' }, { kind: 'input' }, { kind: 'output', command: 'ls ; echo' }, { kind: 'done', exitCode: 2 }]);
    expect(reports).toMatchObject({ title: 'build: 3/10', cwd: '/srv/app', lastExitCode: 2 });
    reports.dispose();
  });

  it('reads progress (OSC 9;4) and notifications (OSC 9, OSC 777;notify)', async () => {
    const script = [
      "printf '\\033]9;4;1;25\\007'",
      "printf '\\033]9;4;3\\033\\\\'",
      "printf '\\033]9;4;2;80\\007\\033]9;4;0;0\\007'",
      "printf '\\033]9;Build finished\\007'",
      "printf '\\033]777;notify;Claude;Needs your input; now\\007'",
      "printf '\\033]9;9;\\042C:\\\\\\\\x\\042\\007'", // ConEmu's cwd report: not a notification
      "printf '\\033]9;4;7;5\\007'", // no such state: ignored
    ].join('; ');
    const pty = spawn('sh', ['-c', script]);
    const reports = terminalReports(pty);
    const progress: Progress[] = [];
    const notes: TerminalNotification[] = [];
    reports.on('progress', (p: Progress) => progress.push(p));
    reports.on('notification', (n: TerminalNotification) => notes.push(n));
    await waitForExit(pty);
    expect(progress).toEqual([
      { state: 'normal', percent: 25 },
      { state: 'indeterminate' },
      { state: 'error', percent: 80 },
      { state: 'none' },
    ]);
    expect(reports.progress).toEqual({ state: 'none' });
    expect(notes).toEqual([{ body: 'Build finished' }, { title: 'Claude', body: 'Needs your input; now' }]);
    reports.dispose();
  });

  it('follows a real shell that reports its directory (OSC 7) as it changes', async () => {
    const pty = spawn('bash', ['--norc', '--noprofile'], { env: { ...process.env, PROMPT_COMMAND: 'printf "\\033]7;file://%s%s\\007" "$HOSTNAME" "$PWD"' } });
    const reports = terminalReports(pty);
    pty.write('cd /usr/share\r');
    await pty.waitFor('share', { timeout: 10_000 });
    const moved = new Promise((resolve) => reports.on('cwd', (c: string) => c === '/usr/share' && resolve(c)));
    pty.write('true\r');
    await moved;
    expect(reports.cwd).toBe('/usr/share');
    pty.kill('SIGKILL');
  });

  it('ignores an OSC cut short by another sequence, and reads the next one', async () => {
    const pty = spawn('sh', ['-c', "read go; printf '\\033]0;broken\\033[1m\\033]2;whole\\007'"]);
    const reports = terminalReports(pty);
    const titles: string[] = [];
    reports.on('title', (t: string) => titles.push(t));
    pty.write('\r');
    await waitForExit(pty);
    expect(titles).toEqual(['whole']);
  });
});
