/**
 * npm run bench [-- --quick] [--only=a,b] [--impls=x,y] [--markdown]
 *
 * Runs every workload for every implementation it applies to (the C forkpty reader, native-pty
 * in poll and wake delivery, node-pty), each in a fresh process, one at a time; prints a table
 * with ratios against node-pty and, in full mode, the issue's targets met or missed; writes the
 * raw results as JSON (and the table as Markdown) under bench/results/.
 *
 * --quick is the CI smoke test: smaller sizes, the whole run under two minutes, no targets. It
 * fails only when a workload could not run at all.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_POLL_INTERVAL } from '../src/options.js';
import { bundleWorkloads } from './lib/bundle.js';
import { DATA_SIZE, WORKLOADS, type Mode, type WorkloadDef } from './lib/config.js';
import { ensureCReader, ensureDataFile, type CReader } from './lib/fixtures.js';
import { NODE_IMPLS, type Impl } from './lib/impl.js';
import { interruptOnSignal, runProcess, type ProcessOutcome } from './lib/proc.js';
import { addPairedRatios } from './lib/throughput-summary.js';
import { checkTargets, markdownTable, plainTable, tableHeader, tableRows, type Cell, type Results } from './lib/report.js';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);
const cacheDir = path.join(benchDir, '.cache');
const resultsDir = path.join(benchDir, 'results');

/** The quick run must fit CI's two minutes, preparation included. */
const QUICK_BUDGET_MS = 110_000;
/** How much longer than its own limit a workload process gets before the runner stops it. */
const PROCESS_GRACE_MS = 10_000;

interface Options {
  mode: Mode;
  only: Set<string> | null;
  impls: Set<string> | null;
  markdown: boolean;
  /** --rounds=N: this many rounds for each workload that runs in rounds (throughput). */
  rounds: number | null;
}

/** --rounds=N: more rounds narrow the medians when the machine's speed swings from run to run. */
function roundsArg(text: string): number {
  const n = Number(text);
  if (Number.isInteger(n) && n >= 1 && n <= 100) return n;
  process.stderr.write(`bench: --rounds wants a whole number from 1 to 100, not ${JSON.stringify(text)}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { mode: 'full', only: null, impls: null, markdown: false, rounds: null };
  for (const arg of argv) {
    if (arg === '--quick') opts.mode = 'quick';
    else if (arg === '--markdown') opts.markdown = true;
    else if (arg.startsWith('--only=')) opts.only = new Set(arg.slice(7).split(',').filter(Boolean));
    else if (arg.startsWith('--impls=')) opts.impls = new Set(arg.slice(8).split(',').filter(Boolean));
    else if (arg.startsWith('--rounds=')) opts.rounds = roundsArg(arg.slice(9));
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'usage: npm run bench [-- --quick] [--only=throughput,latency,spawn,idle,integrity,exit-race,activity]\n' +
          '                     [--impls=c,native-poll,native-wake,node-pty] [--rounds=N] [--markdown]\n',
      );
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown argument ${JSON.stringify(arg)} (try --help)\n`);
      process.exit(2);
    }
  }
  const check = (given: Set<string> | null, known: readonly string[], what: string): void => {
    for (const name of given ?? []) {
      if (known.includes(name)) continue;
      process.stderr.write(`bench: unknown ${what} ${JSON.stringify(name)}; known: ${known.join(', ')}\n`);
      process.exit(2);
    }
  };
  check(opts.only, WORKLOADS.map((w) => w.name), 'workload');
  check(opts.impls, ['c', ...NODE_IMPLS], 'implementation');
  return opts;
}

function gitDescribe(): { commit: string | null; dirty: string[] } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--', 'src', 'src-native', 'binding.gyp'], { cwd: repoRoot, encoding: 'utf8' });
    return { commit, dirty: status.split('\n').filter(Boolean) };
  } catch {
    return { commit: null, dirty: [] };
  }
}

function machine() {
  const require = createRequire(path.join(repoRoot, 'package.json'));
  let nodePtyVersion: string | null = null;
  try {
    nodePtyVersion = (require('node-pty/package.json') as { version: string }).version;
  } catch {
    // Not installed: its column stays empty.
  }
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    nodePty: nodePtyVersion,
  };
}

