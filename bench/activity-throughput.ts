/**
 * Throughput of activity detection, in MB/s of UTF-8 terminal output.
 *
 *   npx tsx bench/activity-throughput.ts
 *
 * - ordinary: a few MB of what a terminal mostly shows (logs, source code, ls -l, coloured
 *   compiler errors, a TUI repaint, progress lines with \r). Target >= 200 MB/s.
 * - status-heavy: an AI CLI at work, its status line redrawn every frame among other output.
 * Both are fed in 64 KiB chunks, roughly what one poll of a busy PTY delivers. Also shown: two
 * harder kinds of ordinary output (a full-screen program alone, which has no newlines to skip
 * by; UTF-16 strings), the share of a core detection takes per 100 MB/s of PTY output, and for
 * scale the cost of decoding the same bytes with a StringDecoder, which every PTY pays.
 */
import { StringDecoder } from 'node:string_decoder';
import { stripAnsi } from '../src/ansi.js';
import { ActivityDetector } from '../src/activity/index.js';

const TARGET_BYTES = 4 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
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

function ordinary(): string {
  let out = '';
  while (Buffer.byteLength(out) < TARGET_BYTES) {
    const r = rand(10);
    if (r < 4) for (let i = 0; i < 20; i++) out += logLine();
    else if (r < 6) for (let i = 0; i < 30; i++) out += pick(code) + '\n';
    else if (r < 7) for (let i = 0; i < 20; i++) out += lsLine();
    else if (r < 8) out += compilerError();
    else if (r < 9) out += tuiRepaint();
    else out += progress();
  }
  return out;
}

const spinner = ['·', '✢', '✳', '✶', '✻', '✽'];
function statusHeavy(): string {
  let out = '';
  let s = 0;
  while (Buffer.byteLength(out) < TARGET_BYTES) {
    s++;
    // One frame as an ink-based CLI draws it: move up over the previous frame, redraw.
    out +=
      `${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[G` +
      `${ESC}[38;5;174m${pick(spinner)}${ESC}[39m ${ESC}[38;5;174mCrafting…${ESC}[39m ` +
      `${ESC}[2m(${s}s · ${ESC}[1m↑${ESC}[22m${ESC}[2m ${(s / 10).toFixed(1)}k tokens · ` +
      `${ESC}[1mesc${ESC}[22m${ESC}[2m to interrupt)${ESC}[22m\n\n` +
      `${ESC}[2m╭──────────────────────────────────────────╮${ESC}[22m\n` +
      `${ESC}[2m│${ESC}[22m > ${ESC}[7m ${ESC}[27m                                      ${ESC}[2m│${ESC}[22m\n` +
      `${ESC}[2m╰──────────────────────────────────────────╯${ESC}[22m\n`;
    if (s % 5 === 0) for (let i = 0; i < 5; i++) out += pick(code) + '\n';
  }
  return out;
}

function tuiOnly(): string {
  // A full-screen program alone (top, vim): no newline at all, so every character is read.
  let out = '';
  while (Buffer.byteLength(out) < TARGET_BYTES) out += tuiRepaint();
  return out;
}

function twoByte(): string {
  // One character above U+00FF makes V8 store a whole chunk as UTF-16; box drawing does it.
  let out = '';
  while (Buffer.byteLength(out) < TARGET_BYTES) {
    out += `│ ${pick(words).padEnd(10)} │ ${String(rand(1000)).padStart(5)} ms │ ✓ passed → next │\n`;
    out += logLine();
  }
  return out;
}

function chunks(text: string): string[] {
  const buf = Buffer.from(text);
  const decoder = new StringDecoder('utf8');
  const out: string[] = [];
  for (let i = 0; i < buf.length; i += CHUNK_BYTES) out.push(decoder.write(buf.subarray(i, i + CHUNK_BYTES)));
  return out;
}

function measure(run: () => void): number {
  run(); // warm-up, lets V8 optimise
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = process.hrtime.bigint();
    run();
    rounds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  rounds.sort((a, b) => a - b);
  return rounds[3]!; // median
}

function bench(name: string, text: string, extras = false): number {
  const bytes = Buffer.byteLength(text);
  const parts = chunks(text);
  let statuses = 0;
  const seconds = measure(() => {
    const detector = new ActivityDetector();
    detector.on('activity', (e) => {
      if (e.status) statuses++;
    });
    for (const p of parts) detector.feed(p);
    detector.dispose();
  });
  const rate = bytes / 1e6 / seconds;
  let line = `${name.padEnd(30)} ${rate.toFixed(0).padStart(6)} MB/s   ${(100 / rate * 100).toFixed(1).padStart(5)}% of a core per 100 MB/s of output`;
  if (extras) {
    const buffers = parts.map((p) => Buffer.from(p));
    const decode = bytes / 1e6 / measure(() => {
      const decoder = new StringDecoder('utf8');
      for (const b of buffers) decoder.write(b);
    });
    const strip = bytes / 1e6 / measure(() => {
      for (const p of parts) stripAnsi(p);
    });
    line += `   (for scale: StringDecoder ${decode.toFixed(0)} MB/s, stripAnsi ${strip.toFixed(0)} MB/s)`;
  }
  console.log(line + (statuses > 0 ? `   ${statuses / 8} status events per pass` : ''));
  return rate;
}

console.log(`activity detection, ${(TARGET_BYTES / 2 ** 20).toFixed(0)} MiB per case, fed in ${CHUNK_BYTES / 1024} KiB chunks, median of 7`);
const ordinaryRate = bench('ordinary (mixed)', ordinary(), true);
bench('  full-screen TUI alone', tuiOnly());
bench('  UTF-16 text (box drawing)', twoByte());
bench('status-heavy', statusHeavy(), true);
console.log(
  `ordinary output: ${ordinaryRate.toFixed(0)} MB/s (target >= 200 MB/s): ${ordinaryRate >= 200 ? 'ok' : 'BELOW TARGET'}`,
);
