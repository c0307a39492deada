/**
 * How sessions end: keyboard signals, exit codes, kill() with names, numbers and targets, and
 * the awkward cases (a grandchild holding the pts, a stopped child, a child that closes its
 * stdio before exiting).
 */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { collect, isAlive, parseStat, quietFor, run, until, waitForExit, waitForOutput } from '../helpers/index.js';

const SIG = constants.signals;

describe('keyboard', () => {
  it('Ctrl+C ends sleep by SIGINT', async () => {
    const pty = new NativePty('sleep', ['100']);
    const done = collect(pty);
    pty.write('\x03');
    const r = await done;
    expect(r.signal).toBe(SIG.SIGINT);
    expect(r.exitCode).toBe(0);
    expect(pty.signalCode).toBe(SIG.SIGINT);
  });

  it('Ctrl+D ends cat with exit code 0', async () => {
    const pty = new NativePty('cat');
    const done = collect(pty);
    pty.write('\x04');
    const r = await done;
    expect(r.exitCode).toBe(0);
    expect(r.signal).toBe(0);
    expect(pty.signalCode).toBeNull();
  });
});

describe('exit codes', () => {
  for (const code of [0, 1, 7, 42, 255]) {
    it(`exit ${code} is reported as ${code} with no signal`, async () => {
      const r = await run('sh', ['-c', `exit ${code}`]);
      expect(r.exitCode).toBe(code);
      expect(r.signal).toBe(0);
      expect(r.pty.exitCode).toBe(code);
      expect(r.pty.signalCode).toBeNull();
      expect(r.pty.exited).toBe(true);
    });
  }

  it('onExit gets { exitCode, signal } and its disposable works', async () => {
    const pty = new NativePty('sh', ['-c', 'exit 3']);
    const events: unknown[] = [];
    pty.onExit((e) => events.push(e));
    const disposed = pty.onExit((e) => events.push(['disposed', e]));
    disposed.dispose();
    await waitForExit(pty);
    expect(events).toEqual([{ exitCode: 3, signal: 0 }]);
  });
});

describe('kill()', () => {
  const cases: Array<[string | number | undefined, number]> = [
    [undefined, SIG.SIGHUP],
    ['SIGTERM', SIG.SIGTERM],
    ['SIGKILL', SIG.SIGKILL],
    ['SIGUSR1', SIG.SIGUSR1],
    [SIG.SIGINT, SIG.SIGINT],
    [SIG.SIGALRM, SIG.SIGALRM],
  ];
  for (const [given, expected] of cases) {
    it(`kill(${JSON.stringify(given)}) ends the child by signal ${expected}`, async () => {
      const pty = new NativePty('sleep', ['100']);
      const done = collect(pty);
      if (given === undefined) pty.kill();
      else pty.kill(given);
      const r = await done;
      expect(r.signal).toBe(expected);
      expect(r.exitCode).toBe(0);
    });
  }

  it("kill(sig, 'group') reaches a background job in the child's process group", async () => {
    const pty = new NativePty('sh', ['-c', 'sleep 100 & echo "bg=$!"; wait']);
    const done = collect(pty);
    const out = await waitForOutput(pty, /bg=(\d+)\r\n/);
    const bg = Number(/bg=(\d+)/.exec(out)![1]);
    expect(isAlive(bg)).toBe(true);
    pty.kill('SIGTERM', 'group');
    const r = await done;
    expect(r.signal).toBe(SIG.SIGTERM);
    await until(() => !isAlive(bg), 5_000, 'the background sleep to die');
  });

  it("kill(sig, 'foreground') reaches the foreground job, not the job-control shell", async () => {
    // With job control on, bash runs sleep in a process group of its own and gives it the
    // terminal: the foreground group is sleep's, not the child's.
    const pty = new NativePty('bash', ['-c', 'set -m; echo START; sleep 100; echo "after $?"; exit 0']);
    const done = collect<string>(pty);
    await waitForOutput(pty, 'START');
    await until(() => pty.process === 'sleep', 10_000, 'sleep in the foreground');
    const children = readFileSync(`/proc/${pty.pid}/task/${pty.pid}/children`, 'utf8').trim().split(' ').map(Number);
    expect(children).toHaveLength(1);
    const sleepPid = children[0]!;
    expect(parseStat(readStat(sleepPid))[2]).toBe(String(sleepPid));
    pty.kill('SIGINT', 'foreground');
    const r = await done;
    expect(isAlive(sleepPid)).toBe(false);
    // bash itself was not signalled: it saw its job die of SIGINT and exited with 128 + 2.
    expect(r.signal).toBe(0);
    expect(r.exitCode).toBe(128 + SIG.SIGINT);
  });
});

