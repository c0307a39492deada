/**
 * npm run soak: does a long-running server that uses native-pty stay flat?
 *
 *   1. 10,000 sequential spawn/exit cycles (each checks its output and exit code).
 *   2. 1,000 concurrent sessions churned for 60 s: each session ends its own way (exits by
 *      itself, is killed, destroyed, or told to end with Ctrl+D) and is replaced at once.
 *
 * Prints the fd count, the RSS after GC and the thread count at the start and after each
 * phase, and fails if fds or threads grew at all, or if the memory outside V8's heap (RSS less
 * the heap V8 keeps committed) or what JavaScript holds in that heap grew by more than 5 MB.
 * V8's committed heap itself is not judged: V8 grows and shrinks it by its own heuristics (it
 * shrank by 30 MB during one idle wait), and a leak of JavaScript objects shows in what is
 * held. Each checkpoint first waits until the I/O thread has handed back the memory of the
 * phase's output (memoryReleaseQuietMs), as an idle server would have. "Start" is
 * taken after a warm-up of both workloads, so that what happens once in a process's life (the
 * I/O thread starting, JIT code, V8 sizing its young generation, malloc arenas) is not counted:
 * what the limits catch is growth that repeats with every session.
 *
 * Environment: SOAK_CYCLES (default 10000), SOAK_CONCURRENT (1000), SOAK_CHURN_MS (60000).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { NativePty } from '../src/index.js';
import { addon } from '../src/native.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  // RSS after GC needs the collector on demand: run again with it exposed.
  const r = spawnSync(process.execPath, ['--expose-gc', ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const CYCLES = envInt('SOAK_CYCLES', 10_000);
const CONCURRENT = envInt('SOAK_CONCURRENT', 1_000);
const CHURN_MS = envInt('SOAK_CHURN_MS', 60_000);
const GROWTH_LIMIT_MB = 5;
// Under AddressSanitizer (scripts/asan/exec.sh) freed memory sits in a quarantine of up to
// 256 MB by design, so RSS says nothing there; fds, threads and exits are still judged, and
// LeakSanitizer checks the heap at exit.
const UNDER_ASAN = fs.readFileSync('/proc/self/maps', 'utf8').includes('libasan');

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${raw}`);
  return n;
}

const signed = (mb: number): string => `${mb >= 0 ? '+' : ''}${mb.toFixed(1)}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Figures {
  fds: number;
  rssMB: number;
  threads: number;
  /** V8's heap, for reading the RSS: what JavaScript holds, and what V8 keeps committed. */
  heapUsedMB: number;
  heapTotalMB: number;
  /** Memory outside the V8 heap that JavaScript objects hold (Buffers among it). */
  externalMB: number;
}

async function measure(): Promise<Figures> {
  // As an idle server: the I/O thread has handed back the memory the output passed through.
  await sleep(addon().memoryReleaseQuietMs + 500);
  // Several collections with turns of the loop in between: finalizers and weak callbacks
  // run between them and free what the previous collection found.
  for (let i = 0; i < 4; i++) {
    gc!();
    await sleep(50);
  }
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)![1]);
  const heap = process.memoryUsage();
  return {
    fds: fs.readdirSync('/proc/self/fd').length,
    rssMB: field('VmRSS') / 1024,
    threads: field('Threads'),
    heapUsedMB: heap.heapUsed / 2 ** 20,
    heapTotalMB: heap.heapTotal / 2 ** 20,
    externalMB: heap.external / 2 ** 20,
  };
}

/** One sequential cycle: spawn, check the output and the exit, done. */
function cycle(i: number): Promise<string | null> {
  return new Promise((resolve) => {
    // Both deliveries, and the shortest poll interval: a cycle waits for no timer it need not.
    const pty = new NativePty('/bin/echo', [`cycle-${i}`], { cwd: '/', delivery: i % 2 ? 'wake' : 'poll', pollInterval: 1 });
    let out = '';
    pty.on('data', (d: string) => (out += d));
    pty.on('exit', (code: number, signal: number) => {
      // A normal exit reports signal 0, as node-pty does.
      const ok = out === `cycle-${i}\r\n` && code === 0 && signal === 0;
      resolve(ok ? null : `cycle ${i}: output ${JSON.stringify(out)}, exit ${code}/${signal}`);
    });
  });
}

