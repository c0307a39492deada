/**
 * The workloads, their sizes in full and quick mode, which implementations each applies to,
 * and how the C reader is asked for the same measurement.
 */
import { DEFAULT_POLL_INTERVAL } from '../../src/options.js';
import type { Impl } from './impl.js';
import { distribution, median } from './stats.js';
import { MiB } from './fixtures.js';
import { summarizeThroughput, type DelayRecord, type RunRecord } from './throughput-summary.js';

export type Mode = 'full' | 'quick';

export interface Files {
  data: string;
  dataSize: number;
  /** The compiled C reader, or null when it could not be built. */
  cReader: string | null;
}

export interface WorkloadDef {
  name: string;
  impls: readonly Impl[];
  params(mode: Mode, files: Files): Record<string, unknown> & { timeLimitMs: number };
  /** argv for the C reader, when this workload has a C form. */
  cArgs?(params: Record<string, unknown>): string[];
  /** Turns the C reader's raw samples into the shape the Node workload reports. */
  fromC?(raw: Record<string, unknown>, params: Record<string, unknown>): Record<string, unknown>;
  /**
   * Split into this many rounds, each running every implementation once in turn, so that a
   * change in machine load falls on all of them alike; `merge` combines the rounds.
   */
  rounds?(mode: Mode): number;
  merge?(parts: Array<Record<string, unknown>>): Record<string, unknown>;
}

const ALL: readonly Impl[] = ['c', 'native-poll', 'native-wake', 'node-pty'];
const NODE: readonly Impl[] = ['native-poll', 'native-wake', 'node-pty'];

export const DATA_SIZE: Record<Mode, number> = { full: 64 * MiB, quick: 16 * MiB };

export const WORKLOADS: readonly WorkloadDef[] = [
  {
    name: 'throughput',
    impls: ALL,
    // One run per process, implementations interleaved run by run.
    rounds: (mode) => (mode === 'full' ? 5 : 2),
    params: (mode, files) => ({
      file: files.data,
      size: files.dataSize,
      runs: 1,
      settleMs: 300,
      // Each timed run is bracketed by a run of the C reader just before and just after it.
      cReader: files.cReader,
      timeLimitMs: mode === 'full' ? 60_000 : 20_000,
    }),
    cArgs: (p) => ['throughput', String(p.file), String(p.size), String(p.runs), String(p.timeLimitMs)],
    fromC: (raw) => summarizeThroughput(raw.runs as RunRecord[], []),
    merge: (parts) => ({
      ...summarizeThroughput(
        parts.flatMap((p) => p.runs as RunRecord[]),
        parts.flatMap((p) => {
          const d = p.eventLoopDelayMs as DelayRecord | null;
          return d === null ? [] : [d];
        }),
      ),
      cReaderError: parts.map((p) => p.cReaderError).find((e) => typeof e === 'string') ?? null,
      buffers: parts.every((p) => p.buffers)
        ? summarizeThroughput(parts.flatMap((p) => (p.buffers as { runs: RunRecord[] }).runs), [])
        : null,
    }),
  },
  {
    name: 'latency',
    impls: ALL,
    params: (mode) => ({
      roundTrips: mode === 'full' ? 2000 : 200,
      warmup: mode === 'full' ? 200 : 20,
      roundTripLimitMs: 1000,
      pollInterval: DEFAULT_POLL_INTERVAL,
      timeLimitMs: mode === 'full' ? 90_000 : 20_000,
    }),
    cArgs: (p) => ['latency', String(p.roundTrips), String(p.warmup), String(p.timeLimitMs)],
    fromC: (raw) => {
      const us = raw.us as number[];
      return { ok: raw.ok === true, failure: raw.ok === true ? null : 'round trip failed', roundTrips: us.length, us: distribution(us) };
    },
  },
  {
    name: 'spawn',
    impls: ALL,
    params: (mode) => ({
      sequential: mode === 'full' ? 300 : 30,
      warmup: mode === 'full' ? 10 : 3,
      concurrent: mode === 'full' ? 100 : 20,
      batches: mode === 'full' ? 3 : 1,
      exitLimitMs: 5_000,
      timeLimitMs: mode === 'full' ? 120_000 : 20_000,
    }),
    cArgs: (p) => ['spawn', String(p.sequential), String(p.warmup), String(p.concurrent), String(p.batches), String(p.timeLimitMs)],
    fromC: (raw) => {
      const walls = raw.concurrentWallMs as number[];
      return {
        failures: raw.failures,
        totalMs: distribution(raw.totalMs as number[]),
        callUs: distribution(raw.callUs as number[]),
        concurrent: raw.concurrent,
        concurrentWallMs: walls,
        medianConcurrentWallMs: median(walls),
      };
    },
  },
  {
    name: 'idle',
    impls: NODE,
    params: (mode) => ({
      sessions: mode === 'full' ? 1000 : 100,
      measureMs: mode === 'full' ? 10_000 : 1_000,
      settleMs: mode === 'full' ? 1_000 : 300,
      exitLimitMs: 20_000,
      timeLimitMs: mode === 'full' ? 120_000 : 25_000,
    }),
  },
  {
    name: 'integrity',
    impls: NODE,
    params: (mode, files) => ({
      sessions: mode === 'full' ? 100 : 20,
      blockSize: MiB,
      file: files.data,
      fileSize: files.dataSize,
      settleMs: 500,
      timeLimitMs: mode === 'full' ? 120_000 : 25_000,
    }),
  },
  {
    name: 'exit-race',
    impls: ALL,
    params: (mode, files) => ({
      runs: mode === 'full' ? 200 : 20,
      busyRuns: mode === 'full' ? 50 : 5,
      busyMs: 30,
      size: 65536,
      file: files.data,
      settleMs: 500,
      exitLimitMs: 5_000,
      timeLimitMs: mode === 'full' ? 120_000 : 20_000,
    }),
    cArgs: (p) => ['exitrace', String(p.file), String(p.size), String(p.runs), String(p.timeLimitMs)],
    fromC: (raw, p) => ({
      size: p.size,
      normal: { runs: raw.runs, lost: raw.lost, late: 0, neverDelivered: raw.lost, noExit: 0 },
      busy: null,
    }),
  },
  {
    name: 'activity',
    impls: ['native-poll', 'native-wake'],
    params: (mode, files) => ({
      file: files.data,
      size: files.dataSize,
      runsPerSide: mode === 'full' ? 5 : 1,
      warmUpRuns: mode === 'full' ? 5 : 1,
      settleMs: 300,
      timeLimitMs: mode === 'full' ? 180_000 : 30_000,
    }),
  },
];
