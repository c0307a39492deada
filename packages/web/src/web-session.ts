/**
 * One session as the web server holds it: its source (a NativePty the server spawned, or a
 * vt-pipe session it attached to), the recent output by offset, a headless mirror of the
 * screen, and the viewers. The pty is held (pause(), so the kernel stops the child) only while
 * the mirror is behind or while every interactive viewer is; read-only viewers never hold it.
 */
import type { EventEmitter } from 'node:events';
import type { AgentStatus } from 'native-pty/activity';
import { OutputRing } from './output-ring.js';
import type { SessionSummary } from './protocol.js';
import { ScreenMirror, type Snapshot } from './screen-mirror.js';
import { FLOW_HIGH, FLOW_LOW, type Viewer, type ViewerHost } from './viewer.js';

/** What NativePty and ForwardedSession both offer, as far as the server uses it. */
export interface SessionSource extends EventEmitter {
  readonly pid: number;
  readonly cols: number;
  readonly rows: number;
  readonly activity: boolean;
  readonly status: AgentStatus | undefined;
  readonly exitCode: number | null;
  readonly signalCode: number | null;
  write(data: string): unknown;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
  pause(): void;
  resume(): void;
}

export interface SessionInfo {
  id: string;
  kind: 'shell' | 'vt-pipe';
  command: string[];
  title: string;
  /** The offset of the first output byte the source delivers. */
  startOffset: number;
  /** Makes the program redraw at the size it already has (the kernel signals only changes). */
  redraw(): void;
  /** Lets go of the source when the session is forgotten (a vt-pipe session runs on). */
  release?(): void;
}

/** Output kept for viewers that reconnect or lag: a reconnect within this many bytes resumes. */
export const RETAINED_BYTES = 1024 * 1024;
/** The mirror may be this far behind before the pty is held for it, and is let go below LOW. */
const MIRROR_HIGH = 128 * 1024;
const MIRROR_LOW = 32 * 1024;
/** Resizes are applied at most this often; the last one in a burst always is. */
export const RESIZE_THROTTLE_MS = 50;

export class WebSession implements ViewerHost {
  readonly id: string;
  readonly kind: 'shell' | 'vt-pipe';
  readonly command: string[];
  readonly startedAt = new Date().toISOString();
  readonly ring: OutputRing;
  exitStatus: { exitCode: number | null; signal: number | null } | null = null;

  #info: SessionInfo;
  #source: SessionSource;
  #screen: ScreenMirror;
  #viewers = new Set<Viewer>();
  /** The interactive viewer that typed or resized last: its window size is the session's. */
  #driver: Viewer | null = null;
  #held = false;
  #resizeTimer: NodeJS.Timeout | null = null;
  #resizeAt = 0;
  #pendingSize: { cols: number; rows: number } | null = null;
  #onEnd: (session: WebSession) => void;

