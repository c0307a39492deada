/**
 * After a burst of output the I/O thread hands the memory it passed through back to the kernel
 * (the block pool's idle blocks, malloc_trim), but only once output has been quiet for
 * memoryReleaseQuietMs: a burst that follows sooner would otherwise fault it all in again.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_PATTERN, lastJson, REPO_ROOT, runNode } from '../helpers/index.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/reliability/memory-release.ts');

interface Report {
  bytes: number;
  quietMs: number;
  sanitizer: boolean;
  afterBurst: number;
  early: number;
  late: number;
}

describe('memory after a burst', () => {
  it('is kept for memoryReleaseQuietMs, then handed back', async () => {
    const r = await runNode(FIXTURE, { timeoutMs: 60_000 });
    expect(r.stderr).not.toMatch(CRASH_PATTERN);
    expect(r.code, `stderr: ${r.stderr}`).toBe(0);
    const report = lastJson<Report>(r);
    expect(report.bytes).toBe(16 * 1024 * 1024);
    expect(report.quietMs).toBe(5000);
    // Under AddressSanitizer freed memory sits in its quarantine: RSS says nothing there.
    if (report.sanitizer) return;
    // Measured 2026-12-05 (MB outside V8's heap): 1.5 s after the burst 0.1 less, after the
    // quiet time 14-19 less; with the old 200 ms delay, 25 less already at 1.5 s.
    expect(report.afterBurst - report.early, JSON.stringify(report)).toBeLessThan(4);
    expect(report.afterBurst - report.late, JSON.stringify(report)).toBeGreaterThan(8);
  });
});
