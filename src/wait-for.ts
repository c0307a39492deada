/**
 * waitFor(): resolves when a session's output, from the call on, shows a pattern: decoded,
 * escape sequences removed, across chunk boundaries (a sequence split between two reads is
 * held until it is whole). For agents and tests that wait for a prompt, a banner or an
 * answer instead of sleeping.
 */
import { stripAnsi, trailingEscapeStart } from './ansi.js';
import { AbortError } from './abort-error.js';
import type { IDisposable, OutputObserver } from './types.js';
import { invalidArgType, MAX_TIMER_DELAY_MS, validateAbortSignal, validateInteger, validateObject } from './validate.js';

export type WaitForPattern = string | RegExp | ((text: string) => boolean);

export interface WaitForOptions {
  /** Give up after this many ms (rejects with code 'ETIMEDOUT'). Default: no limit. */
  timeout?: number;
  /** Give up when it aborts (rejects with an AbortError). */
  signal?: AbortSignal;
}

export interface WaitForMatch {
  /** What matched: the string, the RegExp's match, or for a predicate the text it accepted. */
  match: string;
  /** The RegExp's match array (groups included), for a RegExp. */
  groups?: RegExpExecArray;
  /** All the plain text seen since the call, up to the end of the match (or the last MiB of it). */
  text: string;
}

/** The plain text kept for matching: a RegExp or predicate sees at most the last MiB. */
export const WAIT_FOR_WINDOW = 1024 * 1024;

/** What waitFor() needs of a session: NativePty and ForwardedSession both are. */
export interface Observable {
  observe(observer: OutputObserver): IDisposable;
}

/** Rejection of waitFor() when the time is up or the session ends first, with what it saw. */
export class WaitForError extends Error {
  readonly code: 'ETIMEDOUT' | 'ERR_NATIVE_PTY_EXITED';
  /** The plain text seen since the call (its last MiB). */
  readonly text: string;

  constructor(code: WaitForError['code'], message: string, text: string) {
    super(message);
    this.name = 'WaitForError';
    this.code = code;
    this.text = text;
  }
}

function validatePattern(pattern: unknown): WaitForPattern {
  if (typeof pattern === 'string' || pattern instanceof RegExp || typeof pattern === 'function') return pattern as WaitForPattern;
  throw invalidArgType('pattern', 'of type string or function or an instance of RegExp', pattern);
}

/** Where `pattern` first matches `text` at or after `from`, or null. */
function find(pattern: WaitForPattern, text: string, from: number): Omit<WaitForMatch, 'text'> & { end: number } | null {
  if (typeof pattern === 'string') {
    const at = text.indexOf(pattern, from);
    return at < 0 ? null : { match: pattern, end: at + pattern.length };
  }
  if (pattern instanceof RegExp) {
    const found = pattern.exec(text);
    return found === null ? null : { match: found[0], groups: found, end: found.index + found[0].length };
  }
  return pattern(text) ? { match: text, end: text.length } : null;
}

export function waitFor(session: Observable, pattern: WaitForPattern, options: WaitForOptions = {}): Promise<WaitForMatch> {
  const given = validatePattern(pattern);
  // A copy without g/y state, so that the caller's RegExp is never changed.
  const valid = given instanceof RegExp ? new RegExp(given.source, given.flags.replace(/[gy]/g, '')) : given;
  validateObject(options, 'options');
  const timeout = options.timeout === undefined ? undefined : validateInteger(options.timeout, 'options.timeout', 0, MAX_TIMER_DELAY_MS);
  const signal = options.signal === undefined ? undefined : validateAbortSignal(options.signal, 'options.signal');
  if (signal?.aborted) return Promise.reject(new AbortError(undefined, { cause: signal.reason }));

  return new Promise<WaitForMatch>((resolve, reject) => {
    let seen = '';
    // An escape sequence split across chunks waits here until it is whole.
    let carry = '';
    let timer: NodeJS.Timeout | undefined;
    let subscription: IDisposable | undefined;
    let settled = false;
    const onAbort = (): void => settle(() => reject(new AbortError(undefined, { cause: signal!.reason })));

    function settle(finish: () => void): void {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // observe() may call end() before it returns (a session that has exited).
      queueMicrotask(() => subscription?.dispose());
      finish();
    }

    subscription = session.observe({
      text(chunk) {
        let text = carry + chunk;
        const cut = trailingEscapeStart(text);
        carry = cut < 0 ? '' : text.slice(cut);
        if (cut >= 0) text = text.slice(0, cut);
        const before = seen.length;
        seen += stripAnsi(text);
        const dropped = Math.max(0, seen.length - WAIT_FOR_WINDOW);
        if (dropped > 0) seen = seen.slice(dropped);
        // A string can only newly match where the new text is, or just before it.
        const from = typeof valid === 'string' ? Math.max(0, before - valid.length + 1 - dropped) : 0;
        const found = find(valid, seen, from);
        if (found) settle(() => resolve({ match: found.match, groups: found.groups, text: seen.slice(0, found.end) }));
      },
      end() {
        settle(() => reject(new WaitForError('ERR_NATIVE_PTY_EXITED', 'the session ended before the pattern appeared', seen)));
      },
    });
    if (timeout !== undefined) {
      timer = setTimeout(() => settle(() => reject(new WaitForError('ETIMEDOUT', `the pattern did not appear within ${timeout} ms`, seen))), timeout);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
