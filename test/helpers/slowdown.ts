/**
 * How many times slower than a normal machine this run is: NATIVE_PTY_TEST_SLOWDOWN, set by
 * the runs under emulation (scripts/platforms/test-arm64.mjs: Node on qemu-user) and by hand
 * on slow machines. Every bound that only catches hangs is multiplied by it, so that a slow
 * machine passes the same tests with the same assertions; no expectation about speed changes.
 */
export const SLOWDOWN = Math.max(1, Number(process.env.NATIVE_PTY_TEST_SLOWDOWN) || 1);

/** `ms` as a bound on this machine. */
export function scaled(ms: number): number {
  return Math.round(ms * SLOWDOWN);
}
