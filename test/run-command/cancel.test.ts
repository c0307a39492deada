/**
 * Timeout and abort on real processes: output received before and after the interrupt is kept,
 * the escalation Ctrl+C -> SIGTERM -> SIGKILL reaches children that ignore the first steps, and
 * a run settles even when a descendant holds the terminal open.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { AbortError, runCommand, runShell } from '../../src/run-command.js';
import { Escalation } from '../../src/run-command/escalation.js';

const { SIGINT, SIGKILL } = constants.signals;
/**
 * The timeout of runs whose child must have set its traps before it fires. The children are
 * shells, which do that within milliseconds of exec; a Node child needed over 2 s under the
 * sanitizer build on a loaded machine, and Ctrl+C then simply killed it.
 */
const READY_MS = 1_000;

// The child scripts, for runShell with /bin/sh. They wait with the `wait` builtin, which a
// trapped signal ends at once, for a `sleep` in the background (which ignores Ctrl+C, as
// background jobs of a script do, and holds no fd of the terminal). A trap set while a
// foreground `sleep` runs would wait for it, and a Ctrl+C landing between its fork and exec
// would not end it. The shell's stderr goes nowhere: it reports there a `sleep` that a signal
// to the group killed ("Terminated").
const LOOP = 'exec 2>/dev/null; echo ready; while :; do sleep 1 </dev/null >/dev/null & wait $!; done';
/** Says "ready", then waits; on Ctrl+C says so and exits with 130, as shells report it. */
const INTERRUPTIBLE = `trap 'echo interrupted; exit 130' INT; ${LOOP}`;
/** Reports Ctrl+C and SIGTERM and carries on: only SIGKILL ends it. */
const STUBBORN = `trap 'echo got SIGINT' INT; trap 'echo got SIGTERM' TERM; ${LOOP}`;
/**
 * Starts a grandchild in a session of its own (so signals to our process group miss it) that
 * ignores every catchable signal and keeps the terminal open, and prints its pid. The parent
 * ignores SIGHUP first, and the grandchild inherits that, so the hang-up at the parent's exit
 * cannot reach it before it has left our session. setsid does not fork here (a background job
 * of a shell without job control leads no group), and both it and sh exec: $! is its pid.
 */
const PTS_HOLDER = `trap '' HUP; setsid sh -c "trap '' HUP INT TERM; exec sleep 60" & echo "grandchild $!"`;
const sh = (script: string, opts: Parameters<typeof runShell>[1] = {}) =>
  runShell(script, { shell: '/bin/sh', ...opts });

const scratch = mkdtempSync(path.join(tmpdir(), 'run-command-cancel-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Grandchildren that outlive their run on purpose; killed after each test. */
const strays: number[] = [];
afterEach(() => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone: nothing to clean up.
    }
  }
});

/** Alive and not a zombie: an orphan may wait a while for a reaper that is not ours. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function grandchildOf(output: string): number {
  const m = /grandchild (\d+)/.exec(output);
  expect(m).not.toBeNull();
  const pid = Number(m![1]);
  strays.push(pid);
  return pid;
}

/** Resolves once onData has seen `text`. */
function whenSeen(text: string) {
  let seen = '';
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return {
    promise,
    onData: (d: string) => {
      seen += d;
      if (seen.includes(text)) resolve();
    },
  };
}

describe('timeout', () => {
  it('interrupts with Ctrl+C and keeps the output from before and after it', async () => {
    const r = await sh(INTERRUPTIBLE, { timeout: READY_MS });
    expect(r).toMatchObject({ exitCode: 130, signal: null, timedOut: true, aborted: false });
    expect(r.output).toBe('ready\r\ninterrupted\r\n');
    expect(r.durationMs).toBeGreaterThanOrEqual(READY_MS - 1);
  });

  it('reports a command killed by the Ctrl+C itself', async () => {
    const r = await runShell('echo partial; sleep 30', { shell: '/bin/sh', timeout: 300 });
    expect(r).toMatchObject({ exitCode: null, signal: SIGINT, timedOut: true, aborted: false });
    expect(r.output).toBe('partial\r\n');
  });

  it('does not fire once the command has finished', async () => {
    const r = await runCommand('true', [], { timeout: 50, killGraceMs: 0 });
    expect(r.timedOut).toBe(false);
    // The timer was cleared: nothing is left that could act on a recycled process group.
    await new Promise((r) => setTimeout(r, 100));
  });

  it('with timeout 0 waits as long as the command runs', async () => {
    const r = await runShell('sleep 0.3; echo late', { shell: '/bin/sh', timeout: 0 });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, output: 'late\r\n' });
  });
});

