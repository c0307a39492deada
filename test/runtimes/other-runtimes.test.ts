/**
 * native-pty under Bun and Deno (their npm packages bring the binaries): the public API, run by
 * test/fixtures/runtimes/api.ts in a Bun or Deno process, against this checkout's sources and
 * addon.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'native-pty-bun-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each runtime's command for a TypeScript file (Deno: `.js` imports resolve to `.ts` files). */
const RUNTIMES: Array<[string, string[]]> = [
  ['bun', []],
  ['deno', ['run', '--allow-all', '--sloppy-imports']],
];

describe.each(RUNTIMES)('under %s', (name, flags) => {
  const executable = path.join(root, 'node_modules', '.bin', name);

  it('spawns, delivers every byte before the exit, reports codes and signals, resizes, honours backpressure, and cleans up after a worker', () => {
    const data = randomBytes(256 * 1024);
    const file = path.join(dir, 'data.bin');
    writeFileSync(file, data);
    const sha = createHash('sha256').update(data).digest('hex');
    const run = spawnSync(executable, [...flags, path.join(root, 'test/fixtures/runtimes/api.ts'), file, sha], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(run.error).toBeUndefined();
    const version = spawnSync(executable, ['--version'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    let results: Record<string, any>;
    try {
      results = JSON.parse(line);
    } catch {
      throw new Error(`${version} gave no results (status ${run.status}, signal ${run.signal}):\n${run.stdout}\n${run.stderr}`);
    }
    expect(results.integrity).toEqual(Array(20).fill(true));
    expect(results.shortLived).toBe(50);
    expect(results.exitCodes).toEqual([0, 1, 42]);
    expect(results.normalSignal).toBe(0);
    expect(results.killed).toEqual({ exitCode: 0, signal: 15 });
    expect(results.resize).toBe(true);
    expect(results.backpressure.sawFalse).toBe(true);
    expect(results.backpressure.drains).toBeGreaterThan(0);
    expect(results.backpressure.counted).toBe(String(4 * 1024 * 1024));
    expect(results.worker).toEqual({ aliveBefore: true, goneAfterTerminate: true });
    expect(run.status).toBe(0);
  });
});
