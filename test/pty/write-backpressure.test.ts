/**
 * Input backpressure: write() never drops input, and says (false) when inputHighWaterMark bytes
 * wait for a child that is not reading; 'drain' follows once the terminal has taken them all.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NativePty, type NativePtyOptions } from '../../src/index.js';
import { addon } from '../../src/native.js';
import { busyWait, collect, quietFor, waitForExit, waitForOutput } from '../helpers/index.js';

const native = addon();

const HWM = native.inputHighWaterMark;
const PIECE = 64 * 1024;
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * Printable input (base64), so that no byte means anything to the terminal. Encoded piece by
 * piece: Node keeps a string encoded from a Buffer of a megabyte or more outside the V8 heap
 * and never frees it if it is still alive at exit, which the sanitizer run reports as a leak.
 */
const input = (length: number): string =>
  Array.from({ length: length / PIECE }, () => randomBytes((PIECE * 3) / 4).toString('base64')).join('');

const goDir = mkdtempSync(path.join(tmpdir(), 'native-pty-backpressure-'));
afterAll(() => rmSync(goDir, { recursive: true, force: true }));
let children = 0;

/**
 * A child that turns its terminal raw, says R, and runs `then` only once the test calls go():
 * until then it reads nothing, however slowly the test writes.
 */
function gatedChild(then: string, opts: NativePtyOptions = {}): { pty: NativePty; go: () => void } {
  const goFile = path.join(goDir, `go-${++children}`);
  const script = `stty raw -echo -iexten; echo R; while [ ! -e "$1" ]; do sleep 0.02; done; ${then}`;
  const pty = new NativePty('sh', ['-c', script, 'sh', goFile], opts);
  return { pty, go: () => writeFileSync(goFile, '') };
}

/** Writes `total` bytes in pieces without waiting, as a paste would; the last write says hold off. */
function pasteAll(pty: NativePty, total: number): void {
  const data = input(total);
  let accepted = true;
  for (let offset = 0; offset < total; offset += PIECE) accepted = pty.write(data.slice(offset, offset + PIECE));
  expect(accepted).toBe(false);
}

/** A gated child that, once let go, reads `length` bytes and pipes them to `then`. */
const slowReader = (length: number, then = 'sha256sum', opts: NativePtyOptions = {}) =>
  gatedChild(`head -c ${length} | ${then}`, opts);

describe('write() backpressure', () => {
  it('returns false once the high-water mark waits, and drain follows; every byte arrives', async () => {
    expect(HWM).toBeGreaterThan(0);
    const total = 3 * HWM;
    const data = input(total);
    const { pty, go } = slowReader(total);
    const done = collect<string>(pty);
    await waitForOutput(pty, 'R');

    let offset = 0;
    let accepted = true;
    while (accepted && offset < total) {
      accepted = pty.write(data.slice(offset, offset + PIECE));
      offset += PIECE;
    }
    // The child does not read yet: the queue reached the mark before everything was written.
    expect(accepted).toBe(false);
    expect(offset).toBeGreaterThanOrEqual(HWM);
    expect(offset).toBeLessThan(total);
    expect(pty.write('')).toBe(false); // still full
    go();

    let drains = 0;
    pty.on('drain', () => drains++);
    // As a stream's user would: wait for 'drain', write until told to hold off, again. A
    // write() that returns false has still queued its piece.
    while (offset < total) {
      await once(pty, 'drain');
      do {
        accepted = pty.write(data.slice(offset, offset + PIECE));
        offset += PIECE;
      } while (accepted && offset < total);
    }
    const r = await done;
    expect(r.exitCode).toBe(0);
    expect(r.chunks.join('')).toContain(sha256(data));
    expect(drains).toBeGreaterThanOrEqual(1);
  });

  it('says go on, and owes no drain, while the child keeps up', async () => {
    const pty = new NativePty('cat');
    let drains = 0;
    pty.on('drain', () => drains++);
    for (const word of ['one', 'two', 'three']) {
      expect(pty.write(`${word}\n`)).toBe(true);
      await waitForOutput(pty, `${word}\r\n${word}\r\n`);
    }
    pty.write('\x04');
    await waitForExit(pty);
    expect(drains).toBe(0);
  });

  it('drains while output is paused: pause() holds output, not the news about input', async () => {
    const total = 2 * HWM;
    const { pty, go } = slowReader(total, 'wc -c');
    await waitForOutput(pty, 'R');
    pty.pause();
    pasteAll(pty, total);
    go();
    await once(pty, 'drain');
    expect(pty.exited).toBe(false);
    const rest = waitForOutput(pty, String(total));
    pty.resume();
    await rest;
    await waitForExit(pty);
  });

  it("in wake mode, 'drain' comes by itself, without a poll", async () => {
    // A poll interval no test would wait for: only the I/O thread's wake can deliver 'drain'.
    const total = 2 * HWM;
    const { pty, go } = slowReader(total, 'wc -c', { delivery: 'wake', pollInterval: 1_000_000 });
    const done = collect<string>(pty);
    await waitForOutput(pty, 'R');
    pasteAll(pty, total);
    go();
    await once(pty, 'drain');
    const r = await done;
    expect(r.exitCode).toBe(0);
    expect(r.chunks.join('')).toContain(String(total));
  });

  for (const delivery of ['poll', 'wake'] as const) {
    it(`${delivery} mode: 'drain' comes before 'exit' when both arrive in one batch`, async () => {
      // The child reads everything and exits while JavaScript is busy, so the news that input
      // has drained and the exit reach the poller together. A writer awaiting 'drain' must not
      // be left waiting.
      const total = 2 * HWM;
      const { pty, go } = slowReader(total, 'wc -c', { delivery });
      const events: string[] = [];
      pty.on('drain', () => events.push('drain'));
      const exited = waitForExit(pty);
      pty.once('exit', () => events.push('exit'));
      await waitForOutput(pty, 'R');
      pasteAll(pty, total);
      go();
      // Block the event loop until the child has been reaped (its /proc entry is gone), and
      // then a little longer, so that the I/O thread also sees the terminal hang up.
      const deadline = Date.now() + 20_000;
      while (existsSync(`/proc/${pty.pid}`) && Date.now() < deadline) busyWait(5);
      busyWait(200);
      const [code] = await exited;
      expect(code).toBe(0);
      expect(events).toEqual(['drain', 'exit']);
    });
  }

  it('ends the wait when the child exits without reading: \'drain\' just before \'exit\', then write() is a no-op that returns true', async () => {
    const { pty, go } = gatedChild('exit 0');
    await waitForOutput(pty, 'R');
    const events: string[] = [];
    pty.on('drain', () => events.push(`drain (exited: ${pty.exited})`));
    pty.on('exit', () => events.push('exit'));
    let accepted = true;
    for (let offset = 0; offset < 2 * HWM && accepted; offset += PIECE) accepted = pty.write('x'.repeat(PIECE));
    expect(accepted).toBe(false);
    go();
    const [code] = await waitForExit(pty);
    expect(code).toBe(0);
    await quietFor(50);
    // A server that paused its socket until 'drain' is released, and can tell why.
    expect(events).toEqual(['drain (exited: true)', 'exit']);
    expect(pty.write('more')).toBe(true);
  });
});
