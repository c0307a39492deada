/**
 * Splits a terminal output stream into the lines a status line can be found on, cheaply.
 *
 * A line ends at \n, \r, \v, \f and at any escape sequence that moves the cursor to another line
 * or to an absolute position, since that is how spinners redraw in place. The unfinished last
 * line and an unfinished escape sequence are carried over to the next chunk, both bounded.
 *
 * Cost is what shapes this file. Most output cannot hold a status line, so a chunk is not walked
 * character by character: only the lines that can matter are. Those are
 * - the first line, which continues the unfinished line carried over from the previous chunk;
 * - the last line, which is carried over to the next chunk;
 * - lines around an anchor that every status line contains ('…', '...', 'interrupt',
 *   'cancel'), found with native indexOf;
 * - the first lines, until the sink has seen enough (see LineSink.satisfied).
 * For that to work '\n' ends any escape sequence in progress, even a control string. Programs do
 * not put newlines in titles or hyperlinks; a terminal would ignore one there, we end the
 * sequence instead, and nothing else changes.
 */
import { isControlString, sequenceEnd } from '../ansi.js';
import { EFFECT_BREAK, sequenceEffect, visibleText } from './escapes.js';
import { MAX_STATUS_LENGTH } from './parse-status.js';

/**
 * A line longer than this (visible) is no status line; the rest of it is skipped up to the next
 * line break, and it is not carried over.
 */
const MAX_LINE = 4 * MAX_STATUS_LENGTH;
/** Raw characters of one line, escape sequences included, before it is given up. */
const MAX_RAW_LINE = 16 * MAX_LINE;
/** An unfinished escape sequence longer than this is not kept; a control string is skipped. */
const MAX_PENDING = 256;
const ANCHORS = ['…', '...', 'interrupt', 'cancel'] as const;
/** What ends a control string that is being skipped (see the note on '\n' above). */
const OSC_END = /[\x07\x0a\x18\x1a\x1b\x80-\x9f]/;
const STRING_END = /[\x0a\x18\x1a\x1b\x80-\x9f]/;
/** Shorter stretches without '\n' are simply read through. */
const SPARSE_MIN = 4096;
const C1 = /[\x80-\x9f]/;
/** #scanRegion's `until`: read every line; stop once the sink is satisfied. */
const ALL_LINES = Number.POSITIVE_INFINITY;
const UNTIL_SATISFIED = -1;
const NOT_IN_STRING = 0;
const IN_OSC = 1;
const IN_OTHER_STRING = 2;

/**
 * The first anchor at or after `pos`, or -1. `next` caches each anchor's next position, so that
 * an anchor that is absent is searched for once per chunk, not once per line.
 */
function nextAnchor(s: string, pos: number, next: number[]): number {
  let at = -1;
  for (let k = 0; k < next.length; k++) {
    let p = next[k]!;
    if (p >= 0 && p < pos) next[k] = p = s.indexOf(ANCHORS[k]!, pos);
    if (p >= 0 && (at < 0 || p < at)) at = p;
  }
  return at;
}

export interface LineSink {
  /** Every line must be delivered (custom detectors can recognise anything). */
  readonly everyLine: boolean;
  /**
   * The sink already knows this chunk is meaningful output; from then on only lines that may be
   * status lines (with a '(') are delivered.
   */
  readonly satisfied: boolean;
  /**
   * A line ended (`complete`) or the chunk ended inside it. `text` is its visible text so far,
   * carried-over part included. `visible` says whether this chunk added a printable character.
   */
  line(text: string, complete: boolean, visible: boolean): void;
  /** The line is too long to be a status line; `visible` as above. */
  overlong(visible: boolean): void;
}

export class LineScanner {
  readonly #sink: LineSink;
  /** Visible text of the unfinished last line. */
  #line = '';
  /** The unfinished last line is too long to be a status; skip it up to the next break. */
  #lineOverflow = false;
  /** An unfinished escape sequence, raw, to prepend to the next chunk. */
  #pending = '';
  #inString = NOT_IN_STRING;

  constructor(sink: LineSink) {
    this.#sink = sink;
  }

  /** Visible text of the unfinished last line, or undefined when it is too long to keep. */
  get unfinishedLine(): string | undefined {
    return this.#lineOverflow ? undefined : this.#line;
  }

