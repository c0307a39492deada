/**
 * Status lines without parenthesised details, as two CLIs draw them (from their sources):
 *
 *   ░█        Waiting for LLM                      Aider (aider/waiting.py): a scanner of one
 *                                                  '█' and one '░' bouncing across 10 columns
 *                                                  ('#' and '=' without Unicode), then the
 *                                                  text; redrawn with \r, the cursor then put
 *                                                  back on the scanner with backspaces
 *   ⬝⬝■■⬝⬝⬝⬝ esc interrupt                         opencode (its prompt's status bar): a
 *                                                  scanner of 8 blocks or "[⋯]" without
 *                                                  animations, then "esc interrupt", or
 *                                                  "esc again to interrupt" after one Esc
 *
 * Both are specific enough that ordinary output does not take their form: the scanner is
 * exactly one bright and one dim glyph side by side, and opencode's line holds nothing but the
 * scanner and the key hint before the rest of the bar.
 */
import type { AgentStatus } from './types.js';

/** Aider's scanner, after trim() took its leading spaces: the pair, then spaces, then text. */
const AIDER_RE = /^(░█|█░|#=|=#) +(\S.{0,119})$/u;
/** opencode's scanner (its "blocks" and "diamonds" styles, or the static "[⋯]"), then the hint. */
const OPENCODE_RE = /^([■⬝◆⬥⬩⬪·•]{2,16}|\[⋯\]) +esc (again to interrupt|interrupt)(?:\s|$)/u;
/** Backspaces and other controls that Aider writes after the text to place the cursor. */
const TRAILING_CONTROLS_RE = /[\x00-\x08\x0e-\x1f]+$/;

/** The glyphs of opencode's scanner (see OPENCODE_RE). */
const OPENCODE_GLYPHS = '■⬝◆⬥⬩⬪·•';

/**
 * The cheap test the detector runs on lines without parentheses before parseBareLine(): whether
 * the line starts as Aider's scanner or opencode's does. It reads at most the first ten
 * characters, so that a line growing across many feeds is not read again each time.
 */
export function mayBeBare(line: string): boolean {
  let i = 0;
  while (i < 8 && line.charCodeAt(i) === 0x20) i++;
  const first = line[i];
  const second = line[i + 1];
  if (first === undefined || second === undefined) return false;
  const pair = first + second;
  if (pair === '░█' || pair === '█░' || pair === '#=' || pair === '=#') return true;
  return (OPENCODE_GLYPHS.includes(first) && OPENCODE_GLYPHS.includes(second)) || (first === '[' && second === '⋯');
}

/** Parses a trimmed visible line without parenthesised details; null when it is neither form. */
export function parseBareLine(line: string): AgentStatus | null {
  const clean = line.replace(TRAILING_CONTROLS_RE, '').trimEnd();
  const aider = AIDER_RE.exec(clean);
  if (aider !== null) {
    return { app: 'aider', indicator: aider[1]!, action: aider[2]!.trimEnd(), seconds: 0, text: clean };
  }
  const opencode = OPENCODE_RE.exec(clean);
  if (opencode !== null) {
    // opencode's bar says only that it works, not at what: its own word for that state.
    return { app: 'opencode', indicator: opencode[1]!, action: 'Working', seconds: 0, text: clean };
  }
  return null;
}
