/**
 * Watching a NativePty as it runs: every byte (as text, so that a check can poll it), every exit
 * (there must be exactly one), and anything that arrives after the exit (there must be nothing).
 * collect() in sessions.ts is the simpler form for a test that only needs the end result.
 */
import type { NativePty } from '../../src/index.js';
import { scaled } from './slowdown.js';

export interface Tracked {
  readonly pty: NativePty;
  /** Everything emitted, as text (latin1 for Buffers, so any byte survives). */
  output: string;
  exits: number;
  exitCode: number | undefined;
  signal: number | undefined;
  dataAfterExit: boolean;
  /** Resolves at the first 'exit'. */
  readonly exited: Promise<void>;
}

export function track(pty: NativePty): Tracked {
  let resolveExit!: () => void;
  const t: Tracked = {
    pty,
    output: '',
    exits: 0,
    exitCode: undefined,
    signal: undefined,
    dataAfterExit: false,
    exited: new Promise<void>((resolve) => (resolveExit = resolve)),
  };
  pty.on('data', (d: string | Buffer) => {
    if (t.exits > 0) t.dataAfterExit = true;
    t.output += typeof d === 'string' ? d : d.toString('latin1');
  });
  pty.on('exit', (exitCode: number, signal: number | undefined) => {
    t.exits++;
    t.exitCode = exitCode;
    t.signal = signal;
    resolveExit();
  });
  return t;
}

/** Resolves once `t.output` satisfies `test`; rejects on exit first or after `timeoutMs`. */
export function outputMatches(t: Tracked, test: (output: string) => boolean, timeoutMs = 20_000): Promise<void> {
  timeoutMs = scaled(timeoutMs);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      if (test(t.output)) return resolve();
      if (t.exits > 0) return reject(new Error(`exited before the expected output; got ${JSON.stringify(t.output.slice(-300))}`));
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out; got ${JSON.stringify(t.output.slice(-300))}`));
      setTimeout(check, 10);
    };
    check();
  });
}

/** `seq 1 n` as a terminal shows it (ONLCR turns each \n into \r\n). */
export function seqOutput(n: number): string {
  let s = '';
  for (let i = 1; i <= n; i++) s += `${i}\r\n`;
  return s;
}

/**
 * For output that should be the start of `seq 1 ∞` on a terminal: the number of complete lines,
 * or -1 when anything is out of place (a gap, a repeat, a stray byte). A last partial line
 * must be the start of the next number.
 */
export function seqPrefixLines(output: string): number {
  const lines = output.split('\r\n');
  const partial = lines.pop()!;
  for (let i = 0; i < lines.length; i++) if (lines[i] !== String(i + 1)) return -1;
  if (partial !== '' && !String(lines.length + 1).startsWith(partial)) return -1;
  return lines.length;
}

/** How many bytes `seq` wrote (before the terminal's \n -> \r\n) to produce `lines` complete lines. */
export function seqBytes(lines: number): number {
  let bytes = 0;
  for (let i = 1; i <= lines; i++) bytes += String(i).length + 1;
  return bytes;
}
