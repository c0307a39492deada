/**
 * Flow control and delivery: pause() holds output (the child blocks, memory stays bounded),
 * resume() delivers all of it; wake mode delivers without waiting for a poll.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { addon } from '../../src/native.js';
import {
  busyWait,
  bytesWritten,
  collect,
  firstStalledRoundTrip,
  isAlive,
  quietFor,
  untilBlocked,
  until,
  waitForExit,
  waitForOutput,
} from '../helpers/index.js';

const native = addon();

const HWM = native.highWaterMark;
const PAUSED_HWM = native.pausedHighWaterMark;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'native-pty-flow-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pause() and resume()', () => {
  it('pause() holds the output and blocks the child; resume() delivers every byte, then exit', async () => {
    expect(HWM).toBeGreaterThan(0);
    const size = 4 * HWM;
    const payload = randomBytes(size);
    const file = path.join(dir, 'payload.bin');
    writeFileSync(file, payload);

    const pty = new NativePty('sh', ['-c', `stty raw -echo -iexten && exec head -c ${size} '${file}'`], {
      encoding: null,
    });
    pty.pause();
    const chunks: Buffer[] = [];
    pty.on('data', (d: Buffer) => chunks.push(d));
    const exited = waitForExit(pty);

    const written = await untilBlocked(pty.pid);
    expect(written).toBeLessThan(size);
    expect(chunks).toHaveLength(0);
    expect(pty.exited).toBe(false);
    expect(isAlive(pty.pid)).toBe(true);

    pty.resume();
    const [code, signal] = await exited;
    expect(code).toBe(0);
    expect(signal).toBe(0);
    expect(Buffer.concat(chunks).equals(payload)).toBe(true);
  });

  it('a paused session with an endless writer stays bounded in memory; resume() lets it flow again', async () => {
    const pty = new NativePty('yes', [], { encoding: null });
    pty.pause();
    let received = 0;
    pty.on('data', (d: Buffer) => (received += d.length));
    const rssBefore = process.memoryUsage().rss;

    const written = await untilBlocked(pty.pid);
    // A paused session's buffer stops at its own, smaller high-water mark; the kernel holds a
    // little more (its tty buffer is 64 KiB). Unpaused, the buffer would take 1 MiB first.
    expect(PAUSED_HWM).toBeLessThan(HWM);
    expect(written).toBeLessThan(PAUSED_HWM + 256 * 1024);
    await quietFor(500); // it stays blocked: nothing more written, nothing delivered
    expect(bytesWritten(pty.pid)).toBe(written);
    expect(received).toBe(0);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);

    pty.resume();
    await until(() => received > 2 * HWM, 10_000, 'output to flow again');
    expect(bytesWritten(pty.pid)).toBeGreaterThan(written);
    pty.kill('SIGKILL');
    await waitForExit(pty);
  });

  it('a pause in the middle of a flood holds little: what arrives on resume is the paused high-water mark and the kernel\'s buffer', async () => {
    const pty = new NativePty('yes', [], { encoding: null });
    let received = 0;
    pty.on('data', (d: Buffer) => (received += d.length));
    await until(() => received > 2 * HWM, 10_000, 'the flood');
    pty.pause();
    const atPause = received;
    await untilBlocked(pty.pid);
    expect(received).toBe(atPause);
    // What was held arrives first, in one chunk; then the child runs again.
    const firstChunk = new Promise<number>((resolve) => pty.once('data', (d: Buffer) => resolve(d.length)));
    pty.resume();
    const held = await firstChunk;
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThan(PAUSED_HWM + 256 * 1024);
    pty.kill('SIGKILL');
    await waitForExit(pty);
  });

  it('highWaterMark bounds what is held for a busy event loop before the child is blocked', () => {
    const small = new NativePty('yes', [], { encoding: null, highWaterMark: 16 * 1024 });
    const large = new NativePty('yes', [], { encoding: null });
    // The event loop is busy: nothing is delivered, the I/O thread reads up to each mark.
    busyWait(1500);
    const smallWritten = bytesWritten(small.pid);
    const largeWritten = bytesWritten(large.pid);
    small.kill('SIGKILL');
    large.kill('SIGKILL');
    // yes writes "y\n", the terminal shows "y\r\n": the buffer holds 1.5x what was written.
    expect(smallWritten).toBeLessThan(16 * 1024 + 256 * 1024);
    expect(largeWritten).toBeGreaterThan(HWM / 2);
  });

  it('pause() and resume() are idempotent', async () => {
    const pty = new NativePty('sh', ['-c', 'read x; echo "got $x"']);
    const done = collect<string>(pty);
    pty.pause();
    pty.pause();
    pty.resume();
    pty.resume();
    pty.write('it\n');
    const r = await done;
    expect(r.chunks.join('')).toBe('it\r\ngot it\r\n');
  });
});

describe('handleFlowControl (node-pty compatible)', () => {
  /** A raw-mode child that reads three bytes and prints them in hex. */
  const HEX_OF_THREE = ['-c', 'stty raw -echo; echo R; head -c 3 | od -An -tx1'];

  it("XOFF and XON writes pause and resume output and never reach the child", async () => {
    const pty = new NativePty('sh', HEX_OF_THREE, { handleFlowControl: true });
    const done = collect<string>(pty);
    await waitForOutput(pty, 'R');
    expect(pty.write('\x13')).toBe(true);
    pty.write('abc');
    // The child reads abc (no XOFF among it), prints, exits and is reaped: all held back.
    await until(() => !existsSync(`/proc/${pty.pid}`), 10_000, 'the child to be reaped');
    await quietFor(50); // the exit is held back with the output
    expect(pty.exited).toBe(false);
    expect(pty.write('\x11')).toBe(true);
    const r = await done;
    expect(r.exitCode).toBe(0);
    expect(r.chunks.join('')).toBe('R\n 61 62 63\n');
  });

  it('custom strings; without the option XOFF is input like any other', async () => {
    const custom = new NativePty('sh', HEX_OF_THREE, {
      handleFlowControl: true,
      flowControlPause: '\x1b[pause]',
      flowControlResume: '\x1b[resume]',
    });
    const customDone = collect<string>(custom);
    await waitForOutput(custom, 'R');
    custom.write('\x1b[pause]');
    custom.write('\x13xy');
    await until(() => !existsSync(`/proc/${custom.pid}`), 10_000, 'the child to be reaped');
    expect(custom.exited).toBe(false);
    custom.write('\x1b[resume]');
    expect((await customDone).chunks.join('')).toBe('R\n 13 78 79\n');

    const plain = new NativePty('sh', HEX_OF_THREE);
    expect(plain.handleFlowControl).toBe(false);
    const plainDone = collect<string>(plain);
    await waitForOutput(plain, 'R');
    plain.write('\x13');
    plain.write('\x11z');
    expect((await plainDone).chunks.join('')).toBe('R\n 13 11 7a\n');
  });

  it('can be switched on and off at run time, as node-pty\'s property', async () => {
    const pty = new NativePty('sh', HEX_OF_THREE);
    const done = collect<string>(pty);
    await waitForOutput(pty, 'R');
    pty.handleFlowControl = true;
    pty.write('\x13'); // pauses
    pty.handleFlowControl = false;
    pty.write('\x13'); // input
    pty.handleFlowControl = true;
    pty.write('\x11'); // resumes
    pty.handleFlowControl = false;
    pty.write('\x11a');
    expect((await done).chunks.join('')).toBe('R\n 13 11 61\n');
  });
});

