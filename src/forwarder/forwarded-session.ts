/**
 * ForwardedSession: a vt-pipe session seen from a client, with NativePty's surface ('data',
 * 'exit', 'activity', write, resize, kill, pid, cols, rows, onData, onExit, observe), so that a
 * server treats a forwarded session like any other. If the socket drops while the forwarder
 * lives, it reconnects and resumes at the exact byte offset; once the forwarder is gone, what
 * the client had not yet received is read from the session's record on disk. No byte twice,
 * none missing.
 */
import { EventEmitter } from 'node:events';
import { openSync, readSync, closeSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { ActivityDetector } from '../activity/detector.js';
import { detectActivity } from '../activity/observe.js';
import type { ActivityEvent, ActivityOptions, AgentStatus } from '../activity/types.js';
import { OutputObservers } from '../output-observers.js';
import { toSignalNumber } from '../signals.js';
import type { IDisposable, IExitEvent, OutputObserver } from '../types.js';
import { validateFunction, validateInteger, validateObject } from '../validate.js';
import { waitFor, type WaitForMatch, type WaitForOptions, type WaitForPattern } from '../wait-for.js';
import { encodeFrame, FrameDecoder, FrameType, MAX_PAYLOAD, resizePayload, type Hello } from './protocol.js';
import { readSession } from './sessions.js';

export interface AttachOptions {
  /** The output offset to start from. Default: everything the session retains. */
  from?: number;
  /**
   * Start at most this many bytes before the session's current end (ignored with `from`): a
   * viewer that rebuilds the screen needs the recent output, not hours of history.
   */
  tail?: number;
  /** Watch only: input, resize and signals are ignored by the forwarder. */
  readOnly?: boolean;
  /** Shown to the forwarder (for its logs). */
  name?: string;
  /** 'utf8' (default) emits strings; null emits Buffers. */
  encoding?: BufferEncoding | null;
  /** As NativePty's option; on by default for text. */
  activity?: false | ActivityOptions;
  /** How long to keep trying to reconnect after the socket drops, in ms. Default 10,000. */
  reconnectMs?: number;
}

const RECONNECT_STEP_MS = 50;

export class ForwardedSession extends EventEmitter {
  /** The session directory (<control-dir>/<id>). */
  readonly dir: string;
  readonly id: string;
  readonly pid: number;
  readonly readOnly: boolean;

  #socket: Socket | null = null;
  #decoder = new FrameDecoder();
  #text: StringDecoder | null;
  #observers = new OutputObservers();
  #activity: ActivityDetector | null;
  /** The next output byte expected. */
  #offset: number;
  #cols: number;
  #rows: number;
  #exited = false;
  #exitCode: number | null = null;
  #signal: number | null = null;
  #detached = false;
  #paused = false;
  #reconnectMs: number;
  #name: string | undefined;
  /** Input written while reconnecting, sent once attached again. */
  #held: Buffer[] = [];

  /** Connects to the session in `dir`, and resolves once attached (after HELLO). */
  static async attach(dir: string, options: AttachOptions = {}): Promise<ForwardedSession> {
    validateObject(options, 'options');
    const socket = await openSocket(path.join(dir, 'ipc.sock'));
    const { hello, rest } = await readHello(socket);
    return new ForwardedSession(dir, socket, rest, hello, options);
  }

  private constructor(dir: string, socket: Socket, rest: Buffer, hello: Hello, options: AttachOptions) {
    super();
    this.dir = dir;
    this.id = hello.sessionId;
    this.pid = hello.pid;
    this.readOnly = options.readOnly ?? false;
    this.#cols = hello.cols;
    this.#rows = hello.rows;
    if (options.from !== undefined) this.#offset = validateInteger(options.from, 'options.from', 0, Number.MAX_SAFE_INTEGER);
    else if (options.tail !== undefined) {
      const tail = validateInteger(options.tail, 'options.tail', 0, Number.MAX_SAFE_INTEGER);
      this.#offset = Math.max(hello.startOffset, hello.endOffset - tail);
    } else this.#offset = hello.startOffset;
    this.#reconnectMs = options.reconnectMs ?? 10_000;
    this.#name = options.name;
    const encoding = options.encoding === undefined ? 'utf8' : options.encoding;
    this.#text = encoding === null ? null : new StringDecoder(encoding);
    const activity = options.activity ?? (encoding === null ? false : {});
    this.#activity = activity === false ? null : detectActivity(this, activity);
    this.#activity?.on('activity', (event: ActivityEvent) => this.emit('activity', event));
    this.#use(socket, rest);
  }

  get cols(): number {
    return this.#cols;
  }
  get rows(): number {
    return this.#rows;
  }
  /** The next output offset this client expects (bytes received since the session started). */
  get offset(): number {
    return this.#offset;
  }
  get exited(): boolean {
    return this.#exited;
  }
  /** The command's exit status; null while it runs or when a signal ended it. */
  get exitCode(): number | null {
    return this.#exitCode;
  }
  /** The number of the signal that ended the command, or null. */
  get signalCode(): number | null {
    return this.#signal;
  }
  get activity(): boolean {
    return !this.#exited && (this.#activity?.active ?? false);
  }
  get status(): AgentStatus | undefined {
    return this.#exited ? undefined : this.#activity?.status;
  }

  onData(listener: (data: string | Buffer) => void): IDisposable {
    this.on('data', listener);
    return { dispose: () => void this.off('data', listener) };
  }

  onExit(listener: (e: IExitEvent) => void): IDisposable {
    validateFunction(listener, 'listener');
    const wrapped = (exitCode: number, signal: number): void => listener({ exitCode, signal });
    this.on('exit', wrapped);
    return { dispose: () => void this.off('exit', wrapped) };
  }

  observe(observer: OutputObserver): IDisposable {
    return this.#observers.add(observer, this.#text === null);
  }

  /** As NativePty's: resolves when the output from now on shows `pattern`. */
  waitFor(pattern: WaitForPattern, options?: WaitForOptions): Promise<WaitForMatch> {
    return waitFor(this, pattern, options);
  }

  /** Sends input (split into frames of at most 1 MiB). Returns false while the socket is full. */
  write(data: string | Buffer): boolean {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.#exited) return false;
    for (let at = 0; at < bytes.length; at += MAX_PAYLOAD) {
      this.#send(encodeFrame(FrameType.Input, bytes.subarray(at, at + MAX_PAYLOAD)));
    }
    return this.#socket === null || !this.#socket.writableNeedDrain;
  }

  /** Sets the size for everyone (latest wins); 0, 0 goes back to the local terminal's. */
  resize(cols: number, rows: number): void {
    const both = cols === 0 && rows === 0;
    if (!both) {
      validateInteger(cols, 'cols', 1, 65535);
      validateInteger(rows, 'rows', 1, 65535);
    }
    this.#send(encodeFrame(FrameType.Resize, resizePayload(cols, rows)));
  }

  /** Sends a signal (name or number; default SIGHUP) to the command's process group. */
  kill(signal: string | number = 'SIGHUP'): void {
    const number = toSignalNumber(signal);
    if (number > 255) throw new RangeError(`signal ${number} does not fit the protocol`);
    this.#send(encodeFrame(FrameType.Signal, Buffer.from([number])));
  }

  /**
   * Stops reading the socket: the forwarder keeps this client's place in its retained output
   * and serves it from there on resume(), without slowing the command or other clients.
   */
  pause(): void {
    this.#paused = true;
    this.#socket?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#socket?.resume();
  }

  /**
   * Drops the connection and attaches again, resuming at `offset`: what the session does by
   * itself when the socket drops (after a suspend, say), on demand.
   */
  reconnect(): void {
    this.#socket?.destroy();
  }

  /** Leaves the session running and closes this client's connection. */
  detach(): void {
    this.#detached = true;
    this.#socket?.destroy();
    this.#socket = null;
  }

  #send(frame: Buffer): void {
    if (this.#socket === null) this.#held.push(frame);
    else this.#socket.write(frame);
  }

  /** A connection after its HELLO: ATTACH at #offset, then read (`rest` came with HELLO). */
  #use(socket: Socket, rest: Buffer): void {
    this.#socket = socket;
    this.#decoder = new FrameDecoder();
    const attach: Record<string, unknown> = { from: this.#offset, readOnly: this.readOnly };
    if (this.#name !== undefined) attach.name = this.#name;
    socket.write(encodeFrame(FrameType.Attach, JSON.stringify(attach)));
    for (const frame of this.#held.splice(0)) socket.write(frame);
    socket.on('data', (chunk: Buffer) => this.#onBytes(chunk));
    socket.on('drain', () => this.emit('drain'));
    socket.on('error', () => {});
    socket.on('close', () => {
      if (this.#socket === socket) this.#socket = null;
      if (!this.#exited && !this.#detached) void this.#reconnect();
    });
    if (!this.#paused) socket.resume();
    this.#onBytes(rest);
  }

  #onBytes(chunk: Buffer): void {
    let frames;
    try {
      frames = this.#decoder.push(chunk);
    } catch (err) {
      this.#socket?.destroy();
      this.emit('error', err);
      return;
    }
    for (const frame of frames) {
      if (this.#exited) return;
      this.#onFrame(frame.type, frame.payload);
    }
  }

  #onFrame(type: number, payload: Buffer): void {
    if (type === FrameType.Output) {
      const offset = Number(payload.readBigUInt64BE(0));
      let bytes = payload.subarray(8);
      // After a reconnect the forwarder starts at the offset asked for; never take a byte twice.
      if (offset < this.#offset) bytes = bytes.subarray(this.#offset - offset);
      else if (offset > this.#offset) return this.#fail(`output jumped from ${this.#offset} to ${offset}`);
      this.#deliver(bytes);
    } else if (type === FrameType.Resize && payload.length === 4) {
      this.#cols = payload.readUInt16BE(0);
      this.#rows = payload.readUInt16BE(2);
      this.emit('resize', { cols: this.#cols, rows: this.#rows });
    } else if (type === FrameType.Exit) {
      const status = JSON.parse(payload.toString('utf8')) as { exitCode: number | null; signal: number | null };
      this.#end(status.exitCode, status.signal);
    } else if (type === FrameType.Ping) {
      this.#socket?.write(encodeFrame(FrameType.Pong, payload));
    } else if (type === FrameType.Error) {
      const { code, message } = JSON.parse(payload.toString('utf8')) as { code: string; message: string };
      this.#fail(`vt-pipe refused a frame: ${message}`, code);
    }
  }

  #deliver(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#offset += bytes.length;
    if (this.#text === null) {
      try {
        this.emit('data', bytes);
      } finally {
        this.#observers.bytes(bytes);
      }
      return;
    }
    const text = this.#text.write(bytes);
    if (text.length === 0) return;
    try {
      this.emit('data', text);
    } finally {
      this.#observers.text(text);
    }
  }

  #end(exitCode: number | null, signal: number | null): void {
    if (this.#exited) return;
    const tail = this.#text?.end() ?? '';
    if (tail.length > 0) {
      this.emit('data', tail);
      this.#observers.text(tail);
    }
    this.#exited = true;
    this.#exitCode = exitCode;
    this.#signal = signal;
    this.#observers.end();
    this.#socket?.destroy();
    this.#socket = null;
    // As NativePty's 'exit': (exitCode, signal), exitCode 0 after a signal, signal 0 without one.
    this.emit('exit', exitCode ?? 0, signal ?? 0);
  }

  /** Ends this client's connection for good: reconnecting would only meet the same refusal. */
  #fail(message: string, code = 'ERR_VT_PIPE_PROTOCOL'): void {
    const error = Object.assign(new Error(message), { code });
    this.#detached = true;
    this.#socket?.destroy();
    this.emit('error', error);
  }

  /** The socket dropped: resume at #offset, or, once the forwarder is gone, finish from disk. */
  async #reconnect(): Promise<void> {
    const deadline = Date.now() + this.#reconnectMs;
    while (!this.#detached && !this.#exited) {
      try {
        const socket = await openSocket(path.join(this.dir, 'ipc.sock'));
        const { rest } = await readHello(socket);
        this.#use(socket, rest);
        return;
      } catch {
        const record = safeReadSession(this.dir);
        if (record?.status === 'exited') return this.#finishFromRecord(record.exitCode, record.signal);
        if (Date.now() > deadline) return this.#fail('vt-pipe went away and did not come back', 'ERR_VT_PIPE_GONE');
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_STEP_MS));
      }
    }
  }

  /** The forwarder has ended: the rest of the output is in output.raw. */
  #finishFromRecord(exitCode: number | null, signal: number | null): void {
    const fd = openSync(path.join(this.dir, 'output.raw'), 'r');
    try {
      const buffer = Buffer.allocUnsafe(64 * 1024);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, this.#offset);
        if (n === 0) break;
        this.#deliver(Buffer.from(buffer.subarray(0, n)));
      }
    } finally {
      closeSync(fd);
    }
    this.#end(exitCode, signal);
  }
}

function safeReadSession(dir: string): ReturnType<typeof readSession> | null {
  try {
    return readSession(dir);
  } catch {
    return null;
  }
}

function openSocket(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/**
 * Waits for the forwarder's first frame. The socket is left paused, so that nothing that
 * follows is lost before the session reads it; `rest` is what came in with HELLO.
 */
function readHello(socket: Socket): Promise<{ hello: Hello; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const early: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      early.push(chunk);
      const all = Buffer.concat(early);
      if (all.length < 5) return;
      const length = all.readUInt32BE(1);
      if (all[0] !== FrameType.Hello || length > MAX_PAYLOAD) return fail(new Error('vt-pipe did not start with HELLO'));
      if (all.length < 5 + length) return;
      cleanup();
      socket.pause();
      resolve({ hello: JSON.parse(all.subarray(5, 5 + length).toString('utf8')) as Hello, rest: all.subarray(5 + length) });
    };
    const fail = (err: Error): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onClose = (): void => fail(new Error('vt-pipe closed the connection before HELLO'));
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', fail);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', fail);
  });
}
