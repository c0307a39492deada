/**
 * Every child a workload spawns is remembered until its exit is seen, and killed by its pid at
 * the end, whatever way the workload ends. The kill goes through the library's own kill(): for
 * native-pty that is refused natively once the child has been reaped (under the same lock as
 * the reaping), so a pid that has meanwhile been reused by someone else is never signalled.
 */
import type { BenchPty } from './impl.js';

const running = new Map<number, BenchPty>();

export function track<T extends BenchPty>(pty: T): T {
  const pid = pty.pid;
  running.set(pid, pty);
  pty.onExit(() => running.delete(pid));
  return pty;
}

export function runningCount(): number {
  return running.size;
}

/** SIGKILL to every child not yet reported as exited; returns how many there were. */
export function killRunning(): number {
  const ptys = [...running.values()];
  for (const pty of ptys) {
    try {
      pty.kill('SIGKILL');
    } catch {
      // ESRCH from node-pty: it is exiting right now.
    }
  }
  running.clear();
  return ptys.length;
}
