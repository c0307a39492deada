/**
 * throughput: a file of printable bytes with no newlines through `stty raw -echo; cat FILE`,
 * MB/s from spawn to exit, byte count checked, over several runs. The event-loop delay
 * (monitorEventLoopDelay) is recorded during the runs: a fast reader that starves the event
 * loop is no use to a server.
 *
 * The defaults are what is measured first (text; native-pty also runs activity detection). Each
 * process also does one run for Buffers (`encoding: null`, and `activity: false` for native-pty),
 * before or after, alternating by round: the PTY path alone, against the C reader in the same
 * rounds.
 *
 * Each timed run is also bracketed by runs of the C reader, one just before it and one just
 * after (the one between two timed runs serves both): this VM changes speed within seconds (the
 * C reader's rounds of one bench spread 125-327 MB/s), so the runner's C run of the round, up to
 * ten seconds away, can be from another window. The record keeps the mean of the two. The C
 * reader is one process serving one run at a time (lib/c-reader-server.ts), started before the
 * warm-ups.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

import { CReaderServer } from '../lib/c-reader-server.js';
import { catCommand, streamRun, type StreamRun } from '../lib/stream-run.js';
import { summarizeThroughput, type CReaderBeside } from '../lib/throughput-summary.js';
import { runWorkload, type BaseParams } from '../lib/workload.js';

interface Params extends BaseParams {
  file: string;
  size: number;
  runs: number;
  settleMs: number;
  /** Which round of the runner's interleaving this process is; orders the activity-off run. */
  round: number;
  /** The C reader (bench/c/ptybench.c) to bracket each timed run with; null: no brackets. */
  cReader: string | null;
}

/** The C reader's figures around a run: the mean of the run before and the run after it. */
function besideOf(before: CReaderBeside | null, after: CReaderBeside | null): CReaderBeside | undefined {
  if (before === null || after === null) return undefined;
  return { mbps: (before.mbps + after.mbps) / 2, cpuMsPerMb: (before.cpuMsPerMb + after.cpuMsPerMb) / 2 };
}

runWorkload<Params>('throughput', async ({ impl, params, left }) => {
  // First: starting it forks this process, and the warm-ups then pay for that, not a timed run.
  const cReader = params.cReader === null ? null : new CReaderServer(params.cReader, params.file, params.size);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const run = (buffers: boolean, timed = true) =>
    streamRun(impl, catCommand(params.file), params.size, {
      limitMs: left(),
      settleMs: params.settleMs,
      histogram: buffers || !timed ? undefined : histogram,
      spawn: buffers ? { encoding: null, activity: false } : undefined,
    });
  // Untimed, once each: what a server pays once, not per megabyte. The first session starts
  // threads and loads code, and the first tens of megabytes grow the heaps that later output
  // reuses (V8 frees Buffers and strings only when it collects, about every 64 MB; until the
  // first collection each chunk is memory new to the process, a page fault per 4 KiB). Measured
  // on 2026-12-05 with 64 MiB: 2.1 (text) and 3.3 (Buffers) ms of the main thread's CPU per MB in
  // a process's first run, 0.5 and 0.2-0.4 in the next.
  // Then text four times more. V8's young generation shrinks during the first Buffers run
  // (which allocates almost nothing there) and grows in steps over the next few hundred MB of
  // text, whenever enough has survived its collections (the pieces of a drain not yet handed to
  // listeners: up to 1 MiB with poll delivery, so it grows sooner there than with wake). The run
  // in which a step's new pages are first used has 40-50 page faults per MB on the main thread
  // and costs it 0.9-1.5 ms per MB, against 0-2 faults and 0.3-0.5 ms once the space has its
  // size (measured 2026-12-05: the second to sixth text run of a process). A server pays that
  // once, or again after V8 shrank the space in a quiet spell. The report shows each run's
  // faults per MB, so a run that still paid it is seen.
  await run(false, false);
  await run(true, false);
  for (let i = 0; i < 4; i++) await run(false, false);
  const runs: StreamRun[] = [];
  const bufferRuns: StreamRun[] = [];
  let cBefore = (await cReader?.run(left())) ?? null;
  const bracketed = async (buffers: boolean): Promise<void> => {
    const r = await run(buffers);
    const cAfter = (await cReader?.run(left())) ?? null;
    (buffers ? bufferRuns : runs).push({ ...r, besideC: besideOf(cBefore, cAfter) });
    cBefore = cAfter;
  };
  for (let i = 0; i < params.runs && left() > 0; i++) {
    const buffersFirst = (params.round + i) % 2 === 1;
    if (buffersFirst) await bracketed(true);
    await bracketed(false);
    if (!buffersFirst && left() > 0) await bracketed(true);
  }
  cReader?.close();
  return {
    ...summarizeThroughput(runs, [
      { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 },
    ]),
    buffers: summarizeThroughput(bufferRuns, []),
    cReaderError: cReader?.error ?? null,
  };
});
