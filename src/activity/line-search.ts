/**
 * Finding the few places in a big chunk that LineScanner must read, without reading the rest.
 *
 * Native indexOf of one character runs at memory speed (memchr), an order of magnitude faster
 * than any loop in JavaScript and faster than a regular expression. So a chunk is searched for
 * - the characters that can end a line or start an escape sequence, and
 * - the anchors that every status line contains,
 * and JavaScript reads characters only backwards from an anchor to its line's start (a walk
 * bounded by the longest line that can still be a status) and forwards over that line.
 */
import { sequenceEnd } from '../ansi.js';
import { EFFECT_BREAK, sequenceEffect } from './escapes.js';

/**
 * What can end a line or start an escape sequence and is searched for in the whole of a big
 * chunk. \v, \f and C1 controls (U+0080-U+009F) can too, but each whole-chunk search costs about
 * a third of detection on output without newlines, and no program redraws a status line with
 * them: \v and \f are searched for near anchors and near the end of a chunk only, C1 controls
 * not at all (see LineScanner).
 */
const BREAK_CANDIDATES = ['\n', '\x1b', '\r'] as const;
export const LF_CANDIDATE = 0;
export const ESC_CANDIDATE = 1;
const RARE_BREAKS = ['\x0b', '\x0c'] as const;

/**
 * Every status line has an ellipsis or says what key interrupts or cancels it (see mayBeStatus).
 * Native search finds a short pattern by memchr on its first character and stops at each
 * occurrence of it, so the cost follows how common that character is: 'upt' stands for
 * "interrupt" because 'u' is rarer in output than 'i' (patterns of 7 or more are searched with a
 * Boyer-Moore-Horspool loop, which is slower still).
 */
const ANCHORS = ['…', '...', 'upt', 'cancel'] as const;

const UNSEARCHED = -2;
const NONE = -1;
/**
 * A search bounded by `end` goes this much further, so that a window that moves forward a line
 * at a time does not search again for what is absent.
 */
const LOOKAHEAD = 64 * 1024;

/**
 * The next occurrence of any of several strings at or after a position, with each string's next
 * position cached, so that a string that is absent is searched for once per chunk, not once per
 * query. Queries are meant to move forwards; one that goes back searches again.
 */
export class NextOf {
  readonly #s: string;
  readonly #needles: readonly string[];
  /** Per needle: where it was found, NONE, or UNSEARCHED. */
  readonly #at: number[];
  /** Per needle: the position the search that gave #at started from. */
  readonly #from: number[];
  /** Per needle, when #at is NONE: the end of the range known not to contain it. */
  readonly #clearTo: number[];

  constructor(s: string, needles: readonly string[]) {
    this.#s = s;
    this.#needles = needles;
    this.#at = needles.map(() => UNSEARCHED);
    this.#from = needles.map(() => 0);
    this.#clearTo = needles.map(() => 0);
  }

  /** First position in [pos, end) where any needle starts, or -1. `end` defaults to the end. */
  next(pos: number, end = this.#s.length): number {
    let best = NONE;
    for (let k = 0; k < this.#needles.length; k++) {
      const p = this.nextOne(k, pos, end);
      if (p >= 0 && (best < 0 || p < best)) best = p;
    }
    return best;
  }

  /** Like next() for needle number k alone. */
  nextOne(k: number, pos: number, end = this.#s.length): number {
    const p = this.#at[k]!;
    // A cached answer holds for any query that starts at or after where its search started.
    let from = pos;
    if (p !== UNSEARCHED && pos >= this.#from[k]!) {
      if (p >= pos) return p < end ? p : NONE;
      if (p === NONE) {
        const clear = this.#clearTo[k]!;
        if (clear >= end) return NONE;
        // Known to be absent up to `clear`: search only the rest.
        if (clear > pos) from = clear;
      }
    }
    if (from === pos) this.#from[k] = pos;
    const s = this.#s;
    const needle = this.#needles[k]!;
    const searchEnd = end + LOOKAHEAD;
    let found: number;
    if (searchEnd >= s.length) {
      found = s.indexOf(needle, from);
    } else {
      // A slice of a flat string shares its characters: this bounds the search, it copies nothing.
      const q = s.slice(from, searchEnd + needle.length - 1).indexOf(needle);
      found = q < 0 ? NONE : from + q;
    }
    this.#at[k] = found;
    if (found === NONE) this.#clearTo[k] = Math.min(searchEnd, s.length);
    return found < end ? found : NONE;
  }

  /** Records that needle k was searched for from `from` and found at `at` (or -1). */
  seed(k: number, from: number, at: number): void {
    this.#at[k] = at;
    this.#from[k] = from;
    this.#clearTo[k] = this.#s.length;
  }
}

export function breakCandidates(s: string): NextOf {
  return new NextOf(s, BREAK_CANDIDATES);
}

/** \v and \f, to be searched for in bounded ranges only. */
export function rareBreaks(s: string): NextOf {
  return new NextOf(s, RARE_BREAKS);
}

export function anchors(s: string): NextOf {
  return new NextOf(s, ANCHORS);
}

/**
 * breakBefore's result when s[floor, at) has no line break: negative, and carrying the escape
 * introducer nearest `at` in that range (-1 for none), which a caller needs to skip the
 * sequence `at` may be inside. noBreak(-1) is -1.
 */
export function noBreak(introducer: number): number {
  return -2 - introducer;
}

/** The introducer a noBreak() result carries, or -1. */
export function introducerOf(noBreakResult: number): number {
  return -2 - noBreakResult;
}

/**
 * Start of the line that position `at` is on, searching s[floor, at) backwards: the position just
 * after the nearest line break, or a negative noBreak() when there is none. Only ESC and C1 controls
 * start escape sequences and they always do, so a sequence met going backwards is read forwards
 * from its introducer to learn whether it moves the cursor. A \r, \v or \f inside a title (OSC)
 * or another control string is taken for a line break, which reading forwards would not do:
 * telling would take reading back to where the string starts.
 */
export function breakBefore(s: string, floor: number, at: number): number {
  let introducer = -1;
  for (let i = at - 1; i >= floor; i--) {
    const c = s.charCodeAt(i);
    // Printable text, by far the most common, first.
    if (c > 0x1b && (c < 0x80 || c > 0x9f)) continue;
    if (c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c) return i + 1;
    if (c === 0x1b || c >= 0x80) {
      if (introducer < 0) introducer = i;
      const end = sequenceEnd(s, i, at);
      if (end >= 0 && sequenceEffect(s, i, end) === EFFECT_BREAK) return end;
    }
  }
  return noBreak(introducer);
}

/**
 * Start of an escape sequence left unfinished at the end of s, looking back no further than
 * `floor` (which must not be inside a sequence), or -1. Any introducer ends the sequence before
 * it, so only the last one can start an unfinished sequence.
 */
export function unfinishedSequence(s: string, floor: number): number {
  for (let i = s.length - 1; i >= floor; i--) {
    const c = s.charCodeAt(i);
    if (c === 0x1b || (c >= 0x80 && c <= 0x9f)) return sequenceEnd(s, i, s.length) < 0 ? i : -1;
    if (c === 0x0a) return -1;
  }
  return -1;
}
