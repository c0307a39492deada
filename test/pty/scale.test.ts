/**
 * Many sessions at once and many in a row: no output crosses between sessions, and nothing
 * (fds, timers, sessions) accumulates.
 */
import { describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { deliveryState } from '../../src/delivery.js';
import { collect, fdCount, run, threadsNamed, until, waitForOutput } from '../helpers/index.js';

describe('100 concurrent sessions', () => {
  it('each gets exactly its own output', async () => {
    const n = 100;
    const lines = 50;
    // Every child waits for a line, so all 100 are open at once and then write at once. It
    // says R once its echo is off, so that the line we send is not echoed. Should stty fail
    // (a machine out of processes), the child says so rather than echoing our line.
    const sessions = Array.from({ length: n }, (_, k) => {
      const pty = new NativePty('sh', [
        '-c',
        `stty -echo || { echo "stty failed: $?"; exit 3; }; echo R; read go; i=0; while [ $i -lt ${lines} ]; do echo "s${k}-$i"; i=$((i+1)); done`,
      ]);
      return { k, pty, done: collect<string>(pty), ready: waitForOutput(pty, 'R\r\n') };
    });
    await Promise.all(sessions.map((s) => s.ready));
    // One I/O thread serves them all, named so that `top -H` and profiles say whose it is
    // (checked after the sessions are let go, so that a failure does not leave them waiting).
    const ioThreads = threadsNamed('native-pty io');
    for (const { pty } of sessions) pty.write('go\n');
    expect(ioThreads).toBe(1);
    const pids = new Set(sessions.map((s) => s.pty.pid));
    const pts = new Set(sessions.map((s) => s.pty.ptsName));
    expect(pids.size).toBe(n);
    expect(pts.size).toBe(n);
    for (const { k, done } of sessions) {
      const r = await done;
      expect(r.exitCode).toBe(0);
      const expected = 'R\r\n' + Array.from({ length: lines }, (_, i) => `s${k}-${i}\r\n`).join('');
      expect(r.chunks.join('')).toBe(expected);
    }
  });
});

describe('500 spawns in a row', () => {
  it('leave the fd count of the process at its baseline, and nothing holding the event loop', async () => {
    // The first session starts the native I/O thread and its epoll fd; that is not a leak.
    await run('true');
    await until(() => !deliveryState().refed, 5_000, "delivery to let go of the event loop");
    const baseline = fdCount();
    const total = 500;
    const batch = 25;
    for (let started = 0; started < total; started += batch) {
      const round = Array.from({ length: batch }, (_, i) =>
        collect(new NativePty('sh', ['-c', `echo ${started + i}`])),
      );
      for (const r of await Promise.all(round)) {
        expect(r.exitCode).toBe(0);
      }
    }
    // A bound that only catches a leak: masters and pidfds are closed when exit is reported.
    await until(() => fdCount() <= baseline, 5_000, `fd count back to ${baseline} (now ${fdCount()})`);
    expect(fdCount()).toBe(baseline);
    expect(deliveryState()).toMatchObject({ sessions: 0, refed: false });
  });
});