describe('awkward endings', () => {
  it('a grandchild holding the pts does not hold back exit, nor the output before it', async () => {
    // The grandchild ignores SIGHUP, so it survives its session leader and keeps the pts open:
    // the master never sees EOF while it runs. The shell waits for a line, so that it cannot
    // exit (and hang up the terminal) before the grandchild has set its trap.
    const pty = new NativePty('sh', [
      '-c',
      `(trap '' HUP; echo armed; exec sleep 30) & echo "gc=$!"; read line; echo bye; exit 5`,
    ]);
    const done = collect<string>(pty);
    const early = await waitForOutput(pty, /gc=\d+[^]*armed|armed[^]*gc=\d+/);
    const gc = Number(/gc=(\d+)/.exec(early)![1]);
    try {
      const started = Date.now();
      pty.write('\n');
      const r = await done;
      const elapsed = Date.now() - started;
      expect(r.chunks.join('')).toContain('bye');
      expect(r.exitCode).toBe(5);
      expect(r.signal).toBe(0);
      // The grace period is documented as at most 250 ms after the reap; this bound only
      // catches a wait for the grandchild (30 s).
      expect(elapsed).toBeLessThan(5_000);
      expect(isAlive(gc)).toBe(true);
    } finally {
      process.kill(gc, 'SIGKILL');
    }
  });

  it('SIGSTOP / SIGCONT is not an exit', async () => {
    const pty = new NativePty('cat');
    const done = collect<string>(pty);
    pty.kill('SIGSTOP');
    await until(() => parseStat(readStat(pty.pid))[0] === 'T', 5_000, 'the child to stop');
    await quietFor(200); // no exit comes for a stop
    expect(pty.exited).toBe(false);
    pty.kill('SIGCONT');
    await until(() => parseStat(readStat(pty.pid))[0] !== 'T', 5_000, 'the child to continue');
    pty.write('still here\n');
    await waitForOutput(pty, /still here\r\n.*still here\r\n/s);
    expect(pty.exited).toBe(false);
    pty.write('\x04');
    const r = await done;
    expect(r.exitCode).toBe(0);
    expect(r.signal).toBe(0);
  });

  it('a child that sends its stdio away before exiting keeps its exit code', async () => {
    const r = await run('sh', ['-c', 'echo before; exec >/dev/null 2>&1 </dev/null; exit 7']);
    expect(r.output).toBe('before\r\n');
    expect(r.exitCode).toBe(7);
    expect(r.signal).toBe(0);
  });

  it('... also when it lives on for a while after closing its stdio', async () => {
    const r = await run('sh', ['-c', 'echo before; exec >/dev/null 2>&1 </dev/null; sleep 0.5; exit 7']);
    expect(r.output).toBe('before\r\n');
    expect(r.exitCode).toBe(7);
    expect(r.signal).toBe(0);
  });
});

describe('destroy()', () => {
  it('closes the terminal: the child gets SIGHUP and exit still arrives', async () => {
    const pty = new NativePty('cat');
    const done = collect(pty);
    pty.destroy();
    const r = await done;
    expect(r.signal).toBe(SIG.SIGHUP);
    expect(pty.exited).toBe(true);
  });

  it('works on a paused session too', async () => {
    const pty = new NativePty('cat');
    const done = collect(pty);
    pty.pause();
    pty.destroy();
    const r = await done;
    expect(r.signal).toBe(SIG.SIGHUP);
  });
});

describe('calls after exit', () => {
  it('are safe no-ops, and emit nothing', async () => {
    const r = await run('sh', ['-c', 'echo done']);
    const pty = r.pty;
    const late: string[] = [];
    pty.on('data', () => late.push('data'));
    pty.on('exit', () => late.push('exit'));
    pty.on('error', () => late.push('error'));
    pty.write('more\n');
    pty.write(Buffer.from('more\n'));
    pty.resize(100, 50);
    pty.resize(100, 50, { width: 800, height: 600 });
    pty.kill();
    pty.kill('SIGKILL');
    pty.kill(9, 'group');
    pty.kill('SIGINT', 'foreground');
    pty.pause();
    pty.resume();
    pty.clear();
    pty.destroy();
    pty.destroy();
    pty.unref();
    pty.ref();
    expect(pty.process).toBe('sh');
    expect(pty.cols).toBe(80);
    await quietFor(100);
    expect(late).toEqual([]);
    expect(pty.exitCode).toBe(0);
  });

  it('still reject bad arguments', async () => {
    const r = await run('true');
    expect(() => r.pty.kill('SIGNOPE')).toThrow(RangeError);
    expect(() => r.pty.resize(0, 10)).toThrow(RangeError);
    expect(() => r.pty.write(42 as unknown as string)).toThrow(TypeError);
  });

  it('are safe after destroy() too, before exit has arrived', async () => {
    const pty = new NativePty('cat');
    const done = collect(pty);
    pty.destroy();
    pty.write('x');
    pty.resize(10, 10);
    pty.pause();
    pty.resume();
    pty.kill('SIGTERM');
    const r = await done;
    expect(r.exitCode === 0 || r.signal !== undefined).toBe(true);
  });
});

function readStat(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8');
}
