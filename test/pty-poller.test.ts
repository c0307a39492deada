/**
 * The one shared poller: one timer whatever the number of sessions, at the smallest
 * pollInterval, ref'd only while a ref'd session runs; and a throwing listener of one session
 * does not starve the others.
 */
import { describe, expect, it } from 'vitest';
import { NativePty } from '../src/index.js';
import { pollerState } from '../src/poller.js';
import { collect, isAlive, runNodeFixture, until, waitForExit } from './fixtures/pty/harness.js';

/** Timers that keep the event loop alive right now. */
const refedTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

async function killAll(sessions: NativePty[]): Promise<void> {
  for (const pty of sessions) pty.kill('SIGKILL');
  await Promise.all(sessions.map(waitForExit));
}

describe('one timer', () => {
  it('serves 50 sessions, and stops when the last one exits', async () => {
    expect(pollerState().timerActive).toBe(false);
    const before = refedTimers();
    const sessions = Array.from({ length: 50 }, () => new NativePty('sleep', ['100']));
    // Compared within one synchronous stretch: other timers of the test runner come and go.
    expect(refedTimers() - before).toBe(1);
    expect(pollerState()).toMatchObject({ sessions: 50, timerActive: true, refed: true, interval: 10 });
    await killAll(sessions);
    expect(pollerState()).toMatchObject({ sessions: 0, timerActive: false });
  });

  it('ticks at the smallest pollInterval among live sessions', async () => {
    const slow = new NativePty('sleep', ['100'], { pollInterval: 50 });
    expect(pollerState().interval).toBe(50);
    const fast = new NativePty('sleep', ['100'], { pollInterval: 3 });
    expect(pollerState().interval).toBe(3);
    await killAll([fast]);
    expect(pollerState().interval).toBe(50);
    await killAll([slow]);
    expect(pollerState().timerActive).toBe(false);
  });

  it('is unref\'d while every live session is unref\'d, and ref\'d again by one ref()', async () => {
    // Each count is compared within one synchronous stretch: other timers of the test runner
    // come and go between awaits.
    let before = refedTimers();
    const a = new NativePty('sleep', ['100']).unref();
    const b = new NativePty('sleep', ['100']).unref();
    expect(pollerState()).toMatchObject({ timerActive: true, refed: false });
    expect(refedTimers()).toBe(before);
    b.ref();
    expect(pollerState().refed).toBe(true);
    expect(refedTimers() - before).toBe(1);
    // The ref'd session finishing leaves only the unref'd one: the timer must let go again.
    await killAll([b]);
    expect(pollerState()).toMatchObject({ sessions: 1, timerActive: true, refed: false });
    before = refedTimers();
    a.unref(); // idempotent
    expect(refedTimers()).toBe(before);
    a.ref();
    a.ref();
    expect(pollerState().refed).toBe(true);
    expect(refedTimers() - before).toBe(1);
    await killAll([a]);
    expect(pollerState().timerActive).toBe(false);
  });

  it('delivers data of unref\'d sessions all the same', async () => {
    const pty = new NativePty('sh', ['-c', 'echo unrefd']).unref();
    const r = await collect<string>(pty);
    expect(r.chunks.join('')).toBe('unrefd\r\n');
  });
});

describe('keeping Node alive (child Node processes)', () => {
  it("an unref'd session does not keep Node alive, and its child does not outlive Node", async () => {
    const r = await runNodeFixture('keepalive.ts', ['unref']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { pid } = JSON.parse(r.stdout) as { pid: number };
    await until(() => !isAlive(pid), 10_000, `pid ${pid} to be gone`);
  });

  it("a ref'd session keeps Node alive until its exit, and a finished one does not", async () => {
    const r = await runNodeFixture('keepalive.ts', ['ref']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ output: 'done\r\n', exitCode: 0 });
  });
});

describe('isolation of listeners', () => {
  it('a throwing listener surfaces as an uncaught exception and does not stop other sessions', async () => {
    const r = await runNodeFixture('throwing-listener.ts');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const n = 6;
    const ks = Array.from({ length: n }, (_, k) => k);
    // Every session got all of its data and its exit although every listener threw, and each
    // error surfaced once.
    expect(JSON.parse(r.stdout)).toEqual({
      data: ks.map((k) => `out-${k}\r\n`),
      exits: ks,
      errors: [...ks.map((k) => `data ${k}`), ...ks.map((k) => `exit ${k}`)].sort(),
    });
  });
});
