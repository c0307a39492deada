/**
 * Fault: the process runs out of file descriptors. Spawning must then throw an Error with code
 * EMFILE (not crash, not hand out a half-made session), leak nothing, and leave every session
 * that already exists working.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_PATTERN, lastJson, REPO_ROOT, runNode } from '../helpers/index.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/reliability/fd-exhaustion.ts');

interface Report {
  opened: number;
  failure: Record<string, unknown> | null;
  retries: Array<Record<string, unknown>>;
  failedAt: string[];
  leakedByFailures: number;
  fdsAtStart: number;
  fdsAtLimit: number;
  fdsAfterRetries: number;
  echoed: boolean;
  exited: boolean;
  exitCounts: number[];
  exitCodes: number[];
  fdsAtEnd: number;
  respawned: boolean;
}

describe('fd exhaustion', () => {
  for (const limit of [64, 100]) {
    it(`with ulimit -n ${limit}: EMFILE from spawn, nothing leaked, existing sessions keep working`, async () => {
      const r = await runNode(FIXTURE, { ulimit: [['-n', String(limit)]], timeoutMs: 90_000 });
      expect(r.stderr).not.toMatch(CRASH_PATTERN);
      const report = lastJson<Report>(r);
      expect(report.opened).toBeGreaterThan(2);
      expect(report.failure).toMatchObject({ isError: true, name: 'Error', code: 'EMFILE', errno: -24 });
      expect(String(report.failure!.message)).toMatch(/EMFILE|Too many open files/);
      for (const retry of report.retries) expect(retry).toMatchObject({ isError: true, code: 'EMFILE' });
      // It ran out at each fd spawn opens: the master, the slave, the error pipe.
      expect(report.failedAt).toEqual(['open /dev/ptmx', 'open /dev/pts/N', 'pipe2']);
      expect(report.leakedByFailures).toBe(0);
      expect(report.fdsAfterRetries).toBe(report.fdsAtLimit);
      expect(report.echoed).toBe(true);
      expect(report.exited).toBe(true);
      expect(report.exitCounts).toEqual([1]);
      expect(report.exitCodes).toEqual([0]);
      // Every master and pidfd is closed again once its session has exited.
      expect(report.fdsAtEnd).toBe(report.fdsAtStart);
      expect(report.respawned).toBe(true);
      expect(r.code, `stderr: ${r.stderr}`).toBe(0);
    });
  }
});
