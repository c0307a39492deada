/**
 * runCommand / runShell: run a command on a pseudoterminal, as a person would see it (colours,
 * progress bars), with a timeout and cancellation, and hand back its output, for tools such as
 * the run_command of an AI coding agent.
 *
 * The promise resolves once the child has exited and all of its output has been read, also
 * after a timeout or an abort, so that what the command printed before it was stopped is never
 * lost. It rejects only when the command cannot start (an Error with `code`, as NativePty
 * throws it), when the signal is already aborted at the call (an AbortError, as child_process
 * does), on invalid arguments (TypeError / RangeError with Node's codes), or when onData throws.
 */
import { performance } from 'node:perf_hooks';

import { AbortError } from './abort-error.js';
import { NativePty } from './native-pty.js';
import { Escalation } from './run-command/escalation.js';
import { validateArgs, validateFile } from './options.js';
import {
  resolveRunOptions,
  type ResolvedRunOptions,
  type RunOptions,
  type ShellOptions,
} from './run-command/options.js';
import { HeadTailBuffer } from './run-command/output-buffer.js';
import { SequenceAligner } from './run-command/sequence-aligner.js';
import { spawnTurn } from './run-command/spawn-turns.js';
import { invalidArgValue, validateObject, validateString } from './validate.js';

export type { RunOptions, ShellOptions } from './run-command/options.js';

export interface RunResult {
  /** The exit status, or null when the child was ended by a signal or its end never came. */
  exitCode: number | null;
  /** The number of the signal that ended the child, or null. */
  signal: number | null;
  /** Everything the command printed, or its head and tail around an omission marker. */
  output: string;
  /** Whether bytes were left out of `output` to stay within maxOutputBytes. */
  truncated: boolean;
  /** The run was interrupted because `timeout` expired. */
  timedOut: boolean;
  /** The run was interrupted because `signal` was aborted. */
  aborted: boolean;
  durationMs: number;
  pid: number;
}

export { AbortError };

/** Runs `file` with `args` on a new pseudoterminal. */
export async function runCommand(
  file: string,
  args: string[] = [],
  options?: RunOptions,
): Promise<RunResult> {
  const validFile = validateFile(file);
  const validArgs = validateArgs(args);
  const opts = resolveRunOptions(options);
  throwIfAborted(opts.signal);
  await spawnTurn();
  // Aborted while waiting for its turn: the command never started, as if aborted at the call.
  throwIfAborted(opts.signal);
  return run(validFile, validArgs, opts);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortError(undefined, { cause: signal.reason });
}

function run(file: string, args: string[], opts: ResolvedRunOptions): Promise<RunResult> {
  const { signal } = opts;
  const started = performance.now();
  // Wake delivery: a short command's exit reaches the caller at once instead of at the next
  // poll. No activity detection: nobody could listen to it.
  const pty = new NativePty(file, args, { ...opts.spawn, encoding: 'utf8', delivery: 'wake', activity: false });
  const aligner = new SequenceAligner(opts.stripAnsi);
  const buffer = new HeadTailBuffer(opts.maxOutputBytes);
  let cause: 'timeout' | 'abort' | undefined;
  let callbackError: { error: unknown } | undefined;

  return new Promise<RunResult>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const interrupt = (why: 'timeout' | 'abort') => {
      cause ??= why;
      escalation.start();
    };
    const onAbort = () => interrupt('abort');
    const escalation = new Escalation(pty, opts.killGraceMs, () => {
      // The child did not go even after SIGKILL and closing the master: stop waiting for it.
      pty.unref();
      finish(null, null);
    });

    const deliver = (text: string) => {
      if (text.length === 0) return;
      buffer.push(text);
      if (opts.onData === undefined || callbackError !== undefined) return;
      try {
        opts.onData(text);
      } catch (error) {
        // The caller's callback is broken; stop the command rather than run it unobserved.
        callbackError = { error };
        escalation.start();
      }
    };
    const onData = (data: string) => {
      if (!settled) deliver(aligner.write(data));
    };
    const onExit = (exitCode: number, exitSignal: number | undefined) => {
      const bySignal = exitSignal !== undefined && exitSignal !== 0;
      finish(bySignal ? null : exitCode, bySignal ? exitSignal : null);
    };

    function finish(exitCode: number | null, exitSignal: number | null) {
      if (settled) return;
      deliver(aligner.end());
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      escalation.stop();
      signal?.removeEventListener('abort', onAbort);
      pty.off('data', onData);
      pty.off('exit', onExit);
      if (callbackError !== undefined) {
        reject(callbackError.error);
        return;
      }
      resolve({
        exitCode,
        signal: exitSignal,
        output: buffer.toString(),
        truncated: buffer.truncated,
        timedOut: cause === 'timeout',
        aborted: cause === 'abort',
        durationMs: performance.now() - started,
        pid: pty.pid,
      });
    }

    pty.on('data', onData);
    pty.on('exit', onExit);
    if (opts.timeout > 0) timer = setTimeout(() => interrupt('timeout'), opts.timeout);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.input !== undefined) pty.write(toWritable(opts.input));
  });
}

/** Runs `commandLine` with `shell -c` on a new pseudoterminal. */
export async function runShell(commandLine: string, options?: ShellOptions): Promise<RunResult> {
  validateString(commandLine, 'commandLine');
  const { shell, ...rest } = (options === undefined ? {} : validateObject(options, 'options')) as ShellOptions;
  if (shell !== undefined && validateString(shell, 'options.shell') === '') {
    throw invalidArgValue('options.shell', shell, 'must not be empty');
  }
  return runCommand(shell ?? defaultShell(), ['-c', commandLine], rest);
}

function defaultShell(): string {
  const fromEnv = process.env.SHELL;
  return fromEnv !== undefined && fromEnv.length > 0 ? fromEnv : '/bin/sh';
}

function toWritable(input: string | Uint8Array): string | Buffer {
  if (typeof input === 'string' || Buffer.isBuffer(input)) return input;
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}
