/**
 * Recognising the spinner status line of AI coding CLIs:
 *
 *   ✻ Crafting… (205s · ↑ 6.0k tokens · esc to interrupt)      Claude Code
 *   • Working (12s • esc to interrupt)                         Codex
 *   ⠼ Thinking... (esc to cancel, 12s)                         Gemini CLI
 *
 * An indicator glyph, an action, an optional ellipsis, and details in parentheses at the end of
 * the line: separated segments in any order, of which a duration, a token count and
 * "<key> to interrupt|cancel" are understood and anything else is ignored.
 */
import { validateString } from '../validate.js';
import { visibleText } from './escapes.js';
import type { AgentStatus } from './types.js';

/** Longer lines are not status lines; bounds the work done on any single line. */
export const MAX_STATUS_LENGTH = 512;

/**
 * The indicator is one glyph that is neither a letter nor a digit (so that a sentence such as
 * "I waited… (5s)" is not taken for a status), optionally with an emoji variation selector.
 * The action starts with a letter and may have several words. Everything after the ellipsis up
 * to the final ')' is the details.
 */
const STATUS_RE =
  /^([^\s\p{L}\p{N}])[\uFE0E\uFE0F]?\s+(\p{L}[\p{L}\p{M}\p{N}'’ -]{0,79}?)\s?(…|\.\.\.)?\s+\(([^()]*)\)$/u;
/** '·' and '•' always separate; ',' does unless it is a thousands separator as in 1,234. */
const SEPARATOR_RE = /\s*(?:[·•]|,(?!\d{3}(?!\d)))\s*/;
const DURATION_RE = /^(?:(\d+)\s*h\s*)?(?:(\d+)\s*m\s*)?(?:(\d+)\s*s)?$/;
const TOKENS_RE = /^(?:([^\s\p{L}\p{N}])\s*)?(\d+(?:,\d{3})*(?:\.\d+)?)\s*([kKmM])?(\s*tokens?)?$/u;
const INTERRUPT_RE = /^(\S+(?: \S+)?) to (interrupt|cancel)$/;

/**
 * The cheap test that runs before any regex: a status line has '(' and ')' and either an
 * ellipsis or "to interrupt"/"to cancel". Exported so that the detector applies the same rule.
 */
export function mayBeStatus(line: string): boolean {
  const open = line.indexOf('(');
  if (open < 0 || line.indexOf(')', open) < 0) return false;
  return (
    line.indexOf('…') >= 0 ||
    line.indexOf('...') >= 0 ||
    line.indexOf('to interrupt') >= 0 ||
    line.indexOf('to cancel') >= 0
  );
}

function parseTokens(digits: string, suffix: string | undefined): number {
  const value = Number(digits.replace(/,/g, ''));
  if (suffix === undefined) return value;
  const scale = suffix === 'k' || suffix === 'K' ? 1e3 : 1e6;
  // 16.3 * 1000 is 16300.000000000002 in binary floating point.
  return Math.round(value * scale);
}

/** A ',' that separates segments, not the thousands separator of a number such as 1,234. */
function hasSeparatingComma(details: string): boolean {
  for (let i = details.indexOf(','); i >= 0; i = details.indexOf(',', i + 1)) {
    let digits = 0;
    while (digits < 4 && isDigit(details.charCodeAt(i + 1 + digits))) digits++;
    if (digits !== 3) return true;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function whichApp(ellipsis: string | undefined, details: string, verb: string | undefined): string {
  const middot = details.includes('·');
  const bullet = details.includes('•');
  const comma = hasSeparatingComma(details);
  if (ellipsis === '…' && !bullet && !comma && verb !== 'cancel') return 'claude';
  if (ellipsis === undefined && bullet && !middot && !comma) return 'codex';
  if (verb === 'cancel' && !middot && !bullet) return 'gemini';
  return 'generic';
}

/**
 * Parses one visible line that is already trimmed and free of escape sequences. The detector
 * calls this directly; parseStatusLine cleans its input first.
 */
export function parseCleanLine(line: string): AgentStatus | null {
  if (line.length > MAX_STATUS_LENGTH || line.charCodeAt(line.length - 1) !== 0x29) return null;
  if (!mayBeStatus(line)) return null;
  const m = STATUS_RE.exec(line);
  if (m === null) return null;
  const indicator = m[1]!;
  const action = m[2]!.trimEnd();
  const ellipsis = m[3];
  const details = m[4]!;

  let seconds: number | undefined;
  let tokens: number | undefined;
  let arrow: string | undefined;
  let verb: string | undefined;
  for (const raw of details.split(SEPARATOR_RE)) {
    const segment = raw.trim();
    if (segment === '') continue;
    let d: RegExpExecArray | null;
    if (seconds === undefined && (d = DURATION_RE.exec(segment)) !== null) {
      seconds = Number(d[1] ?? 0) * 3600 + Number(d[2] ?? 0) * 60 + Number(d[3] ?? 0);
    } else if (tokens === undefined && (d = TOKENS_RE.exec(segment)) !== null && (d[1] || d[4])) {
      tokens = parseTokens(d[2]!, d[3]);
      arrow = d[1];
    } else if (verb === undefined && (d = INTERRUPT_RE.exec(segment)) !== null) {
      verb = d[2];
    }
    // Anything else is a segment we do not know; it is ignored, not a failure.
  }
  // Without an ellipsis the line must look like a spinner on both counts, which is what keeps
  // "- Build (12s)" in a log from matching.
  if (ellipsis === undefined ? seconds === undefined || verb === undefined : seconds === undefined && verb === undefined) {
    return null;
  }
  const status: AgentStatus = {
    app: whichApp(ellipsis, details, verb),
    indicator,
    action,
    seconds: seconds ?? 0,
    text: line,
  };
  if (tokens !== undefined) status.tokens = tokens;
  if (arrow !== undefined) status.arrow = arrow;
  return status;
}

/**
 * Parses one status line, which may contain escape sequences. Returns null for anything that is
 * not a status line. If the text holds several lines (newlines, carriage returns, cursor moves),
 * the last non-blank one is parsed, as that is what a terminal would show last.
 */
export function parseStatusLine(text: string): AgentStatus | null {
  validateString(text, 'text');
  // Escape sequences cannot add a '(' so this is safe on raw text; the full pre-check runs on
  // the visible text, where a cursor-forward may have become a space.
  if (text.indexOf('(') < 0) return null;
  let clean = visibleText(text);
  if (/[\n\r\v\f]/.test(clean)) {
    const lines = clean.split(/[\n\r\v\f]/);
    let i = lines.length - 1;
    while (i > 0 && lines[i]!.trim() === '') i--;
    clean = lines[i]!;
  }
  return parseCleanLine(clean.trim());
}
