/**
 * The server's own copy of a session's screen: a headless xterm.js fed with every output byte,
 * so that a late joiner, a reload or a viewer that fell too far behind gets one serialized
 * screen instead of a replay of the whole history.
 */
import headless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';

/** A snapshot is at most this many bytes: the scrollback it carries shrinks to fit. */
export const SNAPSHOT_MAX_BYTES = 64 * 1024;
const SCROLLBACK_LINES = 1000;

export interface Snapshot {
  /** The terminal data that redraws the screen (and some scrollback) from a reset terminal. */
  data: string;
  /** The output offset the snapshot stands for: live output continues from here. */
  offset: number;
  cols: number;
  rows: number;
}

export class ScreenMirror {
  #term: InstanceType<typeof headless.Terminal>;
  #serializer: InstanceType<typeof serializeAddon.SerializeAddon>;
  /** Offset after the last byte handed to the parser. */
  #written: number;
  /** Offset after the last byte the parser has finished. */
  #parsed: number;
  #onParsed: () => void;
  #title = '';
  #disposed = false;

  /** `onParsed` runs whenever the parser catches up with a chunk (backlog() got smaller). */
  constructor(cols: number, rows: number, startOffset: number, onParsed: () => void) {
    this.#term = new headless.Terminal({ cols, rows, scrollback: SCROLLBACK_LINES, allowProposedApi: true });
    this.#serializer = new serializeAddon.SerializeAddon();
    this.#term.loadAddon(this.#serializer);
    this.#written = startOffset;
    this.#parsed = startOffset;
    this.#onParsed = onParsed;
    this.#term.onTitleChange((title) => (this.#title = title));
  }

  get cols(): number {
    return this.#term.cols;
  }
  get rows(): number {
    return this.#term.rows;
  }
  /** The window title the program set (OSC 0/2), or ''. */
  get title(): string {
    return this.#title;
  }

  /** Bytes handed to the parser and not yet parsed: the server holds the pty while it is large. */
  backlog(): number {
    return this.#written - this.#parsed;
  }

  write(data: Buffer): void {
    if (this.#disposed) return;
    const end = (this.#written += data.length);
    this.#term.write(data, () => {
      if (this.#disposed) return;
      this.#parsed = end;
      this.#onParsed();
    });
  }

  resize(cols: number, rows: number): void {
    if (this.#disposed) return;
    if (cols !== this.#term.cols || rows !== this.#term.rows) this.#term.resize(cols, rows);
  }

  /**
   * The screen as it stands after every byte written so far: resolves once the parser has
   * reached this point (the callback of an empty write runs right after the data before it).
   * Never settles once disposed: whoever waited has gone with the session.
   */
  snapshot(): Promise<Snapshot> {
    const offset = this.#written;
    return new Promise((resolve) => {
      if (this.#disposed) return;
      this.#term.write(new Uint8Array(0), () => {
        if (this.#disposed) return;
        resolve({ data: this.#serialize(), offset, cols: this.#term.cols, rows: this.#term.rows });
      });
    });
  }

  /** Visible lines as plain text (for the session list's preview and for tests). */
  lines(): string[] {
    const buffer = this.#term.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.#term.rows; y++) out.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  dispose(): void {
    this.#disposed = true;
    this.#term.dispose();
  }

  #serialize(): string {
    for (let scrollback = SCROLLBACK_LINES; ; scrollback = Math.floor(scrollback / 4)) {
      const data = this.#serializer.serialize({ scrollback });
      if (Buffer.byteLength(data) <= SNAPSHOT_MAX_BYTES || scrollback === 0) return data;
    }
  }
}
