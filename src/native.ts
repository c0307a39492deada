/**
 * The contract between the TypeScript layer and the C++ addon (src-native/), and its lazy load.
 *
 * The addon keeps one session per pty master in a global map, fed by one native I/O thread.
 * Every function validates its arguments (TypeError / RangeError with Node's codes, as in
 * src/validate.ts; never a crash) and ignores ids it no longer knows, so that calls after exit
 * are safe no-ops.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadAddon } from './native-loader.js';

export interface SpawnRequest {
  /** The program, as given by the user (looked up on the child's PATH when it has no '/'). */
  file: string;
  /** argv[1..]; argv[0] is `file`. */
  args: string[];
  /** The child's environment as 'KEY=value' strings. */
  env: string[];
  cwd: string;
  cols: number;
  rows: number;
  /** -1 keeps the parent's. */
  uid: number;
  /** -1 keeps the parent's. */
  gid: number;
  /**
   * The longest output waits while the session is busy, in ms (0 to limits.maxGapMs): news within
   * this gap of the last wake waits for the gap to end; after a quiet spell it comes at once.
   */
  gapMs: number;
  /** Bytes held for JavaScript before reading stops (limits.minHighWaterMark to maxHighWaterMark). Default: highWaterMark. */
  highWaterMark?: number;
  /**
   * Deliver the output as UTF-8 text (strings) rather than Buffers. A character split between
   * reads is carried whole to the next delivery; one left incomplete at the exit is U+FFFD.
   */
  text?: boolean;
}

export interface SpawnResult {
  id: number;
  pid: number;
  ptsName: string;
}

/** Signal targets, as `kill()` takes them natively. */
export const enum NativeKillTarget {
  Process = 0,
  Group = 1,
  Foreground = 2,
}

/**
 * One drained batch, flat for speed: entries of five slots `[id, data, exitCode, signal,
 * inputDrained]`, one or more per session with news (its output comes in pieces of at most
 * 32 KiB, in order; the exit and inputDrained come with its last entry). `data` is a string
 * (text sessions), a Buffer, or null. `exitCode` is -1 while the child runs; once it is >= 0
 * the child has been reaped and all of its output is in this or an earlier entry, the session
 * is gone from the native map, and `signal` is the terminating signal (0 when it exited
 * normally). `inputDrained` is true once input that had reached `inputHighWaterMark` has all
 * been taken by the terminal.
 */
export type DrainBatch = Array<number | Buffer | string | null | boolean>;
export const BATCH_STRIDE = 5;

export interface NativeBinding {
  /** Throws an Error with code/errno/syscall/path when the pty cannot be made or exec fails. */
  spawn(request: SpawnRequest): SpawnResult;
  /**
   * Writes now what the kernel takes; queues the rest for the I/O thread. Never blocks.
   * Returns the bytes still queued natively for this session (0 for an unknown id).
   */
  write(id: number, data: Buffer | string): number;
  /**
   * Drains one session's buffered output as bytes, text session or not (null when there is
   * none). Does not report exit. For tests and diagnostics.
   */
  read(id: number): Buffer | null;
  /**
   * Drains every session that is not paused and has output or has exited, in one call, in the
   * order their news arrived. With `maxBytes`, it stops once that much output was taken; the
   * sessions it did not reach are first in line for the next call.
   */
  readAll(maxBytes?: number): DrainBatch;
  resize(id: number, cols: number, rows: number, xpixel: number, ypixel: number): void;
  /** Sends a signal; errors such as ESRCH after exit are ignored. */
  kill(id: number, signal: number, target: NativeKillTarget): void;
  /** A paused session is skipped by readAll(); its buffer fills to the high-water mark. */
  setPaused(id: number, paused: boolean): void;
  /** Name of the terminal's foreground process ('' when unknown). */
  foregroundProcess(id: number): string;
  /** The terminal's foreground process group id (its leader's pid), or -1. */
  foregroundPid(id: number): number;
  /** Closes the master now (the child gets SIGHUP). The exit is still reported by readAll(). */
  close(id: number): void;
  /**
   * The only way news reaches JavaScript: called on the JavaScript thread when sessions have
   * news, at most once per session gap while output flows, at once for the echo of typed
   * input, a full buffer, an exit, a resume, or output left over by readAll()'s byte budget.
   * One handler per Node environment (main thread or worker); set it before the first spawn.
   */
  setWakeHandler(handler: () => void, threadsafe?: boolean): void;
  /** Whether the wake-up handle keeps the event loop alive (while a ref'd session lives). */
  setWakeRef(ref: boolean): void;
  /**
   * What spawn() and resize() take at most, checked natively and by src/options.ts alike:
   * argument and environment entries, a terminal dimension or pixel size, a uid or gid, and
   * gapMs (setTimeout's largest delay).
   */
  readonly limits: Readonly<{
    maxArgs: number;
    maxDimension: number;
    maxId: number;
    maxGapMs: number;
    minHighWaterMark: number;
    maxHighWaterMark: number;
  }>;
  /** The read buffer's default high-water mark in bytes, per session (the highWaterMark option). */
  readonly highWaterMark: number;
  /** The same for a paused session: reading stops sooner, so less is in flight on resume. */
  readonly pausedHighWaterMark: number;
  /**
   * Queued input, per session, from which write()'s result says to hold off; the I/O thread
   * then reports (inputDrained in a batch) when the queue has emptied.
   */
  readonly inputHighWaterMark: number;
  /**
   * How long all sessions must have been quiet, after a burst of output, before the I/O thread
   * hands the memory it passed through back to the kernel (the soak waits for it).
   */
  readonly memoryReleaseQuietMs: number;
}

/** dist/*.{js,cjs} and src/native.ts all sit one level below the package root. */
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

let binding: NativeBinding | undefined;
let loadError: unknown;

/**
 * The addon, loaded on first use (the first spawn), not at import: `native-pty/activity`,
 * `native-pty/ansi` and a guarded `import('native-pty')` work where no addon can load, and the
 * load error reaches the caller of spawn() (code ERR_NATIVE_PTY_LOAD) instead of the importer.
 * A failed load is not retried: every later call throws the same error.
 */
export function addon(): NativeBinding {
  if (binding !== undefined) return binding;
  if (loadError !== undefined) throw loadError;
  try {
    binding = loadAddon<NativeBinding>(packageRoot, 'native-pty');
  } catch (err) {
    loadError = err;
    throw err;
  }
  return binding;
}
