/**
 * Reading terminal output line by line, exactly. A LineReader splits a stretch of a chunk into
 * lines at \n, \r, \v, \f and at escape sequences that move the cursor to another line or to an
 * absolute position (that is how spinners redraw in place), hands each line to a LineSink, and
 * carries the unfinished last line and an unfinished escape sequence over to the next chunk,
 * both bounded. Which stretches of a chunk are read is LineScanner's business.
 *
 * '\n' ends any escape sequence in progress, even a control string. Programs do not put
 * newlines in titles or hyperlinks; a terminal would ignore one there, we end the sequence
 * instead, and nothing else changes. It also lets LineScanner find line ends without reading.
 */
import { isControlString, sequenceEnd } from '../ansi.js';
import { EFFECT_BREAK, EFFECT_SPACE, sequenceEffect, visibleText } from './escapes.js';
import {
  type LineSink,
  MAX_LINE,
  MAX_PENDING,
  MAX_RAW_LINE,
  type ReadResult,
} from './line-protocol.js';

/** What ends a control string that is being skipped (see the note on '\n' above). */
const OSC_END = /[\x07\x0a\x18\x1a\x1b\x80-\x9f]/g;
const STRING_END = /[\x0a\x18\x1a\x1b\x80-\x9f]/g;
const NOT_IN_STRING = 0;
const IN_OSC = 1;
const IN_OTHER_STRING = 2;

