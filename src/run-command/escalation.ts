/**
 * Stops a command the way a person at a terminal would, then less politely: Ctrl+C to the
 * foreground process group, SIGTERM to the child's whole group, SIGKILL to that group. Each
 * step waits `graceMs` for the command to go. After SIGKILL the master is closed, and if even
 * that brings no exit (a child stuck in the kernel), the caller is told to stop waiting, so
 * that a run always ends within a bounded time.
 */
import type { KillTarget } from '../types.js';

export interface Stoppable {
  kill(signal: string, target: KillTarget): void;
  destroy(): void;
}

/**
 * After SIGKILL, how long to wait for the exit before closing the master. NativePty reports
 * exit up to 250 ms after the child is reaped when a descendant still holds the terminal;
 * closing earlier could cut off output that is already on its way.
 */
export const REAP_WAIT_MS = 500;
/** After closing the master, how long to wait for an exit before giving up on it. */
export const GIVE_UP_WAIT_MS = 1000;

export class Escalation {
  private timer: NodeJS.Timeout | undefined;
  private started = false;

  constructor(
    private readonly target: Stoppable,
    private readonly graceMs: number,
    private readonly onGiveUp: () => void,
  ) {}

  /** The worst case from start() to onGiveUp, in ms. */
  static bound(graceMs: number): number {
    return 2 * graceMs + Math.max(graceMs, REAP_WAIT_MS) + GIVE_UP_WAIT_MS;
  }

  /** Begins the escalation; later calls do nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.step(() => this.target.kill('SIGINT', 'foreground'), this.graceMs, () => {
      this.step(() => this.target.kill('SIGTERM', 'group'), this.graceMs, () => {
        this.step(
          () => this.target.kill('SIGKILL', 'group'),
          Math.max(this.graceMs, REAP_WAIT_MS),
          () => {
            this.step(() => this.target.destroy(), GIVE_UP_WAIT_MS, this.onGiveUp);
          },
        );
      });
    });
  }

  /** Cancels whatever step is pending; call it once the command has exited. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private step(action: () => void, wait: number, next: () => void): void {
    try {
      action();
    } catch {
      // A signal that cannot be delivered (the group is already gone, or the terminal has no
      // foreground group) is not a reason to stop: the next, stronger step follows anyway, and
      // the last one settles the run whatever happened.
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      next();
    }, wait);
  }
}
