/**
 * Spreads spawns over event-loop turns. Spawning is synchronous (fork, exec, and a wait for the
 * exec to succeed), a few milliseconds each on a busy machine; fifty runs started together
 * would otherwise spawn in one turn and stall the loop for hundreds of milliseconds. Taking
 * turns in call order bounds the stall to one spawn.
 */
const waiting: Array<() => void> = [];
let draining = false;

function next(): void {
  const go = waiting.shift();
  if (waiting.length > 0) {
    // Scheduled before go() so that a later turn is guaranteed, whatever go() does.
    setImmediate(next);
  } else {
    draining = false;
  }
  go?.();
}

/** Resolves in an event-loop turn of its own, after those who asked before. */
export function spawnTurn(): Promise<void> {
  return new Promise<void>((resolve) => {
    waiting.push(resolve);
    if (!draining) {
      draining = true;
      setImmediate(next);
    }
  });
}
