/**
 * The frame of every workload process: `node <bundle> <impl> <params-json>`. It loads the
 * implementation, runs the workload under a time limit, prints ONE JSON line on stdout (logs go
 * to stderr), and kills every child that has not exited, however the workload ends.
 */
import { killRunning } from './cleanup.js';
import { isNodeImpl, loadImpl, type BenchPty, type LoadedImpl, type NodeImpl } from './impl.js';

export interface BaseParams {
  /** The whole workload must finish within this; it also bounds every wait inside it. */
  timeLimitMs: number;
}

export interface WorkloadContext<P extends BaseParams> {
  impl: LoadedImpl;
  params: P;
  /** performance.now() after which every loop stops and reports what it has. */
  deadline: number;
  left(): number;
}

export const nowMs = (): number => performance.now();

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `done` every `everyMs` until it holds or `timeoutMs` passes; says which. */
export async function waitFor(done: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const end = nowMs() + timeoutMs;
  while (!done()) {
    if (nowMs() >= end) return false;
    await sleep(everyMs);
  }
  return true;
}

function emit(result: Record<string, unknown>, code: number): void {
  result.childrenKilledAtEnd = killRunning();
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(code));
}

export function runWorkload<P extends BaseParams>(
  name: string,
  main: (ctx: WorkloadContext<P>) => Promise<Record<string, unknown>>,
  /** Which implementations this workload applies to (default: all Node ones). */
  applies: (impl: NodeImpl) => boolean = () => true,
): void {
  const [implArg = '', paramsArg = '{}'] = process.argv.slice(2);
  if (!isNodeImpl(implArg) || !applies(implArg)) {
    process.stderr.write(`${name}: unknown or inapplicable implementation ${JSON.stringify(implArg)}\n`);
    process.exit(2);
  }
  const params = JSON.parse(paramsArg) as P;
  const limit = Number(params.timeLimitMs);
  if (!(limit > 0)) {
    process.stderr.write(`${name}: params.timeLimitMs must be a positive number\n`);
    process.exit(2);
  }
  const started = nowMs();
  const deadline = started + limit;

  const fail = (error: unknown): void => {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    emit({ workload: name, impl: implArg, error: message }, 1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  // The runner asks with SIGTERM when this process overruns; children go first.
  process.on('SIGTERM', () => fail(new Error('stopped by the runner (SIGTERM): time limit exceeded')));
  // A backstop a little past the limit, in case a wait inside forgot the deadline.
  setTimeout(() => fail(new Error(`time limit of ${limit} ms exceeded`)), limit + 5000).unref();

  void (async () => {
    const impl = await loadImpl(implArg);
    const result = await main({ impl, params, deadline, left: () => Math.max(0, deadline - nowMs()) });
    emit({ workload: name, impl: implArg, ...result, wallMs: nowMs() - started }, 0);
  })().catch(fail);
}

export interface ExitSeen {
  at: number;
  exitCode: number;
  signal?: number;
}

/**
 * Resolves when the child's exit is reported (at the moment it was reported, not when the
 * awaiting code resumes), or null after `timeoutMs`. An event, not a polling loop: polling
 * would wake the event loop and disturb what is being measured.
 */
export function onceExit(pty: BenchPty, timeoutMs: number): Promise<ExitSeen | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    pty.onExit((e) => {
      const at = nowMs();
      clearTimeout(timer);
      resolve({ at, exitCode: e.exitCode, signal: e.signal });
    });
  });
}
