/**
 * One timed run of `sh -c 'stty raw -echo; cat FILE'`: the throughput measurement shared by
 * the throughput and activity-cost workloads.
 */
import fs from 'node:fs';
import type { IntervalHistogram } from 'node:perf_hooks';

import type { BenchSpawnOptions, LoadedImpl } from './impl.js';
import type { CReaderBeside } from './throughput-summary.js';
import { nowMs, onceExit } from './workload.js';

export interface StreamRun {
  expected: number;
  /** Bytes delivered when 'exit' fired: what a program that trusts 'exit' has. */
  bytesAtExit: number;
  /** Bytes delivered once late data (after 'exit') has had `settleMs` to arrive. */
  bytes: number;
  dataAfterExit: boolean;
  /** From just before spawn to exit, or to the last byte when that came later. */
  ms: number;
  /** CPU time of the whole Node process (all its threads) during the run. */
  cpuMs: number;
  /** Of which the main (JavaScript) thread; the rest is native-pty's I/O thread, V8 and libuv helpers. */
  cpuMainMs: number;
  /** Minor page faults of the main thread during the run. */
  faultsMain: number;
  timedOut: boolean;
  /** The throughput workload's C reader runs just before and after this one (their mean). */
  besideC?: CReaderBeside;
}

/**
 * CPU time of the main thread in ms, from the scheduler's nanosecond count (getrusage and
 * /proc/.../stat count in 10 ms ticks, too coarse for one run).
 */
function mainThreadCpuMs(): number {
  try {
    return Number(fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN; // no procfs
  }
}

/** Minor page faults of the main thread so far: memory it touched for the first time. */
function mainThreadFaults(): number {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
  } catch {
    return NaN;
  }
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function catCommand(file: string): string[] {
  return ['-c', `stty raw -echo; cat ${shellQuote(file)}`];
}

export async function streamRun(
  impl: LoadedImpl,
  args: string[],
  expected: number,
  opts: { limitMs: number; settleMs: number; spawn?: BenchSpawnOptions; histogram?: IntervalHistogram },
): Promise<StreamRun> {
  let bytes = 0;
  let lastDataAt = 0;
  let exited = false;
  let dataAfterExit = false;
  let allIn: () => void = () => {};

  opts.histogram?.enable();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const faults0 = mainThreadFaults();
  const t0 = nowMs();
  const pty = impl.spawn('/bin/sh', args, opts.spawn);
  pty.onData((data) => {
    // The files are printable ASCII, so a string's length is its byte count.
    bytes += data.length;
    lastDataAt = nowMs();
    if (exited) dataAfterExit = true;
    if (bytes >= expected) allIn();
  });
  const exit = await onceExit(pty, opts.limitMs);
  exited = true;
  const bytesAtExit = bytes;
  const cpu = process.cpuUsage(cpu0);
  const cpuMainMs = mainThreadCpuMs() - main0;
  const faultsMain = mainThreadFaults() - faults0;
  opts.histogram?.disable();
  if (exit === null) pty.kill('SIGKILL');
  if (bytes < expected) {
    // node-pty may deliver the tail after 'exit'; give it a moment, so that is seen as late
    // rather than lost.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.settleMs);
      allIn = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  return {
    expected,
    bytesAtExit,
    bytes,
    dataAfterExit,
    ms: (exit === null ? nowMs() : Math.max(exit.at, lastDataAt)) - t0,
    cpuMs: (cpu.user + cpu.system) / 1e3,
    cpuMainMs,
    faultsMain,
    timedOut: exit === null,
  };
}
