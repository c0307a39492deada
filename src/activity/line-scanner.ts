/**
 * Decides which parts of each chunk of terminal output are read; LineReader reads them.
 *
 * Cost is what shapes this file. Detection runs on every chunk a busy PTY delivers (up to a MiB
 * at a time) and must cost a few percent of the PTY's own work, and most output cannot hold a
 * status line. A small chunk is read character by character. A big one is searched natively
 * (see line-search.ts) and read only where it can matter (see #readSparse):
 * - its first lines, until the sink has seen enough (see LineSink.satisfied);
 * - the lines that hold an anchor that every status line contains;
 * - its last line, which is carried over.
 * Reading never goes further than the longest line that can still be a status, backwards or
 * forwards, so the work per chunk does not grow with the length of a line: output without any
 * newline is one line, and a chunk of it costs three native searches.
 *
 * What is not read is known from native searches for \n, \r and ESC, which is where the
 * sparse reading differs from reading every character, in cases programs do not produce:
 * - \v and \f also end lines, and are looked for only near an anchor and near the end;
 * - C1 controls (U+0080-U+009F as text) start escape sequences where text is read, but are not
 *   looked for elsewhere: there is no cheap native search for 32 characters, and programs that
 *   write UTF-8 do not send them;
 * - a control string (a title, say) longer than a line can be that is still open where reading
 *   starts, or at the end of a chunk, is not recognised as one there;
 * - a \r, \v or \f inside a control string is taken for a line break when found going backwards.
 */
import {
  ALL_LINES,
  gaveUp,
  MAX_PENDING,
  MAX_RAW_LINE,
  stoppedAt,
  UNTIL_SATISFIED,
  type LineSink,
} from './line-protocol.js';
import { LineReader } from './line-reader.js';
import {
  anchors,
  breakBefore,
  breakCandidates,
  ESC_CANDIDATE,
  introducerOf,
  LF_CANDIDATE,
  noBreak,
  type NextOf,
  rareBreaks,
  unfinishedSequence,
} from './line-search.js';
import { sequenceEnd } from '../ansi.js';

export type { LineSink } from './line-protocol.js';

/** Chunks up to this long are read in full: searching them would cost more than reading. */
const SPARSE_MIN = 4096;
/**
 * An anchor this close after where reading can resume is read to from there, rather than by
 * walking back to its line's start (see #readSparse). Only close: reading lines that cannot be
 * status lines costs more than walking back over the start of the one that can.
 */
const NEAR = 128;

export class LineScanner {
  readonly #sink: LineSink;
  readonly #reader: LineReader;
  constructor(sink: LineSink) {
    this.#sink = sink;
    this.#reader = new LineReader(sink);
  }

  /** Visible text of the unfinished last line, or undefined when it is too long to keep. */
  get unfinishedLine(): string | undefined {
    return this.#reader.unfinishedLine;
  }

  clear(): void {
    this.#reader.clear();
  }

  feed(s: string): void {
    const start = this.#reader.begin(s);
    if (start < 0) return;
    if (this.#sink.everyLine || s.length - start <= SPARSE_MIN) this.#readAll(s, start);
    else this.#readSparse(s, start);
  }

  /** Reads every line of s from `start`. */
  #readAll(s: string, start: number): void {
    let pos = start;
    for (;;) {
      const lf = s.indexOf('\n', pos);
      if (lf < 0) {
        this.#reader.read(s, pos, s.length, ALL_LINES, false);
        return;
      }
      this.#reader.read(s, pos, lf, ALL_LINES, false);
      pos = lf + 1;
    }
  }

  /**
   * Reads what can matter in a big chunk. `lo` is where reading would resume: never inside an
   * escape sequence, and either a line starts there or (`over`) the line that goes on there is
   * too long to matter. Everything before `lo` is done with.
   */
  #readSparse(s: string, start: number): void {
    const n = s.length;
    const reader = this.#reader;

