/**
 * throughput: a file of printable bytes with no newlines through `stty raw -echo; cat FILE`,
 * MB/s from spawn to exit, byte count checked, over several runs. The event-loop delay
 * (monitorEventLoopDelay) is recorded during the runs: a fast reader that starves the event
 * loop is no use to a server.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { catCommand, streamRun, type StreamRun } from '../lib/stream-run.js';
import { summarizeThroughput } from '../lib/throughput-summary.js';
import { runWorkload, type BaseParams } from '../lib/workload.js';

interface Params extends BaseParams {
  file: string;
  size: number;
  runs: number;
  settleMs: number;
}

runWorkload<Params>('throughput', async ({ impl, params, left }) => {
  // Untimed: the first session starts threads and loads code that later runs do not pay for.
  await streamRun(impl, ['-c', 'stty raw -echo; head -c 1048576 /dev/zero | tr "\\0" x'], 1048576, {
    limitMs: Math.min(10_000, left()),
    settleMs: 200,
  });

  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const runs: StreamRun[] = [];
  for (let i = 0; i < params.runs && left() > 0; i++) {
    runs.push(
      await streamRun(impl, catCommand(params.file), params.size, {
        limitMs: left(),
        settleMs: params.settleMs,
        histogram,
      }),
    );
  }
  return summarizeThroughput(runs, [
    { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 },
  ]);
});
