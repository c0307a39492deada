/**
 * Fault: a listener that throws. It must not stop the other sessions from being served, nor
 * lose its own session's exit; the error surfaces the way it would from any EventEmitter
 * listener driven by a timer: as an uncaught exception.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_PATTERN, lastJson, REPO_ROOT, runNode } from './fixtures/reliability/procs.js';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/reliability/throwing-listener.ts');

interface Report {
  thrown: number;
  throwerOutput: string;
  caught: string[];
  throwerExits: number;
  exitThrowerExits: number;
  others: Array<{ complete: boolean; bytes: number; exits: number; exitCode: number }>;
}

describe('a throwing listener', () => {
  it('other sessions get all their output and exits; every throw reaches uncaughtException', async () => {
    const r = await runNode(FIXTURE, { args: ['handled'], timeoutMs: 60_000 });
    expect(r.stderr).not.toMatch(CRASH_PATTERN);
    const report = lastJson<Report>(r);
    expect(report.others).toEqual([0, 1, 2].map(() => expect.objectContaining({ complete: true, exits: 1, exitCode: 0 })));
    // The throwing session itself is still served: all its chunks, then exactly one exit.
    expect(report.thrown).toBeGreaterThanOrEqual(1);
    expect(report.throwerOutput).toBe([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `t${i}\r\n`).join(''));
    expect(report.throwerExits).toBe(1);
    expect(report.exitThrowerExits).toBe(1);
    const expectedErrors = [
      ...Array.from({ length: report.thrown }, (_, i) => `data listener failed (${i + 1})`),
      'exit listener failed',
    ];
    expect([...report.caught].sort()).toEqual(expectedErrors.sort());
    expect(r.code).toBe(0);
  });

  it('without an uncaughtException handler, Node exits with code 1 and prints the error, as it would for any listener', async () => {
    const r = await runNode(FIXTURE, { args: ['unhandled'], timeoutMs: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: (data|exit) listener failed/);
    expect(r.stderr).not.toMatch(CRASH_PATTERN);
  });
});
