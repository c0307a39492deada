/**
 * What an escape sequence does to the line being drawn, as far as finding status lines goes.
 * A status line is redrawn in place, so anything that takes the cursor to another line or back
 * to its start ends the current line; a forward move stands in for spaces that were skipped.
 */
import { sequenceEnd } from '../ansi.js';

export const EFFECT_NONE = 0;
/** Moves the cursor to another line or to an absolute position: the line ends here. */
export const EFFECT_BREAK = 1;
/** Moves the cursor forward on the same line: reads as a space. */
export const EFFECT_SPACE = 2;
export type SequenceEffect = typeof EFFECT_NONE | typeof EFFECT_BREAK | typeof EFFECT_SPACE;

/** The effect of the complete (or cut short) sequence text[start, end). */
export function sequenceEffect(text: string, start: number, end: number): SequenceEffect {
  const c = text.charCodeAt(start);
  let p: number;
  if (c === 0x1b) {
    if (end - start < 2) return EFFECT_NONE;
    const d = text.charCodeAt(start + 1);
    if (d === 0x5b) {
      p = start + 2;
    } else {
      if (end - start !== 2) return EFFECT_NONE;
      // IND, NEL, RI, DECRC (restore cursor) and RIS (reset) all leave the line.
      return d === 0x44 || d === 0x45 || d === 0x4d || d === 0x38 || d === 0x63
        ? EFFECT_BREAK
        : EFFECT_NONE;
    }
  } else if (c === 0x9b) {
    p = start + 1;
  } else {
    return c === 0x84 || c === 0x85 || c === 0x8d ? EFFECT_BREAK : EFFECT_NONE;
  }
  const last = end - 1;
  if (last < p) return EFFECT_NONE;
  const f = text.charCodeAt(last);
  if (f < 0x40 || f > 0x7e) return EFFECT_NONE; // cut short: no final byte
  if (last > p) {
    const first = text.charCodeAt(p);
    // Private markers (? > < =) select DEC/xterm/kitty modes, never cursor moves.
    if (first >= 0x3c && first <= 0x3f) return EFFECT_NONE;
    const before = text.charCodeAt(last - 1);
    if (before >= 0x20 && before <= 0x2f) return EFFECT_NONE; // e.g. CSI 2 SP q, cursor style
  }
  switch (f) {
    case 0x41: // CUU up
    case 0x42: // CUD down
    case 0x45: // CNL next line
    case 0x46: // CPL previous line
    case 0x47: // CHA column absolute (ESC[G is how ink returns to the line start)
    case 0x48: // CUP
    case 0x60: // HPA
    case 0x64: // VPA
    case 0x65: // VPR
    case 0x66: // HVP
    case 0x72: // DECSTBM homes the cursor
    case 0x75: // SCORC restore cursor
      return EFFECT_BREAK;
    case 0x43: // CUF forward
    case 0x49: // CHT tab forward
    case 0x61: // HPR
      return EFFECT_SPACE;
    default:
      return EFFECT_NONE;
  }
}

/**
 * Visible text of `raw`: escape sequences removed, forward moves as one space, moves to another
 * line as '\n'. An unfinished trailing sequence is dropped.
 */
export function visibleText(raw: string): string {
  let out = '';
  let last = 0;
  const n = raw.length;
  for (let i = 0; i < n; ) {
    const c = raw.charCodeAt(i);
    if (c === 0x1b || (c >= 0x80 && c <= 0x9f)) {
      if (i > last) out += raw.slice(last, i);
      const end = sequenceEnd(raw, i, n);
      if (end < 0) return out;
      const effect = sequenceEffect(raw, i, end);
      if (effect === EFFECT_SPACE) out += ' ';
      else if (effect === EFFECT_BREAK) out += '\n';
      i = last = end;
    } else {
      i++;
    }
  }
  return last === 0 ? raw : last < n ? out + raw.slice(last) : out;
}
