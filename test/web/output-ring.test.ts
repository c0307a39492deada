// The web terminal's retained output: every read, from every retained offset and with every
// budget, is exactly the bytes pushed there, after the oldest chunks have gone.
import { describe, expect, it } from 'vitest';
import { OutputRing } from '../../packages/web/src/output-ring.js';

describe('OutputRing', () => {
  it('reads exactly what was pushed, from any retained offset, within the budget', () => {
    const ring = new OutputRing(10, 5);
    const pushed: number[] = [];
    for (let i = 0; i < 20; i++) {
      const chunk = Buffer.from([i, i + 1, i + 2]);
      ring.push(chunk);
      pushed.push(...chunk);
    }
    expect(ring.end).toBe(5 + 60);
    expect(ring.end - ring.start).toBeLessThanOrEqual(12); // the capacity, rounded to a chunk
    expect(ring.has(ring.start - 1)).toBe(false);
    for (let offset = ring.start; offset <= ring.end; offset++) {
      for (const budget of [0, 1, 2, 5, 100]) {
        const read = [...Buffer.concat(ring.read(offset, budget))];
        expect(read).toEqual(pushed.slice(offset - 5, offset - 5 + budget));
      }
    }
    expect(() => ring.read(ring.start - 1, 1)).toThrow(RangeError);
  });
});
