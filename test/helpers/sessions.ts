/** Driving NativePty sessions in tests: collecting what they emit, waiting for output or exit. */
import { NativePty } from '../../src/index.js';
import type { NativePtyOptions } from '../../src/types.js';
import { quietFor, settlesWithin } from './wait.js';

export interface Finished<T extends string | Buffer> {
  pty: NativePty;
  chunks: T[];
  exitCode: number;
  signal: number | undefined;
  /** True when a 'data' event came after 'exit' (must never happen). */
  dataAfterExit: boolean;
}

/** Resolves on 'exit' with everything the session emitted, in order. */
export function collect<T extends string | Buffer = string>(pty: NativePty): Promise<Finished<T>> {
  return new Promise((resolve, reject) => {
    const chunks: T[] = [];
    let exited = false;
    const result: Finished<T> = { pty, chunks, exitCode: -1, signal: undefined, dataAfterExit: false };
    pty.on('data', (d: T) => {
      if (exited) result.dataAfterExit = true;
      chunks.push(d);
    });
    pty.on('error', reject);
    pty.on('exit', (exitCode: number, signal: number | undefined) => {
      exited = true;
      result.exitCode = exitCode;
      result.signal = signal;
      // A little more time, in which a 'data' event after 'exit' would be seen.
      void quietFor(20).then(() => resolve(result));
    });
  });
}

/** Spawns and waits for exit; the output is joined as text. */
export async function run(
  file: string,
  args: string[] = [],
  opts: NativePtyOptions = {},
): Promise<{ output: string; exitCode: number; signal: number | undefined; pty: NativePty }> {
  const pty = new NativePty(file, args, opts);
  const r = await collect<string>(pty);
  if (r.dataAfterExit) throw new Error('data arrived after exit');
  return { output: r.chunks.join(''), exitCode: r.exitCode, signal: r.signal, pty };
}

/** Spawns with encoding: null and waits for exit; the output is one Buffer. */
export async function runRaw(
  file: string,
  args: string[] = [],
  opts: NativePtyOptions = {},
): Promise<{ output: Buffer; exitCode: number; signal: number | undefined; pty: NativePty }> {
  const pty = new NativePty(file, args, { ...opts, encoding: null });
  const r = await collect<Buffer>(pty);
  if (r.dataAfterExit) throw new Error('data arrived after exit');
  return { output: Buffer.concat(r.chunks), exitCode: r.exitCode, signal: r.signal, pty };
}

/**
 * Resolves with the output so far once it matches `pattern`; rejects if the session exits
 * first. Output is accumulated from the moment this is called.
 */
export function waitForOutput(pty: NativePty, pattern: RegExp | string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const matches = (): boolean => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
    const onData = (d: string | Buffer): void => {
      text += typeof d === 'string' ? d : d.toString('latin1');
      if (matches()) {
        cleanup();
        resolve(text);
      }
    };
    const onExit = (code: number, signal?: number): void => {
      cleanup();
      reject(new Error(`exited (${code}, ${signal}) before output matched ${String(pattern)}; got ${JSON.stringify(text)}`));
    };
    const cleanup = (): void => {
      pty.off('data', onData);
      pty.off('exit', onExit);
    };
    pty.on('data', onData);
    pty.on('exit', onExit);
  });
}

/** Resolves with [exitCode, signal] on the session's 'exit'. */
export function waitForExit(pty: NativePty): Promise<[number, number | undefined]> {
  if (pty.exited) return Promise.resolve([pty.exitCode!, pty.signalCode ?? undefined]);
  return new Promise((resolve) => pty.once('exit', (code: number, signal?: number) => resolve([code, signal])));
}

/**
 * Types `count` numbered lines into a `cat`, one at a time (each after `beforeEach`), and
 * waits for each echo: the terminal's and then cat's copy. Returns the first round trip whose
 * echo did not come within 10 s (a bound only a lost wake reaches), or null.
 */
export async function firstStalledRoundTrip(
  pty: NativePty,
  count: number,
  beforeEach: () => Promise<void> = async () => {},
): Promise<number | null> {
  for (let i = 0; i < count; i++) {
    await beforeEach();
    pty.write(`r${i}\n`);
    if (!(await settlesWithin(waitForOutput(pty, `r${i}\r\nr${i}\r\n`), 10_000))) return i;
  }
  return null;
}
