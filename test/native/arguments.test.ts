/**
 * The native binding checks its own arguments in the dialect of src/validate.ts (Node's
 * classes, codes and wording), and exports the limits that the TypeScript checks use, so that
 * the two sides cannot disagree. Argument lists longer than execve could ever take are refused
 * at both, before the work of copying them is done.
 */
import { describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { addon } from '../../src/native.js';

const native = addon();
const { limits } = native;
const request = { file: 'true', args: [], env: [], cwd: '/', cols: 80, rows: 24, uid: -1, gid: -1, gapMs: 10 };
const bad = (v: unknown): never => v as never;
/** A binding function, callable with any arguments (missing ones included). */
const loose = (fn: unknown) => fn as (...args: unknown[]) => unknown;

/** The error `fn` throws, reduced to what a caller can branch on. */
function thrown(fn: () => unknown): { name: string; code: unknown; message: string } | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (err) {
    const e = err as Error & { code?: unknown };
    return { name: e.name, code: e.code, message: e.message };
  }
}

describe('native argument errors', () => {
  it.each([
    ['spawn(null)', 'TypeError', 'ERR_INVALID_ARG_TYPE', '"request"', () => native.spawn(bad(null))],
    ['spawn: file number', 'TypeError', 'ERR_INVALID_ARG_TYPE', '"request.file"', () => native.spawn({ ...request, file: bad(1) })],
    ['spawn: file empty', 'TypeError', 'ERR_INVALID_ARG_VALUE', "'request.file'", () => native.spawn({ ...request, file: '' })],
    ['spawn: cwd NUL', 'TypeError', 'ERR_INVALID_ARG_VALUE', "'request.cwd'", () => native.spawn({ ...request, cwd: '/\0' })],
    ['spawn: env[1] number', 'TypeError', 'ERR_INVALID_ARG_TYPE', '"request.env[1]"', () => native.spawn({ ...request, env: bad(['A=1', 2]) })],
    ['spawn: cols 0', 'RangeError', 'ERR_OUT_OF_RANGE', '"request.cols"', () => native.spawn({ ...request, cols: 0 })],
    ['spawn: uid 1.5', 'RangeError', 'ERR_OUT_OF_RANGE', '"request.uid"', () => native.spawn({ ...request, uid: 1.5 })],
    ['spawn: gapMs above the limit', 'RangeError', 'ERR_OUT_OF_RANGE', '"request.gapMs"', () => native.spawn({ ...request, gapMs: limits.maxGapMs + 1 })],
    ['write(id, number)', 'TypeError', 'ERR_INVALID_ARG_TYPE', '"data"', () => native.write(1, bad(5))],
    ['write() without data', 'TypeError', 'ERR_INVALID_ARG_TYPE', '"data"', () => loose(native.write)(1)],
    ['resize: rows 65536', 'RangeError', 'ERR_OUT_OF_RANGE', '"rows"', () => native.resize(1, 80, limits.maxDimension + 1, 0, 0)],
    ['kill: signal 1.5', 'RangeError', 'ERR_OUT_OF_RANGE', '"signal"', () => native.kill(1, 1.5, 0)],
    ['kill: id string', 'TypeError', 'ERR_INVALID_ARG_TYPE', '"id"', () => native.kill(bad('1'), 15, 0)],
    ['setPaused: paused missing', 'TypeError', 'ERR_INVALID_ARG_TYPE', '"paused"', () => loose(native.setPaused)(1)],
    ['readAll(0)', 'RangeError', 'ERR_OUT_OF_RANGE', '"maxBytes"', () => native.readAll(0)],
    ['setWakeHandler(string)', 'TypeError', 'ERR_INVALID_ARG_TYPE', '"handler"', () => native.setWakeHandler(bad('x'))],
  ])('%s: %s %s naming %s', (_label, name, code, argument, fn) => {
    const error = thrown(fn);
    expect(error).toMatchObject({ name, code });
    expect((error as { message: string }).message).toContain(argument);
  });
});

describe('limits exported by the binding', () => {
  it('are frozen numbers', () => {
    expect(Object.isFrozen(limits)).toBe(true);
    expect(limits).toEqual({
      maxArgs: 1 << 20,
      maxDimension: 65535,
      maxId: 2 ** 32 - 2,
      maxGapMs: 2 ** 31 - 1,
      minHighWaterMark: 4096,
      maxHighWaterMark: 64 * 1024 * 1024,
    });
  });

  it('are the bounds NativePty checks: one past each is refused, naming the bound', () => {
    expect(() => new NativePty('true', [], { cols: limits.maxDimension + 1 })).toThrow(`<= ${limits.maxDimension}`);
    expect(() => new NativePty('true', [], { uid: limits.maxId + 1 })).toThrow(`<= ${limits.maxId}`);
    expect(() => new NativePty('true', [], { pollInterval: limits.maxGapMs + 1 })).toThrow(`<= ${limits.maxGapMs}`);
    expect(() => new NativePty('true', [], { highWaterMark: limits.maxHighWaterMark + 1 })).toThrow(`<= ${limits.maxHighWaterMark}`);
    expect(() => new NativePty('true', [], { highWaterMark: limits.minHighWaterMark - 1 })).toThrow(`>= ${limits.minHighWaterMark}`);
  });
});

describe('argument lists beyond execve', () => {
  const TOO_MANY = limits.maxArgs + 1;

  it('are ERR_OUT_OF_RANGE from NativePty', () => {
    const args = new Array<string>(TOO_MANY).fill('x');
    expect(thrown(() => new NativePty('true', args))).toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  });

  it('are ERR_OUT_OF_RANGE from the native binding, for args and env alike', () => {
    const many = new Array<string>(TOO_MANY).fill('x');
    expect(thrown(() => native.spawn({ ...request, args: many }))).toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: expect.stringContaining('"request.args.length"'),
    });
    expect(thrown(() => native.spawn({ ...request, env: many.map(() => 'A=b') }))).toMatchObject({
      code: 'ERR_OUT_OF_RANGE',
      message: expect.stringContaining('"request.env.length"'),
    });
  });

  it('one short of the limit is not refused for its length', () => {
    // 2^20 one-byte arguments exceed ARG_MAX, so the kernel refuses the exec: E2BIG, an Error
    // with a code, not a RangeError.
    const args = new Array<string>(limits.maxArgs).fill('x');
    expect(() => new NativePty('true', args)).toThrow(expect.objectContaining({ code: 'E2BIG' }));
  });
});
