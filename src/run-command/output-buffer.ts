/**
 * Keeps the head and the tail of a stream of text within a byte budget, in memory bounded by
 * that budget while the stream runs: a command that prints gigabytes costs no more than one
 * that prints exactly the budget. What falls between head and tail is counted, not kept.
 */
import { headSafeIndex, prefixAtLeast, prefixWithin, tailSafeIndex } from './text-cut.js';

/** The text that stands for what was left out. */
export function omissionMarker(omittedBytes: number): string {
  return `\n[... ${omittedBytes} bytes omitted ...]\n`;
}

interface TailChunk {
  text: string;
  bytes: number;
  /**
   * Length of the string this one was sliced from. V8 slices share their parent's storage, so a
   * small remainder of a large chunk would pin the whole chunk; we copy once it is under half.
   */
  origin: number;
}

function detach(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

export class HeadTailBuffer {
  readonly maxBytes: number;
  private readonly headBudget: number;
  private readonly head: string[] = [];
  private headBytes = 0;
  private headOpen = true;
  private readonly tail: TailChunk[] = [];
  private tailBytes = 0;
  private omitted = 0;
  private total = 0;

  /**
   * `maxBytes` bounds head + tail in UTF-8 bytes; the marker comes on top. Chunks passed to
   * push() must not end inside an escape sequence (see SequenceAligner), except the last one.
   */
  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
    // The head gets half; the tail gets whatever the head leaves, so that output that fits the
    // budget is never cut even when the head had to stop short of its half.
    this.headBudget = Math.floor(maxBytes / 2);
  }

  /** Bytes received so far. */
  get totalBytes(): number {
    return this.total;
  }

  /** Bytes left out so far. */
  get omittedBytes(): number {
    return this.omitted;
  }

  get truncated(): boolean {
    return this.omitted > 0;
  }

  push(text: string): void {
    if (text.length === 0) return;
    const bytes = Buffer.byteLength(text, 'utf8');
    this.total += bytes;
    if (this.headOpen) {
      if (this.headBytes + bytes <= this.headBudget) {
        this.head.push(text);
        this.headBytes += bytes;
        return;
      }
      this.closeHead(text, bytes);
      return;
    }
    this.pushTail(text, bytes, text.length);
  }

  toString(): string {
    const head = this.head.join('');
    const tail = this.tail.map((c) => c.text).join('');
    return this.omitted > 0 ? head + omissionMarker(this.omitted) + tail : head + tail;
  }

  private closeHead(text: string, bytes: number): void {
    this.headOpen = false;
    const fit = prefixWithin(text, this.headBudget - this.headBytes);
    const index = headSafeIndex(text, fit.index);
    const headBytes =
      index === fit.index ? fit.bytes : Buffer.byteLength(text.slice(0, index), 'utf8');
    if (index > 0) {
      // Same reason as TailChunk.origin: do not let a small head pin a large chunk.
      const head = text.slice(0, index);
      this.head.push(index * 2 < text.length ? detach(head) : head);
      this.headBytes += headBytes;
    }
    if (index < text.length) this.pushTail(text.slice(index), bytes - headBytes, text.length);
  }

  private pushTail(text: string, bytes: number, origin: number): void {
    this.tail.push({ text, bytes, origin });
    this.tailBytes += bytes;
    const budget = this.maxBytes - this.headBytes;
    while (this.tailBytes > budget) {
      const excess = this.tailBytes - budget;
      const first = this.tail[0]!;
      if (first.bytes <= excess) {
        this.dropFirst(first.bytes);
        continue;
      }
      const need = prefixAtLeast(first.text, excess);
      const index = tailSafeIndex(first.text, need.index);
      if (index >= first.text.length) {
        this.dropFirst(first.bytes);
        continue;
      }
      const dropped =
        index === need.index
          ? need.bytes
          : need.bytes + Buffer.byteLength(first.text.slice(need.index, index), 'utf8');
      let kept = first.text.slice(index);
      let origin = first.origin;
      if (kept.length * 2 < origin) {
        kept = detach(kept);
        origin = kept.length;
      }
      this.tail[0] = { text: kept, bytes: first.bytes - dropped, origin };
      this.tailBytes -= dropped;
      this.omitted += dropped;
    }
  }

  private dropFirst(bytes: number): void {
    this.tail.shift();
    this.tailBytes -= bytes;
    this.omitted += bytes;
  }
}