/** Which compiled addon the workloads will load, and whether it is older than its sources. */
function addonInfo(): { file: string | null; stale: boolean; note?: string } {
  const override = process.env.NATIVE_PTY_ADDON;
  if (override) return { file: override, stale: false, note: 'NATIVE_PTY_ADDON' };
  try {
    const require = createRequire(path.join(repoRoot, 'package.json'));
    const file = (require('node-gyp-build') as { resolve(dir: string): string }).resolve(repoRoot);
    const built = fs.statSync(file).mtimeMs;
    const nativeDir = path.join(repoRoot, 'src-native');
    const nativeSources = fs.readdirSync(nativeDir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(nativeDir, f));
    const sources = [path.join(repoRoot, 'binding.gyp'), ...nativeSources];
    const stale = file.includes(`${path.sep}build${path.sep}`) && sources.some((f) => fs.statSync(f).mtimeMs > built);
    return { file: path.relative(repoRoot, file), stale };
  } catch (err) {
    return { file: null, stale: false, note: (err as Error).message.split('\n')[0] };
  }
}

const loadavg = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

function toCell(def: WorkloadDef, impl: Impl, outcome: ProcessOutcome, params: Record<string, unknown>): Cell {
  const json = outcome.json;
  if (json === null || typeof json.error === 'string' || (impl !== 'c' && outcome.code !== 0)) {
    const why = typeof json?.error === 'string' ? json.error : outcome.timedOut ? 'timed out' : `exit code ${outcome.code}${outcome.signal ? ` (${outcome.signal})` : ''}`;
    return { status: 'error', error: `${why}\n${outcome.stderr.trim().split('\n').slice(-5).join('\n')}`.trim() };
  }
  const data = impl === 'c' && def.fromC ? def.fromC(json, params) : json;
  if (def.name === 'activity' && data.supported === false) return { status: 'n/a', data };
  return { status: 'ok', data };
}

