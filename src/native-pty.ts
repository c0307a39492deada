/**
 * NativePty: the user-facing session. An EventEmitter ('data', 'exit', 'drain', 'activity',
 * 'error') that is also node-pty's IPty, so code written for node-pty can switch by changing
 * one import.
 */
import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { ActivityDetector } from './activity/detector.js';
import { detectActivity } from './activity/observe.js';
import type { ActivityEvent, AgentStatus } from './activity/types.js';
import { addon, NativeKillTarget } from './native.js';
import {
  normalizeOptions,
  validateArgs,
  validateFile,
  validateKillTarget,
  validatePixelSize,
  validateSize,
  validateWriteData,
} from './options.js';
import { addSession, enableDelivery, refChanged } from './delivery.js';
import { rethrowLater } from './rethrow-later.js';
import { waitFor, type WaitForMatch, type WaitForOptions, type WaitForPattern } from './wait-for.js';

/** What spawn() runs when no program is given, as node-pty does. */
const DEFAULT_FILE = 'sh';
import { toSignalNumber } from './signals.js';
import type { IDisposable, IExitEvent, IPty, KillTarget, NativePtyOptions, OutputObserver } from './types.js';
import { OutputObservers } from './output-observers.js';
import { validateBoolean, validateFunction } from './validate.js';

const KILL_TARGETS: Record<KillTarget, NativeKillTarget> = {
  process: NativeKillTarget.Process,
  group: NativeKillTarget.Group,
  foreground: NativeKillTarget.Foreground,
};

export class NativePty extends EventEmitter implements IPty {
  /** Process id of the child. */
  readonly pid: number;
  /** Path of the slave side, e.g. '/dev/pts/3'. */
  readonly ptsName: string;
  /**
   * The longest this session's output waits to be batched while it is busy, in ms. Output
   * after a quiet spell, the echo of typed input, a full buffer and the exit come at once.
   */
  readonly pollInterval: number;

  readonly #id: number;
  readonly #file: string;
  readonly #encoding: BufferEncoding | null;
  /**
   * Only for text in an encoding other than UTF-8 (which arrives decoded from the native side):
   * a multi-byte character split across reads must arrive whole.
   */
  readonly #decoder: StringDecoder | null;
  readonly #observers = new OutputObservers();
  /** The `activity` option's detector, an observer (null when turned off). */
  readonly #activity: ActivityDetector | null;
  readonly #flowControl: { enabled: boolean; pause: string; resume: string };
  #cols: number;
  #rows: number;
  #refed = true;
  #paused = false;
  #destroyed = false;
  /** A write() returned false; 'drain' is owed once the native input queue empties. */
  #needDrain = false;
  #exited = false;
  #exitCode: number | null = null;
  #signalCode: number | null = null;

