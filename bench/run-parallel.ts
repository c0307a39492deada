/**
 * Many runCommand calls at once must not block the event loop. Starts N runs (default 50) that
 * each print B bytes (default 1 MiB) of 80-column lines, checks that every one completes with
 * all of its output, and reports wall time, throughput and the event-loop delay the runs cause
 * (perf_hooks.monitorEventLoopDelay). Target: p99 < 20 ms.
 *
 * The same load is then run on node-pty (spawns spread over turns the same way, output
 * collected into a string) so that the figures can be read against the usual way of doing it
 * on the same machine at the same time.
 *
 *   npx tsx bench/run-parallel.ts [--runs 50] [--bytes 1048576] [--child yes|node] [--no-node-pty]
 *
 * --child yes (default) prints with `yes | head -c`, so that the child costs little CPU and
 * what is measured is ours; --child node prints with a Node process (heavier start-up).
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';

import * as nodePty from 'node-pty';

import { runCommand } from '../src/run-command.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '50' },
    bytes: { type: 'string', default: String(1024 * 1024) },
    child: { type: 'string', default: 'yes' },
    'no-node-pty': { type: 'boolean', default: false },
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

/** What a run must return: the text with each \n turned into \r\n by the terminal. */
function expectedBytes(): number {
  const text = LINE.repeat(Math.ceil(bytes / LINE.length)).slice(0, bytes);
  return bytes + (text.match(/\n/g)?.length ?? 0);
}

interface Outcome {
  ok: boolean;
  bytes: number;
}

type Runner = (file: string, args: string[], expected: number) => Promise<Outcome>;

const viaRunCommand: Runner = async (file, args, expected) => {
  const r = await runCommand(file, args, { maxOutputBytes: 2 * expected, timeout: 0 });
  const n = Buffer.byteLength(r.output);
  return { ok: r.exitCode === 0 && !r.truncated && n === expected, bytes: n };
};

const viaNodePty: Runner = (file, args, expected) =>
  new Promise((resolve) => {
    // One spawn per turn, as runCommand does, so that only the data path differs.
    setImmediate(() => {
      const p = nodePty.spawn(file, args, {});
      const chunks: string[] = [];
      p.onData((d) => chunks.push(d));
      p.onExit(({ exitCode }) => {
        // node-pty may deliver the last data after exit; give it a moment, as users must.
        setTimeout(() => {
          const n = Buffer.byteLength(chunks.join(''));
          resolve({ ok: exitCode === 0 && n === expected, bytes: n });
        }, 50);
      });
    });
  });

/**
 * The main thread's CPU time and its time spent runnable but waiting for a CPU (ns), from
 * /proc/self/task/<tid>/schedstat. A delay during which the thread waited for a CPU is the
 * scheduler's, not ours: with 100 busy processes on 2 cores, the thread queues behind them.
 */
function mainThreadSchedstat(): { cpuNs: number; waitNs: number } | null {
  try {
    const [cpu, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { cpuNs: cpu!, waitNs: wait! };
  } catch {
    return null;  // no schedstat (not Linux, or a kernel without schedstats)
  }
}

function ms(ns: number): string {
  return (ns / 1e6).toFixed(2);
}

function delays(h: IntervalHistogram): string {
  return `p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, max ${ms(h.max)} ms (${h.count} samples)`;
}

async function measure(label: string, runner: Runner): Promise<number> {
  const [file, args] = command();
  const expected = expectedBytes();
  // Resolution 1 ms: each sample is the time between two 1 ms ticks, so the figures are the
  // delay plus about 1 ms, a slight overstatement rather than a blind spot.
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // A sample is the gap between two ticks of the monitor, so a stall before its first tick
  // would go unseen: let it tick before anything starts.
  await new Promise((r) => setTimeout(r, 20));
  const sched0 = mainThreadSchedstat();
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: runs }, () => runner(file, args, expected)));
  const wall = performance.now() - started;
  const sched1 = mainThreadSchedstat();
  h.disable();
  const complete = outcomes.filter((o) => o.ok).length;
  const total = outcomes.reduce((n, o) => n + o.bytes, 0);
  console.log(`${label}: x${runs}, ${bytes} bytes each, child: ${values.child}`);
  console.log(`  complete with all output: ${complete}/${runs}`);
  if (complete < runs) {
    const got = outcomes.filter((o) => !o.ok).map((o) => o.bytes);
    console.log(`  incomplete runs got ${Math.min(...got)}..${Math.max(...got)} of ${expected} bytes`);
  }
  console.log(`  wall time: ${wall.toFixed(0)} ms, ${(total / 1024 / 1024 / (wall / 1000)).toFixed(1)} MiB/s in total`);
  console.log(`  event-loop delay: ${delays(h)}`);
  if (sched0 !== null && sched1 !== null) {
    console.log(
      `  main thread: ${ms(sched1.cpuNs - sched0.cpuNs)} ms on a CPU, ${ms(sched1.waitNs - sched0.waitNs)} ms runnable but waiting for one`,
    );
  }
  return complete === runs ? h.percentile(99) / 1e6 : Number.POSITIVE_INFINITY;
}

async function main(): Promise<void> {
  // The delay of an idle loop on this machine, as a floor to read the loaded numbers against.
  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((r) => setTimeout(r, 1000));
  idle.disable();
  console.log(`idle event-loop delay: ${delays(idle)}`);

  const p99 = await measure('runCommand', viaRunCommand);
  console.log(`  target p99 < 20 ms: ${p99 < 20 ? 'met' : 'MISSED'}`);
  if (!values['no-node-pty']) await measure('node-pty (same load, for reference)', viaNodePty);
  if (!Number.isFinite(p99)) process.exitCode = 1;
}

await main();
