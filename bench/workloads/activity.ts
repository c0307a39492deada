/**
 * activity cost: the throughput run with NativePty's activity detection on (the default) and
 * off (`activity: false`), alternated on/off/off/on… so drift in machine load falls on both
 * sides alike. Reports "n/a" while NativePty has no activity detection.
 */
import { mbPerSecond, median } from '../lib/stats.js';
import { catCommand, streamRun, type StreamRun } from '../lib/stream-run.js';
import { supportsActivity } from '../lib/impl.js';
import { runWorkload, type BaseParams } from '../lib/workload.js';

interface Params extends BaseParams {
  file: string;
  size: number;
  runsPerSide: number;
  settleMs: number;
}

runWorkload<Params>(
  'activity',
  async ({ impl, params, left }) => {
    if (!(await supportsActivity(impl))) return { supported: false, reason: 'NativePty has no activity detection (no `activity` member)' };

    const on: StreamRun[] = [];
    const off: StreamRun[] = [];
    for (let i = 0; i < params.runsPerSide * 2 && left() > 0; i++) {
      // on, off, off, on, on, off, … : each side gets early and late slots alike.
      const detectOn = (i % 4 === 0 || i % 4 === 3);
      const run = await streamRun(impl, catCommand(params.file), params.size, {
        limitMs: left(),
        settleMs: params.settleMs,
        spawn: detectOn ? {} : { activity: false },
      });
      (detectOn ? on : off).push(run);
    }
    const rate = (runs: StreamRun[]) => median(runs.map((r) => mbPerSecond(r.expected, r.ms)));
    const cpu = (runs: StreamRun[]) => median(runs.map((r) => r.cpuMs / (r.expected / 1e6)));
    const mainCpu = (runs: StreamRun[]) => median(runs.map((r) => r.cpuMainMs / (r.expected / 1e6)));
    const onMbps = rate(on);
    const offMbps = rate(off);
    return {
      supported: true,
      on: { mbps: on.map((r) => mbPerSecond(r.expected, r.ms)), medianMbps: onMbps, cpuMsPerMb: cpu(on), mainThreadCpuMsPerMb: mainCpu(on) },
      off: { mbps: off.map((r) => mbPerSecond(r.expected, r.ms)), medianMbps: offMbps, cpuMsPerMb: cpu(off), mainThreadCpuMsPerMb: mainCpu(off) },
      exactRuns: [...on, ...off].filter((r) => r.bytes === r.expected).length,
      runs: on.length + off.length,
      /** Throughput lost to detection, in % of the throughput without it. */
      costPercent: ((offMbps - onMbps) / offMbps) * 100,
      /** CPU per MB added by detection, in % of the CPU per MB without it. */
      cpuCostPercent: ((cpu(on) - cpu(off)) / cpu(off)) * 100,
    };
  },
  (impl) => impl !== 'node-pty',
);
