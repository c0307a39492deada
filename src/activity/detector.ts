/**
 * ActivityDetector: fed the decoded output of a terminal, it tells whether the session is busy
 * and what an AI coding CLI in it says it is doing.
 *
 * Cost is what shapes this file. Most output cannot hold a status line, so a chunk is not walked
 * character by character: only the lines that can matter are. Those are
 * - the first line, which continues the unfinished line carried over from the previous chunk;
 * - the last line, which is carried over to the next chunk;
 * - lines around an anchor that every status line contains ('…', '...', 'interrupt',
 *   'cancel'), found with native indexOf;
 * - the first lines, until one proves the output meaningful.
 * For that to work '\n' ends any escape sequence in progress, even a control string. Programs do
 * not put newlines in titles or hyperlinks; a terminal would ignore one there, we end the
 * sequence instead, and nothing else changes.
 */
import { EventEmitter } from 'node:events';
import { isControlString, sequenceEnd } from '../ansi.js';
import { EFFECT_BREAK, sequenceEffect, visibleText } from './escapes.js';
import { MAX_STATUS_LENGTH, parseCleanLine } from './parse-status.js';
import { isPromptRedraw, normalizePrompt } from './prompt.js';
import type { ActivityEvent, ActivityOptions, AgentStatus, StatusDetector } from './types.js';

const DEFAULT_IDLE_MS = 5_000;
const DEFAULT_STATUS_MS = 10_000;
/** setTimeout's own limit. */
const MAX_DELAY_MS = 2 ** 31 - 1;
/**
 * Bounds on the carry-over. A line longer than this (visible) is no status line; the rest of it
 * is skipped up to the next line break.
 */
const MAX_LINE = 4 * MAX_STATUS_LENGTH;
/** Raw characters of one line, escape sequences included, before it is given up. */
const MAX_RAW_LINE = 16 * MAX_LINE;
/** An unfinished escape sequence longer than this is not kept; a control string is skipped. */
const MAX_PENDING = 256;
const ANCHORS = ['…', '...', 'interrupt', 'cancel'] as const;
/** What ends a control string that is being skipped (see the note on '\n' above). */
const OSC_END = /[\x07\x0a\x18\x1a\x1b\x80-\x9f]/;
const STRING_END = /[\x0a\x18\x1a\x1b\x80-\x9f]/;
const NOT_IN_STRING = 0;
const IN_OSC = 1;
const IN_OTHER_STRING = 2;

function checkDelay(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  if (!Number.isFinite(value) || value <= 0 || value > MAX_DELAY_MS) {
    throw new RangeError(`${name} must be > 0 and <= ${MAX_DELAY_MS}, got ${value}`);
  }
  return value;
}

function checkDetectors(value: unknown): StatusDetector[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new TypeError('detectors must be an array');
  return value.map((d: unknown, i) => {
    const det = d as Partial<StatusDetector> | null;
    if (typeof det !== 'object' || det === null) throw new TypeError(`detectors[${i}] must be an object`);
    if (typeof det.name !== 'string' || det.name === '') {
      throw new TypeError(`detectors[${i}].name must be a non-empty string`);
    }
    if (typeof det.parse !== 'function') throw new TypeError(`detectors[${i}].parse must be a function`);
    return det as StatusDetector;
  });
}

/** Same status for listeners: a new spinner frame (indicator) alone is not a change. */
function sameStatus(a: AgentStatus | undefined, b: AgentStatus | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return (
    a.app === b.app &&
    a.action === b.action &&
    a.seconds === b.seconds &&
    a.tokens === b.tokens &&
    a.arrow === b.arrow
  );
}

export interface ActivityDetector {
  on(event: 'activity', listener: (e: ActivityEvent) => void): this;
  once(event: 'activity', listener: (e: ActivityEvent) => void): this;
  off(event: 'activity', listener: (e: ActivityEvent) => void): this;
  emit(event: 'activity', e: ActivityEvent): boolean;
}

export class ActivityDetector extends EventEmitter {
  readonly idleMs: number;
  readonly statusMs: number;
  readonly #detectors: StatusDetector[];

  #active = false;
  #status: AgentStatus | undefined;
  #emittedActive = false;
  #emittedStatus: AgentStatus | undefined;

  /** Visible text of the unfinished last line. */
  #line = '';
  /** The unfinished last line is too long to be a status; skip it up to the next break. */
  #lineOverflow = false;
  /** An unfinished escape sequence, raw, to prepend to the next chunk. */
  #pending = '';
  #inString = NOT_IN_STRING;

  #now = 0;
  #meaningfulThisFeed = false;
  #lastOutputAt = 0;
  #lastStatusAt = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #statusTimer: NodeJS.Timeout | undefined;
  #prompt: string | undefined;
  #disposed = false;

  constructor(options: ActivityOptions = {}) {
    super();
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.idleMs = checkDelay(options.idleMs, 'idleMs', DEFAULT_IDLE_MS);
    this.statusMs = checkDelay(options.statusMs, 'statusMs', DEFAULT_STATUS_MS);
    this.#detectors = checkDetectors(options.detectors);
  }

