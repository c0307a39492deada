/**
 * Runs fuzz seeds (test/fuzz/seed.ts), each in its own child Node process, and judges each
 * process from the outside: killed by a signal is a native crash, running past the time limit
 * is a hang, a non-zero exit is a broken invariant (the child says which).
 */
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, runNode, type ChildResult } from '../helpers/index.js';

const SEED_SCRIPT = path.join(REPO_ROOT, 'test/fuzz/seed.ts');

export interface SeedSummary {
  seed: number;
  ops: number;
  sessions: number;
  exits: number;
  bytes: number;
  opCounts: Record<string, number>;
  skippedCases: number;
  violations: string[];
}

export interface SeedResult {
  seed: number;
  ms: number;
  /** null when the seed passed. */
  failure: string | null;
  summary: SeedSummary | null;
  /** For a crash or hang: the last operations before it, from a traced replay. */
  trace?: string;
}

export interface FuzzOptions {
  ops?: number;
  timeoutMs?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

function parseSummary(r: ChildResult): SeedSummary | null {
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as SeedSummary;
  } catch {
    return null;
  }
}

function judge(r: ChildResult, summary: SeedSummary | null): string | null {
  if (r.timedOut) return 'hang: did not finish (or did not exit) within the time limit';
  if (r.signal) return `native crash: killed by ${r.signal}\n${r.stderr.slice(-3000)}`;
  if (summary && summary.violations.length > 0) return `violations:\n  ${summary.violations.join('\n  ')}`;
  if (r.code !== 0) return `exited with code ${r.code}\n${r.stderr.slice(-3000)}`;
  if (!summary) return `no summary on stdout\n${r.stderr.slice(-3000)}`;
  if (summary.exits !== summary.sessions) return `${summary.sessions} sessions but ${summary.exits} exits`;
  return null;
}

function runSeedProcess(seed: number, options: FuzzOptions, trace: boolean): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, FUZZ_TRACE: trace ? '1' : '0' };
  if (options.ops !== undefined) env.FUZZ_OPS = String(options.ops);
  return runNode(SEED_SCRIPT, {
    args: [String(seed)],
    env,
    timeoutMs: options.timeoutMs ?? 120_000,
    // Random signals kill children with SIGSEGV or SIGQUIT: no core files, please.
    ulimit: [['-c', '0']],
  });
}

export async function runSeed(seed: number, options: FuzzOptions = {}): Promise<SeedResult> {
  const started = Date.now();
  const r = await runSeedProcess(seed, options, false);
  const summary = parseSummary(r);
  const result: SeedResult = { seed, ms: Date.now() - started, failure: judge(r, summary), summary };
  if (result.failure && (r.signal || r.timedOut)) {
    // Same seed, same operations: the replay's trace ends where it crashed or stuck.
    const replay = await runSeedProcess(seed, options, true);
    result.trace = replay.stderr.split('\n').filter((l) => l !== '').slice(-12).join('\n');
  }
  return result;
}

/** Runs the seeds, `concurrency` at a time; resolves with every result in seed order. */
export async function runSeeds(seeds: number[], options: FuzzOptions = {}): Promise<SeedResult[]> {
  const log = options.log ?? (() => {});
  const concurrency = options.concurrency ?? Math.max(1, os.availableParallelism());
  const results: SeedResult[] = [];
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, seeds.length) }, async () => {
    while (next < seeds.length) {
      const seed = seeds[next++]!;
      const r = await runSeed(seed, options);
      results.push(r);
      const s = r.summary;
      log(
        `seed ${String(seed).padStart(5)}  ${r.failure ? 'FAIL' : 'ok  '}  ${String(r.ms).padStart(6)} ms` +
          (s ? `  sessions ${s.sessions}  exits ${s.exits}  ops ${s.ops}  invalid calls ${s.opCounts.invalid ?? 0}  output ${(s.bytes / 1e6).toFixed(1)} MB` : ''),
      );
      if (r.failure) log(`  ${r.failure.replace(/\n/g, '\n  ')}${r.trace ? `\n  last operations (traced replay):\n    ${r.trace.replace(/\n/g, '\n    ')}` : ''}`);
    }
  });
  await Promise.all(workers);
  return results.sort((a, b) => a.seed - b.seed);
}
