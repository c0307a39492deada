/**
 * What handing output from one thread to another costs, without Node: the same pty output read
 * by the C reader (bench/c/ptybench.c, one thread) and by bench/c/handoff.c, the same reader
 * with a second thread it hands 1 MiB blocks to, which copies them into 32 KiB pieces
 * (native-pty's shape: I/O thread, JavaScript thread, Buffers). It bounds what native-pty can
 * reach against the C reader on this machine, whatever its own code does.
 *
 *   npx tsx bench/handoff.ts [--quick] [--pairs=N]      (npm run bench:handoff)
 *
 * Runs alternate, one-thread first and last (one, two, one, two, ..., one), and each two-thread
 * run is compared with the mean of the one-thread runs just before and after it, as the
 * throughput workload brackets native-pty's runs. Twice: on the machine as it is, then with a
 * CPU hog (`yes`) running. Every run must deliver every byte.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ensureCProgram, ensureCReader, ensureDataFile, MiB } from './lib/fixtures.js';
import { median, percentile } from './lib/stats.js';

const QUICK = process.argv.includes('--quick');
const pairsArg = process.argv.find((a) => a.startsWith('--pairs='));
const PAIRS = pairsArg ? Number(pairsArg.slice(8)) : QUICK ? 3 : 20;
if (!Number.isInteger(PAIRS) || PAIRS < 1 || PAIRS > 1000) {
  process.stderr.write(`bench:handoff: --pairs wants a whole number from 1 to 1000, not ${pairsArg}\n`);
  process.exit(2);
}
const SIZE = 64 * MiB;

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const cacheDir = path.join(benchDir, '.cache');
fs.mkdirSync(cacheDir, { recursive: true });
const file = ensureDataFile(cacheDir, SIZE);
const LIMIT_MS = 60_000;

function built(what: string, program: { path: string | null; reason?: string }): string {
  if (program.path !== null) return program.path;
  process.stderr.write(`bench:handoff: cannot build ${what}: ${program.reason}\n`);
  process.exit(1);
}
const cReader = built('bench/c/ptybench.c', ensureCReader(benchDir, cacheDir));
const handoff = built('bench/c/handoff.c', ensureCProgram(benchDir, cacheDir, 'handoff', ['-lutil', '-lpthread']));

interface Run {
  bytes: number;
  ms: number;
  cpuMs: number;
}

function once(mode: 'one' | 'two'): Run {
  const run =
    mode === 'one'
      ? (JSON.parse(
          execFileSync(cReader, ['throughput', file, String(SIZE), '1', String(LIMIT_MS)], { encoding: 'utf8' }),
        ) as { runs: Run[] }).runs[0]
      : (JSON.parse(execFileSync(handoff, [file], { encoding: 'utf8', timeout: LIMIT_MS })) as Run);
  if (run?.bytes !== SIZE) throw new Error(`${mode} thread(s): ${run?.bytes} bytes of ${SIZE}`);
  return run;
}

const mbps = (r: Run): number => SIZE / 1e6 / (r.ms / 1e3);
const cpuPerMb = (r: Run): number => r.cpuMs / (SIZE / 1e6);

interface Summary {
  oneMbps: number;
  ratio: number[];
  cpuRatio: number[];
}

function series(): Summary {
  const ones = [once('one')];
  const ratio: number[] = [];
  const cpuRatio: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const two = once('two');
    const after = once('one');
    const before = ones[ones.length - 1]!;
    ratio.push(mbps(two) / ((mbps(before) + mbps(after)) / 2));
    cpuRatio.push(cpuPerMb(two) / ((cpuPerMb(before) + cpuPerMb(after)) / 2));
    ones.push(after);
  }
  return { oneMbps: median(ones.map(mbps)), ratio, cpuRatio };
}

/** A CPU hog for the length of `body`: `yes` into /dev/null, killed afterwards whatever happens. */
function withHog<T>(body: () => T): T {
  const hog = spawn('yes', [], { stdio: 'ignore' });
  const kill = (): void => void hog.kill('SIGKILL');
  process.once('exit', kill);
  try {
    return body();
  } finally {
    kill();
    process.removeListener('exit', kill);
  }
}

const spread = (xs: number[]): string =>
  `${median(xs).toFixed(2)} [${percentile(xs, 25).toFixed(2)}–${percentile(xs, 75).toFixed(2)}]`;

console.log(
  `handoff: ${PAIRS} pairs of ${SIZE / MiB} MiB each (${new Date().toISOString().slice(0, 16)}Z, ` +
    `${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(2)})`,
);
console.log('condition   one thread MB/s   two threads ÷ one: MB/s   CPU per MB   (median [middle half])');
for (const [name, summary] of [
  ['quiet', series()],
  ['CPU hog', withHog(series)],
] as const) {
  console.log(
    `${name.padEnd(11)} ${summary.oneMbps.toFixed(0).padStart(15)}   ${spread(summary.ratio).padStart(23)}   ${spread(summary.cpuRatio)}`,
  );
}
