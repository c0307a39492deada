/**
 * ActivityDetector: fed the decoded output of a terminal, it tells whether the session is busy
 * and what an AI coding CLI in it says it is doing. Splitting the stream into lines is
 * LineScanner's job; this file decides what a line means and keeps the state and timers.
 */
import { EventEmitter } from 'node:events';
import { LineScanner, type LineSink } from './line-scanner.js';
import { mayBeBare } from './parse-bare.js';
import { parseCleanLine } from './parse-status.js';
import { isPromptRedraw, MAX_PROMPT_LENGTH, normalizePrompt } from './prompt.js';
import type { ActivityEvent, ActivityOptions, AgentStatus, StatusDetector } from './types.js';
import {
  invalidArgType,
  invalidArgValue,
  MAX_TIMER_DELAY_MS,
  outOfRange,
  validateArray,
  validateFunction,
  validateObject,
  validateString,
} from '../validate.js';

const DEFAULT_IDLE_MS = 5_000;
const DEFAULT_STATUS_MS = 10_000;

/** A delay for setTimeout, in ms: more than 0, fractions allowed. */
function checkDelay(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!(value > 0 && value <= MAX_TIMER_DELAY_MS)) throw outOfRange(name, `> 0 && <= ${MAX_TIMER_DELAY_MS}`, value);
  return value;
}

