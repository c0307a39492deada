/**
 * waitFor(): the output from the call on, decoded and without escape sequences, matched across
 * chunk boundaries by a string, a RegExp or a predicate; rejections for a timeout, an abort
 * and the exit, each with what was seen.
 */
import { describe, expect, it } from 'vitest';
import { AbortError, NativePty, spawn, WaitForError } from '../../src/index.js';
import { ForwardedSession, startSession } from '../../src/forwarder/index.js';
import { controlDirsPerTest } from '../helpers/forwarder.js';
import { waitForExit } from '../helpers/index.js';

const scratch = controlDirsPerTest();

describe('waitFor', () => {
  it('matches text split across chunks and across escape sequences', async () => {
    // "rea" + colour + "dy" arrives in three writes, 50 ms apart; the colour is dropped.
    const pty = spawn('sh', ['-c', "printf 'rea'; sleep 0.05; printf '\\033[3'; sleep 0.05; printf '1mdy\\033[0m!\\n'; sleep 5"]);
    const found = await pty.waitFor('ready!', { timeout: 10_000 });
    expect(found.match).toBe('ready!');
    expect(found.text).toBe('ready!');
    pty.kill('SIGKILL');
  });

  it('takes a RegExp (its groups) or a predicate, and leaves the RegExp as it was', async () => {
    const pty = spawn('sh', ['-c', 'echo "build 41 of 42 done"; sleep 5']);
    const pattern = /build (\d+) of (\d+)/g;
    pattern.lastIndex = 3;
    const found = await pty.waitFor(pattern, { timeout: 10_000 });
    expect(found.groups?.slice(1, 3)).toEqual(['41', '42']);
    expect(pattern.lastIndex).toBe(3);
    const pty2 = spawn('sh', ['-c', 'echo one; echo two; sleep 5']);
    const lines = await pty2.waitFor((text) => text.split('\r\n').filter(Boolean).length >= 2, { timeout: 10_000 });
    expect(lines.match).toContain('two');
    pty.kill('SIGKILL');
    pty2.kill('SIGKILL');
  });

  it('sees only output from the call on', async () => {
    const pty = spawn('sh', ['-c', 'echo early; read line; echo late']);
    await pty.waitFor('early');
    const late = pty.waitFor('early', { timeout: 500 });
    pty.write('\r');
    await expect(late).rejects.toMatchObject({ code: expect.stringMatching(/ETIMEDOUT|ERR_NATIVE_PTY_EXITED/) });
    await waitForExit(pty);
  });

  it('rejects at the timeout, on abort and at the exit, with what it saw', async () => {
    const pty = spawn('sh', ['-c', 'echo something else; sleep 5']);
    const timedOut = await pty.waitFor('never', { timeout: 300 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(WaitForError);
    expect(timedOut).toMatchObject({ code: 'ETIMEDOUT' });
    expect((timedOut as WaitForError).text).toContain('something else');

    const controller = new AbortController();
    const aborted = pty.waitFor('never', { signal: controller.signal });
    controller.abort(new Error('no longer needed'));
    await expect(aborted).rejects.toBeInstanceOf(AbortError);
    pty.kill('SIGKILL');

    const quick = spawn('sh', ['-c', 'echo bye']);
    const ended = await quick.waitFor('never').catch((e: unknown) => e);
    expect(ended).toMatchObject({ code: 'ERR_NATIVE_PTY_EXITED' });
    expect((ended as WaitForError).text).toContain('bye');
    // After the exit, at once.
    await expect(quick.waitFor('x')).rejects.toMatchObject({ code: 'ERR_NATIVE_PTY_EXITED' });
  });

  it('checks its arguments in Node\'s dialect', () => {
    const pty = new NativePty('true');
    expect(() => pty.waitFor(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => pty.waitFor('x', { timeout: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => pty.waitFor('x', { signal: {} as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('works the same on a forwarded (vt-pipe) session', async () => {
    const started = await startSession('/bin/sh', ['-c', 'read line; echo "got $line"'], { controlDir: scratch() });
    const session = await ForwardedSession.attach(started.dir);
    // Listened for before the input: the exit can come in the same batch as the output.
    const exited = new Promise((resolve) => session.onExit(resolve));
    const found = session.waitFor(/got (\w+)/, { timeout: 10_000 });
    session.write('forwarded\r');
    expect((await found).groups?.[1]).toBe('forwarded');
    await exited;
  });
});
