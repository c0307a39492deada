/**
 * terminalReports(): the title, the working directory and shell integration's command marks
 * that a program writes to its terminal (OSC 0/2, 7, 133, 633), from a real pty, also when a
 * sequence is split across reads.
 */
import { describe, expect, it } from 'vitest';
import { spawn, terminalReports, type CommandMark } from '../../src/index.js';
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
