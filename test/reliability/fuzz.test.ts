/**
 * The short fuzz set, in every test run (and so under the sanitizers too): seeded random
 * operations over 50 sessions per seed, each seed in its own Node process. `npm run fuzz` runs
 * more (FUZZ_SEEDS=N); a failing seed replays with `npm run fuzz -- <seed>`.
 */
import { describe, expect, it } from 'vitest';
import { runSeed } from '../fuzz/driver.js';

const CI_SEEDS = [1, 2, 3];

describe('fuzz (short set)', () => {
  for (const seed of CI_SEEDS) {
    it(`seed ${seed}: no native crash, exactly one exit per session, no hang`, async () => {
      const r = await runSeed(seed, { timeoutMs: 100_000 });
      expect(r.failure, `${r.failure}\n${r.trace ?? ''}`).toBeNull();
      expect(r.summary?.sessions).toBe(50);
      expect(r.summary?.exits).toBe(50);
    }, 240_000);
  }
});