  clear(): void {
    this.#line = this.#pending = '';
    this.#lineOverflow = false;
    this.#inString = NOT_IN_STRING;
  }

  feed(text: string): void {
    let s = text;
    let start = 0;
    if (this.#inString !== NOT_IN_STRING) {
      start = this.#skipString(s);
      if (start < 0 || start >= s.length) return;
    } else if (this.#pending !== '') {
      s = this.#pending + s;
      this.#pending = '';
    }

    const n = s.length;
    const firstLF = s.indexOf('\n', start);
    if (firstLF < 0) {
      this.#scanSparse(s, start, n);
      return;
    }
    this.#scanSparse(s, start, firstLF);
    const lastLF = s.lastIndexOf('\n');
    let pos = firstLF + 1;
    while ((this.#sink.everyLine || !this.#sink.satisfied) && pos < lastLF) {
      const end = s.indexOf('\n', pos);
      this.#scanRegion(s, pos, end, ALL_LINES);
      pos = end + 1;
    }
    if (pos < lastLF) this.#scanAnchors(s, pos, lastLF);
    this.#scanSparse(s, lastLF + 1, n);
  }

  /**
   * Reads s[from, to), a stretch without '\n', like #scanRegion, but when it is long (a
   * full-screen program's repaint has no newlines) reads only what can matter: the first lines
   * until the sink is satisfied, the lines around anchors, and the last line, found backwards.
   */
  #scanSparse(s: string, from: number, to: number): void {
    if (to - from <= SPARSE_MIN || this.#sink.everyLine || C1.test(s.slice(from, to))) {
      // Backwards search relies on ESC being the only introducer; C1 controls are rare enough.
      this.#scanRegion(s, from, to, ALL_LINES);
      return;
    }
    const p = this.#scanRegion(s, from, to, UNTIL_SATISFIED);
    if (p >= to) return;
    const tail = to === s.length ? this.#lineStartBefore(s, p, to) : to;
    if (tail > p) this.#scanAnchorsInline(s, p, tail);
    if (to === s.length) this.#scanRegion(s, tail, to, ALL_LINES);
  }

