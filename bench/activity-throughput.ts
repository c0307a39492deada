/**
 * Cost of activity detection: CPU time per MB of UTF-8 terminal output, and the MB/s that is.
 *
 *   npx tsx bench/activity-throughput.ts [--quick]
 *
 * Fed in 64 KiB chunks, roughly what one poll of a busy PTY delivers:
 * - ordinary: what a terminal mostly shows (logs, source code, ls -l, coloured compiler errors,
 *   a TUI repaint, progress lines with \r). Target >= 200 MB/s.
 * - two harder kinds of ordinary output: a full-screen program alone, which has no newlines to
 *   skip by, and UTF-16 strings;
 * - status-heavy: an AI CLI at work, its status line redrawn every frame among other output.
 * Fed in 1 MiB chunks, what NativePty delivers at full speed:
 * - printable bytes without any newline, the throughput benchmark's `cat` of a file. Detection
 *   must cost under 3% of that path's CPU: target < 0.1 ms per MB.
 * - the same with a newline every 200 and every 10,000 characters, and a full-screen repaint.
 * CPU time (process.cpuUsage) rather than wall time, since the machine may be busy; the median
 * of several rounds. For scale: the cost of decoding the same bytes with a StringDecoder, which
 * every PTY pays, and of stripAnsi().
 *
 * The script bundles itself and runs the bundle in plain node, as the package is shipped: under
 * tsx each module's exports are getters, which cost the scanner's inner loops up to twice the
 * time.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { stripAnsi } from '../src/ansi.js';
import { ActivityDetector } from '../src/activity/index.js';

const BUNDLED = 'NATIVE_PTY_ACTIVITY_BENCH_BUNDLED';
if (process.env[BUNDLED] === undefined) {
  const self = fileURLToPath(import.meta.url);
  const outfile = path.join(path.dirname(self), '.cache', 'activity-throughput.cjs');
  // esbuild is what tsup (a devDependency) builds the package with.
  const fromTsup = createRequire(createRequire(self).resolve('tsup'));
  const esbuild = fromTsup('esbuild') as typeof import('esbuild');
  esbuild.buildSync({ entryPoints: [self], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
  const run = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [BUNDLED]: '1' },
  });
  process.exit(run.status ?? 1);
}

const QUICK = process.argv.includes('--quick');
const TARGET_BYTES = (QUICK ? 1 : 4) * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
const BIG_CHUNK_BYTES = 1024 * 1024;
const BIG_BYTES = (QUICK ? 4 : 16) * 1024 * 1024;
const ROUNDS = QUICK ? 3 : 9;
const ESC = '\x1b';

// A fixed-seed generator so that every run measures the same text.
let seed = 0x2545f491;
function rand(n: number): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;

const words = ['server', 'request', 'cache', 'user', 'session', 'token', 'worker', 'queue', 'config', 'handler'];
const levels = ['INFO', 'DEBUG', 'WARN', 'ERROR'];
const code = [
  'export function handle(req: Request, res: Response): void {',
  '  const { id, name } = req.params;',
  '  if (!cache.has(id)) return res.status(404).json({ error: "not found" });',
  '  for (let i = 0; i < items.length; i++) total += items[i].price * (1 + tax);',
  '  // Retry (at most three times) because the upstream is flaky.',
  '  await Promise.all(jobs.map((job) => queue.push(job)));',
  '  console.log(`processed ${count} items in ${elapsed}ms`);',
  '}',
  'def parse(line):',
  '    return [int(x) for x in line.split(",") if x.strip()]',
  '#include <stdio.h>',
  'int main(int argc, char **argv) { printf("%d\\n", argc); return 0; }',
];

function logLine(): string {
  const t = `2025-01-${String(1 + rand(28)).padStart(2, '0')}T10:${String(rand(60)).padStart(2, '0')}:00.${rand(1000)}Z`;
  return `${t} ${pick(levels)} [${pick(words)}] handled ${pick(words)} ${rand(10000)} in ${rand(900)}ms (status ${pick([200, 201, 304, 404, 500])})\n`;
}

function lsLine(): string {
  return `-rw-r--r--  1 dev  staff  ${String(rand(100000)).padStart(7)} Nov ${1 + rand(28)} 10:${String(rand(60)).padStart(2, '0')} ${pick(words)}-${rand(100)}.ts\n`;
}

function compilerError(): string {
  return (
    `${ESC}[1msrc/${pick(words)}.ts:${rand(500)}:${rand(80)}: ${ESC}[31merror:${ESC}[0m${ESC}[1m ` +
    `Argument of type 'string' is not assignable to parameter of type 'number'.${ESC}[0m\n` +
    `  ${rand(500)} |   const x = compute(${pick(words)}, "${pick(words)}");\n` +
    `      |                     ${ESC}[32m^~~~~~~${ESC}[0m\n`
  );
}

function tuiRepaint(): string {
  let out = `${ESC}[?25l`;
  for (let row = 1; row <= 10; row++) {
    out += `${ESC}[${row};1H${ESC}[38;5;${rand(256)}m${pick(words).padEnd(12)}${ESC}[0m ${rand(100)}% ${ESC}(B${ESC}[m${ESC}[K`;
  }
  return out + `${ESC}[?25h`;
}

function progress(): string {
  let out = '';
  for (let p = 0; p <= 100; p += 10) out += `\rDownloading ${pick(words)}.tar.gz [${'#'.repeat(p / 10).padEnd(10)}] ${p}%`;
  return out + '\n';
}

/** Concatenates what `next` makes until there are `bytes` of UTF-8. */
function fill(bytes: number, next: () => string): string {
  const parts: string[] = [];
  for (let n = 0; n < bytes; ) {
    const part = next();
    parts.push(part);
    n += Buffer.byteLength(part);
  }
  return parts.join('');
}

