/**
 * Invalid arguments of every public function end in a JS error with Node's class and code,
 * whose message names the argument, never in a native crash; so do hostile `args` arrays, at
 * the public API and at the binding. They run in child Node processes, so that a crash would
 * show as a signal instead of taking the test runner down. The binding's own dialect and
 * limits are native/arguments.test.ts; random calls are the fuzzer's (reliability/fuzz).
 */
import { describe, expect, it } from 'vitest';
import { CRASH_PATTERN, fixture, lastJson, runNode } from '../helpers/index.js';
import type { CaseResult, Kind } from '../fixtures/pty/invalid-args.js';

const EXPECTED: Record<Kind, { got: string; code: string }> = {
  type: { got: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' },
  value: { got: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' },
  choice: { got: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' },
  range: { got: 'RangeError', code: 'ERR_OUT_OF_RANGE' },
};

describe('invalid arguments', () => {
  it('every case throws the expected class and code naming the argument, also after exit; nothing leaks', async () => {
    const r = await runNode(fixture('pty/invalid-args.ts'), { args: ['table'] });
    expect(r.signal).toBeNull();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { results, sessions, refed } = JSON.parse(r.stdout) as {
      results: CaseResult[];
      sessions: number;
      refed: boolean;
    };
    expect(results.length).toBeGreaterThan(100);
    const wrong = results.filter((c) => c.got !== EXPECTED[c.kind].got || c.code !== EXPECTED[c.kind].code);
    expect(wrong).toEqual([]);
    // Messages name the argument as the caller wrote it, so a user can act on them.
    const unnamed = results.filter((c) => !c.message.includes(`"${c.name}"`) && !c.message.includes(`'${c.name}'`));
    expect(unnamed).toEqual([]);
    expect(sessions).toBe(0);
    expect(refed).toBe(false);
  });

  // Constructor, resize, write and kill, left uncaught: the process must die of the JS error.
  for (const [label, name] of [
    ['file: number', 'TypeError'],
    ['cols: 65536', 'RangeError'],
    ['write(object)', 'TypeError'],
    ['kill(lowercase name)', 'RangeError'],
  ] as const) {
    it(`uncaught ${label} ends the process with a ${name}, not a signal`, async () => {
      const r = await runNode(fixture('pty/invalid-args.ts'), { args: ['uncaught', label] });
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^${name}: `, 'm'));
    });
  }
});

// node-pty's users report a native crash from a bad `args` array. Arrays with holes (a length
// far beyond their elements), array-likes and proxies must be a TypeError, promptly.
describe('hostile args arrays', () => {
  for (const level of ['public', 'native']) {
    for (const kind of ['sparse-max', 'sparse-2^30', 'trailing-hole', 'array-like', 'proxy-array']) {
      it(`${level} spawn, ${kind}: ERR_INVALID_ARG_TYPE within seconds, no crash`, async () => {
        // The bound only catches runaway work: a check that stops at the first bad element
        // takes microseconds.
        const r = await runNode(fixture('pty/bad-arrays.ts'), { args: [level, kind], timeoutMs: 20_000 });
        expect(r.timedOut, 'still working after 20 s').toBe(false);
        expect(r.signal, r.stderr.slice(-500)).toBeNull();
        expect(r.stderr).not.toMatch(CRASH_PATTERN);
        const report = lastJson<{ error: { name: string; code: unknown; message: string } | null }>(r);
        expect(report.error).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
        expect(report.error?.message).toMatch(/"(request\.)?args(\[\d+\])?"/);
        expect(r.code).toBe(0);
      });
    }
  }
});
