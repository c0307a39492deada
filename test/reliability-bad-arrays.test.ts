/**
 * Fault: node-pty's users report a native crash from a bad `args` array. Arrays with holes (a
 * length far beyond their elements), array-likes and proxies must be a TypeError, promptly, at
 * the public API and at the native binding alike: never an abort, never minutes of work.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_PATTERN, lastJson, REPO_ROOT, runNode } from './fixtures/reliability/procs.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/reliability/bad-arrays.ts');
const KINDS = ['sparse-max', 'sparse-2^30', 'trailing-hole', 'array-like', 'proxy-array'];

describe('bad args arrays', () => {
  for (const level of ['public', 'native']) {
    for (const kind of KINDS) {
      it(`${level} spawn, ${kind}: a TypeError within seconds, no crash`, async () => {
        // The bound only catches runaway work: a check that stops at the first bad element
        // takes microseconds.
        const r = await runNode(FIXTURE, { args: [level, kind], timeoutMs: 20_000 });
        expect(r.timedOut, 'still working after 20 s').toBe(false);
        expect(r.signal, r.stderr.slice(-500)).toBeNull();
        expect(r.stderr).not.toMatch(CRASH_PATTERN);
        const report = lastJson<{ error: { name: string; message: string } | null }>(r);
        expect(report.error?.name).toBe('TypeError');
        expect(r.code).toBe(0);
      });
    }
  }
});
