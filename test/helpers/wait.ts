/**
 * Waiting in tests: on a state (until), never for a guessed time. The one exception is
 * quietFor(): a window in which something must *not* happen, which no state can stand for.
 */
import { scaled } from './slowdown.js';

/** Polls `check` until it is true; throws after `timeoutMs` (a bound that only catches hangs). */
export async function until(check: () => boolean, timeoutMs = 10_000, what = 'condition', stepMs = 10): Promise<void> {
  timeoutMs = scaled(timeoutMs);
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

/**
 * Lets `ms` pass, for an assertion that something did not happen in that time (no data while
 * paused, no wake while idle). Not for waiting until something has happened: use until().
 */
export function quietFor(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Whether `promise` settles within `ms`; the timer is cleared either way, so that a loop of
 * thousands of these leaves no timers behind.
 */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Blocks the event loop, as a busy server would. */
export function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}
