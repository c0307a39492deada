/**
 * throughput: a file of printable bytes with no newlines through `stty raw -echo; cat FILE`,
 * MB/s from spawn to exit, byte count checked, over several runs. The event-loop delay
 * (monitorEventLoopDelay) is recorded during the runs: a fast reader that starves the event
 * loop is no use to a server.
 *
 * native-pty runs activity detection by default, and the default is what is measured. Each
 * process also does one run with `activity: false` (before or after, alternating by round), so
 * that the PTY path alone can be compared with the C reader and node-pty in the same rounds.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { catCommand, streamRun, type StreamRun } from '../lib/stream-run.js';
import { summarizeThroughput } from '../lib/throughput-summary.js';
import { supportsActivity } from '../lib/impl.js';
import { runWorkload, type BaseParams } from '../lib/workload.js';

interface Params extends BaseParams {
  file: string;
  size: number;
  runs: number;
  settleMs: number;
  /** Which round of the runner's interleaving this process is; orders the activity-off run. */
  round: number;
}

runWorkload<Params>('throughput', async ({ impl, params, left }) => {
  // Untimed: the first session starts threads and loads code that later runs do not pay for.
  await streamRun(impl, ['-c', 'stty raw -echo; head -c 1048576 /dev/zero | tr "\\0" x'], 1048576, {
    limitMs: Math.min(10_000, left()),
    settleMs: 200,
  });

  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const withOff = await supportsActivity(impl);
  const run = (off: boolean) =>
    streamRun(impl, catCommand(params.file), params.size, {
      limitMs: left(),
      settleMs: params.settleMs,
      histogram: off ? undefined : histogram,
      spawn: off ? { activity: false } : undefined,
    });
  const runs: StreamRun[] = [];
  const offRuns: StreamRun[] = [];
  for (let i = 0; i < params.runs && left() > 0; i++) {
    const offFirst = withOff && (params.round + i) % 2 === 1;
    if (offFirst) offRuns.push(await run(true));
    runs.push(await run(false));
    if (withOff && !offFirst && left() > 0) offRuns.push(await run(true));
  }
  return {
    ...summarizeThroughput(runs, [
      { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 },
    ]),
    activityOff: withOff ? summarizeThroughput(offRuns, []) : null,
  };
});
