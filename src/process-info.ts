/**
 * What the system knows about a session's processes: the working directory of one (an
 * agent's shell after `cd`, the editor a user runs) and the tree under a session's child with
 * each process's memory and CPU time. Linux reads /proc; elsewhere (macOS) the POSIX `ps` and
 * `lsof` that come with the system answer, more coarsely (CPU time in whole seconds).
 *
 * With pty.foregroundPid: processCwd(pty.foregroundPid) is where the job in front of the user
 * works; processTree(pty.pid) is everything the session runs.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { validateInteger } from './validate.js';

export interface ProcessInfo {
  pid: number;
  /** The parent's pid. */
  ppid: number;
  /** The kernel's short name ('bash', 'node', 'vim'). */
  name: string;
  /** Resident memory, in bytes. */
  rssBytes: number;
  /** User plus system CPU time so far, in milliseconds. */
  cpuMs: number;
}

const MAX_PID = 2 ** 31 - 1;
/** Linux reports CPU times in USER_HZ ticks, which its ABI fixes at 100 per second. */
const USER_HZ = 100;
const onLinux = process.platform === 'linux';

/** The working directory of process `pid`, or undefined when it is gone or not ours to see. */
export function processCwd(pid: number): string | undefined {
  validateInteger(pid, 'pid', 1, MAX_PID);
  try {
    if (onLinux) return readlinkSync(`/proc/${pid}/cwd`);
    // lsof's field output: a line "p<pid>", then "fcwd", then "n<path>".
    const out = execFileSync('lsof', ['-a', '-p', String(pid), '-d', 'cwd', '-Fn'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n').find((line) => line.startsWith('n'))?.slice(1);
  } catch {
    return undefined;
  }
}

/**
 * Process `rootPid` and all its descendants, each parent before its children; [] when it is
 * gone. A snapshot: processes may start or end while it is taken.
 */
export function processTree(rootPid: number): ProcessInfo[] {
  validateInteger(rootPid, 'rootPid', 1, MAX_PID);
  const table = onLinux ? linuxTable() : psTable();
  const children = new Map<number, ProcessInfo[]>();
  for (const info of table.values()) {
    const siblings = children.get(info.ppid);
    if (siblings) siblings.push(info);
    else children.set(info.ppid, [info]);
  }
  const root = table.get(rootPid);
  if (root === undefined) return [];
  const tree: ProcessInfo[] = [];
  const queue = [root];
  for (let info = queue.shift(); info !== undefined; info = queue.shift()) {
    tree.push(onLinux ? withLinuxRss(info) : info);
    queue.push(...(children.get(info.pid) ?? []).sort((a, b) => a.pid - b.pid));
  }
  return tree;
}

/** Every process from /proc/<pid>/stat (rss filled in later, only for the tree's members). */
function linuxTable(): Map<number, ProcessInfo> {
  const table = new Map<number, ProcessInfo>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    // "pid (name) state ppid ...": the name may hold spaces and parentheses, so split at the last ')'.
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    // After the name: state(0) ppid(1) ... utime(11) stime(12).
    table.set(Number(entry), {
      pid: Number(entry),
      ppid: Number(fields[1]),
      name,
      rssBytes: 0,
      cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ,
    });
  }
  return table;
}

/** VmRSS from /proc/<pid>/status, in bytes: exact whatever the page size (arm64 may use 64 KiB). */
function withLinuxRss(info: ProcessInfo): ProcessInfo {
  try {
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${info.pid}/status`, 'utf8'))?.[1];
    return { ...info, rssBytes: kib === undefined ? 0 : Number(kib) * 1024 };
  } catch {
    return info;
  }
}

/** Every process from POSIX `ps` (rss in KiB, time as [[dd-]hh:]mm:ss). */
export function psTable(): Map<number, ProcessInfo> {
  const out = execFileSync('ps', ['-A', '-o', 'pid=', '-o', 'ppid=', '-o', 'rss=', '-o', 'time=', '-o', 'comm='], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const table = new Map<number, ProcessInfo>();
  for (const line of out.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, pid, ppid, rss, time, comm] = match;
    const [days, clock] = time.includes('-') ? time.split('-') : ['0', time];
    const seconds = clock.split(':').reduce((total, part) => total * 60 + Number(part), 0) + Number(days) * 86400;
    // comm may be a path on some systems: the last component is the name.
    table.set(Number(pid), { pid: Number(pid), ppid: Number(ppid), name: comm.trim().split('/').pop() ?? '', rssBytes: Number(rss) * 1024, cpuMs: seconds * 1000 });
  }
  return table;
}