function ordinary(): string {
  return fill(TARGET_BYTES, () => {
    const r = rand(10);
    let out = '';
    if (r < 4) for (let i = 0; i < 20; i++) out += logLine();
    else if (r < 6) for (let i = 0; i < 30; i++) out += pick(code) + '\n';
    else if (r < 7) for (let i = 0; i < 20; i++) out += lsLine();
    else if (r < 8) out += compilerError();
    else if (r < 9) out += tuiRepaint();
    else out += progress();
    return out;
  });
}

const spinner = ['·', '✢', '✳', '✶', '✻', '✽'];
function statusHeavy(): string {
  let s = 0;
  return fill(TARGET_BYTES, () => {
    s++;
    // One frame as an ink-based CLI draws it: move up over the previous frame, redraw.
    let out =
      `${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[G` +
      `${ESC}[38;5;174m${pick(spinner)}${ESC}[39m ${ESC}[38;5;174mCrafting…${ESC}[39m ` +
      `${ESC}[2m(${s}s · ${ESC}[1m↑${ESC}[22m${ESC}[2m ${(s / 10).toFixed(1)}k tokens · ` +
      `${ESC}[1mesc${ESC}[22m${ESC}[2m to interrupt)${ESC}[22m\n\n` +
      `${ESC}[2m╭──────────────────────────────────────────╮${ESC}[22m\n` +
      `${ESC}[2m│${ESC}[22m > ${ESC}[7m ${ESC}[27m                                      ${ESC}[2m│${ESC}[22m\n` +
      `${ESC}[2m╰──────────────────────────────────────────╯${ESC}[22m\n`;
    if (s % 5 === 0) for (let i = 0; i < 5; i++) out += pick(code) + '\n';
    return out;
  });
}

function tuiOnly(bytes = TARGET_BYTES): string {
  // A full-screen program alone (top, vim): no newline at all.
  return fill(bytes, tuiRepaint);
}

function twoByte(): string {
  // One character above U+00FF makes V8 store a whole chunk as UTF-16; box drawing does it.
  return fill(
    TARGET_BYTES,
    () => `│ ${pick(words).padEnd(10)} │ ${String(rand(1000)).padStart(5)} ms │ ✓ passed → next │\n${logLine()}`,
  );
}

