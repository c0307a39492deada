/**
 * Re-cuts a stream of decoded text so that no piece ends inside an escape sequence (or a
 * surrogate pair), and strips escape sequences when asked. A pty hands output over in whatever
 * batches the kernel and the drain made, so a colour code can arrive as '\x1b[3' then '1m';
 * stripping or truncating each batch alone would leave fragments such as '1m' in the output.
 */
import { stripAnsi, trailingEscapeStart } from '../ansi.js';

/**
 * An unterminated sequence is held back at most this long. Past it, the stream is probably not
 * an escape sequence at all (a stray ESC followed by a flood of text), and holding more would
 * make memory depend on the output again.
 */
export const MAX_CARRY = 64 * 1024;

/** ESC or a C1 control, as src/ansi.ts defines the start of a sequence. */
const INTRODUCER = /[\x1b\x80-\x9f]/;

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export class SequenceAligner {
  private carry = '';

  constructor(private readonly strip: boolean) {}

  /** Returns the text that is now safe to pass on ('' when all of it was held back). */
  write(data: string): string {
    let text = this.carry + data;
    this.carry = '';
    const start = this.unfinishedStart(text);
    if (start !== -1) {
      this.carry = text.slice(start);
      text = text.slice(0, start);
    } else if (isHighSurrogate(text.charCodeAt(text.length - 1))) {
      // NativePty's decoder emits whole characters, but a source that splits a surrogate pair
      // would otherwise have each half counted (and cut) as a character of its own.
      this.carry = text.slice(-1);
      text = text.slice(0, -1);
    }
    return this.strip ? stripAnsi(text) : text;
  }

  /**
   * Where an unfinished sequence that may be held back begins, or -1. Only the last MAX_CARRY
   * characters can hold one, so only they are examined: the cost of a write stays flat however
   * large the batch. A native regex scan rules out the common window without any escape far
   * faster than trailingEscapeStart's backward walk.
   */
  private unfinishedStart(text: string): number {
    const from = Math.max(0, text.length - MAX_CARRY);
    const window = from === 0 ? text : text.slice(from);
    if (!INTRODUCER.test(window)) return -1;
    const start = trailingEscapeStart(window);
    return start === -1 ? -1 : from + start;
  }

  /**
   * Returns what was held back once the stream has ended: an escape sequence the child never
   * finished. It is kept as received, or dropped when stripping, since it is not text.
   */
  end(): string {
    const rest = this.carry;
    this.carry = '';
    return this.strip ? '' : rest;
  }
}