  constructor(source: SessionSource, info: SessionInfo, onEnd: (session: WebSession) => void) {
    this.id = info.id;
    this.kind = info.kind;
    this.command = info.command;
    this.#info = info;
    this.#source = source;
    this.#onEnd = onEnd;
    this.ring = new OutputRing(RETAINED_BYTES, info.startOffset);
    this.#screen = new ScreenMirror(source.cols, source.rows, info.startOffset, () => this.#updateHold());
    source.on('data', this.#onData);
    // A failed write is reported as 'error'; the session goes on (and an unhandled one would
    // take the whole server down).
    source.on('error', () => {});
    source.on('resize', this.#onResize);
    source.once('exit', () => this.#exit());
  }

  #onData = (data: Buffer): void => this.#output(data);
  #onResize = (size: { cols: number; rows: number }): void => this.#sized(size.cols, size.rows);

  summary(): SessionSummary {
    return {
      id: this.id,
      kind: this.kind,
      title: this.#screen.title || this.#info.title,
      command: this.command,
      pid: this.#source.pid,
      cols: this.#screen.cols,
      rows: this.#screen.rows,
      active: this.exitStatus === null && this.#source.activity,
      status: (this.exitStatus === null && this.#source.status) || null,
      exited: this.exitStatus !== null,
      exitCode: this.exitStatus?.exitCode ?? null,
      signal: this.exitStatus?.signal ?? null,
      viewers: this.#viewers.size,
      startedAt: this.startedAt,
    };
  }

  /** The visible screen as plain text. */
  lines(): string[] {
    return this.#screen.lines();
  }

  snapshot(): Promise<Snapshot> {
    return this.#screen.snapshot();
  }

  join(viewer: Viewer, from: number | undefined): void {
    this.#viewers.add(viewer);
    viewer.start(from);
  }

  leave(viewer: Viewer): void {
    this.#viewers.delete(viewer);
    if (this.#driver === viewer) this.#driver = null;
    this.#updateHold();
  }

  input(viewer: Viewer, data: string): void {
    if (this.exitStatus !== null) return;
    // Typing makes this viewer the latest active one: its window size wins from now on.
    if (viewer !== this.#driver && viewer.wanted) this.resize(viewer, viewer.wanted.cols, viewer.wanted.rows);
    this.#source.write(data);
  }

  /** The latest active interactive viewer sets the size, at most every RESIZE_THROTTLE_MS. */
  resize(viewer: Viewer, cols: number, rows: number): void {
    if (this.exitStatus !== null || viewer.readOnly) return;
    this.#driver = viewer;
    this.#pendingSize = { cols, rows };
    if (this.#resizeTimer) return;
    const wait = Math.max(0, this.#resizeAt + RESIZE_THROTTLE_MS - Date.now());
    this.#resizeTimer = setTimeout(() => this.#applyResize(), wait);
  }

  flowChanged(): void {
    this.#updateHold();
  }

  /** Ends the program (SIGHUP, as closing a terminal window does). */
  end(): void {
    if (this.exitStatus === null) this.#source.kill('SIGHUP');
  }

  /** Lets go of everything; output that still comes (a shell that is ending) is not wanted. */
  dispose(): void {
    this.#source.off('data', this.#onData);
    this.#source.off('resize', this.#onResize);
    if (this.#resizeTimer) clearTimeout(this.#resizeTimer);
    for (const viewer of this.#viewers) viewer.close(1001, 'server closing');
    this.#screen.dispose();
    this.#info.release?.();
  }

  #applyResize(): void {
    this.#resizeTimer = null;
    const size = this.#pendingSize;
    this.#pendingSize = null;
    if (!size || this.exitStatus !== null) return;
    this.#resizeAt = Date.now();
    if (size.cols === this.#source.cols && size.rows === this.#source.rows) this.#info.redraw();
    else this.#source.resize(size.cols, size.rows);
    this.#sized(size.cols, size.rows);
  }

  #sized(cols: number, rows: number): void {
    if (cols === this.#screen.cols && rows === this.#screen.rows) return;
    this.#screen.resize(cols, rows);
    for (const viewer of this.#viewers) viewer.send({ type: 'size', cols, rows });
  }

  #output(data: Buffer): void {
    this.ring.push(data);
    this.#screen.write(data);
    for (const viewer of this.#viewers) viewer.pump();
    this.#updateHold();
  }

  #exit(): void {
    this.exitStatus = { exitCode: this.#source.exitCode, signal: this.#source.signalCode };
    this.#updateHold();
    for (const viewer of this.#viewers) viewer.pump();
    this.#onEnd(this);
  }

  /**
   * Holds the pty while the mirror lags, or while there are interactive viewers and all of
   * them lag (by what they have not acknowledged, sent or still in the ring), so that what is
   * in flight stays short: a Ctrl+C reaches the screen soon. Released at the low watermarks.
   */
  #updateHold(): void {
    if (this.exitStatus !== null) return;
    let least = Infinity;
    let interactive = false;
    for (const viewer of this.#viewers) {
      if (viewer.readOnly) continue;
      interactive = true;
      least = Math.min(least, viewer.lag());
    }
    const [mirrorMark, viewerMark] = this.#held ? [MIRROR_LOW, FLOW_LOW] : [MIRROR_HIGH, FLOW_HIGH];
    const hold = this.#screen.backlog() > mirrorMark || (interactive && least > viewerMark);
    if (hold === this.#held) return;
    this.#held = hold;
    if (hold) this.#source.pause();
    else this.#source.resume();
  }
}
