/**
 * The processes behind a session: pty.foregroundPid (the job in front of the user),
 * processCwd() and processTree(), on real processes; and `ps`, the way other systems are read,
 * checked against /proc on this one.
 */
import { describe, expect, it } from 'vitest';
import { processCwd, processTree, spawn } from '../../src/index.js';
import { psTable } from '../../src/process-info.js';
import { until, waitForExit } from '../helpers/index.js';

describe('foregroundPid, processCwd and processTree', () => {
  it('follow the job a shell runs in front of the user, and its directory', async () => {
    const pty = spawn('bash', ['--norc', '--noprofile', '-i'], { cwd: '/tmp', env: { ...process.env, PS1: '$ ' } });
    await until(() => pty.foregroundPid === pty.pid, 10_000, 'the shell in front');
    expect(processCwd(pty.pid)).toBe('/tmp');
    pty.write('cd /usr/share && sleep 30\r');
    await until(() => pty.foregroundPid !== pty.pid && pty.foregroundPid !== undefined, 10_000, 'sleep in front');
    const job = pty.foregroundPid!;
    expect(processCwd(job)).toBe('/usr/share');
    // The job's process puts itself in front before it execs sleep: until then it is a bash
    // (CI caught that window once, in the glibc chroot run).
    await until(() => processTree(pty.pid).find((p) => p.pid === job)?.name === 'sleep', 10_000, 'the job to exec sleep');
    const tree = processTree(pty.pid);
    expect(tree[0]).toMatchObject({ pid: pty.pid, name: 'bash' });
    expect(tree.find((p) => p.pid === job)).toMatchObject({ name: 'sleep', ppid: pty.pid });
    pty.write('\x03');
    await until(() => pty.foregroundPid === pty.pid, 10_000, 'the shell back in front');
    pty.kill('SIGKILL');
    await waitForExit(pty);
    expect(pty.foregroundPid).toBeUndefined();
    expect(processTree(pty.pid)).toEqual([]);
    expect(processCwd(pty.pid)).toBeUndefined();
  });

  it('lists every descendant, parents first, with memory and CPU time', async () => {
    // A child that burns some CPU, then two grandchildren that wait.
    const pty = spawn('sh', ['-c', 'sh -c "i=0; while [ \\$i -lt 200000 ]; do i=\\$((i+1)); done; sleep 30 & sleep 30 & wait"; wait']);
    await until(() => processTree(pty.pid).filter((p) => p.name === 'sleep').length === 2, 20_000, 'two sleeps');
    const tree = processTree(pty.pid);
    const [root, middle] = tree;
    expect(root.pid).toBe(pty.pid);
    expect(middle).toMatchObject({ ppid: pty.pid, name: 'sh' });
    expect(middle.cpuMs).toBeGreaterThan(0);
    for (const sleeper of tree.slice(2)) expect(sleeper).toMatchObject({ ppid: middle.pid, name: 'sleep' });
    for (const p of tree) expect(p.rssBytes).toBeGreaterThan(0);
    pty.kill('SIGKILL', 'group');
    await waitForExit(pty);
  });

  it("reads `ps` (other systems' source) the same as /proc here", () => {
    const mine = psTable().get(process.pid);
    expect(mine).toMatchObject({ pid: process.pid, ppid: process.ppid, name: 'node' });
    const rss = process.memoryUsage().rss;
    expect(mine!.rssBytes).toBeGreaterThan(rss / 2);
    expect(mine!.rssBytes).toBeLessThan(rss * 2);
  });

  it("checks its arguments in Node's dialect", () => {
    expect(() => processTree('1' as unknown as number)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => processCwd(0)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});