  /** True while the session has produced meaningful output within the last `idleMs`. */
  get active(): boolean {
    return this.#active;
  }

  /** The current status line, until it is not seen for `statusMs`. */
  get status(): AgentStatus | undefined {
    return this.#status;
  }

  /** Feeds decoded terminal output. Does nothing after dispose(). */
  feed(text: string): void {
    if (typeof text !== 'string') throw new TypeError('feed() takes a decoded string');
    if (this.#disposed || text.length === 0) return;
    this.#now = Date.now();
    this.#meaningfulThisFeed = false;

    let s = text;
    let start = 0;
    if (this.#inString !== NOT_IN_STRING) {
      start = this.#skipString(s);
      if (start < 0 || start >= s.length) return;
    } else if (this.#pending !== '') {
      s = this.#pending + s;
      this.#pending = '';
    }

    const n = s.length;
    const firstLF = s.indexOf('\n', start);
    if (firstLF < 0) {
      this.#scanRegion(s, start, n);
      return;
    }
    this.#scanRegion(s, start, firstLF);
    const lastLF = s.lastIndexOf('\n');
    let pos = firstLF + 1;
    // Custom detectors may recognise any line, so then every line is read.
    const everyLine = this.#detectors.length > 0;
    while ((everyLine || !this.#meaningfulThisFeed) && pos < lastLF) {
      const end = s.indexOf('\n', pos);
      this.#scanRegion(s, pos, end);
      pos = end + 1;
    }
    if (pos < lastLF) this.#scanAnchors(s, pos, lastLF);
    this.#scanRegion(s, lastLF + 1, n);
  }

  /** Stops the timers; the detector ignores further input. Never keeps Node alive anyway. */
  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#statusTimer);
    this.#idleTimer = this.#statusTimer = undefined;
    this.#line = this.#pending = '';
  }

  /** Continues skipping an over-long control string; returns where normal text resumes, or -1. */
  #skipString(s: string): number {
    const end = s.search(this.#inString === IN_OSC ? OSC_END : STRING_END);
    if (end < 0) return -1;
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

  /** Reads only the lines that contain an anchor, in s[from, to) which is whole lines. */
  #scanAnchors(s: string, from: number, to: number): void {
    const next = ANCHORS.map((a) => s.indexOf(a, from));
    let pos = from;
    while (pos < to) {
      let at = to;
      for (let k = 0; k < next.length; k++) {
        let p = next[k]!;
        if (p >= 0 && p < pos) next[k] = p = s.indexOf(ANCHORS[k]!, pos);
        if (p >= 0 && p < at) at = p;
      }
      if (at >= to) return;
      const lineStart = s.lastIndexOf('\n', at) + 1;
      let lineEnd = s.indexOf('\n', at);
      if (lineEnd < 0 || lineEnd > to) lineEnd = to;
      this.#scanRegion(s, lineStart, lineEnd);
      pos = lineEnd + 1;
    }
  }

  /**
   * Splits s[from, to) into lines at \r, \v, \f and cursor moves and handles each. `to` is either
   * a '\n' (the last line is complete) or the end of the chunk (it is carried over).
   */
  #scanRegion(s: string, from: number, to: number): void {
    const complete = to < s.length;
    let lineStart = from;
    let hasEsc = false;
    let visible = false;
    let paren = false;
    for (let i = from; i < to; i++) {
      const c = s.charCodeAt(i);
      // Letters, digits and most text take this branch; '(' and ')' are just below it.
      if (c > 0x29 && (c < 0x7f || c > 0x9f)) {
        visible = true;
        continue;
      }
      if (c === 0x28) {
        visible = paren = true;
      } else if (c > 0x20 && c < 0x7f) {
        visible = true;
      } else if (c === 0x0d || c === 0x0a || c === 0x0b || c === 0x0c) {
        this.#endLine(s, lineStart, i, hasEsc, visible, paren, true);
        lineStart = i + 1;
        hasEsc = visible = paren = false;
      } else if (c === 0x1b || (c >= 0x80 && c <= 0x9f)) {
        const end = sequenceEnd(s, i, to);
        if (end < 0) {
          if (complete) {
            // Cut short by the newline: it was never going to be a cursor move.
            hasEsc = true;
            break;
          }
          this.#endLine(s, lineStart, i, hasEsc, visible, paren, false);
          this.#savePending(s, i);
          return;
        }
        if (sequenceEffect(s, i, end) === EFFECT_BREAK) {
          this.#endLine(s, lineStart, i, hasEsc, visible, paren, true);
          lineStart = end;
          hasEsc = visible = paren = false;
        } else {
          hasEsc = true;
        }
        i = end - 1;
      }
    }
    this.#endLine(s, lineStart, to, hasEsc, visible, paren, complete);
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
   * it has a '('.
   */
  #endLine(
    s: string,
    a: number,
    b: number,
    hasEsc: boolean,
    visible: boolean,
    paren: boolean,
    complete: boolean,
  ): void {
    const prefix = this.#line;
    const overflowed = this.#lineOverflow;
    this.#line = '';
    this.#lineOverflow = false;
    if (
      complete &&
      !paren &&
      (this.#meaningfulThisFeed || !visible) &&
      this.#detectors.length === 0 &&
      prefix.indexOf('(') < 0
    ) {
      // Neither a status nor news: most lines of a full-screen program's repaint end here.
      return;
    }
    if (a === b) {
      // Nothing new: the carried part was already examined when it arrived.
      if (!complete) {
        this.#line = prefix;
        this.#lineOverflow = overflowed;
      }
      return;
    }
    let full: string | undefined;
    if (!overflowed && b - a <= MAX_RAW_LINE) {
      const raw = s.slice(a, b);
      full = hasEsc ? prefix + visibleText(raw) : prefix + raw;
      if (full.length > MAX_LINE) full = undefined;
    }
    if (full === undefined) {
      if (!complete) this.#lineOverflow = true;
      if (visible) this.#meaningful();
      return;
    }
    if (!complete) this.#line = full;
    if (this.#detectors.length > 0 || full.indexOf('(') >= 0) {
      const trimmed = full.trim();
      const status = trimmed === '' ? null : this.#detect(trimmed);
      if (status !== null) {
        this.#setStatus(status);
        return;
      }
    }
    if (visible && !this.#meaningfulThisFeed && !isPromptRedraw(full, complete, this.#prompt)) {
      this.#meaningful();
    }
  }

  #detect(line: string): AgentStatus | null {
    for (const detector of this.#detectors) {
      const found = detector.parse(line);
      if (found === null || found === undefined) continue;
      if (typeof found !== 'object') {
        throw new TypeError(`detector '${detector.name}' returned ${typeof found}, not an object`);
      }
      const status: AgentStatus = {
        app: found.app ?? detector.name,
        indicator: found.indicator,
        action: found.action,
        seconds: found.seconds,
        text: found.text ?? line,
      };
      if (found.tokens !== undefined) status.tokens = found.tokens;
      if (found.arrow !== undefined) status.arrow = found.arrow;
      return status;
    }
    return parseCleanLine(line);
  }

