/**
 * After a burst of output the I/O thread hands the memory it passed through back to the kernel
 * (the block pool's idle blocks, malloc_trim), but only once output has been quiet for
 * memoryReleaseQuietMs: a burst that follows sooner would otherwise fault it all in again.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_PATTERN, lastJson, REPO_ROOT, runNode } from '../helpers/index.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/pty/memory-release.ts');

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
    // Measured 2026-12-05 (MB outside V8's heap, 40 runs, 8 at a time): 1.5 s after the burst
    // -0.3 to 0.3 less; after the quiet time 16-22 less, or 2.9-3.9 in the runs where malloc had
    // already given back most of the burst by itself (the pool's idle blocks remain). With the
    // old 200 ms delay the drop came before the 1.5 s mark.
    expect(report.afterBurst - report.early, JSON.stringify(report)).toBeLessThan(1.5);
    expect(report.afterBurst - report.late, JSON.stringify(report)).toBeGreaterThan(1.5);
  });
});