async function sequential(n: number): Promise<{ failures: string[]; ms: number }> {
  const started = Date.now();
  const failures: string[] = [];
  for (let i = 0; i < n; i++) {
    const failure = await cycle(i);
    if (failure) failures.push(failure);
  }
  return { failures, ms: Date.now() - started };
}

interface ChurnStats {
  spawned: number;
  exits: number;
  doubleExits: number;
  dataAfterExit: number;
  bytes: number;
  endings: Record<string, number>;
  peak: number;
  ms: number;
}

/** Keeps `concurrent` sessions alive for `ms`, replacing each one as soon as it has exited. */
async function churn(concurrent: number, ms: number): Promise<ChurnStats> {
  const stats: ChurnStats = { spawned: 0, exits: 0, doubleExits: 0, dataAfterExit: 0, bytes: 0, endings: {}, peak: 0, ms: 0 };
  const live = new Set<NativePty>();
  const started = Date.now();
  let stopping = false;
  let allExited: () => void = () => {};

  const start = (): void => {
    const r = Math.random();
    const ending = r < 0.3 ? 'exits' : r < 0.5 ? 'destroy' : r < 0.65 ? 'SIGKILL' : r < 0.8 ? 'SIGTERM' : 'ctrl-d';
    stats.endings[ending] = (stats.endings[ending] ?? 0) + 1;
    const life = 1000 + Math.floor(Math.random() * 5000);
    // Cheap children, so that the machine's time goes to spawning and serving sessions, not to
    // the children's own work: most wait (cat, sleep) and talk when talked to; a few stream.
    const [file, args] =
      ending === 'exits'
        ? Math.random() < 0.5
          ? ['sleep', [(life / 1000).toFixed(2)]]
          : ['sh', ['-c', `head -c ${Math.floor(Math.random() * 50_000)} /dev/urandom | od -An -tx1; exec sleep ${(life / 1000).toFixed(2)}`]]
        : ending === 'ctrl-d' || Math.random() < 0.7
          ? ['cat', []]
          : Math.random() < 0.05
            ? ['yes', ['soak']]
            : ['sleep', ['1000']];
    const pty = new NativePty(file, args as string[], { cwd: '/', delivery: Math.random() < 0.5 ? 'wake' : 'poll' });
    stats.spawned++;
    live.add(pty);
    stats.peak = Math.max(stats.peak, live.size);
    let exits = 0;
    pty.on('data', (d: string) => {
      if (exits > 0) stats.dataAfterExit++;
      stats.bytes += d.length;
    });
    // Talk to the ones that listen: input goes through the native write path and comes back
    // as output.
    const talk = file === 'cat' ? setInterval(() => pty.write(`hello ${stats.spawned}\r`), 300) : null;
    const timer =
      ending === 'exits'
        ? null
        : setTimeout(() => {
            if (ending === 'destroy') pty.destroy();
            else if (ending === 'ctrl-d') pty.write('some input\r\x04');
            else pty.kill(ending);
          }, life);
    pty.on('exit', () => {
      exits++;
      if (exits > 1) {
        stats.doubleExits++;
        return;
      }
      stats.exits++;
      if (timer) clearTimeout(timer);
      if (talk) clearInterval(talk);
      live.delete(pty);
      if (!stopping) start();
      else if (live.size === 0) allExited();
    });
  };

  for (let i = 0; i < concurrent; i++) start();
  await sleep(ms);
  stopping = true;
  const done = new Promise<void>((resolve) => (allExited = resolve));
  for (const pty of live) {
    pty.kill('SIGKILL');
    pty.destroy();
  }
  if (live.size > 0) await done;
  await sleep(200); // a second exit or late data would be counted by now
  stats.ms = Date.now() - started;
  return stats;
}

function row(label: string, f: Figures): string {
  return (
    `  ${label.padEnd(26)} ${String(f.fds).padStart(5)} ${f.rssMB.toFixed(1).padStart(8)} ${String(f.threads).padStart(8)}` +
    `   ${f.heapUsedMB.toFixed(1).padStart(6)} / ${f.heapTotalMB.toFixed(1).padEnd(6)}  ${f.externalMB.toFixed(1).padStart(8)}`
  );
}