describe('abort', () => {
  it('interrupts mid-run and keeps the partial output', async () => {
    const controller = new AbortController();
    const ready = whenSeen('ready');
    const run = sh(INTERRUPTIBLE, {
      signal: controller.signal,
      onData: ready.onData,
    });
    await ready.promise;
    controller.abort(new Error('user pressed stop'));
    const r = await run;
    expect(r).toMatchObject({ exitCode: 130, signal: null, timedOut: false, aborted: true });
    expect(r.output).toBe('ready\r\ninterrupted\r\n');
  });

  it('rejects with an AbortError, and starts nothing, when already aborted', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled before start');
    controller.abort(reason);
    const marker = path.join(scratch, 'should-not-exist');
    const err = await runCommand('touch', [marker], { signal: controller.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect(err).toMatchObject({ name: 'AbortError', code: 'ABORT_ERR', cause: reason });
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(marker)).toBe(false);
  });

  it('rejects with an AbortError, and starts nothing, when aborted before its turn to spawn', async () => {
    const controller = new AbortController();
    const marker = path.join(scratch, 'should-not-exist-either');
    const run = runCommand('touch', [marker], { signal: controller.signal });
    controller.abort('changed my mind');
    await expect(run).rejects.toMatchObject({ name: 'AbortError', cause: 'changed my mind' });
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(marker)).toBe(false);
  });

  it('removes its abort listener when the run ends', async () => {
    const controller = new AbortController();
    await runCommand('true', [], { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    // Aborting afterwards is harmless.
    controller.abort();
  });

  it('reports the first cause only when a timeout and an abort both come', async () => {
    const controller = new AbortController();
    const run = sh(STUBBORN, {
      timeout: READY_MS,
      killGraceMs: 200,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), READY_MS + 100);
    const r = await run;
    expect(r).toMatchObject({ timedOut: true, aborted: false, signal: SIGKILL });
  });
});

describe('escalation', () => {
  it('goes Ctrl+C, SIGTERM, SIGKILL against a child that ignores the first two', async () => {
    const r = await sh(STUBBORN, {
      timeout: READY_MS,
      killGraceMs: 300,
    });
    expect(r).toMatchObject({ exitCode: null, signal: SIGKILL, timedOut: true });
    expect(r.output).toBe('ready\r\ngot SIGINT\r\ngot SIGTERM\r\n');
    expect(isAlive(r.pid)).toBe(false);
  });

  it('reaches the whole process group, not just the child', async () => {
    // The shell and its background job both ignore SIGINT and SIGTERM (an ignored disposition
    // is inherited across exec); only SIGKILL to the group ends the job.
    const r = await runShell("trap '' INT TERM; sleep 60 & echo job $!; wait", {
      shell: '/bin/sh',
      timeout: 300,
      killGraceMs: 200,
    });
    expect(r).toMatchObject({ exitCode: null, signal: SIGKILL, timedOut: true });
    const job = Number(/job (\d+)/.exec(r.output)![1]);
    strays.push(job);
    // The job may need a moment to be reaped by init after SIGKILL.
    for (let i = 0; i < 50 && isAlive(job); i++) await new Promise((r) => setTimeout(r, 20));
    expect(isAlive(job)).toBe(false);
  });

  it('stops within its bound when the target never exits', async () => {
    // A target that ignores everything stands in for a child stuck in the kernel.
    const calls: string[] = [];
    const graceMs = 50;
    const started = performance.now();
    await new Promise<void>((resolve) => {
      const e = new Escalation(
        {
          kill: (signal, target) => calls.push(`${signal}:${target}`),
          destroy: () => calls.push('destroy'),
        },
        graceMs,
        resolve,
      );
      e.start();
      e.start();
    });
    expect(calls).toEqual(['SIGINT:foreground', 'SIGTERM:group', 'SIGKILL:group', 'destroy']);
    // Generous: only catches an escalation that waits far longer than it says.
    expect(performance.now() - started).toBeLessThan(Escalation.bound(graceMs) + 2000);
  });

  it('goes on to the next step when a signal cannot be sent', async () => {
    const calls: string[] = [];
    await new Promise<void>((resolve) => {
      new Escalation(
        {
          kill: (signal) => {
            calls.push(signal);
            throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
          },
          destroy: () => calls.push('destroy'),
        },
        0,
        resolve,
      ).start();
    });
    expect(calls).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL', 'destroy']);
  });
});

describe('a grandchild that keeps the terminal open', () => {
  it('does not hold up a command that has exited', async () => {
    const r = await sh(`${PTS_HOLDER}; echo parent done`, { timeout: 20_000 });
    const holder = grandchildOf(r.output);
    expect(r).toMatchObject({ exitCode: 0, signal: null, timedOut: false });
    expect(r.output).toContain('parent done\r\n');
    expect(isAlive(holder)).toBe(true);
    // Generous: the point is that the run did not wait for the grandchild or the 20 s timeout.
    expect(r.durationMs).toBeLessThan(10_000);
  });

  it('does not hold up an interrupted command that ignored Ctrl+C and SIGTERM', async () => {
    const r = await sh(`${PTS_HOLDER}; ${STUBBORN}`, {
      timeout: READY_MS,
      killGraceMs: 200,
    });
    grandchildOf(r.output);
    expect(r).toMatchObject({ exitCode: null, signal: SIGKILL, timedOut: true });
    expect(r.output).toContain('ready\r\ngot SIGINT\r\ngot SIGTERM\r\n');
    expect(r.durationMs).toBeLessThan(READY_MS + Escalation.bound(200) + 5_000);
  });
});