  /**
   * Starts `file` with `args` on a new pseudoterminal. Throws TypeError / RangeError with
   * Node's codes (ERR_INVALID_ARG_TYPE, ERR_INVALID_ARG_VALUE, ERR_OUT_OF_RANGE) for bad
   * arguments, and the addon's Error (with code, errno, syscall, path) when the pty cannot be
   * made, the program is not found or cannot run, or the cwd does not exist.
   */
  constructor(file?: string, args: string[] = [], opts: NativePtyOptions = {}) {
    super();
    // As node-pty: no program means sh.
    const validFile = file === undefined || file === null ? DEFAULT_FILE : validateFile(file);
    const validArgs = validateArgs(args);
    const o = normalizeOptions(opts);
    enableDelivery();

    const result = addon().spawn({
      file: validFile,
      args: validArgs,
      env: o.env,
      cwd: o.cwd,
      cols: o.cols,
      rows: o.rows,
      uid: o.uid,
      gid: o.gid,
      // Wake mode batches what arrives within a millisecond: one JavaScript turn per read of a
      // busy child would cost more than the latency it saves.
      gapMs: o.delivery === 'wake' ? 1 : Math.round(o.pollInterval),
      highWaterMark: o.highWaterMark,
      text: o.encoding === 'utf8',
    });

    this.#id = result.id;
    this.pid = result.pid;
    this.ptsName = result.ptsName;
    this.pollInterval = o.pollInterval;
    this.#file = validFile;
    this.#encoding = o.encoding;
    this.#decoder = o.encoding === null || o.encoding === 'utf8' ? null : new StringDecoder(o.encoding);
    this.#activity = o.activity === false ? null : detectActivity(this, o.activity);
    this.#activity?.on('activity', (event: ActivityEvent) => this.emit('activity', event));
    this.#cols = o.cols;
    this.#rows = o.rows;
    this.#flowControl = o.flowControl;

    // A separate object, so the delivery path's view of the session stays off the public surface.
    const self = this;
    addSession(this.#id, {
      get isRefed() {
        return self.#refed;
      },
      deliver: (data, exitCode, signal, inputDrained) => this.#deliver(data, exitCode, signal, inputDrained),
    });
  }

  get cols(): number {
    return this.#cols;
  }

  get rows(): number {
    return this.#rows;
  }

  /** The foreground process group's leader (the shell, or the job it runs); see processCwd(). */
  get foregroundPid(): number | undefined {
    const pid = this.#exited ? -1 : addon().foregroundPid(this.#id);
    return pid > 0 ? pid : undefined;
  }

  /** Name of the terminal's foreground process (e.g. 'bash', 'vim'); the file once unknown. */
  get process(): string {
    if (this.#exited) return this.#file;
    return addon().foregroundProcess(this.#id) || this.#file;
  }

  /**
   * True while the child produces meaningful output (a bare prompt redraw is not), until
   * `idleMs` without any; always false with activity detection off.
   */
  get activity(): boolean {
    return !this.#exited && (this.#activity?.active ?? false);
  }

  /** The AI coding CLI status line currently shown, e.g. 'Crafting… (205s · ↑ 6.0k tokens)'. */
  get status(): AgentStatus | undefined {
    return this.#exited ? undefined : this.#activity?.status;
  }

  /** node-pty's property: whether write() of the pause/resume strings pauses and resumes. */
  get handleFlowControl(): boolean {
    return this.#flowControl.enabled;
  }

  set handleFlowControl(value: boolean) {
    this.#flowControl.enabled = validateBoolean(value, 'handleFlowControl');
  }

  /** True once 'exit' has been emitted. */
  get exited(): boolean {
    return this.#exited;
  }

  /**
   * The exit code the 'exit' event carried (0 when a signal ended the child, as node-pty
   * reports it), or null while the child runs.
   */
  get exitCode(): number | null {
    return this.#exitCode;
  }

  /** The number of the signal that ended the child, or null (running, or exited normally). */
  get signalCode(): number | null {
    return this.#signalCode;
  }

  onData(listener: (data: string | Buffer) => void): IDisposable {
    this.on('data', listener);
    return { dispose: () => void this.off('data', listener) };
  }

  /**
   * Shows `observer` every chunk of output from now on, as text, in order, and then the end:
   * what activity detection, a recorder or a screen mirror needs, with no 'data' listener that
   * throws able to starve it. After the exit, end() is called at once.
   */
  observe(observer: OutputObserver): IDisposable {
    return this.#observers.add(observer, this.#encoding === null);
  }

  /**
   * Resolves when the output from now on shows `pattern` (a string, a RegExp or a predicate
   * over the text), decoded and without escape sequences, across chunks; rejects on `timeout`,
   * an aborted `signal`, or the exit (see waitFor in wait-for.ts).
   */
  waitFor(pattern: WaitForPattern, options?: WaitForOptions): Promise<WaitForMatch> {
    return waitFor(this, pattern, options);
  }

  onExit(listener: (e: IExitEvent) => void): IDisposable {
    // Checked here: the wrapper below is always a function, so on() would accept anything.
    validateFunction(listener, 'listener');
    const wrapped = (exitCode: number, signal: number): void => listener({ exitCode, signal });
    this.on('exit', wrapped);
    return { dispose: () => void this.off('exit', wrapped) };
  }

  /**
   * Sends input to the child. Never blocks and never drops input: what the kernel does not
   * take now is queued natively and flushed by the I/O thread. A string is encoded with the
   * session's encoding (UTF-8 when it is null). Returns false, as a stream's write() does, once
   * `inputHighWaterMark` bytes wait for a child that is not reading: hold further input until
   * 'drain', which always follows a false (at the latest just before 'exit', when the child
   * ends without reading). Once the session has exited or been destroyed, a no-op that returns
   * true: there is nothing to wait for (`exited` says whether input can still arrive). With
   * handleFlowControl on, a write of exactly the pause or resume string calls pause() or
   * resume() instead of reaching the child.
   */
  write(data: string | Buffer): boolean {
    const valid = validateWriteData(data);
    if (this.#exited || this.#destroyed) return true;
    const flow = this.#flowControl;
    if (flow.enabled && (valid === flow.pause || valid === flow.resume)) {
      // node-pty's handleFlowControl: the browser's XOFF/XON holds output here, not in the child.
      if (valid === flow.pause) this.pause();
      else this.resume();
      return !this.#needDrain;
    }
    if (valid.length === 0) return !this.#needDrain;
    let payload: Buffer | string;
    if (typeof valid === 'string') {
      const enc = this.#encoding;
      payload = enc === null || enc === 'utf8' ? valid : Buffer.from(valid, enc);
    } else {
      payload = Buffer.isBuffer(valid) ? valid : Buffer.from(valid.buffer, valid.byteOffset, valid.byteLength);
    }
    try {
      // The native side asks for 'drain' by the same measure, so one always follows a false.
      if (addon().write(this.#id, payload) >= addon().inputHighWaterMark) this.#needDrain = true;
    } catch (err) {
      // write() is fire-and-forget like a stream's; an OS failure is reported the same way.
      process.nextTick(() => this.emit('error', err));
    }
    return !this.#needDrain;
  }

  /**
   * Sets the terminal size (the child gets SIGWINCH). `pixels` is the optional size of the
   * text area in pixels, for programs that draw images. A no-op once the session has ended.
   */
  resize(cols: number, rows: number, pixels?: { width: number; height: number }): void {
    const size = validateSize(cols, rows);
    const px = validatePixelSize(pixels);
    if (this.#exited || this.#destroyed) return;
    addon().resize(this.#id, size.cols, size.rows, px.width, px.height);
    this.#cols = size.cols;
    this.#rows = size.rows;
    // As ForwardedSession's: for whatever mirrors the screen (native-pty/screen).
    this.emit('resize', { cols: size.cols, rows: size.rows });
  }

  /**
   * Sends a signal (name or number; default SIGHUP, as node-pty) to the child, its process
   * group, or the terminal's foreground process group. A no-op once the session has exited.
   */
  kill(signal: string | number = 'SIGHUP', target: KillTarget = 'process'): void {
    const num = toSignalNumber(signal);
    const t = validateKillTarget(target);
    if (this.#exited) return;
    addon().kill(this.#id, num, KILL_TARGETS[t]);
  }

  /**
   * Stops delivering this session's output. The native buffer fills to its high-water mark,
   * then the child blocks on its next write: nothing is lost and memory stays bounded.
   */
  pause(): void {
    if (this.#exited || this.#destroyed || this.#paused) return;
    this.#paused = true;
    addon().setPaused(this.#id, true);
  }

  /** Delivers everything held since pause(), promptly, and resumes normal delivery. */
  resume(): void {
    if (this.#exited || this.#destroyed || !this.#paused) return;
    this.#paused = false;
    // The native side wakes us at once for what was held.
    addon().setPaused(this.#id, false);
  }

  /** node-pty's clear() only does something on Windows. */
  clear(): void {}

  /**
   * Closes the terminal now: the child gets SIGHUP. 'exit' still arrives, and further calls
   * are no-ops.
   */
  destroy(): void {
    if (this.#exited || this.#destroyed) return;
    this.#destroyed = true;
    // A paused session is skipped by readAll(), so its exit would never be reported.
    if (this.#paused) {
      this.#paused = false;
      addon().setPaused(this.#id, false);
    }
    addon().close(this.#id);
  }

  /** Lets this session keep the event loop alive (the default), as ChildProcess.ref(). */
  ref(): this {
    if (!this.#refed) {
      this.#refed = true;
      refChanged(this.#id, true);
    }
    return this;
  }

  /** Lets Node exit while this session runs, as ChildProcess.unref(). */
  unref(): this {
    if (this.#refed) {
      this.#refed = false;
      refChanged(this.#id, false);
    }
    return this;
  }

  #deliver(data: Buffer | string | null, exitCode: number, signal: number, inputDrained: boolean): void {
    // Each emission is isolated: a throwing listener must neither lose the exit that follows
    // in the same batch entry nor stop the drain from serving other sessions.
    if (data !== null && data.length > 0) {
      try {
        this.#emitData(data);
      } catch (err) {
        rethrowLater(err);
      }
    }
    // Input the terminal took in full is 'drain', even when the exit comes in the same batch:
    // a writer waiting for it must hear it before 'exit'.
    if (inputDrained && this.#needDrain) this.#emitDrain();
    if (exitCode < 0) return;
    this.#exited = true;
    this.#exitCode = signal > 0 ? 0 : exitCode;
    this.#signalCode = signal > 0 ? signal : null;
    // An exit ends any wait for 'drain' (input still queued can reach nobody): whoever held
    // input back is released before 'exit'; write() is a no-op from now on.
    if (this.#needDrain) this.#emitDrain();
    if (this.#decoder !== null) {
      // An incomplete character at the very end is flushed (as U+FFFD), never held back.
      const tail = this.#decoder.end();
      if (tail.length > 0) {
        try {
          this.#emitText(tail);
        } catch (err) {
          rethrowLater(err);
        }
      }
    }
    this.#observers.end();
    try {
      // As node-pty on Unix: signal 0 when no signal ended the child.
      this.emit('exit', this.#exitCode, this.#signalCode ?? 0);
    } catch (err) {
      rethrowLater(err);
    }
  }

  #emitDrain(): void {
    this.#needDrain = false;
    try {
      this.emit('drain');
    } catch (err) {
      rethrowLater(err);
    }
  }

  #emitData(data: Buffer | string): void {
    if (typeof data === 'string') {
      this.#emitText(data);
      return;
    }
    if (this.#decoder === null) {
      try {
        this.emit('data', data);
      } finally {
        this.#observers.bytes(data);
      }
      return;
    }
    const text = this.#decoder.write(data);
    if (text.length > 0) this.#emitText(text);
  }

  #emitText(text: string): void {
    try {
      this.emit('data', text);
    } finally {
      // Even when a 'data' listener throws: observers must see every chunk, in order.
      this.#observers.text(text);
    }
  }
}

/** node-pty's spawn(): the same as `new NativePty(file, args, options)`. */
export function spawn(file?: string, args?: string[], options?: NativePtyOptions): NativePty {
  return new NativePty(file, args, options);
}