    // The first lines, until the sink knows whether this chunk is news.
    const breaks = breakCandidates(s);
    let lo = start;
    let over = false;
    for (;;) {
      const lf = s.indexOf('\n', lo);
      breaks.seed(LF_CANDIDATE, lo, lf);
      const to = lf < 0 ? n : lf;
      const result = reader.read(s, lo, to, UNTIL_SATISFIED, true);
      over = gaveUp(result);
      if (over || stoppedAt(result) < to) {
        lo = stoppedAt(result);
        break;
      }
      if (to === n) return;
      lo = to + 1;
      if (this.#sink.satisfied) break;
    }

    // The lines with an anchor. An anchor only matters on a line that starts at most
    // MAX_RAW_LINE before it, so anchors are looked for in windows after a possible line start.
    const rare = rareBreaks(s);
    const found = anchors(s);
    /**
     * The first possible line break in [p, end): a \n, \r or ESC, or near the end of the chunk
     * (where the line that is carried over must start right) a \v or \f.
     */
    const nextBreak = (p: number, end = n): number => {
      const c = breaks.next(p, end);
      const q = Math.max(p, n - MAX_RAW_LINE);
      const stop = c >= 0 ? c : end;
      if (q >= stop) return c;
      const r = rare.next(q, stop);
      return r >= 0 ? r : c;
    };
    let from = lo;
    // None means that the rest is one line, to be read as the last one.
    let c = nextBreak(lo);
    while (c >= 0) {
      if (over && from < c) from = c;
      const windowEnd = Math.min(n, from + MAX_RAW_LINE);
      const a = found.next(from, windowEnd);
      if (a < 0) {
        if (windowEnd >= n) break;
        // A line that starts in this window can reach into the next one; otherwise go on at the
        // next possible line start.
        from = nextBreak(from + 1, windowEnd) >= 0 ? windowEnd : nextBreak(windowEnd);
        if (from < 0) break;
        continue;
      }
      // An anchor close after a line start is reached by reading on, which costs less than
      // walking back to its line's start; that is the common case when anchors are dense (a
      // TUI's rows, each with an ellipsis).
      const near = !over && a - lo <= NEAR;
      const e = near ? lo : this.#lineStartOf(s, a, lo, over, c, rare);
      // The line from e ends at the next '\n' at the latest (none lies between e and a, unless
      // e is lo).
      const lf = breaks.nextOne(LF_CANDIDATE, e < 0 ? a : e);
      const to = lf < 0 ? n : lf;
      if (e < 0) {
        // Too long to be a status line: go on after the anchor.
        over = true;
        lo = this.#resumeAfter(s, a, lo, to, introducerOf(e));
        from = Math.max(a + 1, lo);
      } else {
        const result = reader.read(s, e, to, a, true);
        const stop = stoppedAt(result);
        if (gaveUp(result)) {
          over = true;
          lo = stop;
        } else {
          over = false;
          if (stop < to) lo = stop;
          else if (to === n) return; // that was the last line, and it is carried over
          else lo = to + 1;
        }
        // Reading from lo may stop at a '\n' before the anchor; then it is found again.
        from = lo > a ? lo : near ? Math.max(from, lo) : a + 1;
      }
      c = nextBreak(lo);
    }
    this.#readLastLine(s, lo, over, breaks, rare);
  }

  /**
   * Start of the line that anchor `a` is on, or, when that line is too long to matter, a
   * negative noBreak() that carries the escape introducer nearest `a` on it (for #resumeAfter).
   * `lo` and `over` as in #readSparse; `c` is the first possible line break at or after `lo`.
   */
  #lineStartOf(s: string, a: number, lo: number, over: boolean, c: number, rare: NextOf): number {
    let noLineStart = noBreak(-1);
    const lowest = Math.max(lo, a - MAX_RAW_LINE);
    let first = c >= 0 && c < a ? c : a;
    if (first > lowest) {
      // A \v or \f ends a line too; they are only looked for this close to an anchor.
      const r = rare.next(lowest, first);
      if (r >= 0) first = r;
    }
    if (first < a) {
      const floor = Math.max(first, lowest);
      const e = breakBefore(s, floor, a);
      if (e >= 0 || floor > first) return e;
      noLineStart = e;
    }
    // No line break between lo and the anchor.
    return over || a - lo > MAX_RAW_LINE ? noLineStart : lo;
  }

  /**
   * Where to resume after anchor `a`, on a line too long to matter: just after it, unless it is
   * inside an escape sequence (a title, say), then after that sequence. `to` is the '\n' after
   * `a`, or the end of s; `q` the escape introducer nearest before `a` on the line, or -1.
   */
  #resumeAfter(s: string, a: number, lo: number, to: number, q: number): number {
    if (q < lo) return a;
    const end = sequenceEnd(s, q, to);
    if (end >= 0) return end > a ? end : a;
    // The sequence runs to the newline, or is unfinished at the end, where the last line is read.
    return to < s.length ? to : q;
  }

  /** The last line: where it starts, read it, carry it over. */
  #readLastLine(s: string, lo: number, over: boolean, breaks: NextOf, rare: NextOf): void {
    const n = s.length;
    const window = Math.max(lo, n - MAX_RAW_LINE);
    let c = breaks.next(window);
    const r = rare.next(window);
    if (r >= 0 && (c < 0 || r < c)) c = r;
    if (c >= 0) {
      const e = breakBefore(s, c, n);
      if (e >= 0) {
        this.#readToEnd(s, e, breaks);
        return;
      }
    }
    // No line break in the window: the last line goes on from lo, or from before the window.
    if (window === lo && !over) this.#readToEnd(s, lo, breaks);
    else this.#carryOverlong(s, window, breaks);
  }

  /** Reads s[from, end), the last line, and carries it over. */
  #readToEnd(s: string, from: number, breaks: NextOf): void {
    const result = this.#reader.read(s, from, s.length, ALL_LINES, true);
    if (gaveUp(result)) this.#carryOverlong(s, stoppedAt(result), breaks);
  }

  /**
   * The last line is too long to matter. `floor` is where it is known to go on, not inside an
   * escape sequence; one that starts after it and is unfinished is carried over.
   */
  #carryOverlong(s: string, floor: number, breaks: NextOf): void {
    const n = s.length;
    let from = Math.max(floor, n - MAX_RAW_LINE);
    // Without ESC, only a C1 control can start one, and only a short one is worth carrying.
    if (breaks.nextOne(ESC_CANDIDATE, from) < 0) from = Math.max(from, n - MAX_PENDING - 1);
    this.#reader.carryOverlong(s, unfinishedSequence(s, from));
  }
}
