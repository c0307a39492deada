/**
 * npm run fuzz: seeded random operations over 50 sessions per seed, each seed in its own Node
 * process (see seed.ts for what is checked, driver.ts for how a crash or hang is caught).
 *
 *   npm run fuzz                  the short set (seeds 1-6), as CI runs it
 *   FUZZ_SEEDS=200 npm run fuzz   seeds 1-200 (FUZZ_FIRST_SEED moves the start)
 *   npm run fuzz -- 17 42         replays exactly those seeds
 *   FUZZ_OPS=2000                 operations per seed (default 500)
 */
import { runSeeds } from './driver.js';

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

const given = process.argv.slice(2).map(Number);
if (given.some((n) => !Number.isSafeInteger(n))) throw new TypeError(`seeds must be integers: ${process.argv.slice(2).join(' ')}`);
const first = positiveInt('FUZZ_FIRST_SEED', 1);
const seeds = given.length > 0 ? given : Array.from({ length: positiveInt('FUZZ_SEEDS', 6) }, (_, i) => first + i);
const ops = positiveInt('FUZZ_OPS', 500);

const started = Date.now();
console.log(`fuzz: ${seeds.length} seeds x ${ops} operations over 50 sessions each`);
const results = await runSeeds(seeds, { ops, log: (line) => console.log(line) });
const failed = results.filter((r) => r.failure);
const total = (key: 'sessions' | 'exits' | 'ops' | 'bytes'): number => results.reduce((n, r) => n + (r.summary?.[key] ?? 0), 0);
const invalid = results.reduce((n, r) => n + (r.summary?.opCounts.invalid ?? 0), 0);
const skipped = Math.max(0, ...results.map((r) => r.summary?.skippedCases ?? 0));

console.log(
  `fuzz: ${results.length - failed.length}/${results.length} seeds passed in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
    `${total('sessions')} sessions, ${total('exits')} exits, ${total('ops')} operations ` +
    `(${invalid} with invalid arguments), ${(total('bytes') / 1e6).toFixed(1)} MB of output`,
);
if (skipped > 0) console.log(`fuzz: WARNING: ${skipped} invalid-argument case(s) skipped by FUZZ_SKIP=${process.env.FUZZ_SKIP}`);
if (failed.length > 0) {
  console.log(`fuzz: FAILED seeds: ${failed.map((r) => r.seed).join(' ')} (replay: npm run fuzz -- ${failed.map((r) => r.seed).join(' ')})`);
  process.exitCode = 1;
}
