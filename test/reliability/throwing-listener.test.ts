/**
 * Fault: a listener or an observer that throws. It must not stop the other sessions from being
 * served, nor its own session's other listeners and observers, nor lose its exit; the error
 * surfaces the way it would from any EventEmitter listener driven by a timer: as an uncaught
 * exception.
 */
import { describe, expect, it } from 'vitest';
import { CRASH_PATTERN, fixture, lastJson, runNode } from '../helpers/index.js';

const FIXTURE = fixture('reliability/throwing-listener.ts');

interface Report {
  thrown: number;
  throwerOutput: string;
  observerThrown: number;
  observed: string;
  observerEnds: number;
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
    const throwerOutput = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => `t${i}\r\n`).join('');
    expect(report.throwerOutput).toBe(throwerOutput);
    expect(report.throwerExits).toBe(1);
    expect(report.exitThrowerExits).toBe(1);
    // Observers too: the one beside the thrower saw everything, then the end.
    expect(report.observerThrown).toBeGreaterThanOrEqual(1);
    expect(report.observed).toBe(throwerOutput);
    expect(report.observerEnds).toBe(1);
    const expectedErrors = [
      ...Array.from({ length: report.thrown }, (_, i) => `data listener failed (${i + 1})`),
      ...Array.from({ length: report.observerThrown }, (_, i) => `observer failed (${i + 1})`),
      'exit listener failed',
    ];
    expect([...report.caught].sort()).toEqual(expectedErrors.sort());
    expect(r.code).toBe(0);
  });

  it('without an uncaughtException handler, Node exits with code 1 and prints the error, as it would for any listener', async () => {
    const r = await runNode(FIXTURE, { args: ['unhandled'], timeoutMs: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error: (data listener|exit listener|observer) failed/);
    expect(r.stderr).not.toMatch(CRASH_PATTERN);
  });

  it('one batch in which every listener of six sessions throws: each still gets all its data and its exit', async () => {
    const r = await runNode(fixture('reliability/throwing-batch.ts'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ks = Array.from({ length: 6 }, (_, k) => k);
    // Each error surfaced once, whatever the order of the sessions in the batch.
    expect(JSON.parse(r.stdout)).toEqual({
      data: ks.map((k) => `out-${k}\r\n`),
      exits: ks,
      errors: [...ks.map((k) => `data ${k}`), ...ks.map((k) => `exit ${k}`)].sort(),
    });
  });
});
