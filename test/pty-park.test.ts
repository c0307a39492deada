/**
 * The poller parks: when a tick finds nothing, its timer stops and the native I/O thread wakes
 * it on the next output or exit. An idle server then costs no wake-ups at all.
 */
import { describe, expect, it } from 'vitest';
import { NativePty } from '../src/index.js';
import { pollerState } from '../src/poller.js';
import { collect, until, waitForExit, waitForOutput } from './fixtures/pty/harness.js';

describe('a parked poller', () => {
  it('stops its timer while sessions are quiet, and wakes for output and exit', async () => {
    const pty = new NativePty('cat', []);
    const done = collect<string>(pty);
    await until(() => pollerState().parked, 5_000, 'the poller to park');
    expect(pollerState()).toMatchObject({ sessions: 1, timerActive: false, refed: true });
    for (const word of ['one', 'two']) {
      pty.write(`${word}\n`);
      await waitForOutput(pty, `${word}\r\n${word}\r\n`);
      await until(() => pollerState().parked, 5_000, 'the poller to park again');
    }
    pty.write('\x04');
    const r = await done;
    expect(r.exitCode).toBe(0);
    expect(r.chunks.join('')).toBe('one\r\none\r\ntwo\r\ntwo\r\n');
    expect(pollerState()).toMatchObject({ sessions: 0, timerActive: false, parked: false, refed: false });
  });

  it("lets go of the event loop while parked with only unref'd sessions", async () => {
    const pty = new NativePty('sleep', ['100']).unref();
    await until(() => pollerState().parked, 5_000, 'the poller to park');
    expect(pollerState().refed).toBe(false);
    pty.ref();
    expect(pollerState().refed).toBe(true);
    pty.kill('SIGKILL');
    await waitForExit(pty);
  });

  it('a new session spawned while parked is served', async () => {
    const idle = new NativePty('sleep', ['100']);
    await until(() => pollerState().parked, 5_000, 'the poller to park');
    const r = await collect<string>(new NativePty('sh', ['-c', 'echo hi']));
    expect(r.chunks.join('')).toBe('hi\r\n');
    idle.kill('SIGKILL');
    await waitForExit(idle);
  });
});
