/**
 * Where a string may be cut so that neither a UTF-8 character nor an escape sequence is split.
 *
 * Sizes are UTF-8 bytes because that is what a budget such as maxOutputBytes means to whoever
 * stores or sends the output; positions are UTF-16 indexes because that is what strings take.
 * A surrogate pair is one 4-byte character and is never separated; a lone surrogate counts as
 * the 3 bytes of the U+FFFD that Buffer would write for it.
 */
import { escapeSequenceEnd } from '../ansi.js';

export interface Cut {
  /** UTF-16 index of the cut. */
  index: number;
  /** UTF-8 bytes of text.slice(0, index). */
  bytes: number;
}

/** ESC or a C1 control: what can start an escape sequence (see isEscapeIntroducer). */
const INTRODUCER = /[\x1b\x80-\x9f]/g;

function nextIntroducer(text: string, from: number): number {
  INTRODUCER.lastIndex = from;
  return INTRODUCER.exec(text)?.index ?? -1;
}

function isPairAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdbff || i + 1 >= text.length) return false;
  const d = text.charCodeAt(i + 1);
  return d >= 0xdc00 && d <= 0xdfff;
}

function charBytes(c: number): number {
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  return 3;
}

/** The longest prefix of `text` at a character boundary that fits in `maxBytes`. */
export function prefixWithin(text: string, maxBytes: number): Cut {
  if (maxBytes <= 0) return { index: 0, bytes: 0 };
  // Pure ASCII (the common case for build logs) needs no walk: one unit is one byte.
  if (Buffer.byteLength(text, 'utf8') === text.length) {
    const index = Math.min(text.length, maxBytes);
    return { index, bytes: index };
  }
  let i = 0;
  let bytes = 0;
  while (i < text.length) {
    const pair = isPairAt(text, i);
    const width = pair ? 4 : charBytes(text.charCodeAt(i));
    if (bytes + width > maxBytes) break;
    bytes += width;
    i += pair ? 2 : 1;
  }
  return { index: i, bytes };
}

/** The shortest prefix of `text` at a character boundary that holds at least `minBytes`. */
export function prefixAtLeast(text: string, minBytes: number): Cut {
  if (minBytes <= 0) return { index: 0, bytes: 0 };
  if (Buffer.byteLength(text, 'utf8') === text.length) {
    const index = Math.min(text.length, minBytes);
    return { index, bytes: index };
  }
  let i = 0;
  let bytes = 0;
  while (i < text.length && bytes < minBytes) {
    const pair = isPairAt(text, i);
    bytes += pair ? 4 : charBytes(text.charCodeAt(i));
    i += pair ? 2 : 1;
  }
  return { index: i, bytes };
}

/**
 * Calls `visit(start, end)` for each escape sequence that starts before `limit`, in order;
 * `end` is -1 for a sequence left incomplete by the end of `text`. Stops when visit returns
 * false. `text` must start outside any sequence, which holds for every chunk the output buffer
 * stores because the stream is aligned on sequence boundaries before it gets there.
 */
function forEachSequenceBefore(
  text: string,
  limit: number,
  visit: (start: number, end: number) => boolean,
): void {
  let s = nextIntroducer(text, 0);
  while (s !== -1 && s < limit) {
    const end = escapeSequenceEnd(text, s);
    if (!visit(s, end) || end === -1) return;
    // An implementation that reports no progress must not stall this loop.
    s = nextIntroducer(text, Math.max(end, s + 1));
  }
}

/** Moves a head cut back to the start of an escape sequence that it would split. */
export function headSafeIndex(text: string, index: number): number {
  let safe = index;
  forEachSequenceBefore(text, index, (start, end) => {
    if (end === -1 || end > index) {
      safe = start;
      return false;
    }
    return true;
  });
  return safe;
}

/**
 * Moves a tail cut forward past the end of an escape sequence that it would split (to the end
 * of `text` when that sequence is incomplete).
 */
export function tailSafeIndex(text: string, index: number): number {
  let safe = index;
  forEachSequenceBefore(text, index, (_start, end) => {
    if (end === -1) {
      safe = text.length;
      return false;
    }
    if (end > index) {
      safe = end;
      return false;
    }
    return true;
  });
  return safe;
}