// Long enough for V8 to size its young generation for this allocation rate (it grows the
// semispaces under load and keeps them), measured: heapTotal settles within ~4,000 cycles.
const WARM_CYCLES = Math.min(CYCLES, 2_000);
const WARM_CHURN_MS = Math.min(CHURN_MS, 10_000);
console.log(`soak: warm-up (${WARM_CYCLES} cycles, then ${CONCURRENT} concurrent sessions churned for ${WARM_CHURN_MS / 1000} s)`);
const warm = await sequential(WARM_CYCLES);
const warmChurn = await churn(CONCURRENT, WARM_CHURN_MS);
const start = await measure();

console.log(`soak: ${CYCLES} sequential spawn/exit cycles`);
const seq = await sequential(CYCLES);
const afterCycles = await measure();
console.log(`  ${CYCLES} cycles in ${(seq.ms / 1000).toFixed(1)} s (${((CYCLES / seq.ms) * 1000).toFixed(0)}/s), ${seq.failures.length} failed`);

console.log(`soak: ${CONCURRENT} concurrent sessions churned for ${CHURN_MS / 1000} s`);
const ch = await churn(CONCURRENT, CHURN_MS);
const end = await measure();
console.log(
  `  ${ch.spawned} sessions (peak ${ch.peak} live), ${ch.exits} exits, ${(ch.bytes / 1e6).toFixed(1)} MB of output; ` +
    `endings ${JSON.stringify(ch.endings)}`,
);

console.log(`  ${'checkpoint'.padEnd(26)} ${'fds'.padStart(5)} ${'RSS MB'.padStart(8)} ${'threads'.padStart(8)}   V8 heap used / committed MB   external MB`);
console.log(row('start (after warm-up)', start));
console.log(row(`after ${CYCLES} cycles`, afterCycles));
console.log(row('end (after churn)', end));

const problems: string[] = [...warm.failures, ...seq.failures];
for (const [label, f] of [
  ['after the cycles', afterCycles],
  ['at the end', end],
] as const) {
  if (f.fds > start.fds) problems.push(`fds grew ${label}: ${start.fds} -> ${f.fds}`);
  if (f.threads > start.threads) problems.push(`threads grew ${label}: ${start.threads} -> ${f.threads}`);
  const outsideHeap = (x: Figures): number => x.rssMB - x.heapTotalMB;
  if (!UNDER_ASAN && outsideHeap(f) - outsideHeap(start) > GROWTH_LIMIT_MB) {
    problems.push(
      `RSS outside V8's heap grew ${label} by ${(outsideHeap(f) - outsideHeap(start)).toFixed(1)} MB (limit ${GROWTH_LIMIT_MB} MB)`,
    );
  }
  if (f.heapUsedMB - start.heapUsedMB > GROWTH_LIMIT_MB) {
    problems.push(`V8 heap in use grew ${label} by ${(f.heapUsedMB - start.heapUsedMB).toFixed(1)} MB (limit ${GROWTH_LIMIT_MB} MB)`);
  }
}
for (const c of [warmChurn, ch]) {
  if (c.exits !== c.spawned) problems.push(`churn: ${c.spawned} sessions but ${c.exits} exits`);
  if (c.doubleExits > 0) problems.push(`churn: ${c.doubleExits} second exit events`);
  if (c.dataAfterExit > 0) problems.push(`churn: ${c.dataAfterExit} data events after exit`);
}

if (UNDER_ASAN) console.log('soak: running under AddressSanitizer: RSS is printed but not judged');
if (problems.length > 0) {
  console.log(`soak: FAILED\n  ${problems.slice(0, 20).join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log(
    `soak: passed (fds ${end.fds - start.fds >= 0 ? '+' : ''}${end.fds - start.fds}, ` +
      `RSS ${signed(end.rssMB - start.rssMB)} MB (outside V8's heap ${signed(end.rssMB - end.heapTotalMB - (start.rssMB - start.heapTotalMB))}), ` +
      `threads ${end.threads - start.threads >= 0 ? '+' : ''}${end.threads - start.threads})`,
  );
}
