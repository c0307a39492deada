/**
 * Terminal escape sequences: finding where they end, and removing them.
 *
 * The grammar follows ECMA-48 and the DEC parser model, read over decoded text (code points, not
 * bytes), so an 8-bit C1 control is the code point U+0080..U+009F:
 * - CSI: ESC [ or U+009B, parameter bytes 0x30-0x3F (private markers `? > < =` included),
 *   intermediates 0x20-0x2F, one final byte 0x40-0x7E.
 * - OSC: ESC ] or U+009D, ended by BEL or ST (ESC \ or U+009C).
 * - DCS, SOS, PM, APC: ESC P / X / ^ / _ or U+0090 / U+0098 / U+009E / U+009F, ended by ST.
 * - Other ESC sequences: ESC, intermediates 0x20-0x2F, one final byte 0x30-0x7E (ESC 7, ESC =,
 *   ESC ( B ...).
 * - Any other C1 control is a one-character sequence.
 *
 * As in a terminal, a sequence that meets a character it cannot contain is cut short there and
 * that character is left as text (so a broken sequence never swallows the newline after it), and
 * ESC or any C1 control always ends the sequence in progress. CAN and SUB cancel a string. The
 * last rule is what makes `trailingEscapeStart` cheap: an unfinished sequence at the end of a
 * text can only begin at the last ESC/C1 in it.
 */
import { invalidArgValue, validateInteger, validateString } from './validate.js';

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const C1_FIRST = 0x80;
const C1_LAST = 0x9f;
const C1_DCS = 0x90;
const C1_SOS = 0x98;
const C1_CSI = 0x9b;
const C1_ST = 0x9c;
const C1_OSC = 0x9d;
const C1_PM = 0x9e;
const C1_APC = 0x9f;
const BACKSLASH = 0x5c;

/** ESC or a C1 control: the characters that start an escape sequence. */
export function isEscapeIntroducer(code: number): boolean {
  return code === ESC || (code >= C1_FIRST && code <= C1_LAST);
}

function csiEnd(text: string, i: number, limit: number): number {
  for (; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x40 && c <= 0x7e) return i + 1;
    if (c < 0x20 || c > 0x3f) return i;
  }
  return -1;
}

function stringEnd(text: string, i: number, limit: number, bell: boolean): number {
  for (; i < limit; i++) {
    const c = text.charCodeAt(i);
    // Printable text is by far the most common content; test it first.
    if (c >= 0x20 && c < C1_FIRST) continue;
    if (c === ESC) {
      if (i + 1 >= limit) return -1;
      return text.charCodeAt(i + 1) === BACKSLASH ? i + 2 : i;
    }
    if (c === C1_ST || (c === BEL && bell)) return i + 1;
    if (c === CAN || c === SUB || (c >= C1_FIRST && c <= C1_LAST)) return i;
  }
  return -1;
}

/** True when the sequence at `start` is a control string (OSC, DCS, SOS, PM, APC). */
export function isControlString(text: string, start: number): boolean {
  const c = text.charCodeAt(start);
  if (c === ESC) {
    const d = text.charCodeAt(start + 1);
    return d === 0x5d || d === 0x50 || d === 0x58 || d === 0x5e || d === 0x5f;
  }
  return c === C1_OSC || c === C1_DCS || c === C1_SOS || c === C1_PM || c === C1_APC;
}

/**
 * Unchecked core of `escapeSequenceEnd`, for callers that already know `text[start]` is an
 * introducer. `limit` (<= text.length) is where the text is considered to stop; -1 means the
 * sequence runs up to `limit` without ending.
 */
export function sequenceEnd(text: string, start: number, limit: number): number {
  const c = text.charCodeAt(start);
  let i = start + 1;
  if (c === ESC) {
    if (i >= limit) return -1;
    const d = text.charCodeAt(i);
    if (d === 0x5b) return csiEnd(text, i + 1, limit);
    if (d === 0x5d) return stringEnd(text, i + 1, limit, true);
    if (d === 0x50 || d === 0x58 || d === 0x5e || d === 0x5f) {
      return stringEnd(text, i + 1, limit, false);
    }
    if (d < 0x20 || d > 0x7e) return i; // a lone ESC; what follows is not part of it
    for (; i < limit; i++) {
      const e = text.charCodeAt(i);
      if (e >= 0x30 && e <= 0x7e) return i + 1;
      if (e < 0x20 || e > 0x2f) return i;
    }
    return -1;
  }
  if (c === C1_CSI) return csiEnd(text, i, limit);
  if (c === C1_OSC) return stringEnd(text, i, limit, true);
  if (c === C1_DCS || c === C1_SOS || c === C1_PM || c === C1_APC) {
    return stringEnd(text, i, limit, false);
  }
  return i;
}

/**
 * `text[start]` starts an escape sequence (ESC or a C1 introducer); returns the index just past
 * its end, or -1 if the sequence is not complete within `text`.
 */
export function escapeSequenceEnd(text: string, start: number): number {
  validateString(text, 'text');
  validateInteger(start, 'start', 0, text.length - 1);
  if (!isEscapeIntroducer(text.charCodeAt(start))) {
    throw invalidArgValue('start', start, 'must be the index of ESC or a C1 control in text', RangeError);
  }
  return sequenceEnd(text, start, text.length);
}

function lastIntroducer(text: string, before: number): number {
  for (let i = before - 1; i >= 0; i--) {
    if (isEscapeIntroducer(text.charCodeAt(i))) return i;
  }
  return -1;
}

/**
 * Index where an incomplete escape sequence at the very end of `text` begins, or -1. Text after
 * that index should be carried over and prepended to the next chunk.
 */
export function trailingEscapeStart(text: string): number {
  validateString(text, 'text');
  const n = text.length;
  // Searching for ESC natively first keeps the backward scan short: only C1 controls, which
  // are rare, can sit after it.
  const esc = text.lastIndexOf('\x1b');
  let p = esc;
  for (let i = n - 1; i > esc; i--) {
    const c = text.charCodeAt(i);
    if (c >= C1_FIRST && c <= C1_LAST) {
      p = i;
      break;
    }
  }
  if (p < 0 || sequenceEnd(text, p, n) >= 0) return -1;
  // A final ESC may be the first half of the ST that ends a control string begun earlier; then
  // the whole string is what is unfinished.
  if (p === n - 1 && text.charCodeAt(p) === ESC) {
    const q = lastIntroducer(text, p);
    if (q >= 0 && isControlString(text, q) && sequenceEnd(text, q, n) < 0) return q;
  }
  return p;
}

// Finds the first ESC or C1 control; irregexp scans a character class far faster than a
// charCodeAt loop, which is what makes text without escapes nearly free.
const INTRODUCER = /[\x1b\x80-\x9f]/;

/** Removes every escape sequence from `text`, including an unfinished one at its end. */
export function stripAnsi(text: string): string {
  validateString(text, 'text');
  const first = text.search(INTRODUCER);
  if (first < 0) return text;
  const n = text.length;
  let out = text.slice(0, first);
  let i = first;
  let last = first;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === ESC || (c >= C1_FIRST && c <= C1_LAST)) {
      if (i > last) out += text.slice(last, i);
      const end = sequenceEnd(text, i, n);
      if (end < 0) return out;
      i = last = end;
    } else {
      i++;
    }
  }
  return last < n ? out + text.slice(last) : out;
}
