/**
 * Invalid arguments of every public function end in a JS error with Node's class and code,
 * whose message names the argument, never in a native crash. They run in a child Node
 * process, so that a crash would show as a signal instead of taking the test runner down.
 */
import { describe, expect, it } from 'vitest';
import { runNodeFixture } from './fixtures/pty/harness.js';
import type { CaseResult, Kind } from './fixtures/pty/invalid-args.js';

const EXPECTED: Record<Kind, { got: string; code: string }> = {
  type: { got: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' },
  value: { got: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' },
  choice: { got: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' },
  range: { got: 'RangeError', code: 'ERR_OUT_OF_RANGE' },
};

describe('invalid arguments', () => {
  it('every case throws the expected class and code naming the argument, also after exit; nothing leaks', async () => {
    const r = await runNodeFixture('invalid-args.ts', ['table']);
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
      const r = await runNodeFixture('invalid-args.ts', ['uncaught', label]);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^${name}: `, 'm'));
    });
  }
});
