/**
 * Fault: a child killed by SIGKILL while it prints. The exit must say signal 9, and every byte
 * the child wrote before it died must still be delivered, before the exit.
 */
import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { addon } from '../../src/native.js';
import { outputMatches, readProc, seqBytes, seqOutput, seqPrefixLines, track, until, untilBlocked } from '../helpers/index.js';

const native = addon();

const SIGKILL = constants.signals.SIGKILL;

describe('SIGKILL mid-output', () => {
  it('a child that kills itself right after printing: every line arrives, then signal 9', async () => {
    // seq has returned from its last write before the shell kills itself, so all of it is in
    // the terminal or our buffer when the child dies.
    const t = track(new NativePty('sh', ['-c', 'seq 1 50000; kill -9 $$']));
    await t.exited;
    expect(t.signal).toBe(SIGKILL);
    expect(t.exitCode).toBe(0);
    expect(t.output.length).toBe(seqOutput(50000).length);
    expect(t.output === seqOutput(50000)).toBe(true);
  });

  it('killed while blocked on a full terminal: everything it wrote is delivered after the kill', async () => {
    const pty = new NativePty('seq', ['1', '100000000']);
    const t = track(pty);
    pty.pause();
    // Paused: our buffer fills to its paused high-water mark, then the kernel's, then seq blocks. Wait
    // until its written-byte count stops moving. (It is below the high-water mark: the terminal
    // turns each \n into \r\n.)
    const written = await untilBlocked(pty.pid, native.pausedHighWaterMark / 2);
    expect(readProc(pty.pid)?.state).toBe('S');

    pty.kill('SIGKILL');
    // The child is dead and reaped while its output is still held.
    await until(() => readProc(pty.pid) === null, 10_000, 'the child to be reaped');
    pty.resume();
    await t.exited;

    expect(t.signal).toBe(SIGKILL);
    const lines = seqPrefixLines(t.output);
    expect(lines).toBeGreaterThan(0);
    // Every write(2) that returned before the kill is in the output (a write the kill
    // interrupted may add a little more, never less). Counted as seq wrote it: \n, not \r\n.
    const partialLine = t.output.length - (t.output.lastIndexOf('\r\n') + 2);
    expect(seqBytes(lines) + partialLine).toBeGreaterThanOrEqual(written);
    expect(t.output.length).toBeGreaterThan(native.pausedHighWaterMark);
    expect(t.exits).toBe(1);
    expect(t.dataAfterExit).toBe(false);
  });

  it('killed while streaming freely: the output is an unbroken prefix and the exit is signal 9', async () => {
    for (const delivery of ['poll', 'wake'] as const) {
      const t = track(new NativePty('seq', ['1', '100000000'], { delivery }));
      await outputMatches(t, (o) => o.length > 200_000);
      t.pty.kill(SIGKILL);
      await t.exited;
      expect(t.signal).toBe(SIGKILL);
      expect(seqPrefixLines(t.output)).toBeGreaterThan(20_000);
      expect(t.exits).toBe(1);
    }
  });

  it('a whole process group killed mid-output (kill target "group") reports signal 9 too', async () => {
    const t = track(new NativePty('sh', ['-c', 'seq 1 100000000 | cat']));
    await outputMatches(t, (o) => o.length > 100_000);
    t.pty.kill('SIGKILL', 'group');
    await t.exited;
    expect(t.signal).toBe(SIGKILL);
    expect(seqPrefixLines(t.output)).toBeGreaterThan(10_000);
  });
});
