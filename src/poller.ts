/**
 * The ONE shared poller of this Node environment (main thread or worker): one timer and one
 * native readAll() per tick, whatever the number of sessions. A timer per session would cost
 * 100 wake-ups per second per session; this costs the same for 1 or 1,000.
 */
import { addon, BATCH_STRIDE } from './native.js';

/** What the poller needs from a session. */
export interface PollerSession {
  readonly pollInterval: number;
  /** Whether this session should keep the event loop alive (see ref()/unref()). */
  readonly isRefed: boolean;
  /**
   * Delivers one batch entry. `exitCode` is -1 while the child runs; once >= 0 the session is
   * finished and the poller has already forgotten it.
   */
  deliver(data: Buffer | null, exitCode: number, signal: number, inputDrained: boolean): void;
}

/**
 * Output handed to listeners in one event-loop turn, at most (give or take one session's
 * buffer). Fifty busy sessions would otherwise deliver 50 MiB in a single turn and stall every
 * other callback of a server for as long as decoding and listeners take.
 */
const TICK_BUDGET_BYTES = 1024 * 1024;

const sessions = new Map<number, PollerSession>();
/** How many live sessions use each pollInterval, so the minimum is cheap to keep. */
const intervalCounts = new Map<number, number>();
let refedCount = 0;

let timer: NodeJS.Timeout | null = null;
let timerInterval = 0;
let timerRefed = false;
let ticking = false;
let tickAgain = false;
let immediate: NodeJS.Immediate | null = null;
let wakeHandlerSet = false;
/**
 * The timer is stopped because no session had news at the last tick; the native I/O thread
 * wakes us on the next output or exit of any session. An idle server costs no wake-ups at all,
 * and the first output after a quiet spell is delivered at once rather than at the next tick.
 */
let parked = false;

/** Starts serving a session that native.spawn() just created. */
export function addSession(id: number, session: PollerSession): void {
  sessions.set(id, session);
  intervalCounts.set(session.pollInterval, (intervalCounts.get(session.pollInterval) ?? 0) + 1);
  if (session.isRefed) refedCount++;
  updateTimer();
}

/** Called when a session's ref state flips. */
export function refChanged(id: number, refed: boolean): void {
  if (!sessions.has(id)) return;
  refedCount += refed ? 1 : -1;
  updateTimer();
}

/**
 * Drains soon, without waiting for the next timer tick (resume(), so held data flows at once).
 * setImmediate rather than a synchronous tick: the caller may be inside a 'data' listener.
 */
export function kick(): void {
  if (immediate !== null || sessions.size === 0) return;
  immediate = setImmediate(() => {
    immediate = null;
    tick();
  });
  // A kick is never a reason to stay alive; the timer's ref decides that.
  immediate.unref();
}

/** Wake mode: the native I/O thread calls back when a wake-mode session has news. */
export function enableWake(): void {
  if (wakeHandlerSet) return;
  addon().setWakeHandler(onWake);
  wakeHandlerSet = true;
}

function onWake(): void {
  unpark();
  tick();
}

/** Stops the timer when nothing is waiting; addon().park() refuses when news already is. */
function park(): void {
  if (parked || timer === null || !wakeHandlerSet || !addon().park()) return;
  clearInterval(timer);
  timer = null;
  parked = true;
  // The timer kept the event loop alive for ref'd sessions; now the wake-up handle does.
  addon().setWakeRef(refedCount > 0);
}

function unpark(): void {
  if (!parked) return;
  parked = false;
  addon().setWakeRef(false);
  updateTimer();
}

function removeSession(id: number, session: PollerSession): void {
  sessions.delete(id);
  const n = intervalCounts.get(session.pollInterval)! - 1;
  if (n === 0) intervalCounts.delete(session.pollInterval);
  else intervalCounts.set(session.pollInterval, n);
  if (session.isRefed) refedCount--;
  updateTimer();
}

function updateTimer(): void {
  if (sessions.size === 0) {
    if (timer !== null) clearInterval(timer);
    timer = null;
    if (parked) {
      parked = false;
      addon().setWakeRef(false);
    }
    return;
  }
  if (parked) {
    addon().setWakeRef(refedCount > 0);
    return;
  }
  let interval = Infinity;
  for (const ms of intervalCounts.keys()) if (ms < interval) interval = ms;
  // Re-arm only when the interval changes: re-arming on every spawn would postpone the tick
  // indefinitely while sessions are created faster than the interval.
  if (timer === null || interval !== timerInterval) {
    if (timer !== null) clearInterval(timer);
    timer = setInterval(tick, interval);
    timerInterval = interval;
    timerRefed = true;
  }
  const wantRef = refedCount > 0;
  if (wantRef !== timerRefed) {
    if (wantRef) timer.ref();
    else timer.unref();
    timerRefed = wantRef;
  }
}

export function rethrowLater(err: unknown): void {
  // Surfaces as an uncaught exception, as a throwing EventEmitter listener normally would,
  // without stopping the other sessions of this batch from being served.
  process.nextTick(() => {
    throw err;
  });
}

/** One drain of every session: one native call, then dispatch. */
export function tick(): void {
  if (ticking) {
    // Reached only if something calls tick() from inside a listener; drain once more after
    // this batch instead of nesting, so batches are dispatched in order.
    tickAgain = true;
    return;
  }
  ticking = true;
  let quiet = false;
  try {
    do {
      tickAgain = false;
      const batch = addon().readAll(TICK_BUDGET_BYTES);
      quiet = batch.length === 0;
      let drainedBytes = 0;
      for (let i = 0; i + BATCH_STRIDE <= batch.length; i += BATCH_STRIDE) {
        const id = batch[i] as number;
        const data = batch[i + 1] as Buffer | null;
        if (data !== null) drainedBytes += data.length;
        const exitCode = batch[i + 2] as number;
        const signal = batch[i + 3] as number;
        const inputDrained = batch[i + 4] as boolean;
        const session = sessions.get(id);
        if (session === undefined) continue;
        // Forget a finished session before its listeners run, so that whatever they do (even
        // throw) cannot leave it holding the timer or the event loop.
        if (exitCode >= 0) removeSession(id, session);
        try {
          session.deliver(data, exitCode, signal, inputDrained);
        } catch (err) {
          rethrowLater(err);
        }
      }
      // The budget ran out: more may be waiting. Continue on the next turn, after whatever
      // else the event loop has to do.
      if (drainedBytes >= TICK_BUDGET_BYTES) kick();
    } while (tickAgain);
  } finally {
    ticking = false;
  }
  if (quiet && immediate === null) park();
}

/** For tests and diagnostics: how the poller stands right now. */
export function pollerState(): {
  sessions: number;
  timerActive: boolean;
  parked: boolean;
  interval: number;
  refed: boolean;
} {
  const refed = (timer !== null && timerRefed) || (parked && refedCount > 0);
  return { sessions: sessions.size, timerActive: timer !== null, parked, interval: timerInterval, refed };
}
