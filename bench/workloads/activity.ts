/**
 * activity cost: the throughput run with NativePty's activity detection on (the default) and
 * off (`activity: false`), in adjacent pairs (on/off, then off/on, …) so that drift in machine
 * load falls on both sides alike. Reports "n/a" while NativePty has no activity detection.
 */
import { mbPerSecond, median } from '../lib/stats.js';
import { catCommand, streamRun, type StreamRun } from '../lib/stream-run.js';
import { supportsActivity } from '../lib/impl.js';
import { runWorkload, type BaseParams } from '../lib/workload.js';

interface Params extends BaseParams {
  file: string;
  size: number;
  runsPerSide: number;
  /** Untimed runs before the pairs. */
  warmUpRuns: number;
  settleMs: number;
}

runWorkload<Params>(
  'activity',
  async ({ impl, params, left }) => {
    if (!(await supportsActivity(impl))) return { supported: false, reason: 'NativePty has no activity detection (no `activity` member)' };

    const run = (detectOn: boolean) =>
      streamRun(impl, catCommand(params.file), params.size, {
        limitMs: left(),
        settleMs: params.settleMs,
        spawn: detectOn ? {} : { activity: false },
      });
    // Untimed first, as in throughput.ts: a process's first runs pay for loading code and for
    // V8's young generation growing to its size (40-50 page faults per MB on the main thread in
    // the run where it grows), which would fall on one side of a pair only.
    for (let i = 0; i < params.warmUpRuns && left() > 0; i++) await run(i % 2 === 0);
    const on: StreamRun[] = [];
    const off: StreamRun[] = [];
    // Pairs of adjacent runs, on-off then off-on: each pair sees nearly the same machine load,
    // and the cost is the median of the pairs' differences.
    const pairCosts: number[] = [];
    for (let pair = 0; pair < params.runsPerSide && left() > 0; pair++) {
      const order = pair % 2 === 0 ? [true, false] : [false, true];
      const got: Partial<Record<'on' | 'off', StreamRun>> = {};
      for (const detectOn of order) {
        if (left() <= 0) break;
        got[detectOn ? 'on' : 'off'] = await run(detectOn);
      }
      if (got.on === undefined || got.off === undefined) break;
      on.push(got.on);
      off.push(got.off);
      pairCosts.push((1 - got.off.ms / got.on.ms) * 100);
    }
    const perMb = (r: StreamRun, ms: number) => ms / (r.expected / 1e6);
    const side = (runs: StreamRun[]) => ({
      mbps: runs.map((r) => mbPerSecond(r.expected, r.ms)),
      medianMbps: median(runs.map((r) => mbPerSecond(r.expected, r.ms))),
      cpuMsPerMb: median(runs.map((r) => perMb(r, r.cpuMs))),
      mainThreadCpuMsPerMb: median(runs.map((r) => perMb(r, r.cpuMainMs))),
    });
    const onSide = side(on);
    const offSide = side(off);
    return {
      supported: true,
      on: onSide,
      off: offSide,
      exactRuns: [...on, ...off].filter((r) => r.bytes === r.expected).length,
      runs: on.length + off.length,
      pairCostPercent: pairCosts,
      /** Throughput lost to detection, in % of the throughput without it (median over pairs). */
      costPercent: median(pairCosts),
      /** Main-thread CPU that detection adds, in ms per MB of output. */
      mainThreadCpuMsPerMb: onSide.mainThreadCpuMsPerMb - offSide.mainThreadCpuMsPerMb,
    };
  },
  (impl) => impl !== 'node-pty',
);
