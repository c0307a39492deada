/**
 * The state a child starts in: no blocked or ignored signals, a session of its own with the
 * pts as controlling terminal. Its fds (0-2 on its pts, nothing of ours) are fds.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { collect, parseStat, run } from '../helpers/index.js';

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
