/**
 * The recent output of one session, addressed by byte offset: what a viewer that fell behind
 * or reconnected after a network blip is served from. Bounded: the oldest chunks go first, and
 * a viewer whose place has gone is resynced with a snapshot of the screen instead.
 */
export class OutputRing {
  readonly capacity: number;
  #chunks: Buffer[] = [];
  /** Offset of the first retained byte. */
  #start: number;
  /** Offset of the next byte to come. */
  #end: number;
  #bytes = 0;

  constructor(capacity: number, startOffset = 0) {
    this.capacity = capacity;
    this.#start = startOffset;
    this.#end = startOffset;
  }

  get start(): number {
    return this.#start;
  }
  get end(): number {
    return this.#end;
  }

  push(data: Buffer): void {
    if (data.length === 0) return;
    this.#chunks.push(data);
    this.#bytes += data.length;
    this.#end += data.length;
    // Keep at least the newest chunk, even when it alone is over capacity.
    while (this.#chunks.length > 1 && this.#bytes - this.#chunks[0]!.length >= this.capacity) {
      const dropped = this.#chunks.shift()!;
      this.#bytes -= dropped.length;
      this.#start += dropped.length;
    }
  }

  /** Whether the bytes from `offset` to the end are all still here. */
  has(offset: number): boolean {
    return offset >= this.#start && offset <= this.#end;
  }

  /**
   * The retained bytes from `offset`, at most `maxBytes` of them (views, not copies). Empty
   * when `offset` is the end; throws when it is not retained (ask has() first).
   */
  read(offset: number, maxBytes: number): Buffer[] {
    if (!this.has(offset)) throw new RangeError(`offset ${offset} is not retained (${this.#start}..${this.#end})`);
    // From the newest chunk back: a viewer that keeps up reads only the last one or two.
    let i = this.#chunks.length;
    let at = this.#end;
    while (i > 0 && at > offset) at -= this.#chunks[--i]!.length;
    const out: Buffer[] = [];
    let left = maxBytes;
    for (; i < this.#chunks.length && left > 0; i++) {
      const chunk = this.#chunks[i]!;
      const piece = chunk.subarray(offset - at, offset - at + left);
      if (piece.length > 0) out.push(piece);
      left -= piece.length;
      offset += piece.length;
      at += chunk.length;
    }
    return out;
  }
}
