/**
 * The native drain calls on their own (no NativePty here, so no poller drains behind the
 * test's back): read(id) for one session, and readAll(maxBytes), whose byte budget leaves the
 * sessions it did not reach first in line for the next call.
 */
import { describe, expect, it } from 'vitest';
import { BATCH_STRIDE, addon, type DrainBatch } from '../../src/native.js';

const native = addon();

function spawnPrinting(bytes: number): number {
  return native.spawn({
    file: 'sh',
    args: ['-c', `stty raw -echo; head -c ${bytes} /dev/zero; sleep 30`],
    env: ['PATH=/usr/bin:/bin'],
    cwd: '/',
    cols: 80,
    rows: 24,
    uid: -1,
    gid: -1,
    gapMs: 10,
  }).id;
}

/** Drains `id` with read() until `bytes` arrived (bounded to catch a hang). */
async function readAllOf(id: number, bytes: number): Promise<number> {
  let got = 0;
  for (let i = 0; i < 2_000 && got < bytes; i++) {
    got += native.read(id)?.length ?? 0;
    await new Promise((r) => setTimeout(r, 5));
  }
  return got;
}

/** Kills the sessions and drains until every exit was reported. */
async function killAndReap(ids: number[]): Promise<void> {
  const left = new Set(ids);
  for (const id of ids) native.kill(id, 9, 0);
  for (let i = 0; i < 400 && left.size > 0; i++) {
    const batch = native.readAll();
    for (let j = 0; j < batch.length; j += BATCH_STRIDE) if ((batch[j + 2] as number) >= 0) left.delete(batch[j] as number);
    if (left.size > 0) await new Promise((r) => setTimeout(r, 5));
  }
  expect([...left]).toEqual([]);
}

/** Ids of the sessions whose output the batch carries (in pieces: one or more entries each). */
const withOutput = (batch: DrainBatch): number[] => [
  ...new Set(batch.flatMap((v, i) => (i % BATCH_STRIDE === 0 && batch[i + 1] !== null ? [v as number] : []))),
];

describe('native drains', () => {
  it('read(id) drains one session and leaves the others', async () => {
    const a = spawnPrinting(10_000);
    const b = spawnPrinting(20_000);
    expect(await readAllOf(a, 10_000)).toBe(10_000);
    expect(await readAllOf(b, 20_000)).toBe(20_000);
    expect(native.read(a)).toBeNull();
    await killAndReap([a, b]);
  });

  it('readAll(maxBytes) stops at its budget; the rest comes first next time', async () => {
    const ids = [spawnPrinting(50_000), spawnPrinting(50_000), spawnPrinting(50_000)];
    await new Promise((r) => setTimeout(r, 500)); // all three buffered natively
    const first = withOutput(native.readAll(1));
    expect(first).toHaveLength(1); // the first session's output used up the budget
    const rest = withOutput(native.readAll());
    expect(rest).toHaveLength(2);
    expect(new Set([...first, ...rest])).toEqual(new Set(ids));
    await killAndReap(ids);
  });

  it('readAll() hands a large drain over in pieces of at most 32 KiB, the exit with the last', async () => {
    const id = spawnPrinting(200_000);
    await new Promise((r) => setTimeout(r, 500));
    native.kill(id, 9, 0);
    let bytes = 0;
    let exitEntry = -1;
    const entries: Array<{ size: number; exitCode: number }> = [];
    for (let i = 0; i < 400 && exitEntry < 0; i++) {
      const batch = native.readAll();
      for (let j = 0; j < batch.length; j += BATCH_STRIDE) {
        if (batch[j] !== id) continue;
        const data = batch[j + 1] as Buffer | null;
        bytes += data?.length ?? 0;
        entries.push({ size: data?.length ?? 0, exitCode: batch[j + 2] as number });
        if ((batch[j + 2] as number) >= 0) exitEntry = entries.length - 1;
      }
      if (exitEntry < 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(bytes).toBe(200_000);
    expect(entries.length).toBeGreaterThanOrEqual(Math.ceil(200_000 / (32 * 1024)));
    for (const entry of entries) expect(entry.size).toBeLessThanOrEqual(32 * 1024);
    expect(exitEntry).toBe(entries.length - 1);
    expect(entries.slice(0, -1).every((e) => e.exitCode === -1)).toBe(true);
  });
});