  /**
   * Start of the line that position `at` is on, not before `from` (which is a line start). Only
   * ESC can start a sequence here, so reading sequences forward from each ESC met going
   * backwards gives what a forward scan would.
   */
  #lineStartBefore(s: string, from: number, at: number): number {
    for (let i = at - 1; i >= from; i--) {
      const c = s.charCodeAt(i);
      if (c === 0x0d || c === 0x0b || c === 0x0c) return i + 1;
      if (c === 0x1b) {
        const end = sequenceEnd(s, i, s.length);
        if (end >= 0 && end <= at && sequenceEffect(s, i, end) === EFFECT_BREAK) return end;
      }
    }
    return from;
  }

  /** #scanAnchors for a stretch without '\n': lines are bounded by breaks found both ways. */
  #scanAnchorsInline(s: string, from: number, to: number): void {
    const next = ANCHORS.map((a) => s.indexOf(a, from));
    let pos = from;
    while (pos < to) {
      const at = nextAnchor(s, pos, next);
      if (at < 0 || at >= to) return;
      pos = this.#scanRegion(s, this.#lineStartBefore(s, pos, at), to, at);
    }
  }

  /** Continues skipping an over-long control string; returns where normal text resumes, or -1. */
  #skipString(s: string): number {
    const end = s.search(this.#inString === IN_OSC ? OSC_END : STRING_END);
    if (end < 0) return -1;
    this.#inString = NOT_IN_STRING;
    const c = s.charCodeAt(end);
    if (c === 0x1b) {
      if (end + 1 >= s.length) {
        this.#pending = '\x1b';
        return s.length;
      }
      return s.charCodeAt(end + 1) === 0x5c ? end + 2 : end;
    }
    return c === 0x07 || c === 0x9c ? end + 1 : end;
  }

  /** Reads only the lines that contain an anchor, in s[from, to) which is whole lines. */
  #scanAnchors(s: string, from: number, to: number): void {
    const next = ANCHORS.map((a) => s.indexOf(a, from));
    let pos = from;
    while (pos < to) {
      const at = nextAnchor(s, pos, next);
      if (at < 0 || at >= to) return;
      const lineStart = s.lastIndexOf('\n', at) + 1;
      let lineEnd = s.indexOf('\n', at);
      if (lineEnd < 0 || lineEnd > to) lineEnd = to;
      this.#scanRegion(s, lineStart, lineEnd, ALL_LINES);
      pos = lineEnd + 1;
    }
  }

  /**
   * Splits s[from, to) into lines at \r, \v, \f and cursor moves and handles each. `to` is either
   * a '\n' (the last line is complete) or the end of the chunk (it is carried over). `until`
   * stops it early, at the start of a line: once a line has ended at or after that position,
   * or with UNTIL_SATISFIED once a line has ended and the sink is satisfied. Returns where it
   * stopped (`to` when it read everything).
   */
  #scanRegion(s: string, from: number, to: number, until: number): number {
    const complete = to < s.length;
    let lineStart = from;
    let hasEsc = false;
    let visible = false;
    let paren = false;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      // Letters, digits and most text take this branch; '(' and ')' are just below it.
      if (c > 0x29 && (c < 0x7f || c > 0x9f)) {
        visible = true;
        continue;
      }
      if (c === 0x28) {
        visible = paren = true;
      } else if (c > 0x20 && c < 0x7f) {
        visible = true;
      } else if (c === 0x0d || c === 0x0a || c === 0x0b || c === 0x0c) {
        this.#endLine(s, lineStart, i, hasEsc, visible, paren, true);
        lineStart = i + 1;
        hasEsc = visible = paren = false;
        if (until >= 0 ? i >= until : this.#sink.satisfied) return lineStart;
      } else if (c === 0x1b || (c >= 0x80 && c <= 0x9f)) {
        const end = sequenceEnd(s, i, to);
        if (end < 0) {
          if (complete) {
            // Cut short by the newline: it was never going to be a cursor move.
            hasEsc = true;
            break;
          }
          this.#endLine(s, lineStart, i, hasEsc, visible, paren, false);
          this.#savePending(s, i);
          return to;
        }
        if (sequenceEffect(s, i, end) === EFFECT_BREAK) {
          this.#endLine(s, lineStart, i, hasEsc, visible, paren, true);
          lineStart = end;
          hasEsc = visible = paren = false;
          if (until >= 0 ? i >= until : this.#sink.satisfied) return lineStart;
        } else {
          hasEsc = true;
        }
        i = end - 1;
      }
    }
    this.#endLine(s, lineStart, to, hasEsc, visible, paren, complete);
    return to;
  }

  #savePending(s: string, at: number): void {
    if (s.length - at <= MAX_PENDING) {
      this.#pending = s.slice(at);
    } else if (s.charCodeAt(s.length - 1) === 0x1b) {
      this.#pending = '\x1b';
    } else if (isControlString(s, at)) {
      const c = s.charCodeAt(at);
      this.#inString = c === 0x9d || s.charCodeAt(at + 1) === 0x5d ? IN_OSC : IN_OTHER_STRING;
    }
    // An over-long CSI or ESC sequence is garbage; dropping it is what a terminal does.
  }

  /**
   * One line ends (complete) or the chunk ends inside it (not complete). s[a, b) is what this
   * chunk added to it; `visible` says whether that has any printable character, `paren` whether
   * it has a '('.
   */
  #endLine(
    s: string,
    a: number,
    b: number,
    hasEsc: boolean,
    visible: boolean,
    paren: boolean,
    complete: boolean,
  ): void {
    const prefix = this.#line;
    const overflowed = this.#lineOverflow;
    this.#line = '';
    this.#lineOverflow = false;
    const sink = this.#sink;
    if (complete && !paren && (sink.satisfied || !visible) && !sink.everyLine && prefix.indexOf('(') < 0) {
      // Neither a status nor news: most lines of a full-screen program's repaint end here.
      return;
    }
    if (a === b) {
      // Nothing new: the carried part was already delivered when it arrived.
      if (!complete) {
        this.#line = prefix;
        this.#lineOverflow = overflowed;
      }
      return;
    }
    let full: string | undefined;
    if (!overflowed && b - a <= MAX_RAW_LINE) {
      const raw = s.slice(a, b);
      full = hasEsc ? prefix + visibleText(raw) : prefix + raw;
      if (full.length > MAX_LINE) full = undefined;
    }
    if (full === undefined) {
      if (!complete) this.#lineOverflow = true;
      sink.overlong(visible);
      return;
    }
    if (!complete) this.#line = full;
    sink.line(full, complete, visible);
  }
}