/** One cell from a workload's rounds: any failure wins; otherwise the rounds' data merged. */
function mergeCells(def: WorkloadDef, cells: Cell[]): Cell {
  if (cells.length === 1) return cells[0]!;
  const bad = cells.find((c) => c.status !== 'ok');
  if (bad !== undefined) return bad;
  const data = cells.map((c) => c.data!);
  return { status: 'ok', data: def.merge ? def.merge(data) : data[data.length - 1] };
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const budgetEnd = opts.mode === 'quick' ? started + QUICK_BUDGET_MS : Infinity;
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.mkdirSync(resultsDir, { recursive: true });

  const workloads = WORKLOADS.filter((w) => opts.only === null || opts.only.has(w.name));
  const log = (text: string) => process.stderr.write(`${text}\n`);

  log(`bench: ${opts.mode} mode; preparing data file, C reader and workload bundles…`);
  const dataSize = DATA_SIZE[opts.mode];
  const cReader: CReader = ensureCReader(benchDir, cacheDir);
  if (cReader.path === null) log(`bench: no C reader, its column stays empty: ${cReader.reason}`);
  const files = { data: ensureDataFile(cacheDir, dataSize), dataSize, cReader: cReader.path };
  const bundles = await bundleWorkloads(repoRoot, workloads.map((w) => w.name), path.join(cacheDir, 'workloads'));

  // Every process of this run carries the marker; whatever outlives its workload is killed.
  const markerName = 'NATIVE_PTY_BENCH_RUN';
  const markerValue = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const marker = `${markerName}=${markerValue}`;
  const env = { ...process.env, [markerName]: markerValue };
  interruptOnSignal(marker);

  const addon = addonInfo();
  if (addon.stale) log(`bench: WARNING: ${addon.file} is older than src-native/; run \`npm run build:native\` first`);
  const meta = {
    date: new Date().toISOString(),
    addon,
    mode: opts.mode,
    machine: machine(),
    git: gitDescribe(),
    pollInterval: DEFAULT_POLL_INTERVAL,
    loadavgAtStart: loadavg(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  };
  const results: Results = {};
  const runs: Array<Record<string, unknown>> = [];

  const jobs = workloads.flatMap((w) => {
    const impls = w.impls.filter((impl) => opts.impls === null || opts.impls.has(impl));
    const rounds = w.rounds ? (opts.rounds ?? w.rounds(opts.mode)) : 1;
    return Array.from({ length: rounds }, (_, round) => impls.map((impl) => ({ def: w, impl, round, rounds }))).flat();
  });
  // Each (workload, implementation) gets one cell per round; rounds are merged afterwards.
  const parts = new Map<string, Cell[]>();
  let failed = 0;
  for (const [i, { def, impl, round, rounds }] of jobs.entries()) {
    const key = `${def.name}\0${impl}`;
    const done = parts.get(key) ?? [];
    parts.set(key, done);
    const roundText = rounds > 1 ? ` ${round + 1}/${rounds}` : '';
    const prefix = `[${String(i + 1).padStart(2)}/${jobs.length}] ${def.name.padEnd(10)} ${(impl + roundText).padEnd(15)}`;
    const params = { ...def.params(opts.mode, files), round };
    const remaining = budgetEnd - performance.now();
    if (remaining < 5_000) {
      done.push({ status: 'skipped', error: 'quick-mode time budget used up' });
      log(`${prefix} skipped (time budget)`);
      continue;
    }
    params.timeLimitMs = Math.min(params.timeLimitMs, remaining - PROCESS_GRACE_MS / 2);

    let command: string;
    let args: string[];
    if (impl === 'c') {
      if (cReader.path === null || def.cArgs === undefined) {
        done.push({ status: 'n/a', error: cReader.reason });
        continue;
      }
      command = cReader.path;
      args = def.cArgs(params);
    } else {
      command = process.execPath;
      args = ['--expose-gc', bundles.get(def.name)!, impl, JSON.stringify(params)];
    }
    const load = loadavg();
    const outcome = await runProcess(command, args, {
      env,
      marker,
      timeoutMs: Math.min(params.timeLimitMs + PROCESS_GRACE_MS, budgetEnd - performance.now()),
    });
    const cell = toCell(def, impl, outcome, params);
    done.push(cell);
    if (cell.status === 'error') failed++;
    runs.push({ workload: def.name, impl, round, params, loadavgBefore: load, wallMs: outcome.wallMs, strays: outcome.strays, exitCode: outcome.code, raw: outcome.json });
    const strays = outcome.strays > 0 ? `, ${outcome.strays} stray process(es) killed` : '';
    log(`${prefix} ${cell.status} (${(outcome.wallMs / 1e3).toFixed(1)} s${strays})${cell.status === 'error' ? `\n    ${cell.error?.replace(/\n/g, '\n    ')}` : ''}`);
  }
  for (const { def, impl } of jobs) {
    const cells = (results[def.name] ??= {});
    if (cells[impl] === undefined) cells[impl] = mergeCells(def, parts.get(`${def.name}\0${impl}`) ?? []);
  }
  if (results.throughput) addPairedRatios(results.throughput);

  const header = tableHeader();
  const rows = tableRows(results);
  const targets = opts.mode === 'full' ? checkTargets(results, DEFAULT_POLL_INTERVAL) : [];
  const totalS = (performance.now() - started) / 1e3;

  const out: string[] = [];
  out.push(`native-pty benchmarks, ${opts.mode} mode, ${meta.date.slice(0, 10)}: ${meta.machine.cpus} × ${meta.machine.cpuModel}, ${meta.machine.platform}, Linux ${meta.machine.kernel}, Node ${meta.machine.node}, node-pty ${meta.machine.nodePty ?? 'absent'}; load average at start ${meta.loadavgAtStart.join(' ')}`);
  out.push('');
  out.push(opts.markdown ? markdownTable(header, rows) : plainTable(header, rows));
  out.push('');
  out.push('Ratios in parentheses are against node-pty.');
  if (targets.length > 0) {
    out.push('');
    out.push('Targets:');
    for (const t of targets) {
      const mark = t.met === null ? 'n/a   ' : t.met ? 'met   ' : 'MISSED';
      out.push(`  ${mark} ${t.target} [${t.impl}]: ${t.detail}`);
    }
  }
  out.push('');
  out.push(`Total ${totalS.toFixed(1)} s.`);

  const stamp = meta.date.replace(/[:.]/g, '-');
  const jsonPath = path.join(resultsDir, `bench-${opts.mode}-${stamp}.json`);
  fs.writeFileSync(jsonPath, JSON.stringify({ meta: { ...meta, loadavgAtEnd: loadavg(), totalS }, results, targets, runs }, null, 2) + '\n');
  fs.writeFileSync(jsonPath.replace(/\.json$/, '.md'), markdownTable(header, rows) + '\n');
  out.push(`Raw results: ${path.relative(process.cwd(), jsonPath)}`);
  process.stdout.write(out.join('\n') + '\n');
  process.exitCode = failed > 0 ? 1 : 0;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
