/**
 * Many runCommand calls at once must not block the event loop. Starts N runs (default 50) that
 * each print B bytes (default 1 MiB) of 80-column lines, checks that every one completes with
 * all of its output, and reports wall time, throughput and the event-loop delay the runs cause
 * (perf_hooks.monitorEventLoopDelay). Target: p99 < 20 ms.
 *
 *   npx tsx bench/run-parallel.ts [--runs 50] [--bytes 1048576] [--child yes|node]
 *
 * --child yes (default) prints with `yes | head -c`, so that the child costs little CPU and
 * what is measured is ours; --child node prints with a Node process (heavier start-up).
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { runCommand, type RunResult } from '../src/run-command.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    bytes: { type: 'string', default: String(1024 * 1024) },
    child: { type: 'string', default: 'yes' },
  },
});
const runs = Number(values.runs);
const bytes = Number(values.bytes);
if (!Number.isInteger(runs) || runs < 1) throw new RangeError('--runs must be a positive integer');
if (!Number.isInteger(bytes) || bytes < 1) throw new RangeError('--bytes must be a positive integer');

const LINE = 'The quick brown fox jumps over the lazy dog; 0123456789 abcdefghijklmnopqrstuvw\n';

function command(): [string, string[]] {
  if (values.child === 'node') {
    const script = `process.stdout.write(${JSON.stringify(LINE)}.repeat(${Math.ceil(bytes / LINE.length)}).slice(0, ${bytes}))`;
    return [process.execPath, ['-e', script]];
  }
  if (values.child === 'yes') {
    return ['/bin/sh', ['-c', `yes '${LINE.slice(0, -1)}' | head -c ${bytes}`]];
  }
  throw new RangeError('--child must be yes or node');
}

/** What the run must return: the text with each \n turned into \r\n by the terminal. */
function expectedBytes(): number {
  const text = LINE.repeat(Math.ceil(bytes / LINE.length)).slice(0, bytes);
  return bytes + (text.match(/\n/g)?.length ?? 0);
}

function ms(ns: number): string {
  return (ns / 1e6).toFixed(2);
}

async function main(): Promise<void> {
  const [file, args] = command();
  const expected = expectedBytes();

  // The delay of an idle loop on this machine, as a floor to read the loaded numbers against.
  // Resolution 1 ms: each sample is the time between two 1 ms ticks, so the figures are the
  // delay plus about 1 ms, a slight overstatement rather than a blind spot.
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 1000));
  idle.disable();

  const loaded = monitorEventLoopDelay({ resolution: 1 });
  loaded.enable();
  // A sample is the gap between two ticks of the monitor, so a stall before its first tick
  // would go unseen: let it tick before anything starts.
  await new Promise((r) => setTimeout(r, 20));
  const started = performance.now();
  const results: RunResult[] = await Promise.all(
    Array.from({ length: runs }, () =>
      runCommand(file, args, { maxOutputBytes: 2 * expected, timeout: 0 }),
    ),
  );
  const wall = performance.now() - started;
  loaded.disable();

  const complete = results.filter(
    (r) => r.exitCode === 0 && !r.truncated && Buffer.byteLength(r.output) === expected,
  ).length;
  const total = results.reduce((n, r) => n + Buffer.byteLength(r.output), 0);

  console.log(`runCommand x${runs}, ${bytes} bytes each, child: ${values.child}`);
  console.log(`  complete with all output: ${complete}/${runs}`);
  console.log(`  loop samples under load: ${loaded.count}`);
  console.log(`  wall time: ${wall.toFixed(0)} ms, ${(total / 1024 / 1024 / (wall / 1000)).toFixed(1)} MiB/s in total`);
  console.log(
    `  event-loop delay under load: p50 ${ms(loaded.percentile(50))} ms, p99 ${ms(loaded.percentile(99))} ms, max ${ms(loaded.max)} ms`,
  );
  console.log(
    `  idle event-loop delay:       p50 ${ms(idle.percentile(50))} ms, p99 ${ms(idle.percentile(99))} ms, max ${ms(idle.max)} ms`,
  );
  const p99 = loaded.percentile(99) / 1e6;
  console.log(`  target p99 < 20 ms: ${p99 < 20 ? 'met' : 'MISSED'}`);
  if (complete !== runs) process.exitCode = 1;
}

await main();
