/**
 * Fifty runs at once, each printing 1 MiB of multi-byte text: every run completes with exactly
 * its own output. Throughput and event-loop delay are measured in bench/run-parallel.ts, not
 * here.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

import { runCommand } from '../../src/run-command.js';
import { fixture } from '../helpers/index.js';

const PATTERN = fixture('run-command/pattern.cjs');
const { pattern } = createRequire(import.meta.url)(PATTERN) as {
  pattern: (bytes: number, seed: number) => string;
};
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

const RUNS = 50;
const BYTES = 1024 * 1024;

describe('parallel runs', () => {
  it(
    `${RUNS} runs of 1 MiB each all complete with exact output`,
    async () => {
      const results = await Promise.all(
        Array.from({ length: RUNS }, (_, seed) =>
          runCommand(process.execPath, [PATTERN, String(BYTES), String(seed)], {
            // The terminal turns each \n into \r\n; leave room so that nothing is truncated.
            maxOutputBytes: 2 * BYTES,
            timeout: 0,
          }),
        ),
      );
      results.forEach((r, seed) => {
        expect(r.exitCode).toBe(0);
        expect(r.truncated).toBe(false);
        const expected = pattern(BYTES, seed).replace(/\n/g, '\r\n');
        expect(Buffer.byteLength(r.output)).toBe(Buffer.byteLength(expected));
        expect(sha256(r.output)).toBe(sha256(expected));
      });
      expect(new Set(results.map((r) => r.pid)).size).toBe(RUNS);
    },
    // Fifty Node processes on a small machine: generous, only to catch a hang.
    180_000,
  );
});
