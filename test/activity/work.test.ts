/**
 * How much work detection does, counted rather than timed (see fixtures/activity/work-meter.ts):
 * a big chunk must cost a few native searches and a bounded amount of reading in JavaScript, not
 * a read of every character, and a line that grows across many feeds must not be read again in
 * full at each one. Time only bounds hangs here.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityDetector } from '../../src/activity/index.js';
import { meterWork, type Work } from '../fixtures/activity/work-meter.js';

const ESC = '\x1b';
const MiB = 1 << 20;
const detectors: ActivityDetector[] = [];
afterEach(() => {
  for (const d of detectors.splice(0)) d.dispose();
});

function detector() {
  const d = new ActivityDetector();
  detectors.push(d);
  const seen: number[] = [];
  d.on('activity', (e) => e.status && seen.push(e.status.seconds));
  return { d, seen };
}

/** Printable ASCII without any line break, as `cat` of the throughput benchmark's file gives. */
function printable(length: number, seed: number): string {
  let x = seed;
  const codes = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    codes[i] = 0x20 + ((x >>> 0) % 95);
  }
  let out = '';
  for (let i = 0; i < length; i += 8192) out += String.fromCharCode(...codes.slice(i, i + 8192));
  // Flat, as a decoder makes it: not a tree of concatenations.
  return Buffer.from(out).toString();
}

function feedAll(chunks: string[]): { work: Work; seen: number[]; bytes: number } {
  const { d, seen } = detector();
  const work = meterWork(() => {
    for (const c of chunks) d.feed(c);
  });
  return { work, seen, bytes: chunks.reduce((n, c) => n + c.length, 0) };
}

function split(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

describe('ActivityDetector work on a long stream without newlines', () => {
  const chunks = Array.from({ length: 16 }, (_, i) => printable(MiB, i + 1));
  chunks.push(`${printable(MiB, 99)}\r* Working... (5s, esc to cancel)`);

  it('reads a bounded part of each MiB chunk in JavaScript, and searches it a few times', () => {
    const started = Date.now();
    const { work, seen, bytes } = feedAll(chunks);
    expect(Date.now() - started, 'hang guard').toBeLessThan(60_000);
    expect(seen).toEqual([5]);
    // Reading every character, once, would be 17 Mi reads; the end of each chunk is all it reads.
    expect(work.reads).toBeLessThan(chunks.length * 1024);
    // Three native searches of each chunk (\n, ESC, \r), and a little more near its end.
    expect(work.scanned).toBeLessThan(3.2 * bytes);
  });

  it('does the same work per byte however the stream is cut, so it grows linearly', () => {
    const text = chunks.slice(0, 8).join('');
    const cut = (size: number) => {
      const { work, bytes } = feedAll(split(text, size));
      return { readsPerFeed: work.reads / Math.ceil(bytes / size), scannedPerByte: work.scanned / bytes };
    };
    const big = cut(MiB);
    const half = cut(MiB / 2);
    const small = cut(64 * 1024);
    for (const c of [big, half, small]) expect(c.readsPerFeed).toBeLessThan(1024);
    // The native searches cost the same per byte; near its end a chunk is searched a little more,
    // which shows when chunks are small.
    expect(half.scannedPerByte).toBeLessThan(big.scannedPerByte * 1.1);
    expect(small.scannedPerByte).toBeLessThan(big.scannedPerByte * 1.5);
  });

  it('reads each character once when fed in small pieces, never the carried-over line again', () => {
    const text = chunks[0]!;
    const { work, bytes } = feedAll(split(text, 1000));
    // Small pieces are read character by character: once each.
    expect(work.reads).toBeLessThan(1.05 * bytes);
    expect(work.scanned).toBeLessThan(1.05 * bytes);
  });
});

describe('ActivityDetector work on a line that grows across many feeds', () => {
  /** Work for the characters of `line` from `from` to `to`, fed one at a time after the rest. */
  function growing(line: string, from: number, to: number, step = 1): Work {
    const { d } = detector();
    for (let i = 0; i < from; i += step) d.feed(line.slice(i, Math.min(i + step, from)));
    return meterWork(() => {
      for (let i = from; i < to; i += step) d.feed(line.slice(i, Math.min(i + step, to)));
    });
  }

  it.each([
    ['plain text', 'x'.repeat(2000)],
    ['a parenthesis', `✻ Crafting… (${'y'.repeat(1990)}`],
    ['words and spaces', 'lorem ipsum '.repeat(170)],
    ['colour codes', `${ESC}[1mword${ESC}[0m `.repeat(300)],
  ])('costs the same per character late in a line as early: %s', (_what, line) => {
    const early = growing(line, 300, 800);
    const late = growing(line, 1400, 1900);
    // Each feed reads what it adds; rereading the carried line would make late feeds cost
    // three to five times as much as early ones.
    expect(late.reads).toBeLessThan(early.reads * 1.2 + 100);
    expect(late.scanned).toBeLessThan(early.scanned * 1.2 + 1000);
    expect(late.reads + late.scanned).toBeLessThan(500 * 40);
  });

  it('still finds the status that the line becomes', () => {
    const { d, seen } = detector();
    const line = `${' '.repeat(1500)}✻ Crafting… (12s · esc to interrupt)`;
    for (const ch of line) d.feed(ch);
    expect(seen).toEqual([12]);
  });
});

describe('ActivityDetector work on other big chunks', () => {
  const words = ['server', 'request', 'cache', 'user', 'session', 'token', 'worker', 'queue'];

  function tui(statusOnEveryRow: boolean): string[] {
    const out: string[] = [];
    for (let k = 0; k < 4; k++) {
      let s = '';
      for (let frame = 0; s.length < MiB; frame++) {
        for (let row = 1; row <= 40; row++) {
          const word = words[(frame + row) % words.length]!;
          s += `${ESC}[${row};1H${ESC}[38;5;${(frame * row) % 256}m${word.padEnd(12)}${ESC}[0m │ ${row}% ${statusOnEveryRow ? '…' : ''}${ESC}[K`;
        }
        s += `${ESC}[41;1H✻ Crafting… (${k * 10_000 + frame}s · esc to interrupt)${ESC}[K`;
      }
      out.push(Buffer.from(s.slice(0, MiB)).toString());
    }
    return out;
  }

  /** The same text in pieces small enough to be read character by character. */
  const inFull = (chunks: string[]) => feedAll(split(chunks.join(''), 4000));

  it('reads no more of a full-screen repaint than reading all of it, and finds every frame', () => {
    const chunks = tui(false);
    const sparse = feedAll(chunks);
    const full = inFull(chunks);
    expect(sparse.seen.length).toBeGreaterThan(4 * 300);
    expect(sparse.seen).toEqual(full.seen);
    expect(sparse.work.reads).toBeLessThan(1.1 * full.work.reads);
    expect(full.work.reads).toBeLessThan(2 * full.bytes);
  });

  it('reads no more of a repaint with an anchor on every row than reading all of it', () => {
    const chunks = tui(true);
    const sparse = feedAll(chunks);
    const full = inFull(chunks);
    expect(sparse.work.reads).toBeLessThan(1.1 * full.work.reads);
  });

  it('reads little of long lines with newlines, beyond searching them', () => {
    const text = split(printable(4 * MiB, 7), 9999).join('\n');
    const { work, bytes } = feedAll(split(text, MiB));
    expect(work.reads).toBeLessThan(0.05 * bytes);
    expect(work.scanned).toBeLessThan(8 * bytes);
  });
});
