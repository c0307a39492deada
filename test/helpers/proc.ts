/** Looking at processes and fds through /proc, as the kernel sees them. */
import fs from 'node:fs';
import path from 'node:path';
import { scaled } from './slowdown.js';
import { until } from './wait.js';

export interface ProcInfo {
  pid: number;
  comm: string;
  /** One-letter state from /proc/<pid>/stat: 'Z' for a zombie (dead, not yet reaped). */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
}

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, pgrp, session, tty_nr, tpgid, ...]. */
export function parseStat(stat: string): string[] {
  // comm is in parentheses and may itself contain spaces or parentheses.
  return stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
}

export function readProc(pid: number): ProcInfo | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = parseStat(stat);
  return {
    pid,
    comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    state: fields[0]!,
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    session: Number(fields[3]),
  };
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const info = readProc(pid);
  return info !== null && info.state !== 'Z';
}

/**
 * Live (not zombie) processes in any of the given sessions. Every pty child is a session leader
 * (its session id is its pid), so this finds the child and anything it started on its terminal.
 */
export function liveInSessions(sessionIds: Iterable<number>): ProcInfo[] {
  const wanted = new Set(sessionIds);
  const found: ProcInfo[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info && info.state !== 'Z' && wanted.has(info.session)) found.push(info);
  }
  return found;
}

/** The fds open in a process: fd number -> what it points to. */
export function openFds(pid: number | 'self' = 'self'): Map<number, string> {
  const dir = `/proc/${pid}/fd`;
  const fds = new Map<number, string>();
  for (const name of fs.readdirSync(dir)) {
    try {
      fds.set(Number(name), fs.readlinkSync(path.join(dir, name)));
    } catch {
      // Closed between readdir and readlink: the fd readdir itself used, for one.
    }
  }
  return fds;
}

export function fdCount(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/** How many of this process's threads have this name (their comm in /proc/self/task). */
export function threadsNamed(name: string): number {
  return fs
    .readdirSync('/proc/self/task')
    .filter((tid) => {
      try {
        return fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() === name;
      } catch {
        return false; // the thread ended while we looked
      }
    }).length;
}

/** Bytes the process has written so far (wchar in /proc/<pid>/io). */
export function bytesWritten(pid: number): number {
  return Number(/^wchar: (\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
}

/**
 * Waits until `pid` is blocked writing: its written byte count stands still across a poll while
 * it sleeps in a system call (a child that only waited for a CPU on a loaded machine would be
 * runnable), and has reached `atLeast`. Returns the count.
 */
export async function untilBlocked(pid: number, atLeast = 0, timeoutMs = 20_000): Promise<number> {
  timeoutMs = scaled(timeoutMs);
  let last = -1;
  let written = 0;
  const blocked = (): boolean => {
    written = bytesWritten(pid);
    const still = written === last && written >= atLeast && readProc(pid)?.state === 'S';
    last = written;
    return still;
  };
  await until(blocked, timeoutMs, `pid ${pid} to block on a write`, 200);
  return written;
}
