/**
 * The state a child starts in: only fds 0-2 (no other session's master, nothing of ours), no
 * blocked or ignored signals, a session of its own with the pts as controlling terminal.
 */
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { NativePty } from '../src/index.js';
import { collect, parseStat, run, waitForExit } from './fixtures/pty/harness.js';

const open: NativePty[] = [];
afterEach(async () => {
  for (const pty of open.splice(0)) {
    pty.kill('SIGKILL');
    await waitForExit(pty);
  }
});

/** Other sessions held open while the child under test starts, so it has masters to inherit. */
function openOthers(n: number): void {
  for (let i = 0; i < n; i++) open.push(new NativePty('cat'));
}

/** Parses `ls -l /proc/<pid>/fd` into fd -> link target. */
function parseFdListing(listing: string): Map<number, string> {
  const fds = new Map<number, string>();
  for (const line of listing.split(/\r?\n/)) {
    const m = /\s(\d+) -> (.*)$/.exec(line);
    if (m) fds.set(Number(m[1]), m[2]!);
  }
  return fds;
}

describe('file descriptors', () => {
  it('the child has only fds 0-2, all on its pts, while other sessions are open', async () => {
    openOthers(3);
    const r = await run('ls', ['-l', '/proc/self/fd']);
    expect(r.exitCode).toBe(0);
    const fds = parseFdListing(r.output);
    // ls itself opens the directory it lists; that one fd is its own, not inherited.
    for (const [fd, target] of fds) if (/^\/proc\/\d+\/fd$/.test(target)) fds.delete(fd);
    expect([...fds.keys()].sort()).toEqual([0, 1, 2]);
    for (const target of fds.values()) expect(target).toBe(r.pty.ptsName);
  });

  it('a shell in the pty holds nothing but 0-2 either', async () => {
    openOthers(2);
    const r = await run('sh', ['-c', 'ls -l /proc/$$/fd']);
    const fds = parseFdListing(r.output);
    expect([...fds.keys()].sort()).toEqual([0, 1, 2]);
  });

  it('a child_process child does not inherit any master', async () => {
    openOthers(3);
    const listing = execFileSync('sh', ['-c', 'ls -l /proc/$$/fd'], { encoding: 'utf8' });
    const targets = [...parseFdListing(listing).values()];
    expect(targets.length).toBeGreaterThanOrEqual(3);
    for (const target of targets) expect(target).not.toMatch(/ptmx|\/dev\/pts\//);
  });
});

describe('signals', () => {
  it("the child's SigBlk and SigIgn are zero (Node ignores SIGPIPE; the child must not)", async () => {
    const r = await run('cat', ['/proc/self/status']);
    const blk = /^SigBlk:\s*([0-9a-f]+)/m.exec(r.output);
    const ign = /^SigIgn:\s*([0-9a-f]+)/m.exec(r.output);
    expect(blk?.[1]).toMatch(/^0+$/);
    expect(ign?.[1]).toMatch(/^0+$/);
  });
});

describe('session and controlling terminal', () => {
  it('the child leads its own session and process group, in the foreground of its pts', async () => {
    const r = await run('cat', ['/proc/self/stat']);
    const pid = r.pty.pid;
    expect(r.output.startsWith(`${pid} (cat)`)).toBe(true);
    const [, ppid, pgrp, session, ttyNr, tpgid] = parseStat(r.output).map(Number);
    expect(ppid).toBe(process.pid);
    expect(session).toBe(pid);
    expect(pgrp).toBe(pid);
    expect(tpgid).toBe(pid);
    // tty_nr is the device number of the controlling terminal: Unix98 ptys have majors
    // 136..143, and minor + 256 * (major - 136) is the N of /dev/pts/N.
    const major = (ttyNr! >> 8) & 0xfff;
    const minor = (ttyNr! & 0xff) | ((ttyNr! >> 12) & 0xfff00);
    expect(major).toBeGreaterThanOrEqual(136);
    expect(major).toBeLessThanOrEqual(143);
    expect(`/dev/pts/${(major - 136) * 256 + minor}`).toBe(r.pty.ptsName);
  });

  it('ps agrees: sid is the pid and the tty is the pts', async () => {
    const pty = new NativePty('sh', ['-c', 'ps -o sid=,pid=,tty= -p $$']);
    const r = await collect<string>(pty);
    const [sid, pid, tty] = r.chunks.join('').trim().split(/\s+/);
    expect(Number(sid)).toBe(pty.pid);
    expect(Number(pid)).toBe(pty.pid);
    expect(`/dev/${tty}`).toBe(pty.ptsName);
  });
});
