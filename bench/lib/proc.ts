/**
 * Runs one workload process (a bundled Node workload or the C reader), one at a time, under a
 * time limit, and afterwards kills by pid any process it left behind. Strays are found by a
 * marker in their environment that only this run's children carry, so nothing else on the
 * machine is ever touched, and a recycled pid is not mistaken for one of ours.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';

export interface ProcessOutcome {
  /** The last JSON object the process printed on stdout, or null. */
  json: Record<string, unknown> | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderr: string;
  wallMs: number;
  /** Processes of this run still alive after it ended, killed by pid. */
  strays: number;
}

const TERM_GRACE_MS = 3_000;

/** The workload process running now, for interruptOnSignal(). */
let current: number | undefined;

/**
 * Ctrl+C or SIGTERM on the runner: kill the running workload and every process of the run by
 * pid before leaving, rather than leave them to the terminal's hang-up.
 */
export function interruptOnSignal(marker: string): void {
  const stop = (signal: NodeJS.Signals): void => {
    // Synchronously, so that nothing of the run (a table, a results file) follows.
    if (current !== undefined) signalPid(current, 'SIGKILL');
    for (const pid of findMarked(marker)) signalPid(pid, 'SIGKILL');
    process.stderr.write(`bench: interrupted by ${signal}; every process of the run killed\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function runProcess(
  command: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; timeoutMs: number; marker: string },
): Promise<ProcessOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const pid = child.pid;
    current = pid;
    let killTimer: NodeJS.Timeout | undefined;
    const termTimer = setTimeout(() => {
      timedOut = true;
      if (pid === undefined) return;
      // A Node workload kills its own children on SIGTERM and reports; SIGKILL if it cannot.
      signalPid(pid, 'SIGTERM');
      killTimer = setTimeout(() => signalPid(pid, 'SIGKILL'), TERM_GRACE_MS);
    }, opts.timeoutMs);
    child.on('error', (err) => (stderr += `\n${err.message}`));
    child.on('close', (code, signal) => {
      current = undefined;
      clearTimeout(termTimer);
      clearTimeout(killTimer);
      const wallMs = performance.now() - started;
      void killMarked(opts.marker).then((strays) =>
        resolve({ json: lastJson(stdout), code, signal, timedOut, stderr, wallMs, strays }),
      );
    });
  });
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function lastJson(stdout: string): Record<string, unknown> | null {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return null;
    }
  }
  return null;
}

/** Pids of live processes whose environment carries `marker` (NAME=value). */
export function findMarked(marker: string): number[] {
  const found: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return found; // no procfs (macOS): nothing to sweep
  }
  const needle = Buffer.from(`${marker}\0`);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const environ = fs.readFileSync(`/proc/${pid}/environ`);
      if (environ.includes(needle)) found.push(pid);
    } catch {
      // Exited meanwhile, or not ours to read.
    }
  }
  return found;
}

/**
 * SIGKILL by pid to every process carrying the marker that is still alive a moment after its
 * workload ended (a child that just got SIGHUP from its closed master is given time to go).
 * Returns how many were killed.
 */
export async function killMarked(marker: string): Promise<number> {
  if (findMarked(marker).length === 0) return 0;
  await new Promise((resolve) => setTimeout(resolve, 500));
  const pids = findMarked(marker);
  for (const pid of pids) signalPid(pid, 'SIGKILL');
  return pids.length;
}
