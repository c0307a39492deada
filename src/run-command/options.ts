/**
 * The options of runCommand and runShell, checked and with their defaults applied, so that a
 * mistake shows up as a TypeError or RangeError at the call instead of an odd run.
 */
export interface RunOptions {
  /** Working directory of the child. Default process.cwd(). */
  cwd?: string;
  /** Environment of the child. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Columns, as for NativePty. Default 80. */
  cols?: number;
  /** Rows, as for NativePty. Default 24. */
  rows?: number;
  /** TERM for the child, as for NativePty. Default 'xterm-256color'. */
  name?: string;
  /** Milliseconds before the command is interrupted; 0 means never. Default 300,000. */
  timeout?: number;
  /** Aborting it interrupts the command, as a timeout does. */
  signal?: AbortSignal;
  /**
   * Written to the terminal right after spawn, as if typed: the terminal echoes it, and the
   * child sees end of input only if it contains Ctrl+D ('\x04') at the start of a line.
   */
  input?: string | Uint8Array;
  /** Head and tail of the output kept, in UTF-8 bytes (the marker comes on top). Default 1 MiB. */
  maxOutputBytes?: number;
  /** Remove escape sequences (colours, cursor movement, titles) from the output. Default false. */
  stripAnsi?: boolean;
  /** Milliseconds between the steps Ctrl+C, SIGTERM, SIGKILL. Default 500. */
  killGraceMs?: number;
  /**
   * Called with each piece of output as it arrives: the same text that `output` is made of
   * (stripped when stripAnsi is set), before truncation. If it throws, the command is
   * interrupted and the promise rejects with what it threw.
   */
  onData?: (data: string) => void;
}

export interface ShellOptions extends RunOptions {
  /** The shell, run as `shell -c commandLine`. Default $SHELL, or /bin/sh when unset. */
  shell?: string;
}

export const DEFAULT_TIMEOUT_MS = 300_000;
export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
export const DEFAULT_KILL_GRACE_MS = 500;
/** Largest delay setTimeout honours; above it Node fires after 1 ms instead. */
export const MAX_DELAY_MS = 2 ** 31 - 1;
/** Head and tail are joined into one string, and V8 strings stop near 2^29 code units. */
export const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

export interface ResolvedRunOptions {
  spawn: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    cols?: number;
    rows?: number;
    name?: string;
  };
  timeout: number;
  signal: AbortSignal | undefined;
  input: string | Uint8Array | undefined;
  maxOutputBytes: number;
  stripAnsi: boolean;
  killGraceMs: number;
  onData: ((data: string) => void) | undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `a ${typeof value}`;
}

function integerIn(name: string, value: unknown, min: number, max: number, fallback: number) {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') {
    throw new TypeError(`options.${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`options.${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  // Duck-typed as Node's own APIs do, so that signals from another realm or polyfill work.
  return (
    typeof value === 'object' &&
    value !== null &&
    'aborted' in value &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function'
  );
}

/**
 * Checks the options runCommand itself uses. Those it passes on to NativePty (cwd, env, cols,
 * rows, name) are checked there, with the same TypeError / RangeError convention.
 */
export function resolveRunOptions(options: unknown): ResolvedRunOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  const o = options as RunOptions;
  if (o.signal !== undefined && !isAbortSignal(o.signal)) {
    throw new TypeError(`options.signal must be an AbortSignal, got ${describe(o.signal)}`);
  }
  if (o.input !== undefined && typeof o.input !== 'string' && !(o.input instanceof Uint8Array)) {
    throw new TypeError(
      `options.input must be a string, Buffer or Uint8Array, got ${describe(o.input)}`,
    );
  }
  if (o.stripAnsi !== undefined && typeof o.stripAnsi !== 'boolean') {
    throw new TypeError(`options.stripAnsi must be a boolean, got ${describe(o.stripAnsi)}`);
  }
  if (o.onData !== undefined && typeof o.onData !== 'function') {
    throw new TypeError(`options.onData must be a function, got ${describe(o.onData)}`);
  }
  return {
    spawn: { cwd: o.cwd, env: o.env, cols: o.cols, rows: o.rows, name: o.name },
    timeout: integerIn('timeout', o.timeout, 0, MAX_DELAY_MS, DEFAULT_TIMEOUT_MS),
    signal: o.signal,
    input: o.input,
    maxOutputBytes: integerIn(
      'maxOutputBytes',
      o.maxOutputBytes,
      1,
      MAX_OUTPUT_BYTES,
      DEFAULT_MAX_OUTPUT_BYTES,
    ),
    stripAnsi: o.stripAnsi ?? false,
    killGraceMs: integerIn('killGraceMs', o.killGraceMs, 0, MAX_DELAY_MS, DEFAULT_KILL_GRACE_MS),
    onData: o.onData,
  };
}

export function checkFileAndArgs(file: unknown, args: unknown): asserts args is string[] {
  if (typeof file !== 'string') throw new TypeError(`file must be a string, got ${describe(file)}`);
  if (file.length === 0) throw new TypeError('file must not be empty');
  if (!Array.isArray(args)) throw new TypeError(`args must be an array, got ${describe(args)}`);
  args.forEach((arg, i) => {
    if (typeof arg !== 'string') {
      throw new TypeError(`args[${i}] must be a string, got ${describe(arg)}`);
    }
  });
}
