/**
 * native-pty/screen: what a person would see on a session's terminal, as plain lines. Output is
 * fed, from the call on, to a headless xterm.js (`@xterm/headless`, an optional peer
 * dependency: the core stays dependency-free), which follows the session's size. For agents
 * that want the rendered text of a full-screen program rather than its escape sequences.
 */
import type { IDisposable, OutputObserver } from './types.js';
import { validateInteger, validateObject } from './validate.js';

export interface ScreenOptions {
  /** Lines kept above the screen. Default 1000. */
  scrollback?: number;
}

/** What a screen needs of a session: NativePty and ForwardedSession both are. */
export interface ScreenSource {
  readonly cols: number;
  readonly rows: number;
  observe(observer: OutputObserver): IDisposable;
  on(event: 'resize', listener: (size: { cols: number; rows: number }) => void): unknown;
  off(event: 'resize', listener: (size: { cols: number; rows: number }) => void): unknown;
}

/** The parts of @xterm/headless used here. */
interface HeadlessTerminal {
  readonly cols: number;
  readonly rows: number;
  readonly buffer: {
    readonly active: {
      readonly length: number;
      readonly viewportY: number;
      readonly baseY: number;
      readonly cursorX: number;
      readonly cursorY: number;
      getLine(y: number): { translateToString(trimRight?: boolean): string } | undefined;
    };
  };
  write(data: string, callback?: () => void): void;
  resize(cols: number, rows: number): void;
  dispose(): void;
}

export class Screen {
  #term: HeadlessTerminal;
  #subscription: IDisposable;
  #source: ScreenSource;
  #onResize = (size: { cols: number; rows: number }): void => this.#term.resize(size.cols, size.rows);
  #disposed = false;

  /** Use openScreen(). `subscription` is the observer that feeds it (feed()). */
  constructor(term: HeadlessTerminal, source: ScreenSource, subscription: IDisposable) {
    this.#term = term;
    this.#source = source;
    this.#subscription = subscription;
    source.on('resize', this.#onResize);
  }

  /** A chunk of the session's output. */
  feed(chunk: string): void {
    if (!this.#disposed) this.#term.write(chunk);
  }

  get cols(): number {
    return this.#term.cols;
  }
  get rows(): number {
    return this.#term.rows;
  }
  /** The cursor's column and row on the screen (0-based). */
  get cursor(): { x: number; y: number } {
    const b = this.#term.buffer.active;
    return { x: b.cursorX, y: b.cursorY };
  }

  /** Resolves once everything received so far has been parsed (lines() then shows it). */
  settled(): Promise<void> {
    return new Promise((resolve) => (this.#disposed ? resolve() : this.#term.write('', resolve)));
  }

  /** The screen's lines as plain text, trailing blanks trimmed. */
  lines(): string[] {
    const b = this.#term.buffer.active;
    return this.#range(b.baseY, b.baseY + this.#term.rows);
  }

  /** Scrollback and screen, oldest first. */
  allLines(): string[] {
    return this.#range(0, this.#term.buffer.active.length);
  }

  /** lines() joined by newlines, trailing empty lines dropped. */
  text(): string {
    return this.lines().join('\n').replace(/\n+$/, '');
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#subscription.dispose();
    this.#source.off('resize', this.#onResize);
    this.#term.dispose();
  }

  #range(from: number, to: number): string[] {
    const b = this.#term.buffer.active;
    const out: string[] = [];
    for (let y = from; y < to; y++) out.push(b.getLine(y)?.translateToString(true) ?? '');
    return out;
  }
}

/**
 * A Screen of `session` from now on. Rejects with code 'ERR_NATIVE_PTY_PEER_MISSING' when
 * @xterm/headless is not installed (npm install @xterm/headless).
 */
export async function openScreen(session: ScreenSource, options: ScreenOptions = {}): Promise<Screen> {
  validateObject(options, 'options');
  const scrollback = options.scrollback === undefined ? 1000 : validateInteger(options.scrollback, 'options.scrollback', 0, 1_000_000);
  // Observed from the call, not from when the import resolves: nothing in between is missed.
  const early: string[] = [];
  let screen: Screen | null = null;
  const subscription = session.observe({ text: (chunk) => (screen ? screen.feed(chunk) : early.push(chunk)), end: () => {} });
  let headless: { Terminal: new (options: object) => HeadlessTerminal };
  try {
    const loaded = (await import('@xterm/headless')) as unknown as { default?: typeof headless } & typeof headless;
    headless = loaded.Terminal ? loaded : loaded.default!;
  } catch (cause) {
    subscription.dispose();
    const error = new Error('native-pty/screen needs @xterm/headless: npm install @xterm/headless', { cause });
    (error as Error & { code: string }).code = 'ERR_NATIVE_PTY_PEER_MISSING';
    throw error;
  }
  const term = new headless.Terminal({ cols: session.cols, rows: session.rows, scrollback, allowProposedApi: true });
  screen = new Screen(term, session, subscription);
  for (const chunk of early) screen.feed(chunk);
  return screen;
}
