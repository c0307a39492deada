/**
 * The one delivery path: the native side wakes JavaScript, once per pollInterval while a
 * session is busy and at once after a quiet spell, for a full buffer, for echo and for an exit.
 * No timer runs: idle sessions cost no wake-ups, and the wake handle is ref'd exactly while a
 * ref'd session lives.
 */
import { describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { deliveryState } from '../../src/delivery.js';
import { scaled } from '../helpers/slowdown.js';
import {
  collect,
  firstStalledRoundTrip,
  bytesWritten,
  fixture,
  isAlive,
  quietFor,
  readProc,
  runNode,
  until,
  waitForExit,
  waitForOutput,
} from '../helpers/index.js';

/** Timers that keep the event loop alive right now. */
const refedTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

async function killAll(sessions: NativePty[]): Promise<void> {
  for (const pty of sessions) pty.kill('SIGKILL');
  await Promise.all(sessions.map(waitForExit));
}

describe('no timer', () => {
  it('50 idle sessions cost no wake-up and no timer', async () => {
    const before = refedTimers();
    const sessions = Array.from({ length: 50 }, () => new NativePty('sleep', ['100']));
    expect(refedTimers()).toBe(before);
    expect(deliveryState()).toMatchObject({ sessions: 50, refed: true });
    const wakes = deliveryState().wakes;
    await quietFor(300);
    expect(deliveryState().wakes).toBe(wakes);
    await killAll(sessions);
    expect(deliveryState()).toMatchObject({ sessions: 0, refed: false });
  });

  it("is unref'd while every live session is unref'd, and ref'd again by one ref()", async () => {
    const a = new NativePty('sleep', ['100']).unref();
    const b = new NativePty('sleep', ['100']).unref();
    expect(deliveryState()).toMatchObject({ sessions: 2, refed: false });
    b.ref();
    expect(deliveryState().refed).toBe(true);
    // The ref'd session finishing leaves only the unref'd one: the handle must let go again.
    await killAll([b]);
    expect(deliveryState()).toMatchObject({ sessions: 1, refed: false });
    a.unref(); // idempotent
    expect(deliveryState().refed).toBe(false);
    a.ref();
    a.ref();
    expect(deliveryState().refed).toBe(true);
    await killAll([a]);
    expect(deliveryState().refed).toBe(false);
  });

  it("delivers data of unref'd sessions all the same", async () => {
    const pty = new NativePty('sh', ['-c', 'echo unrefd']).unref();
    const r = await collect<string>(pty);
    expect(r.chunks.join('')).toBe('unrefd\r\n');
  });
});

describe('the gap', () => {
  it('batches a busy session: at most one delivery per pollInterval, plus the first', async () => {
    // 200 lines, one every 5 ms or so: without batching that is up to 200 deliveries.
    const gap = 200;
    const pty = new NativePty('sh', ['-c', 'i=0; while [ $i -lt 200 ]; do echo $i; i=$((i+1)); sleep 0.005; done'], {
      pollInterval: gap,
    });
    const times: number[] = [];
    pty.on('data', () => times.push(performance.now()));
    const start = performance.now();
    const r = await collect<string>(pty);
    const elapsed = performance.now() - start;
    expect(r.chunks.join('').split('\r\n').filter(Boolean)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
    // Each wake is at least a gap after the one before (the native side keeps it on its own
    // clock), except the exit's, which comes at once and brings the last output with it.
    expect(times.length).toBeLessThanOrEqual(Math.floor(elapsed / gap) + 2);
    // The times are taken in the listener, so each carries the event loop's lateness: a late
    // one shortens the next interval by as much (CI saw 194 ms of a 200 ms gap). The typical
    // interval is the gap; no interval comes anywhere near the 5 ms of unbatched output.
    const intervals = times.slice(1, -1).map((t, i) => t - times[i]!);
    const sorted = [...intervals].sort((a, b) => a - b);
    if (sorted.length > 0) expect(sorted[Math.floor(sorted.length / 2)]!).toBeGreaterThanOrEqual(gap - scaled(5));
    for (const interval of intervals) expect(interval).toBeGreaterThanOrEqual(gap / 2);
  });

  it('never delays output after a quiet spell, nor the exit, whatever pollInterval says', async () => {
    // With a gap of 1,000 s, anything that waited for the gap would time the test out.
    const pty = new NativePty('sh', ['-c', 'sleep 0.2; echo first; sleep 0.3; echo second'], { pollInterval: 1_000_000 });
    const r = await collect<string>(pty);
    expect(r.chunks.join('')).toBe('first\r\nsecond\r\n');
    expect(r.exitCode).toBe(0);
  });

  it('a full buffer wakes at once: a burst is not held to one buffer per gap', async () => {
    const pty = new NativePty('sh', ['-c', 'stty raw -echo; head -c 8388608 /dev/zero; sleep 30'], {
      encoding: null,
      pollInterval: 1_000_000,
    });
    let got = 0;
    pty.on('data', (d: Buffer) => (got += d.length));
    await until(() => got >= 6 * 1024 * 1024, 20_000, 'most of the 8 MiB burst');
    pty.kill('SIGKILL');
    await waitForExit(pty);
  });

  // Each echo comes in two pieces: the terminal's, which wakes at once, then cat's, often
  // while the first is being drained, which waits out the gap on the I/O thread's timer. A wake
  // lost on either way would hang the session for good.
  it('misses no wake over a thousand round trips', async () => {
    const pty = new NativePty('cat', [], { pollInterval: 5 });
    const done = collect<string>(pty);
    expect(await firstStalledRoundTrip(pty, 1000)).toBeNull();
    pty.write('\x04');
    expect((await done).exitCode).toBe(0);
  }, 120_000);

  it('resume() delivers what was held at once', async () => {
    const pty = new NativePty('cat', [], { pollInterval: 1_000_000 });
    await until(() => readProc(pty.pid)?.comm === 'cat' && readProc(pty.pid)?.state === 'S', 10_000, 'cat to read');
    pty.pause();
    pty.write('held\n');
    // cat has written its copy: both echoes are held natively now.
    await until(() => bytesWritten(pty.pid) >= 'held\n'.length, 10_000, 'cat to echo');
    const out = waitForOutput(pty, 'held\r\nheld\r\n');
    pty.resume();
    await out;
    pty.kill('SIGKILL');
    await waitForExit(pty);
  });
});

describe('keeping Node alive (child Node processes)', () => {
  it("an unref'd session does not keep Node alive, and its child does not outlive Node", async () => {
    const r = await runNode(fixture('pty/keepalive.ts'), { args: ['unref'] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { pid } = JSON.parse(r.stdout) as { pid: number };
    await until(() => !isAlive(pid), 10_000, `pid ${pid} to be gone`);
  });

  it("a ref'd session keeps Node alive until its exit, and a finished one does not", async () => {
    const r = await runNode(fixture('pty/keepalive.ts'), { args: ['ref'] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ output: 'done\r\n', exitCode: 0 });
  });
});