  #meaningful(): void {
    if (this.#meaningfulThisFeed) return;
    this.#meaningfulThisFeed = true;
    this.#lastOutputAt = this.#now;
    if (!this.#active) {
      this.#active = true;
      this.#armIdle(this.idleMs);
      this.#emitIfChanged();
    }
  }

  #setStatus(status: AgentStatus): void {
    this.#lastStatusAt = this.#now;
    if (this.#statusTimer === undefined) this.#armStatus(this.statusMs);
    this.#meaningfulThisFeed = true;
    this.#lastOutputAt = this.#now;
    if (!this.#active) {
      this.#active = true;
      this.#armIdle(this.idleMs);
    }
    this.#status = status;
    this.#emitIfChanged();
  }

  #emitIfChanged(): void {
    if (this.#active === this.#emittedActive && sameStatus(this.#status, this.#emittedStatus)) return;
    this.#emittedActive = this.#active;
    this.#emittedStatus = this.#status;
    const event: ActivityEvent = { active: this.#active, at: this.#now };
    if (this.#status !== undefined) event.status = this.#status;
    this.emit('activity', event);
  }

  #armIdle(delay: number): void {
    if (this.#disposed) return;
    this.#idleTimer = setTimeout(this.#onIdleTimer, delay);
    this.#idleTimer.unref();
  }

  #armStatus(delay: number): void {
    if (this.#disposed) return;
    this.#statusTimer = setTimeout(this.#onStatusTimer, delay);
    this.#statusTimer.unref();
  }

  // Timers are armed once per quiet spell, not per chunk: each feed only records a time, and a
  // timer that fires early re-arms itself for the rest.
  #onIdleTimer = (): void => {
    this.#idleTimer = undefined;
    const now = Date.now();
    const left = this.#lastOutputAt + this.idleMs - now;
    if (left > 0) {
      this.#armIdle(Math.min(left, this.idleMs));
      return;
    }
    this.#active = false;
    // What is on the last line when the session falls quiet is its prompt.
    if (!this.#lineOverflow && this.#line.trim() !== '' && parseCleanLine(this.#line.trim()) === null) {
      this.#prompt = normalizePrompt(this.#line);
    }
    this.#now = now;
    this.#emitIfChanged();
  };

  #onStatusTimer = (): void => {
    this.#statusTimer = undefined;
    const now = Date.now();
    const left = this.#lastStatusAt + this.statusMs - now;
    if (left > 0) {
      this.#armStatus(Math.min(left, this.statusMs));
      return;
    }
    this.#status = undefined;
    this.#now = now;
    this.#emitIfChanged();
  };
}
