/**
 * What LineScanner and LineReader agree on: the bounds on a line, how far read() reads, the
 * LineSink that lines go to, and what read() returns.
 */
import { MAX_STATUS_LENGTH } from './parse-status.js';

/**
 * A line longer than this (visible) is no status line; the rest of it is skipped up to the next
 * line break, and it is not carried over.
 */
export const MAX_LINE = 4 * MAX_STATUS_LENGTH;
/** Raw characters of one line in one chunk, escape sequences included, before it is given up. */
export const MAX_RAW_LINE = 16 * MAX_LINE;
/** An unfinished escape sequence longer than this is not kept; a control string is skipped. */
export const MAX_PENDING = 256;
/** read()'s `until`: read every line; stop once the sink is satisfied. */
export const ALL_LINES = Number.POSITIVE_INFINITY;
export const UNTIL_SATISFIED = -1;

export interface LineSink {
  /** Every line must be delivered (custom detectors can recognise anything). */
  readonly everyLine: boolean;
  /**
   * The sink already knows this chunk is meaningful output; from then on only lines that may be
   * status lines (with a '(') are delivered.
   */
  readonly satisfied: boolean;
  /**
   * A line ended (`complete`) or the chunk ended inside it. `text` is its visible text so far,
   * carried-over part included. `visible` says whether this chunk added a printable character.
   * The rest describes `text` so that the sink need not read it again each time a line grows:
   * `paren` whether it has a '(', `closing` whether its last character other than white space
   * is ')', `solid` how many of its characters are not white space (as trim() counts it), or -1
   * for a complete line once the sink is satisfied.
   */
  line(text: string, complete: boolean, visible: boolean, paren: boolean, closing: boolean, solid: number): void;
  /** The line is too long to be a status line; `visible` as above. */
  overlong(visible: boolean): void;
}

/**
 * What LineReader.read() returns: where it stopped, and whether it gave up part-way through a
 * line too long to matter. One number, so that reading a line allocates nothing: the position
 * when it did not give up, its complement `~at` (negative) when it did.
 */
export type ReadResult = number;

export function gaveUp(result: ReadResult): boolean {
  return result < 0;
}

export function stoppedAt(result: ReadResult): number {
  return result < 0 ? ~result : result;
}
