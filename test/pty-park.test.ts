/**
 * The poller parks: when a tick finds nothing, its timer stops and the native I/O thread wakes
 * it on the next output or exit. An idle server then costs no wake-ups at all.
 */
import { describe, expect, it } from 'vitest';
import { NativePty } from '../src/index.js';
import { pollerState } from '../src/poller.js';
import { collect, firstStalledRoundTrip, sleep, until, waitForExit, waitForOutput } from './fixtures/pty/harness.js';

describe('a full buffer', () => {
  it('wakes the poller at once in poll mode: a burst is not held to one buffer per interval', async () => {
    // No tick will come in this test's lifetime: only the high-water-mark wake-ups can deliver.
    const pty = new NativePty('sh', ['-c', 'stty raw -echo; head -c 8388608 /dev/zero; sleep 30'], {
      encoding: null,
      pollInterval: 1_000_000,
    });
    let got = 0;
    pty.on('data', (d: Buffer) => (got += d.length));
    await until(() => got >= 6 * 1024 * 1024, 20_000, 'most of the 8 MiB burst');
    // Its exit waits for a tick: a session with the default interval brings one.
    pty.kill('SIGKILL');
    await Promise.all([waitForExit(pty), waitForExit(new NativePty('true'))]);
  });
});

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

  // Each round trip starts from a parked poller, so each echo (in two pieces: the terminal's,
  // then cat's, often the second while the first is being drained) must wake it; a wake lost
  // on the way would hang the session for good: while parked, no timer runs to deliver it.
  it('misses no wake over a thousand park and wake cycles', async () => {
    const pty = new NativePty('cat', [], { pollInterval: 1 });
    const done = collect<string>(pty);
    const parked = async (): Promise<void> => {
      // Parking takes one empty tick (1 ms here): look every millisecond, not every 10 as until().
      for (const deadline = Date.now() + 10_000; !pollerState().parked && Date.now() < deadline; ) await sleep(1);
      expect(pollerState().parked).toBe(true);
    };
    expect(await firstStalledRoundTrip(pty, 1000, parked)).toBeNull();
    pty.write('\x04');
    expect((await done).exitCode).toBe(0);
  }, 120_000);

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
