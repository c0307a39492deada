/**
 * Invalid arguments of every public function end in a JS error (TypeError for a wrong type,
 * RangeError for a value out of range), never in a native crash. They run in a child Node
 * process, so that a crash would show as a signal instead of taking the test runner down.
 */
import { describe, expect, it } from 'vitest';
import { runNodeFixture } from './fixtures/pty/harness.js';

interface CaseResult {
  label: string;
  expected: 'TypeError' | 'RangeError';
  got: string;
  message: string;
}

describe('invalid arguments', () => {
  it('every case throws the expected error class, also after exit, and nothing leaks', async () => {
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
    const wrong = results.filter((c) => c.got !== c.expected);
    expect(wrong).toEqual([]);
    // Messages name what was wrong, so a user can act on them.
    for (const c of results) expect(c.message.length).toBeGreaterThan(10);
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
