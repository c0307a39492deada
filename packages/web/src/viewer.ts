/**
 * One browser watching one session over a WebSocket, with flow control of its own: output is
 * sent while fewer than FLOW_HIGH bytes are unacknowledged, then held until the browser's
 * acknowledgements bring that under FLOW_LOW (VS Code's watermarks). A held viewer never slows
 * the others; if its place falls out of the session's retained output it is resynced with a
 * snapshot of the screen instead of an ever longer queue.
 */
import type { WebSocket } from 'ws';
import type { OutputRing } from './output-ring.js';
import { parseClientMessage, type ServerMessage, type SessionSummary } from './protocol.js';
import type { Snapshot } from './screen-mirror.js';

export const FLOW_HIGH = 100_000;
export const FLOW_LOW = 5_000;

/** What a viewer needs from its session. */
export interface ViewerHost {
  readonly ring: OutputRing;
  readonly exitStatus: { exitCode: number | null; signal: number | null } | null;
  summary(): SessionSummary;
  snapshot(): Promise<Snapshot>;
  input(viewer: Viewer, data: string): void;
  resize(viewer: Viewer, cols: number, rows: number): void;
  /** The viewer's lag changed: the session decides whether to hold the pty. */
  flowChanged(): void;
  leave(viewer: Viewer): void;
}

export class Viewer {
  readonly readOnly: boolean;
  /** The size this viewer's window asks for. */
  wanted: { cols: number; rows: number } | null = null;

  #ws: WebSocket;
  #host: ViewerHost;
  /** Offset after the last byte sent. */
  #sent = 0;
  #acked = 0;
  /** Waiting for acknowledgements (unacknowledged reached FLOW_HIGH, not yet under FLOW_LOW). */
  #held = false;
  /** Before the first hello/snapshot, and while a snapshot is being made. */
  #syncing = true;
  #exitSent = false;
  #closed = false;

  constructor(ws: WebSocket, host: ViewerHost, readOnly: boolean) {
    this.#ws = ws;
    this.#host = host;
    this.readOnly = readOnly;
    ws.on('message', (data, isBinary) => this.#onMessage(isBinary ? null : data.toString()));
    ws.on('close', () => this.#close());
    ws.on('error', () => this.#close());
  }

  /**
   * How far this viewer is behind the session: output it has not acknowledged, sent or not
   * (Infinity while it waits for a snapshot). The session holds the pty on it.
   */
  lag(): number {
    return this.#syncing ? Infinity : this.#host.ring.end - this.#acked;
  }

  /** Starts at `from` when the session still retains it (a reconnect), else with a snapshot. */
  start(from: number | undefined): void {
    const resumed = from !== undefined && this.#host.ring.has(from);
    const offset = resumed ? from : this.#host.ring.end;
    this.#send({ type: 'hello', session: this.#host.summary(), offset, readOnly: this.readOnly, resumed });
    if (resumed) {
      this.#sent = this.#acked = from;
      this.#syncing = false;
      this.pump();
    } else void this.#resync();
  }

  /** Sends what the flow allows; called when output arrives and when acknowledgements do. */
  pump(): void {
    if (this.#closed || this.#syncing || this.#held) return;
    const ring = this.#host.ring;
    if (!ring.has(this.#sent)) return void this.#resync();
    for (const chunk of ring.read(this.#sent, FLOW_HIGH - (this.#sent - this.#acked))) {
      this.#ws.send(chunk, { binary: true });
      this.#sent += chunk.length;
    }
    if (this.#sent - this.#acked >= FLOW_HIGH) this.#held = true;
    const exit = this.#host.exitStatus;
    if (exit && !this.#exitSent && this.#sent === ring.end) {
      this.#exitSent = true;
      this.#send({ type: 'exit', ...exit });
    }
  }

  send(message: ServerMessage): void {
    this.#send(message);
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  async #resync(): Promise<void> {
    this.#syncing = true;
    this.#host.flowChanged();
    const snapshot = await this.#host.snapshot();
    if (this.#closed) return;
    this.#send({ type: 'snapshot', ...snapshot });
    this.#sent = this.#acked = snapshot.offset;
    this.#syncing = false;
    this.#held = false;
    this.#host.flowChanged();
    this.pump();
  }

  #onMessage(text: string | null): void {
    if (text === null) return this.#send({ type: 'error', message: 'binary messages are not accepted' });
    const message = parseClientMessage(text);
    if ('error' in message) return this.#send({ type: 'error', message: message.error });
    switch (message.type) {
      case 'ack':
        return this.#ack(message.offset);
      case 'input':
        if (this.readOnly) return this.#send({ type: 'error', message: 'this viewer is read-only' });
        return this.#host.input(this, message.data);
      case 'resize':
        this.wanted = { cols: message.cols, rows: message.rows };
        return this.#host.resize(this, message.cols, message.rows);
    }
  }

  #ack(offset: number): void {
    // A snapshot resets the count: acknowledgements of bytes before it are stale, not errors.
    if (offset > this.#sent) return this.#send({ type: 'error', message: `ack.offset ${offset} is past what was sent (${this.#sent})` });
    if (offset <= this.#acked) return;
    this.#acked = offset;
    if (this.#held && this.#sent - this.#acked <= FLOW_LOW) this.#held = false;
    this.pump();
    this.#host.flowChanged();
  }

  #send(message: ServerMessage): void {
    if (!this.#closed) this.#ws.send(JSON.stringify(message));
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.leave(this);
  }
}
