/**
 * The C reader (bench/c/ptybench.c) as a server of single throughput runs (`ptybench serve`),
 * so that a Node workload can bracket each of its timed runs with the kernel's limit measured
 * at nearly the same moment. One process, started before the workload's warm-ups: starting a
 * process from Node forks Node, and the run after a fork pays a page fault for every page it
 * writes (cmd_serve in ptybench.c has the figures).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';

import { mbPerSecond } from './stats.js';
import type { CReaderBeside } from './throughput-summary.js';

export class CReaderServer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;
  readonly #size: number;
  /** Why a run failed, the first time one did; no run is asked for after that. */
  error: string | null = null;

  constructor(binary: string, file: string, size: number) {
    this.#size = size;
    this.#child = spawn(binary, ['serve', file, String(size)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.on('error', (err) => (this.error ??= String(err)));
    this.#child.stdin.on('error', (err) => (this.error ??= String(err)));
    this.#child.stderr.setEncoding('utf8').on('data', (text: string) => (this.error ??= text.trim()));
    this.#lines = readline.createInterface({ input: this.#child.stdout })[Symbol.asyncIterator]();
  }

  /** One run within `limitMs`; null when it failed (see `error`) or there is no time left. */
  async run(limitMs: number): Promise<CReaderBeside | null> {
    if (this.error !== null || limitMs < 1000) return null;
    this.#child.stdin.write(`${Math.round(limitMs)}\n`);
    const line = await this.#lines.next();
    if (line.done === true) {
      this.error ??= `the C reader exited (${this.#child.exitCode ?? this.#child.signalCode})`;
      return null;
    }
    try {
      const run = (JSON.parse(line.value) as { runs: Array<{ bytes: number; ms: number; cpuMs: number; timedOut: boolean }> }).runs[0];
      if (run === undefined || run.timedOut || run.bytes !== this.#size) throw new Error('incomplete');
      return { mbps: mbPerSecond(this.#size, run.ms), cpuMsPerMb: run.cpuMs / (this.#size / 1e6) };
    } catch {
      this.error ??= `unexpected answer: ${line.value}`;
      return null;
    }
  }

  /** Ends the server (it exits at the end of its input). */
  close(): void {
    this.#child.stdin.end();
  }
}
