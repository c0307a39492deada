/**
 * A child meant to run unprivileged that keeps root's supplementary groups (or only half
 * of its ids changed) can still reach what those groups can. With uid/gid, the child runs with
 * exactly those ids, real, effective and saved, and with no supplementary groups.
 */
import { describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { CRASH_PATTERN, fixture, lastJson, runNode, track } from '../helpers/index.js';

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const FIXTURE = fixture('pty/privileges.ts');

/** Runs a shell command on a pty, by default as nobody, and returns its output lines. */
async function runAs(command: string, ids: { uid?: number; gid?: number }): Promise<string[]> {
  // cwd '/': the test's own directory need not be readable for nobody.
  const t = track(new NativePty('/bin/sh', ['-c', command], { cwd: '/', ...ids }));
  await t.exited;
  expect(t.exitCode).toBe(0);
  return t.output.split('\r\n').filter((line) => line !== '');
}

describe.skipIf(!isRoot)('dropping privileges (when running as root)', () => {
  it('uid and gid 65534: id -u, id -g and id -G say 65534 and nothing else', async () => {
    const lines = await runAs('id -u; id -g; id -G', { uid: NOBODY, gid: NOBODY });
    expect(lines).toEqual([String(NOBODY), String(NOBODY), String(NOBODY)]);
  });

  it('real, effective, saved and filesystem ids all change, and the group list is empty', async () => {
    const lines = await runAs("grep -E '^(Uid|Gid|Groups):' /proc/self/status", { uid: NOBODY, gid: NOBODY });
    const fields = Object.fromEntries(
      lines.map((line) => {
        const [key, ...values] = line.split(/\s+/);
        return [key!.replace(':', ''), values.filter((v) => v !== '')];
      }),
    );
    const four = Array(4).fill(String(NOBODY));
    expect(fields).toEqual({ Uid: four, Gid: four, Groups: [] });
  });

  it('a parent with supplementary groups passes them on only when no ids are given', async () => {
    const r = await runNode(FIXTURE, { args: ['groups'], timeoutMs: 30_000 });
    expect(r.stderr).not.toMatch(CRASH_PATTERN);
    expect(lastJson(r)).toEqual({
      inherited: '0 4 27 100', // the control: the groups are there to be dropped
      uidAndGid: String(NOBODY),
      gidOnly: String(NOBODY),
      uidOnly: '0', // gid unchanged (root's), supplementary groups gone
    });
    expect(r.code).toBe(0);
  });

  it('an unprivileged parent asking for root gets an EPERM Error from spawn, not a child', async () => {
    const r = await runNode(FIXTURE, { args: ['unprivileged'], timeoutMs: 30_000 });
    expect(r.stderr).not.toMatch(CRASH_PATTERN);
    const report = lastJson<{ uid: number; asRoot: Record<string, unknown>; asRootGroup: Record<string, unknown>; self: string }>(r);
    expect(report.uid).toBe(NOBODY);
    expect(report.asRoot).toMatchObject({ isError: true, code: 'EPERM', syscall: 'setuid' });
    expect(report.asRootGroup).toMatchObject({ isError: true, code: 'EPERM', syscall: 'setgid' });
    expect(report.self).toBe(String(NOBODY));
    expect(r.code).toBe(0);
  });
});
