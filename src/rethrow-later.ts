/**
 * Surfaces `err` as an uncaught exception on a later turn, as a throwing EventEmitter listener
 * normally would, without stopping whatever called it (the other sessions of a batch, the
 * other observers of a chunk) from being served.
 */
export function rethrowLater(err: unknown): void {
  process.nextTick(() => {
    throw err;
  });
}
