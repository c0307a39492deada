/**
 * integrity: many sessions at once, each child sending its own block of printable bytes in raw
 * mode. Every session must receive exactly its block (checked by hash), and nothing may arrive
 * after a session's 'exit'.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';

import { shellQuote } from '../lib/stream-run.js';
import { nowMs, onceExit, runWorkload, sleep, type BaseParams } from '../lib/workload.js';

interface Params extends BaseParams {
  sessions: number;
  blockSize: number;
  file: string;
  fileSize: number;
  /** How long to keep listening after the last exit, to catch data that comes after it. */
  settleMs: number;
}

interface SessionState {
  bytes: number;
  hash: Hash;
  expected: string;
  exited: boolean;
  dataAfterExit: boolean;
}

function blockDigest(fd: number, offset: number, size: number): string {
  const block = Buffer.alloc(size);
  fs.readSync(fd, block, 0, size, offset);
  return createHash('sha256').update(block).digest('hex');
}

runWorkload<Params>('integrity', async ({ impl, params, left }) => {
  const { sessions, blockSize } = params;
  // Distinct offsets into a random file give each session a distinct block.
  const stride = Math.floor((params.fileSize - blockSize) / Math.max(1, sessions - 1));
  if (stride < 1) throw new RangeError('the data file is too small for this many distinct blocks');
  const fd = fs.openSync(params.file, 'r');
  const offsets = Array.from({ length: sessions }, (_, i) => i * stride);
  const expected = offsets.map((offset) => blockDigest(fd, offset, blockSize));
  fs.closeSync(fd);

  const states: SessionState[] = [];
  const exits = [];
  const t0 = nowMs();
  for (let i = 0; i < sessions; i++) {
    const command = `stty raw -echo; tail -c +${offsets[i]! + 1} ${shellQuote(params.file)} | head -c ${blockSize}`;
    const pty = impl.spawn('/bin/sh', ['-c', command], { encoding: null });
    const state: SessionState = { bytes: 0, hash: createHash('sha256'), expected: expected[i]!, exited: false, dataAfterExit: false };
    states.push(state);
    pty.onData((data) => {
      if (state.exited) state.dataAfterExit = true;
      state.bytes += data.length;
      state.hash.update(data as Buffer);
    });
    pty.onExit(() => (state.exited = true));
    exits.push(onceExit(pty, left()));
  }
  const seen = await Promise.all(exits);
  const allExitedMs = nowMs() - t0;
  await sleep(Math.min(params.settleMs, left()));

  const exact = states.filter((s) => s.bytes === blockSize && s.hash.digest('hex') === s.expected).length;
  return {
    sessions,
    blockSize,
    exact,
    wrongLength: states.filter((s) => s.bytes !== blockSize).length,
    dataAfterExit: states.filter((s) => s.dataAfterExit).length,
    missingExits: seen.filter((e) => e === null).length,
    allExitedMs,
  };
});
