/**
 * Child Node processes for tests, the fuzz driver and the soak: a fixture runs in its own
 * process so that a native crash shows as a signal instead of taking the test runner down, and
 * so that Node's own exit and teardown can be watched from outside.
 */
import { spawn as spawnChild } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures');

/** The absolute path of a fixture, given under test/fixtures ('pty/invalid-args.ts'). */
export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the child was killed for running past its time limit. */
  timedOut: boolean;
}

export interface ChildOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Kill (SIGKILL) after this long and report timedOut; a bound that only catches hangs. */
  timeoutMs?: number;
  /** Shell `ulimit` arguments applied before Node starts, e.g. [['-n', '64']]. */
  ulimit?: string[][];
}

/**
 * Runs `script` (TypeScript, loaded by tsx) in a child Node process: the same Node binary as
 * this one, so a sanitizer run checks the child too. Kills it after 60 s unless told otherwise.
 */
export function runNode(script: string, options: ChildOptions = {}): Promise<ChildResult> {
  const nodeArgs = ['--import', 'tsx', script, ...(options.args ?? [])];
  let file = process.execPath;
  let args = nodeArgs;
  if (options.ulimit && options.ulimit.length > 0) {
    // Limits must be in place before Node starts; `exec` keeps the shell out of the picture.
    const limits = options.ulimit.map((l) => `ulimit ${l.join(' ')}`).join(' && ');
    file = '/bin/sh';
    args = ['-c', `${limits} && exec "$0" "$@"`, process.execPath, ...nodeArgs];
  }
  return new Promise((resolve, reject) => {
    const child = spawnChild(file, args, {
      cwd: REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** The last line of a child's stdout, parsed as JSON: children report that way. */
export function lastJson<T>(result: ChildResult): T {
  const lines = result.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(
      `child did not report (code ${result.code}, signal ${result.signal}, timed out ${result.timedOut})\n` +
        `stdout: ${result.stdout.slice(-2000)}\nstderr: ${result.stderr.slice(-4000)}`,
    );
  }
}

/** What a native crash or a C++ runtime failure leaves on stderr. */
export const CRASH_PATTERN =
  /Aborted|terminate called|FATAL ERROR|Assertion|Segmentation fault|AddressSanitizer|LeakSanitizer|runtime error:|core dumped/;