/** Printable ASCII, with a newline every `lineLength` characters if given. */
function printable(lineLength = Number.POSITIVE_INFINITY): string {
  const codes = new Uint8Array(BIG_BYTES);
  for (let i = 0; i < codes.length; i++) codes[i] = (i + 1) % lineLength === 0 ? 0x0a : 0x20 + rand(95);
  return Buffer.from(codes).toString('latin1');
}

/** Decoded as a PTY's data would be: flat strings, split where the bytes were. */
function chunks(text: string, size = CHUNK_BYTES): string[] {
  const buf = Buffer.from(text);
  const decoder = new StringDecoder('utf8');
  const out: string[] = [];
  for (let i = 0; i < buf.length; i += size) out.push(decoder.write(buf.subarray(i, i + size)));
  return out;
}

/** CPU seconds of one run, median of ROUNDS after a warm-up that lets V8 optimise. */
function measure(run: () => void): number {
  run();
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.cpuUsage();
    run();
    const t = process.cpuUsage(t0);
    rounds.push((t.user + t.system) / 1e6);
  }
  rounds.sort((a, b) => a - b);
  return rounds[rounds.length >> 1]!;
}

interface Result {
  msPerMb: number;
  mbPerSecond: number;
}

function bench(name: string, text: string, options: { chunkBytes?: number; extras?: boolean } = {}): Result {
  const bytes = Buffer.byteLength(text);
  const parts = chunks(text, options.chunkBytes);
  let statuses = 0;
  let runs = 0;
  const seconds = measure(() => {
    const detector = new ActivityDetector();
    detector.on('activity', (e) => {
      if (e.status) statuses++;
    });
    for (const p of parts) detector.feed(p);
    detector.dispose();
    runs++;
  });
  const mb = bytes / 1e6;
  const result = { msPerMb: (seconds * 1e3) / mb, mbPerSecond: mb / seconds };
  let line =
    `${name.padEnd(36)} ${result.msPerMb.toFixed(3).padStart(7)} ms/MB ${result.mbPerSecond.toFixed(0).padStart(7)} MB/s` +
    `   ${(result.msPerMb * 10).toFixed(1).padStart(5)}% of a core per 100 MB/s`;
  if (options.extras) {
    const buffers = parts.map((p) => Buffer.from(p));
    const decode = measure(() => {
      const decoder = new StringDecoder('utf8');
      for (const b of buffers) decoder.write(b);
    });
    const strip = measure(() => {
      for (const p of parts) stripAnsi(p);
    });
    line += `   (for scale, ms/MB: StringDecoder ${((decode * 1e3) / mb).toFixed(2)}, stripAnsi ${((strip * 1e3) / mb).toFixed(2)})`;
  }
  console.log(line + (statuses > 0 ? `   ${Math.round(statuses / runs)} status events per pass` : ''));
  return result;
}

console.log(`activity detection: CPU time, median of ${ROUNDS} rounds${QUICK ? ' (quick)' : ''}`);
console.log(`${(TARGET_BYTES / 2 ** 20).toFixed(0)} MiB per case in ${CHUNK_BYTES / 1024} KiB chunks:`);
const ordinaryResult = bench('ordinary (mixed)', ordinary(), { extras: true });
bench('  full-screen TUI alone', tuiOnly());
bench('  UTF-16 text (box drawing)', twoByte());
bench('status-heavy', statusHeavy(), { extras: true });
console.log(`${(BIG_BYTES / 2 ** 20).toFixed(0)} MiB per case in ${BIG_CHUNK_BYTES / 2 ** 20} MiB chunks:`);
const big = { chunkBytes: BIG_CHUNK_BYTES };
const catResult = bench('printable, no newline (cat of a file)', printable(), { ...big, extras: true });
bench('printable, newline every 10,000', printable(10_000), big);
bench('printable, newline every 200', printable(200), big);
bench('full-screen TUI alone', tuiOnly(BIG_BYTES), big);
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
console.log(`ordinary output: ${ordinaryResult.mbPerSecond.toFixed(0)} MB/s (target >= 200 MB/s): ${verdict(ordinaryResult.mbPerSecond >= 200)}`);
console.log(`output without newlines: ${catResult.msPerMb.toFixed(3)} ms/MB (target < 0.1 ms/MB): ${verdict(catResult.msPerMb < 0.1)}`);
