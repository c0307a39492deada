/**
 * spawn: `/bin/true` spawned one after another, from spawn to exit, and how long the spawn call
 * itself blocks the event loop; then batches spawned all at once (total wall time per batch).
 */
import { distribution, median } from '../lib/stats.js';
import { nowMs, onceExit, runWorkload, type BaseParams } from '../lib/workload.js';

interface Params extends BaseParams {
  sequential: number;
  warmup: number;
  concurrent: number;
  batches: number;
  /** One child slower than this from spawn to exit is a failure. */
  exitLimitMs: number;
}

runWorkload<Params>('spawn', async ({ impl, params, left }) => {
  const totalMs: number[] = [];
  const callUs: number[] = [];
  let failures = 0;

  for (let i = 0; i < params.warmup + params.sequential && left() > 0; i++) {
    const t0 = nowMs();
    const pty = impl.spawn('/bin/true', []);
    const t1 = nowMs();
    const exit = await onceExit(pty, Math.min(params.exitLimitMs, left()));
    if (exit === null || exit.exitCode !== 0) failures++;
    if (exit === null) pty.kill('SIGKILL');
    if (exit === null || i < params.warmup) continue;
    callUs.push((t1 - t0) * 1e3);
    totalMs.push(exit.at - t0);
  }

  const wallMs: number[] = [];
  const spawnLoopMs: number[] = [];
  for (let b = 0; b < params.batches && left() > 0; b++) {
    const t0 = nowMs();
    const ptys = [];
    for (let i = 0; i < params.concurrent; i++) ptys.push(impl.spawn('/bin/true', []));
    const t1 = nowMs();
    const exits = await Promise.all(ptys.map((pty) => onceExit(pty, Math.min(params.exitLimitMs * 10, left()))));
    const missing = exits.filter((e) => e === null).length;
    failures += missing;
    if (missing > 0) {
      for (const pty of ptys) pty.kill('SIGKILL');
      continue;
    }
    wallMs.push(Math.max(...exits.map((e) => e!.at)) - t0);
    spawnLoopMs.push(t1 - t0);
  }

  return {
    failures,
    totalMs: distribution(totalMs),
    callUs: distribution(callUs),
    concurrent: params.concurrent,
    concurrentWallMs: wallMs,
    medianConcurrentWallMs: median(wallMs),
    /** How long the loop of spawn calls alone held the event loop, per batch. */
    concurrentSpawnLoopMs: spawnLoopMs,
  };
});