/** White space as String.prototype.trim() and /\s/ see it. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

export class LineReader {
  readonly #sink: LineSink;
  /** Visible text of the unfinished last line. */
  #line = '';
  /** The unfinished last line is too long to be a status; skip it up to the next break. */
  #lineOverflow = false;
  /** What LineSink.line() says about #line. */
  #lineParen = false;
  #lineClosing = false;
  #lineSolid = 0;
  /** An unfinished escape sequence, raw, to prepend to the next chunk. */
  #pending = '';
  #inString = NOT_IN_STRING;
  /**
   * The first line of this chunk starts with the end of a sequence carried over, so it has
   * something new even if nothing else follows (see resume()).
   */
  #lead = false;
  constructor(sink: LineSink) {
    this.#sink = sink;
  }

  /** Visible text of the unfinished last line, or undefined when it is too long to keep. */
  get unfinishedLine(): string | undefined {
    return this.#lineOverflow ? undefined : this.#line;
  }

  clear(): void {
    this.#line = this.#pending = '';
    this.#lineOverflow = this.#lead = false;
    this.#inString = NOT_IN_STRING;
    this.#forgetLine();
  }

  /**
   * Deals with what the previous chunk left unfinished. Returns where s is to be read from, or
   * -1 when all of s belongs to an escape sequence.
   */
  begin(s: string): number {
    this.#lead = false;
    if (this.#inString !== NOT_IN_STRING) {
      const start = this.#skipString(s, 0);
      return start >= s.length ? -1 : start;
    }
    return this.#pending === '' ? 0 : this.#resume(s);
  }

  /**
   * The last line of the chunk is too long to matter (the reading stopped before its end): carry
   * that over, and the escape sequence that starts at `unfinished` (if >= 0) and is not finished.
   */
  carryOverlong(s: string, unfinished: number): void {
    this.#line = '';
    this.#lineOverflow = true;
    this.#forgetLine();
    if (unfinished >= 0) this.#savePending(s, unfinished);
  }

  /**
   * Finishes the escape sequence carried over from the previous chunk, without copying the
   * chunk: the sequence is read from a short joined prefix.
   */
  #resume(s: string): number {
    const pending = this.#pending;
    this.#pending = '';
    // Enough to finish any sequence worth keeping; a '\n' ends it anyway.
    let take = Math.min(s.length, MAX_PENDING + 2);
    const lf = s.slice(0, take).indexOf('\n');
    if (lf >= 0) take = lf;
    let joined = pending + s.slice(0, take);
    let end = sequenceEnd(joined, 0, joined.length);
    if (end < 0 && lf < 0 && take < s.length) {
      if (isControlString(joined, 0)) {
        // A long title or hyperlink: skip the rest of it where it is.
        this.#inString = joined.charCodeAt(0) === 0x9d || joined.charCodeAt(1) === 0x5d ? IN_OSC : IN_OTHER_STRING;
        // A final ESC in the joined prefix may start the string terminator.
        const resumeAt = this.#skipString(s, s.charCodeAt(take - 1) === 0x1b ? take - 1 : take);
        if (resumeAt < 0 || resumeAt >= s.length) return -1;
        this.#lead = true;
        return resumeAt;
      }
      // A CSI that long is garbage, and rare: read it the simple way.
      const limit = s.indexOf('\n');
      take = limit < 0 ? s.length : limit;
      joined = pending + s.slice(0, take);
      end = sequenceEnd(joined, 0, joined.length);
    }
    if (end < 0) {
      if (take < s.length) {
        // Cut short by the newline, which ends the line.
        this.#lead = true;
        return take;
      }
      // Still unfinished at the end of this chunk too; what is left of the line is unchanged.
      this.#savePending(joined, 0);
      return -1;
    }
    const effect = sequenceEffect(joined, 0, end);
    if (effect === EFFECT_BREAK) {
      // The carried line ends here; it was delivered when it arrived.
      this.#line = '';
      this.#lineOverflow = false;
      this.#forgetLine();
    } else {
      if (effect === EFFECT_SPACE && !this.#lineOverflow) {
        this.#line += ' ';
        if (this.#line.length > MAX_LINE) {
          this.#line = '';
          this.#lineOverflow = true;
          this.#forgetLine();
        }
      }
      this.#lead = true;
    }
    return end - pending.length;
  }

  /**
   * Continues skipping an over-long control string from s[from]; returns where normal text
   * resumes (s.length when the string ends with s), or -1 when s ends inside the string.
   */
  #skipString(s: string, from: number): number {
    const re = this.#inString === IN_OSC ? OSC_END : STRING_END;
    re.lastIndex = from;
    const m = re.exec(s);
    if (m === null) return -1;
    const end = m.index;
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

  /**
   * Splits s[from, to) into lines and hands each to the sink. `to` is either a '\n' (the last
   * line is complete) or the end of the chunk (it is carried over). `from` must not be inside an
   * escape sequence, and a line must start there unless it is where the chunk's reading starts.
   * `until` stops it early, at the start of a line: once a line has ended at or after that
   * position, or with UNTIL_SATISFIED once a line has ended and the sink is satisfied. `bounded`
   * also lets it give up part-way through a line that has become too long to be a status, once
   * the sink is satisfied or the line had something visible (which it reports). Returns where
   * it stopped (`to` when it read everything), as a ReadResult that also tells whether it gave up.
   */
  read(s: string, from: number, to: number, until: number, bounded: boolean): ReadResult {
    const complete = to < s.length;
    const sink = this.#sink;
    let lineStart = from;
    let hasEsc = false;
    let visible = false;
    let paren = false;
    let over = this.#lineOverflow;
    // From `limit` on, a character that is not part of an escape sequence makes the line too
    // long: its visible text would pass MAX_LINE, or its raw text MAX_RAW_LINE.
    let rawCap = lineStart + MAX_RAW_LINE;
    let limit = Math.min(rawCap, lineStart + MAX_LINE - this.#line.length);
    let i = from;
    for (;;) {
      // Once the line is too long, bounded reading only looks for the first visible character.
      const stop = over ? (bounded && i < to ? i + 1 : to) : limit < to ? limit : to;
      for (; i < stop; i++) {
        const c = s.charCodeAt(i);
        // Letters, digits and most text take this branch; '(' and ')' are just below it.
        if (c > 0x29 && (c < 0x7f || c > 0x9f)) {
          visible = true;
        } else if (c > 0x20) {
          if (c === 0x7f) continue;
          if (c >= 0x80) break; // a C1 control starts a sequence
          visible = true;
          if (c === 0x28) paren = true;
        } else if (c === 0x0d || c === 0x0a || c === 0x1b || c === 0x0b || c === 0x0c) {
          break;
        }
        // Spaces and other control characters are text that is not visible.
      }
      if (over && bounded && (visible || sink.satisfied)) return this.#giveUp(i, visible);
      if (i >= to) break;
      const c = s.charCodeAt(i);
      if (c === 0x0d || c === 0x0a || c === 0x0b || c === 0x0c) {
        this.#endLine(s, lineStart, i, hasEsc, visible, paren, true, over);
        lineStart = i + 1;
        hasEsc = visible = paren = over = false;
        rawCap = lineStart + MAX_RAW_LINE;
        limit = lineStart + MAX_LINE;
        if (until >= 0 ? i >= until : sink.satisfied) return lineStart;
        i = lineStart;
      } else if (c === 0x1b || (c >= 0x80 && c <= 0x9f)) {
        const end = sequenceEnd(s, i, to);
        if (end < 0) {
          if (complete) {
            // Cut short by the newline: it was never going to be a cursor move.
            hasEsc = true;
            break;
          }
          this.#endLine(s, lineStart, i, hasEsc, visible, paren, false, over);
          this.#savePending(s, i);
          return to;
        }
        const effect = sequenceEffect(s, i, end);
        if (effect === EFFECT_BREAK) {
          this.#endLine(s, lineStart, i, hasEsc, visible, paren, true, over);
          lineStart = end;
          hasEsc = visible = paren = over = false;
          rawCap = lineStart + MAX_RAW_LINE;
          limit = lineStart + MAX_LINE;
          if (until >= 0 ? i >= until : sink.satisfied) return lineStart;
        } else {
          hasEsc = true;
          if (!over) {
            // A sequence adds nothing to the visible text, or one space for a forward move.
            limit += end - i - (effect === EFFECT_SPACE ? 1 : 0);
            if (limit > rawCap) limit = rawCap;
            if (end > rawCap) over = true;
          }
        }
        i = end;
      } else {
        // Text at the limit: with this character the line is too long.
        over = true;
        if (c > 0x20 && c !== 0x7f) {
          visible = true;
          if (c === 0x28) paren = true;
        }
        i++;
      }
      if (over && bounded && (visible || sink.satisfied)) return this.#giveUp(i, visible);
    }
    this.#endLine(s, lineStart, to, hasEsc, visible, paren, complete, over);
    return to;
  }

  /** read() stops on a line too long to matter; whether it was news is known now. */
  #giveUp(at: number, visible: boolean): ReadResult {
    this.#line = '';
    this.#lineOverflow = this.#lead = false;
    this.#forgetLine();
    if (visible) this.#sink.overlong(true);
    return ~at;
  }

  #forgetLine(): void {
    this.#lineParen = this.#lineClosing = false;
    this.#lineSolid = 0;
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
   * it has a '(', `over` whether the line is known to be too long.
   */
  #endLine(
    s: string,
    a: number,
    b: number,
    hasEsc: boolean,
    visible: boolean,
    paren: boolean,
    complete: boolean,
    over: boolean,
  ): void {
    const prefix = this.#line;
    const overflowed = this.#lineOverflow;
    const hasParen = paren || this.#lineParen;
    let closing = this.#lineClosing;
    let solid = this.#lineSolid;
    const lead = this.#lead;
    this.#line = '';
    this.#lineOverflow = this.#lead = false;
    this.#forgetLine();
    const sink = this.#sink;
    if (complete && !hasParen && (sink.satisfied || !visible) && !sink.everyLine) {
      // Neither a status nor news: most lines of a full-screen program's repaint end here.
      return;
    }
    if (a === b && !lead) {
      // Nothing new: the carried part was already delivered when it arrived.
      if (!complete) {
        this.#line = prefix;
        this.#lineOverflow = overflowed;
        this.#lineParen = hasParen;
        this.#lineClosing = closing;
        this.#lineSolid = solid;
      }
      return;
    }
    let full: string | undefined;
    let added = '';
    if (!over && !overflowed && b - a <= MAX_RAW_LINE) {
      const raw = s.slice(a, b);
      added = hasEsc ? visibleText(raw) : raw;
      full = prefix + added;
      if (full.length > MAX_LINE) full = undefined;
    }
    if (full === undefined) {
      if (!complete) this.#lineOverflow = true;
      sink.overlong(visible);
      return;
    }
    // Only what this chunk added is read: a line that grows a character at a time costs a
    // character each time, not its whole length.
    let k = added.length - 1;
    while (k >= 0 && isSpace(added.charCodeAt(k))) k--;
    if (k >= 0) closing = added.charCodeAt(k) === 0x29;
    // The count is for telling a prompt, which only matters until the sink is satisfied, and
    // for the carried line, which goes on in the next chunk.
    if (complete && sink.satisfied) {
      solid = -1;
    } else {
      for (; k >= 0; k--) if (!isSpace(added.charCodeAt(k))) solid++;
    }
    if (!complete) {
      this.#line = full;
      this.#lineParen = hasParen;
      this.#lineClosing = closing;
      this.#lineSolid = solid;
    }
    sink.line(full, complete, visible, hasParen, closing, solid);
  }
}
