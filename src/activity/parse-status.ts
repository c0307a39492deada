/**
 * Recognising the spinner status line of AI coding CLIs:
 *
 *   ✻ Crafting… (205s · ↑ 6.0k tokens · esc to interrupt)      Claude Code
 *   • Working (1m 05s • esc to interrupt)                      Codex (codex-rs/tui: status
 *                                                              indicator; the header may be
 *                                                              a reasoning title instead)
 *   ⠼ Just a sec, I'm debugging reality… (esc to cancel, 12s)  Gemini CLI (LoadingIndicator:
 *                                                              a witty phrase or the thought's
 *                                                              subject; "1m 5s" past a minute)
 *   ◉ Thinking (Esc to cancel)                                 GitHub Copilot CLI (as its
 *                                                              issue tracker shows it; the
 *                                                              source is not public)
 *
 * An indicator glyph, an action (any text, up to 120 characters), an optional ellipsis, and
 * details in parentheses at the end of the line: separated segments in any order, of which a
 * duration, a token count and "<key> to interrupt|cancel" are understood and anything else is
 * ignored. Aider's and opencode's lines have no parentheses: parse-bare.ts.
 */
import { validateString } from '../validate.js';
import { visibleText } from './escapes.js';
import { parseBareLine } from './parse-bare.js';
import type { AgentStatus } from './types.js';

/** Longer lines are not status lines; bounds the work done on any single line. */
export const MAX_STATUS_LENGTH = 512;

/**
 * The indicator is one glyph that is neither a letter nor a digit (so that a sentence such as
 * "I waited… (5s)" is not taken for a status), optionally with an emoji variation selector.
 * The action starts with a letter and is the shortest run of words (Gemini's phrases have
 * commas, apostrophes, question marks, ellipses, even a parenthesised aside) after which come an
 * optional ellipsis and the final parenthesised details. Code has other punctuation ({ } [ ] =
 * ; quotes), which keeps "} catch (err) { log.warn('retrying... (3s)" from reading as a status,
 * and an aside is a word of its own: "(research preview)I waited… (5s)", two lines drawn
 * without a break between them, is no status either.
 */
const WORD_CHAR = String.raw`[\p{L}\p{M}\p{N}'’,.!?&/+#:-]`;
/** A word may end with an ellipsis, never carry one inside: "Thinking…I waited" is two lines. */
const WORD = String.raw`${WORD_CHAR}+…?`;
const ASIDE = String.raw`\((?:${WORD_CHAR}|…|\p{Zs})*\)[…,.!?:]*`;
const ACTION = String.raw`\p{L}${WORD_CHAR}*…?(?:\p{Zs}+(?:${WORD}|${ASIDE})){0,30}?`;
const STATUS_RE = new RegExp(
  String.raw`^([^\s\p{L}\p{N}])[\uFE0E\uFE0F]?\s+(${ACTION})\s?(…|\.\.\.)?\s+\(([^()]*)\)$`,
  'u',
);
/** The glyphs of Copilot CLI's blinking bullet, the only indicators allowed a bare "(Esc to cancel)". */
const COPILOT_INDICATORS = '◉○◎●';
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

/** Copilot CLI's working line: a circle, and details that are only "Esc to cancel". */
function isCopilotLine(
  indicator: string,
  seconds: number | undefined,
  key: string | undefined,
  verb: string | undefined,
): boolean {
  return verb === 'cancel' && key === 'Esc' && seconds === undefined && COPILOT_INDICATORS.includes(indicator);
}

function whichApp(
  indicator: string,
  ellipsis: string | undefined,
  details: string,
  key: string | undefined,
  verb: string | undefined,
  seconds: number | undefined,
): string {
  const middot = details.includes('·');
  const bullet = details.includes('•');
  const comma = hasSeparatingComma(details);
  if (isCopilotLine(indicator, seconds, key, verb) && !middot && !bullet && !comma) return 'copilot';
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
  if (line.length > MAX_STATUS_LENGTH) return null;
  if (line.charCodeAt(line.length - 1) !== 0x29) return parseBareLine(line);
  if (!mayBeStatus(line)) return null;
  const m = STATUS_RE.exec(line);
  if (m === null) return null;
  const indicator = m[1]!;
  let action = m[2]!.trimEnd();
  let ellipsis = m[3];
  if (ellipsis === undefined) {
    // The action's last word took the ellipsis ("Crafting…" is a word too): it is the ellipsis.
    const tail = action.endsWith('…') ? '…' : action.endsWith('...') ? '...' : undefined;
    if (tail !== undefined) {
      ellipsis = tail;
      action = action.slice(0, -tail.length).trimEnd();
    }
  }
  const details = m[4]!;

  let seconds: number | undefined;
  let tokens: number | undefined;
  let arrow: string | undefined;
  let key: string | undefined;
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
      key = d[1];
      verb = d[2];
    }
    // Anything else is a segment we do not know; it is ignored, not a failure.
  }
  // Without an ellipsis the line must look like a spinner on both counts, which is what keeps
  // "- Build (12s)" in a log from matching; Copilot's circle with "(Esc to cancel)" is the one
  // exception.
  const spinnerLike =
    ellipsis === undefined
      ? (seconds !== undefined && verb !== undefined) || isCopilotLine(indicator, seconds, key, verb)
      : seconds !== undefined || verb !== undefined;
  if (!spinnerLike) return null;
  const status: AgentStatus = {
    app: whichApp(indicator, ellipsis, details, key, verb, seconds),
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
  let clean = visibleText(text);
  if (/[\n\r\v\f]/.test(clean)) {
    const lines = clean.split(/[\n\r\v\f]/);
    let i = lines.length - 1;
    while (i > 0 && lines[i]!.trim() === '') i--;
    clean = lines[i]!;
  }
  return parseCleanLine(clean.trim());
}