describe("delivery: 'wake'", () => {
  // A poll interval no test would wait for: only a wake from the I/O thread can deliver.
  const NEVER = 1_000_000;

  it('delivers echo and exit without waiting for a poll', async () => {
    const pty = new NativePty('cat', [], { delivery: 'wake', pollInterval: NEVER });
    const done = collect<string>(pty);
    for (const word of ['ping', 'pong', 'again']) {
      pty.write(`${word}\n`);
      await waitForOutput(pty, `${word}\r\n${word}\r\n`);
    }
    pty.write('\x04');
    const r = await done;
    expect(r.exitCode).toBe(0);
  });

  // Each echo comes in two pieces (the terminal's echo, then cat's copy). The I/O thread reads
  // the second while JavaScript may be draining the first; that drain must not swallow the
  // wake the second piece needs. Thousands of round trips make the interleaving certain.
  it('delivers every echo of thousands of round trips', async () => {
    const pty = new NativePty('cat', [], { delivery: 'wake', pollInterval: NEVER });
    const done = collect<string>(pty);
    expect(await firstStalledRoundTrip(pty, 5000)).toBeNull();
    pty.write('\x04');
    expect((await done).exitCode).toBe(0);
  }, 120_000);

  it('delivers a burst completely', async () => {
    const pty = new NativePty('sh', ['-c', 'sleep 0.1; seq 1 20000'], { delivery: 'wake', pollInterval: NEVER });
    const r = await collect<string>(pty);
    const expected = Array.from({ length: 20000 }, (_, i) => `${i + 1}\r\n`).join('');
    expect(r.chunks.join('') === expected).toBe(true);
  });

  it('without it, the echo of typed input still comes at once; output in a busy stretch waits the gap', async () => {
    const slow = new NativePty('cat', [], { pollInterval: NEVER });
    // The terminal's echo wakes at once; cat's copy, read within the gap of that wake, waits
    // for the gap (for ever here) unless it was read together with the echo.
    slow.write('ping\n');
    await waitForOutput(slow, 'ping\r\n');
    slow.kill('SIGKILL');
    await waitForExit(slow);
  });
});
