/**
 * vt-pipe in the user's own terminal, played by a NativePty: the output reaches the terminal
 * and the record byte for byte, the command's exit status is vt-pipe's, the terminal is put in
 * raw mode and restored, typing and resizing reach the command.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { readSession } from '../../src/forwarder/sessions.js';
import { castOutput, controlDirsPerTest, untilRunning, VT_PIPE } from '../helpers/forwarder.js';
import { collect, until, waitForOutput } from '../helpers/index.js';

const scratch = controlDirsPerTest();
const NOT_EXECUTABLE = path.join(tmpdir(), `vt-pipe-not-executable-${process.pid}`);
writeFileSync(NOT_EXECUTABLE, 'echo never\n', { mode: 0o644 });
afterAll(() => rmSync(NOT_EXECUTABLE, { force: true }));

/** `seq 1 n` as a terminal shows it. */
const seqText = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}\r\n`).join('');

describe('vt-pipe in a terminal', () => {
  it('passes every byte to the terminal and the record, and exits with the command', async () => {
    const dir = scratch();
    const pty = new NativePty(VT_PIPE, ['--control-dir', dir, '--session-id', 's1', '--', 'sh', '-c', 'seq 1 50000; exit 7']);
    const r = await collect<string>(pty);
    const expected = seqText(50000);
    expect(r.exitCode).toBe(7);
    expect(r.chunks.join('')).toBe(expected);
    const session = path.join(dir, 's1');
    expect(readFileSync(path.join(session, 'output.raw'), 'utf8')).toBe(expected);
    expect(castOutput(path.join(session, 'output.cast'))).toBe(expected);
    const record = readSession(session);
    expect(record).toMatchObject({ version: 1, id: 's1', status: 'exited', exitCode: 7, signal: null, headless: false });
    expect(record.command).toEqual(['sh', '-c', 'seq 1 50000; exit 7']);
    expect(Date.parse(record.endedAt!)).toBeGreaterThanOrEqual(Date.parse(record.startedAt));
  });

  it('keeps a UTF-8 character split across reads whole in the cast', async () => {
    const dir = scratch();
    const script = "printf 'caf\\303'; sleep 0.2; printf '\\251!'";
    const pty = new NativePty(VT_PIPE, ['--control-dir', dir, '--session-id', 'u', '--', 'sh', '-c', script]);
    await collect<string>(pty);
    expect(castOutput(path.join(dir, 'u', 'output.cast'))).toBe('café!');
  });

  it('escapes controls, quotes and backslashes in the cast, and gives a byte that is no UTF-8 as U+FFFD', async () => {
    const dir = scratch();
    const script = "printf 'a\\033[1mb\\033[0m \"q\" \\\\ \\377 \\001 z'";
    const pty = new NativePty(VT_PIPE, ['--control-dir', dir, '--session-id', 'e', '--', 'sh', '-c', script]);
    await collect<string>(pty);
    expect(castOutput(path.join(dir, 'e', 'output.cast'))).toBe('a\x1b[1mb\x1b[0m "q" \\ \ufffd \x01 z');
    expect(readFileSync(path.join(dir, 'e', 'output.raw')).includes(0xff)).toBe(true);
  });

  it.each([
    ['a signal', ['sh', '-c', 'kill -TERM $$'], 128 + 15, ''],
    ['a command not found', ['no-such-command-here'], 127, 'vt-pipe:'],
    // A file without execute permission, wherever the tests run (made below).
    ['a file that cannot be executed', [NOT_EXECUTABLE], 126, 'vt-pipe:'],
  ])('reports %s as a shell would', async (_what, command, status, stderr) => {
    const dir = scratch();
    const pty = new NativePty(VT_PIPE, ['--control-dir', dir, '--', ...command]);
    const r = await collect<string>(pty);
    expect(r.exitCode).toBe(status);
    if (stderr) expect(r.chunks.join('')).toContain(stderr);
  });

  it('puts the terminal in raw mode and restores it, also when killed by SIGTERM', async () => {
    const dir = scratch();
    const pty = new NativePty('sh', ['-c', `'${VT_PIPE}' --control-dir '${dir}' --session-id k -- sh -c 'stty -a; sleep 100'; echo "status=$?"; stty -a`]);
    const done = collect<string>(pty);
    await untilRunning(path.join(dir, 'k'));
    process.kill(readSession(path.join(dir, 'k')).forwarderPid, 'SIGTERM');
    const out = (await done).chunks.join('');
    // The command was hung up (SIGHUP: 128 + 1), and the terminal is cooked again.
    expect(out).toMatch(/status=129/);
    const after = out.slice(out.indexOf('status='));
    expect(after).toMatch(/(^|\s)icanon(\s|$)/m);
    expect(after).toMatch(/(^|\s)echo(\s|$)/m);
    expect(readSession(path.join(dir, 'k'))).toMatchObject({ status: 'exited', exitCode: null, signal: 1 });
  });

  it('takes typed input', async () => {
    const dir = scratch();
    const pty = new NativePty(VT_PIPE, ['--control-dir', dir, '--', 'cat']);
    const done = collect<string>(pty);
    pty.write('hello\r');
    // The terminal's echo, then cat's copy.
    await waitForOutput(pty, 'hello\r\nhello\r\n');
    pty.write('\x04');
    expect((await done).exitCode).toBe(0);
  });

  it('passes a resize of the terminal on to the command, and records it', async () => {
    const dir = scratch();
    const script = 'trap \'echo "size $(stty size)"\' WINCH; echo ready; while :; do sleep 0.05; done';
    const pty = new NativePty(VT_PIPE, ['--control-dir', dir, '--session-id', 'r', '--', 'sh', '-c', script]);
    const done = collect<string>(pty);
    await waitForOutput(pty, 'ready');
    pty.resize(100, 30);
    await waitForOutput(pty, 'size 30 100');
    await until(() => readSession(path.join(dir, 'r')).cols === 100, 5_000, 'session.json to have the new size');
    pty.kill('SIGTERM');
    await done;
    expect(readFileSync(path.join(dir, 'r', 'output.cast'), 'utf8')).toContain('"r", "100x30"]');
  });

  it('passes Ctrl+C to the command as the terminal would: it ends by SIGINT, 130', async () => {
    const dir = scratch();
    const pty = new NativePty(VT_PIPE, ['--control-dir', dir, '--session-id', 'c', '--', 'sleep', '100']);
    const done = collect<string>(pty);
    await untilRunning(path.join(dir, 'c'));
    pty.write('\x03');
    expect((await done).exitCode).toBe(130);
  });

  it.runIf(existsSync('/usr/bin/vi'))('runs a full-screen editor: type, resize, save and quit', async () => {
    const file = path.join(scratch(), 'edited.txt');
    const pty = new NativePty(VT_PIPE, ['--control-dir', path.dirname(file), '--', 'vi', file], { cols: 100, rows: 30 });
    const done = collect<string>(pty);
    await waitForOutput(pty, '~');
    pty.write('ihello from vi\x1b');
    pty.resize(120, 40);
    pty.write(':wq\r');
    expect((await done).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('hello from vi\n');
  });

  it('makes the session directory 0700 and every file in it 0600', async () => {
    const dir = scratch();
    const pty = new NativePty(VT_PIPE, ['--control-dir', dir, '--session-id', 'm', '--', 'sh', '-c', 'echo hi; sleep 0.5']);
    const done = collect<string>(pty);
    const session = path.join(dir, 'm');
    await untilRunning(session);
    expect(statSync(session).mode & 0o777).toBe(0o700);
    for (const file of ['session.json', 'ipc.sock', 'output.cast', 'output.raw']) {
      expect(statSync(path.join(session, file)).mode & 0o777, file).toBe(0o600);
    }
    await done;
  });
});
