/**
 * Argument lists longer than execve could ever take are refused with a RangeError, at the
 * public API and at the native binding, before the work of copying them is done.
 */
import { describe, expect, it } from 'vitest';
import { NativePty } from '../src/index.js';
import { addon } from '../src/native.js';

const native = addon();

const TOO_MANY = (1 << 20) + 1;

describe('argument lists beyond execve', () => {
  it('are a RangeError from NativePty', () => {
    const args = new Array<string>(TOO_MANY).fill('x');
    expect(() => new NativePty('true', args)).toThrow(RangeError);
  });

  it('are a RangeError from the native binding, for args and env alike', () => {
    const many = new Array<string>(TOO_MANY).fill('x');
    const request = { file: 'true', args: [], env: [], cwd: '/', cols: 80, rows: 24, uid: -1, gid: -1, gapMs: 10 };
    expect(() => native.spawn({ ...request, args: many })).toThrow(RangeError);
    expect(() => native.spawn({ ...request, env: many.map(() => 'A=b') })).toThrow(RangeError);
  });

  it('one short of the limit is not refused for its length', () => {
    // 2^20 one-byte arguments exceed ARG_MAX, so the kernel refuses the exec: E2BIG, an Error
    // with a code, not a RangeError.
    const args = new Array<string>(1 << 20).fill('x');
    expect(() => new NativePty('true', args)).toThrow(expect.objectContaining({ code: 'E2BIG' }));
  });
});
