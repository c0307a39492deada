/**
 * A small seeded PRNG (mulberry32): the same seed gives the same sequence of operations on
 * every run, so a failing seed can be replayed with `npm run fuzz -- <seed>`.
 */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(table: ReadonlyArray<readonly [number, T]>): T {
    const total = table.reduce((sum, [w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [w, value] of table) {
      if ((r -= w) < 0) return value;
    }
    return table[table.length - 1]![1];
  }

  /** Random bytes, biased towards the ones a terminal treats specially. */
  bytes(length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) {
      out[i] = this.weighted<number>([
        [4, this.int(0x20, 0x7e)], // printable
        [2, this.int(0x00, 0x1f)], // C0 controls: ^C ^D ^Z ^\ ^S ^Q, ESC, CR, LF...
        [1, 0x7f],
        [2, this.int(0x80, 0xff)], // UTF-8 fragments and invalid sequences
      ]);
    }
    return out;
  }

  /** A random string: ASCII, controls, multi-byte characters, emoji, lone surrogates. */
  text(length: number): string {
    let s = '';
    for (let i = 0; i < length; i++) {
      s += this.weighted<() => string>([
        [5, () => String.fromCharCode(this.int(0x20, 0x7e))],
        [2, () => String.fromCharCode(this.int(0x00, 0x1f))],
        [1, () => String.fromCharCode(this.int(0xa0, 0x2fff))],
        [1, () => String.fromCodePoint(this.int(0x1f300, 0x1f6ff))],
        [1, () => String.fromCharCode(this.int(0xd800, 0xdfff))],
      ])();
    }
    return s;
  }
}
