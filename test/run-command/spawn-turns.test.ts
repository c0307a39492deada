/**
 * spawnTurn: runs started together take turns, so that their synchronous spawns are spread
 * over event-loop turns instead of stalling one.
 */
import { describe, expect, it } from 'vitest';

import { spawnTurn } from '../../src/run-command/spawn-turns.js';

describe('spawnTurn', () => {
  it('grants turns in call order, one per event-loop turn', async () => {
    const log: string[] = [];
    const turns = [0, 1, 2, 3].map((i) =>
      spawnTurn().then(() => {
        log.push(`turn ${i}`);
        // Work queued by one turn runs before the turn after next: the loop got through.
        setImmediate(() => log.push(`after ${i}`));
      }),
    );
    await Promise.all(turns);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(log.filter((l) => l.startsWith('turn'))).toEqual(['turn 0', 'turn 1', 'turn 2', 'turn 3']);
    for (let i = 0; i + 2 < 4; i++) {
      expect(log.indexOf(`after ${i}`)).toBeLessThan(log.indexOf(`turn ${i + 2}`));
    }
  });

  it('lets a due timer run between turns that each take a while', async () => {
    let timerFired = false;
    const seen: boolean[] = [];
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        spawnTurn().then(() => {
          if (i === 0) setTimeout(() => (timerFired = true), 0);
          seen.push(timerFired);
          // Stands in for a synchronous spawn: the timer is due before the next turn.
          const until = performance.now() + 3;
          while (performance.now() < until);
        }),
      ),
    );
    // Granted all in one go, no turn could have seen the timer.
    expect(seen).toEqual([false, true, true, true, true]);
  });
});