function checkDetectors(value: unknown): StatusDetector[] {
  if (value === undefined) return [];
  return validateArray(value, 'options.detectors').map((d: unknown, i) => {
    const name = `options.detectors[${i}]`;
    const det = validateObject(d, name);
    if (validateString(det.name, `${name}.name`) === '') throw invalidArgValue(`${name}.name`, det.name, 'must not be empty');
    validateFunction(det.parse, `${name}.parse`);
    return det as unknown as StatusDetector;
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

  readonly #scanner: LineScanner;

  /** Date.now() of the current feed or timer, for events. */
  #now = 0;
  /** performance.now() of the same moment: timing must not follow wall-clock jumps. */
  #mono = 0;
  #meaningfulThisFeed = false;
  #lastOutputAt = 0;
  #lastStatusAt = 0;
  #idleTimer: NodeJS.Timeout | undefined;
  #statusTimer: NodeJS.Timeout | undefined;
  #prompt: string | undefined;
  #disposed = false;
  /** Chunks to read, while feed() is running (null otherwise). */
  #queue: string[] | null = null;
  #listenerFailure: { error: unknown } | undefined;

  constructor(options: ActivityOptions = {}) {
    super();
    validateObject(options, 'options');
    this.idleMs = checkDelay(options.idleMs, 'options.idleMs', DEFAULT_IDLE_MS);
    this.statusMs = checkDelay(options.statusMs, 'options.statusMs', DEFAULT_STATUS_MS);
    this.#detectors = checkDetectors(options.detectors);
    // A private sink keeps the scanner's callbacks off the public surface.
    const self = this;
    const sink: LineSink = {
      everyLine: this.#detectors.length > 0,
      get satisfied(): boolean {
        return self.#meaningfulThisFeed;
      },
      line: (text, complete, visible, paren, closing, solid) =>
        this.#onLine(text, complete, visible, paren, closing, solid),
      overlong: (visible) => {
        if (visible) this.#meaningful();
      },
    };
    this.#scanner = new LineScanner(sink);
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
    validateString(text, 'text');
    if (this.#disposed || text.length === 0) return;
    if (this.#queue !== null) {
      // Called from an 'activity' listener: the chunk in progress must be finished first.
      this.#queue.push(text);
      return;
    }
    this.#queue = [text];
    let failure: { error: unknown } | undefined;
    try {
      for (let i = 0; i < this.#queue.length && !this.#disposed; i++) {
        this.#now = Date.now();
        this.#mono = performance.now();
        this.#meaningfulThisFeed = false;
        this.#listenerFailure = undefined;
        this.#scanner.feed(this.#queue[i]!);
        failure ??= this.#listenerFailure;
      }
    } finally {
      this.#queue = null;
      this.#listenerFailure = undefined;
    }
    if (failure !== undefined) throw failure.error;
  }

  /** Stops the timers; the detector ignores further input. Never keeps Node alive anyway. */
  /**
   * The output has ended (the session exited): a busy detector says once that it is idle, so
   * that a busy badge does not outlive the session, and reads idle from then on. Disposes it.
   */
  end(): void {
    if (this.#disposed) return;
    const wasBusy = this.#active || this.#status !== undefined;
    this.dispose();
    this.#active = false;
    this.#status = undefined;
    if (wasBusy) this.emit('activity', { active: false, at: Date.now() } satisfies ActivityEvent);
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#statusTimer);
    this.#idleTimer = this.#statusTimer = undefined;
    this.#scanner.clear();
  }

  /** A line, or the unfinished part of one, as visible text; the rest as in LineSink.line(). */
  #onLine(text: string, complete: boolean, visible: boolean, paren: boolean, closing: boolean, solid: number): void {
    // A status line has a '(' and ends with ')', or has the form of Aider's or opencode's.
    // Checking that first keeps a line that grows a character at a time from being read whole
    // each time.
    if (this.#detectors.length > 0 || (paren && closing) || (!paren && mayBeBare(text))) {
      const trimmed = text.trim();
      const status = trimmed === '' ? null : this.#detect(trimmed);
      if (status !== null) {
        this.#setStatus(status);
        return;
      }
    }
    if (visible && !this.#meaningfulThisFeed && !this.#isPromptRedraw(text, complete, solid)) {
      this.#meaningful();
    }
  }

  /** isPromptRedraw(), without reading a line that has too much in it to be a prompt. */
  #isPromptRedraw(text: string, complete: boolean, solid: number): boolean {
    if (solid === 0) return true;
    if (solid > MAX_PROMPT_LENGTH && (this.#prompt === undefined || solid > this.#prompt.length)) return false;
    return isPromptRedraw(text, complete, this.#prompt);
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
    this.#lastOutputAt = this.#mono;
    if (!this.#active) {
      this.#active = true;
      this.#armIdle(this.idleMs);
      this.#emitIfChanged();
    }
  }

  #setStatus(status: AgentStatus): void {
    this.#lastStatusAt = this.#mono;
    if (this.#statusTimer === undefined) this.#armStatus(this.statusMs);
    this.#meaningfulThisFeed = true;
    this.#lastOutputAt = this.#mono;
    if (!this.#active) {
      this.#active = true;
      this.#armIdle(this.idleMs);
    }
    this.#status = status;
    this.#emitIfChanged();
  }

  #emitIfChanged(): void {
    if (this.#disposed) return;
    if (this.#active === this.#emittedActive && sameStatus(this.#status, this.#emittedStatus)) return;
    this.#emittedActive = this.#active;
    this.#emittedStatus = this.#status;
    const event: ActivityEvent = { active: this.#active, at: this.#now };
    if (this.#status !== undefined) event.status = this.#status;
    if (this.#queue === null) {
      this.emit('activity', event);
      return;
    }
    try {
      this.emit('activity', event);
    } catch (error) {
      // Finish the chunk so the carry-over stays consistent; feed() throws the first error after.
      this.#listenerFailure ??= { error };
    }
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
    const left = this.#lastOutputAt + this.idleMs - performance.now();
    if (left > 0) {
      this.#armIdle(Math.min(left, this.idleMs));
      return;
    }
    this.#active = false;
    // What is on the last line when the session falls quiet is its prompt.
    const last = this.#scanner.unfinishedLine?.trim();
    if (last !== undefined && last !== '' && parseCleanLine(last) === null) {
      this.#prompt = normalizePrompt(last);
    }
    this.#now = Date.now();
    this.#emitIfChanged();
  };

  #onStatusTimer = (): void => {
    this.#statusTimer = undefined;
    const left = this.#lastStatusAt + this.statusMs - performance.now();
    if (left > 0) {
      this.#armStatus(Math.min(left, this.statusMs));
      return;
    }
    this.#status = undefined;
    this.#now = Date.now();
    this.#emitIfChanged();
  };
}
