/**
 * The ONE delivery path of this Node environment (main thread or worker). The native side
 * decides when JavaScript runs: it wakes this environment once per gap while output flows (each
 * session's pollInterval; 1 ms in wake mode), and at once for the echo of typed input, a full
 * buffer, an exit or a resume. Each wake drains every ready session in one native call. There is
 * no timer here: an idle server costs no wake-ups at all, whatever the number of sessions.
 */
import { addon, BATCH_STRIDE } from './native.js';
import { rethrowLater } from './rethrow-later.js';

/** What the drain needs from a session. */
export interface DeliveredSession {
  /** Whether this session should keep the event loop alive (see ref()/unref()). */
  readonly isRefed: boolean;
  /**
   * Delivers one batch entry. `exitCode` is -1 while the child runs; once >= 0 the session is
   * finished and has already been forgotten here.
   */
  deliver(data: Buffer | string | null, exitCode: number, signal: number, inputDrained: boolean): void;
}

/**
 * Output handed to listeners in one event-loop turn, at most (give or take one session's
 * buffer). Fifty busy sessions would otherwise deliver 50 MiB in a single turn and stall every
 * other callback of a server for as long as decoding and listeners take. The native side wakes
 * us again for what is left, after the event loop's other work.
 */
const TICK_BUDGET_BYTES = 1024 * 1024;

const sessions = new Map<number, DeliveredSession>();
let refedCount = 0;
/** Whether the wake handle keeps the event loop alive: while a ref'd session lives. */
let handleRefed = false;
let handlerSet = false;
let wakes = 0;

/** Must run before the first native spawn of this environment: news is delivered by wakes. */
export function enableDelivery(): void {
  if (handlerSet) return;
  // Deno emulates libuv but calls its callbacks outside any V8 scope: a thread-safe function
  // reaches JavaScript there (tested in test/runtimes/deno.test.ts).
  addon().setWakeHandler(drain, 'deno' in process.versions);
  handlerSet = true;
}

/** Starts delivering a session that native spawn() just created. */
export function addSession(id: number, session: DeliveredSession): void {
  sessions.set(id, session);
  if (session.isRefed) refedCount++;
  updateRef();
}

/** Called when a session's ref state flips. */
export function refChanged(id: number, refed: boolean): void {
  if (!sessions.has(id)) return;
  refedCount += refed ? 1 : -1;
  updateRef();
}

function removeSession(id: number, session: DeliveredSession): void {
  sessions.delete(id);
  if (session.isRefed) refedCount--;
  updateRef();
}

function updateRef(): void {
  const want = refedCount > 0;
  if (want === handleRefed) return;
  addon().setWakeRef(want);
  handleRefed = want;
}

/** The wake handler: one native call, then dispatch. */
function drain(): void {
  wakes++;
  const batch = addon().readAll(TICK_BUDGET_BYTES);
  for (let i = 0; i + BATCH_STRIDE <= batch.length; i += BATCH_STRIDE) {
    const id = batch[i] as number;
    const session = sessions.get(id);
    if (session === undefined) continue;
    const exitCode = batch[i + 2] as number;
    // Forget a finished session before its listeners run, so that whatever they do (even
    // throw) cannot leave it holding the event loop.
    if (exitCode >= 0) removeSession(id, session);
    try {
      session.deliver(batch[i + 1] as Buffer | string | null, exitCode, batch[i + 3] as number, batch[i + 4] as boolean);
    } catch (err) {
      rethrowLater(err);
    }
  }
}

/** For tests and diagnostics: how delivery stands right now. */
export function deliveryState(): { sessions: number; refed: boolean; wakes: number } {
  return { sessions: sessions.size, refed: handleRefed, wakes };
}
