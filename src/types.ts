import type { ActivityOptions } from './activity/types.js';

/**
 * Public types of native-pty. The IPty surface mirrors node-pty's so that code written for
 * node-pty can switch by changing one import.
 */

export interface IDisposable {
  dispose(): void;
}

/**
 * Sees every chunk of a session's output, in order, and then its end, whatever the session's
 * 'data' listeners do (one that throws does not starve an observer). NativePty.observe() takes
 * it; activity detection is one (see detectActivity).
 */
export interface OutputObserver {
  /** A chunk of output, decoded with the session's encoding, or as UTF-8 when it emits Buffers. */
  text(chunk: string): void;
  /** The child has exited and every chunk has been seen; called just before 'exit'. */
  end(): void;
}

/** A node-pty style event: call it with a listener, get back a disposable. */
export type IEvent<T> = (listener: (e: T) => void) => IDisposable;

export interface IExitEvent {
  exitCode: number;
  /** The number of the signal that ended the child; 0 when it exited by itself (as node-pty on Unix). */
  signal?: number;
}

/**
 * How long a busy session's output may wait to be batched. In both modes the native I/O thread
 * wakes JavaScript at once for output after a quiet spell, the echo of typed input, a full
 * buffer and the exit; they differ only while output keeps flowing.
 */
export type DeliveryMode =
  /** Batches a busy session's output for up to `pollInterval` ms. Lowest CPU. */
  | 'poll'
  /** Batches for 1 ms at most, whatever `pollInterval` says: for interactive terminals. */
  | 'wake';

/** Who a signal is sent to. */
export type KillTarget =
  /** The child process only (default, as node-pty). */
  | 'process'
  /** The child's whole process group (the child is a session leader: its pgid is its pid). */
  | 'group'
  /** The terminal's foreground process group, as Ctrl+C on a keyboard would. */
  | 'foreground';

export interface NativePtyOptions {
  /**
   * TERM for the child. Default: a TERM in `env` when `env` is given, else 'xterm-256color'.
   */
  name?: string;
  /** Columns, integer 1..65535. Default 80. */
  cols?: number;
  /** Rows, integer 1..65535. Default 24. */
  rows?: number;
  /** Working directory of the child. Default process.cwd(). */
  cwd?: string;
  /** Environment of the child. Default process.env. */
  env?: Record<string, string | undefined>;
  /** 'utf8' (default) emits strings; null emits Buffers. */
  encoding?: BufferEncoding | null;
  /** User id for the child (needs privileges). */
  uid?: number;
  /** Group id for the child (needs privileges). */
  gid?: number;
  /**
   * In 'poll' delivery, the longest a busy session's output waits to be batched, in ms (it is
   * never a fixed tick: an idle session costs nothing). Default 10.
   */
  pollInterval?: number;
  /** 'poll' (default) or 'wake'. */
  delivery?: DeliveryMode;
  /**
   * Bytes of output held for JavaScript before the child is blocked (kernel backpressure), from
   * 4 KiB to 64 MiB. Default 1 MiB: room for a busy event loop without slowing the child. A
   * server that relays to slow consumers (a browser) wants less in flight: 64-256 KiB. A paused
   * session holds at most 64 KiB (or this, if less).
   */
  highWaterMark?: number;
  /**
   * Activity detection of AI coding CLIs' status lines: on by default for text output, off
   * for `encoding: null` unless given as an object; false turns it off; an object configures it.
   */
  activity?: false | ActivityOptions;
  /**
   * As node-pty: a write() of exactly `flowControlPause` pauses output and one of exactly
   * `flowControlResume` resumes it, instead of reaching the child. Default false.
   */
  handleFlowControl?: boolean;
  /** Default '\x13' (XOFF, Ctrl+S). */
  flowControlPause?: string;
  /** Default '\x11' (XON, Ctrl+Q). */
  flowControlResume?: string;
}

/** node-pty's IPty, as native-pty implements it. */
export interface IPty {
  readonly pid: number;
  readonly cols: number;
  readonly rows: number;
  /** Name of the terminal's foreground process (e.g. 'bash', 'vim'). */
  readonly process: string;
  /** Path of the slave side, e.g. '/dev/pts/3'. */
  readonly ptsName: string;
  handleFlowControl: boolean;
  readonly onData: IEvent<string | Buffer>;
  readonly onExit: IEvent<IExitEvent>;
  write(data: string | Buffer): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string | number): void;
  pause(): void;
  resume(): void;
  clear(): void;
}
