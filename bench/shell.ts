/**
 * openShell's per-run cost, against runCommand and a bare `bash -c`, in one run:
 *
 *   npx tsx bench/shell.ts [--quick]      (npm run bench:shell)
 *
 * Each way runs the same small command (`echo $((6*7))`, checked) N times in a row, rounds
 * interleaved; reported are the medians of the per-round medians, in ms per command, and the
 * ratios. openShell pays no process start per command (the shell is already there); runCommand
 * pays a pty and a bash; `bash -c` through child_process pays a bash with pipes, no pty.
 */
import { spawnSync } from 'node:child_process';
import { openShell, runCommand } from '../src/index.js';
import { median } from './lib/stats.js';

const QUICK = process.argv.includes('--quick');
const RUNS = QUICK ? 20 : 200;
const ROUNDS = QUICK ? 1 : 5;
const COMMAND = 'echo $((6*7))';

async function timeEach(runs: number, once: () => Promise<string>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const out = await once();
    samples.push(performance.now() - started);
    if (!out.includes('42')) throw new Error(`wrong output: ${JSON.stringify(out)}`);
  }
  return median(samples);
}

const shell = await openShell({ cwd: '/tmp', env: { ...process.env, HOME: '/nonexistent' } });
const ways: Record<string, () => Promise<string>> = {
  'openShell run()': async () => (await shell.run(COMMAND)).output,
  runCommand: async () => (await runCommand('bash', ['--norc', '--noprofile', '-c', COMMAND])).output,
  'bash -c (child_process)': async () => spawnSync('bash', ['--norc', '--noprofile', '-c', COMMAND], { encoding: 'utf8' }).stdout,
};
const perRound: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, once] of Object.entries(ways)) perRound[name].push(await timeEach(RUNS, once));
}
shell.close();

const base = median(perRound['openShell run()']);
console.log(`per command, median of ${ROUNDS} round(s) x ${RUNS} runs (${new Date().toISOString().slice(0, 10)}, load ${(await import('node:os')).loadavg()[0].toFixed(2)})`);
for (const [name, rounds] of Object.entries(perRound)) {
  const ms = median(rounds);
  console.log(`  ${name.padEnd(26)} ${ms.toFixed(3).padStart(8)} ms   ${(ms / base).toFixed(1)}x openShell`);
}
