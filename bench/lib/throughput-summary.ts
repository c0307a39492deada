/**
 * The throughput figures from a list of runs, however they were split across processes: the
 * runner interleaves implementations run by run (one process per run) and merges them here.
 */
import { mbPerSecond, median } from './stats.js';

export interface RunRecord {
  expected: number;
  bytes: number;
  /** -1 where not applicable (the C reader reads until EIO, there is no 'exit' to race). */
  bytesAtExit?: number;
  ms: number;
  cpuMs: number;
  /** Node only: the main thread's share of cpuMs. */
  cpuMainMs?: number;
  /** Node only: minor page faults of the main thread. */
  faultsMain?: number;
  timedOut: boolean;
  /** Node only: the C reader's runs just before and after this one (their mean). */
  besideC?: CReaderBeside;
}

export interface CReaderBeside {
  mbps: number;
  cpuMsPerMb: number;
}

export interface DelayRecord {
  p50: number;
  p99: number;
  max: number;
}

export function summarizeThroughput(runs: RunRecord[], delays: DelayRecord[]): Record<string, unknown> {
  const mbps = runs.map((r) => mbPerSecond(r.expected, r.ms));
  return {
    runs,
    mbps,
    medianMbps: median(mbps),
    exactRuns: runs.filter((r) => r.bytes === r.expected && !r.timedOut).length,
    completeAtExitRuns: runs.filter((r) => (r.bytesAtExit ?? r.bytes) === r.expected).length,
    cpuMsPerMb: median(runs.map((r) => r.cpuMs / (r.expected / 1e6))),
    mainThreadCpuMsPerMb: runs.every((r) => r.cpuMainMs !== undefined)
      ? median(runs.map((r) => r.cpuMainMs! / (r.expected / 1e6)))
      : null,
    mainThreadFaultsPerMb: runs.every((r) => r.faultsMain !== undefined && Number.isFinite(r.faultsMain))
      ? runs.map((r) => Math.round(r.faultsMain! / (r.expected / 1e6)))
      : null,
    // Against the C reader's runs on either side of each run: the medians of the per-run ratios.
    besideC: runs.length > 0 && runs.every((r) => r.besideC !== undefined)
      ? {
          ratio: median(runs.map((r) => mbPerSecond(r.expected, r.ms) / r.besideC!.mbps)),
          cpuRatio: median(runs.map((r) => r.cpuMs / (r.expected / 1e6) / r.besideC!.cpuMsPerMb)),
          cMbps: median(runs.map((r) => r.besideC!.mbps)),
        }
      : null,
    // Per process: the median of their p99s, the worst of their maxima.
    eventLoopDelayMs:
      delays.length === 0
        ? null
        : { p50: median(delays.map((d) => d.p50)), p99: median(delays.map((d) => d.p99)), max: Math.max(...delays.map((d) => d.max)), processes: delays.length },
  };
}

/**
 * The runner interleaves implementations run by run, so the i-th run of each implementation
 * ran at nearly the same moment. The median of the per-round ratios is steadier than the ratio
 * of medians when the machine's load drifts (another test suite starting on one of 2 cores).
 */
export function pairedRatio(mine: readonly number[], theirs: readonly number[]): { median: number; perRound: number[] } | null {
  const n = Math.min(mine.length, theirs.length);
  if (n === 0) return null;
  const perRound = Array.from({ length: n }, (_, i) => mine[i]! / theirs[i]!);
  return { median: median(perRound), perRound };
}

/** CPU ms per MB of each run. */
function cpuPerMb(runs: readonly RunRecord[] | undefined): number[] | undefined {
  return runs?.map((r) => r.cpuMs / (r.expected / 1e6));
}

/**
 * Adds `paired` ratios to each native-pty cell: throughput against the C reader and node-pty,
 * for the defaults and for Buffers, and CPU per MB against the C reader's (the C reader has one
 * mode: bytes).
 */
export function addPairedRatios(cells: Partial<Record<string, { status: string; data?: Record<string, any> }>>): void {
  const dataOf = (impl: string): Record<string, any> | undefined => (cells[impl]?.status === 'ok' ? cells[impl]!.data : undefined);
  const c = dataOf('c');
  const nodePty = dataOf('node-pty');
  const pair = (own: number[] | undefined, theirs: number[] | undefined) => (own && theirs ? pairedRatio(own, theirs) : null);
  for (const impl of ['native-poll', 'native-wake']) {
    const data = dataOf(impl);
    if (data === undefined) continue;
    data.paired = {
      vsC: pair(data.mbps, c?.mbps),
      vsNodePty: pair(data.mbps, nodePty?.mbps),
      buffersVsC: pair(data.buffers?.mbps, c?.mbps),
      buffersVsNodePty: pair(data.buffers?.mbps, nodePty?.buffers?.mbps),
      cpuVsC: pair(cpuPerMb(data.runs), cpuPerMb(c?.runs)),
      buffersCpuVsC: pair(cpuPerMb(data.buffers?.runs), cpuPerMb(c?.runs)),
    };
  }
}
