/**
 * The options of runCommand and runShell, checked (validate.ts: Node's codes and messages)
 * and with their defaults applied, so that a mistake shows up at the call instead of as an
 * odd run.
 */
import {
  invalidArgType,
  validateAbortSignal,
  MAX_TIMER_DELAY_MS,
  validateBoolean,
  validateFunction,
  validateInteger,
  validateObject,
} from '../validate.js';

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

function integerOption(name: string, value: unknown, min: number, max: number, fallback: number): number {
  return value === undefined ? fallback : validateInteger(value, `options.${name}`, min, max);
}

/**
 * Checks the options runCommand itself uses. Those it passes on to NativePty (cwd, env, cols,
 * rows, name) are checked there, by the same validators.
 */
export function resolveRunOptions(options: unknown): ResolvedRunOptions {
  const o = (options === undefined ? {} : validateObject(options, 'options')) as RunOptions;
  if (o.signal !== undefined) validateAbortSignal(o.signal, 'options.signal');
  if (o.input !== undefined && typeof o.input !== 'string' && !(o.input instanceof Uint8Array)) {
    throw invalidArgType('options.input', 'of type string or an instance of Buffer or Uint8Array', o.input);
  }
  return {
    spawn: { cwd: o.cwd, env: o.env, cols: o.cols, rows: o.rows, name: o.name },
    timeout: integerOption('timeout', o.timeout, 0, MAX_TIMER_DELAY_MS, DEFAULT_TIMEOUT_MS),
    signal: o.signal,
    input: o.input,
    maxOutputBytes: integerOption('maxOutputBytes', o.maxOutputBytes, 1, MAX_OUTPUT_BYTES, DEFAULT_MAX_OUTPUT_BYTES),
    stripAnsi: o.stripAnsi === undefined ? false : validateBoolean(o.stripAnsi, 'options.stripAnsi'),
    killGraceMs: integerOption('killGraceMs', o.killGraceMs, 0, MAX_TIMER_DELAY_MS, DEFAULT_KILL_GRACE_MS),
    onData: o.onData === undefined ? undefined : validateFunction<(data: string) => void>(o.onData, 'options.onData'),
  };
}
