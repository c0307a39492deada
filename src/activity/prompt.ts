/**
 * Telling a shell prompt redraw from output that means the session is doing something.
 *
 * Shells and line editors redraw the prompt on their own (resize, Ctrl+L, reset-prompt timers,
 * Enter on an empty line, terminal title updates); that must not keep a session "active". Two
 * rules, both cheap and only ever applied to a line that ends the output so far:
 * - the prompt the session showed when it last went idle is learned, and showing it again (or a
 *   prefix of it, as it is being drawn) is a redraw;
 * - an unfinished last line that ends like a prompt ($ # % > ❯ ➜ λ » ›, not right after a digit,
 *   so "50%" of a progress bar still counts as output) is a redraw.
 * Digits are masked before comparing so that a clock or an exit code in the prompt does not make
 * each redraw look new.
 */

export const MAX_PROMPT_LENGTH = 256;
const PROMPT_END = /(?:^|[^0\s]|[^0\s]\s)[$#%>❯➜λ»›]$/u;

/** Trimmed, whitespace runs collapsed, every digit replaced by 0. */
export function normalizePrompt(line: string): string {
  return line.trim().replace(/\s+/g, ' ').replace(/\d/g, '0');
}

/** True when `line` (normalized) ends the way shell and REPL prompts end. */
export function looksLikePrompt(normalized: string): boolean {
  return normalized.length > 0 && normalized.length <= MAX_PROMPT_LENGTH && PROMPT_END.test(normalized);
}

/**
 * True when `line`, the visible text of a line that got new characters, is only the prompt being
 * drawn again. `complete` says whether the line has ended (a line break followed it).
 */
export function isPromptRedraw(line: string, complete: boolean, learned: string | undefined): boolean {
  const normalized = normalizePrompt(line);
  if (normalized === '') return true;
  if (learned !== undefined) {
    if (complete ? normalized === learned : learned.startsWith(normalized)) return true;
  }
  return !complete && looksLikePrompt(normalized);
}
