/**
 * The pure parts of runCommand's output handling: cutting text by UTF-8 bytes without splitting
 * a character or an escape sequence, the head + tail buffer, and the sequence aligner that
 * re-cuts pty batches. The oracle is a corpus built from tokens whose boundaries are known, so
 * these tests do not trust the escape parser they exercise.
 */
import { describe, expect, it } from 'vitest';

import { HeadTailBuffer, omissionMarker } from '../../src/run-command/output-buffer.js';
import { MAX_CARRY, SequenceAligner } from '../../src/run-command/sequence-aligner.js';
import { prefixAtLeast, prefixWithin } from '../../src/run-command/text-cut.js';

const bytesOf = (s: string) => Buffer.byteLength(s, 'utf8');

interface Token {
  text: string;
  sequence: boolean;
}

const TEXT_TOKENS = ['a', 'b', '\n', '\u00e9', '\u20ac', '\u{1F600}', ' '];
const SEQUENCE_TOKENS = [
  '\x1b[31m',
  '\x1b[0m',
  '\x1b[?25l',
  '\x1b[38;5;208m',
  '\x1b]0;t\u00edtle \u{1F600}\x07',
  '\x1b]8;;http://example.com/\x1b\\',
  // 8-bit forms, as UTF-8 decodes them: CSI and a lone C1 control (NEL).
  '\x9b1;32m',
  '\x85',
];

/** A deterministic generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function makeCorpus(count: number, seed: number): Token[] {
  const rnd = random(seed);
  const tokens: Token[] = [];
  for (let i = 0; i < count; i++) {
    const sequence = rnd() < 0.25;
    const pool = sequence ? SEQUENCE_TOKENS : TEXT_TOKENS;
    tokens.push({ text: pool[Math.floor(rnd() * pool.length)]!, sequence });
  }
  return tokens;
}

/** UTF-16 indexes where a cut splits neither a character nor a sequence. */
function safeBoundaries(tokens: Token[]): number[] {
  const out = [0];
  let i = 0;
  for (const t of tokens) {
    i += t.text.length;
    out.push(i);
  }
  return out;
}

/** Splits `text` at random places, including inside characters' surrogate pairs and sequences. */
function randomChunks(text: string, rnd: () => number, maxLen: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(rnd() * maxLen);
    chunks.push(text.slice(i, i + n));
    i += n;
  }
  return chunks;
}

/** Feeds chunks as the run does: aligner first, then buffer. */
function feed(chunks: string[], maxBytes: number, strip = false): HeadTailBuffer {
  const aligner = new SequenceAligner(strip);
  const buffer = new HeadTailBuffer(maxBytes);
  for (const c of chunks) buffer.push(aligner.write(c));
  buffer.push(aligner.end());
  return buffer;
}

function splitOutput(output: string, omitted: number): { head: string; tail: string } {
  if (omitted === 0) return { head: output, tail: '' };
  const marker = omissionMarker(omitted);
  const at = output.indexOf(marker);
  expect(at).toBeGreaterThanOrEqual(0);
  return { head: output.slice(0, at), tail: output.slice(at + marker.length) };
}

describe('prefixWithin / prefixAtLeast', () => {
  it('never separates the halves of a surrogate pair', () => {
    const s = 'a\u{1F600}b';
    expect(prefixWithin(s, 1)).toEqual({ index: 1, bytes: 1 });
    expect(prefixWithin(s, 4)).toEqual({ index: 1, bytes: 1 });
    expect(prefixWithin(s, 5)).toEqual({ index: 3, bytes: 5 });
    expect(prefixAtLeast(s, 2)).toEqual({ index: 3, bytes: 5 });
    expect(prefixAtLeast(s, 6)).toEqual({ index: 4, bytes: 6 });
  });

  it('counts 2- and 3-byte characters and lone surrogates as Buffer does', () => {
    const s = '\u00e9\u20ac\ud800x';
    expect(bytesOf(s)).toBe(2 + 3 + 3 + 1);
    expect(prefixWithin(s, 4)).toEqual({ index: 1, bytes: 2 });
    expect(prefixWithin(s, 8)).toEqual({ index: 3, bytes: 8 });
    expect(prefixAtLeast(s, 3)).toEqual({ index: 2, bytes: 5 });
  });

  it('handles pure ASCII and out-of-range budgets', () => {
    expect(prefixWithin('abcdef', 4)).toEqual({ index: 4, bytes: 4 });
    expect(prefixWithin('abc', 10)).toEqual({ index: 3, bytes: 3 });
    expect(prefixWithin('abc', 0)).toEqual({ index: 0, bytes: 0 });
    expect(prefixAtLeast('abc', 10)).toEqual({ index: 3, bytes: 3 });
  });
});

describe('HeadTailBuffer', () => {
  it('keeps output that fits the budget whole, without a marker', () => {
    const b = new HeadTailBuffer(10);
    b.push('0123');
    b.push('456789');
    expect(b.toString()).toBe('0123456789');
    expect(b.truncated).toBe(false);
    expect(b.totalBytes).toBe(10);
  });

  it('keeps head and tail around a marker that counts the bytes left out', () => {
    const b = new HeadTailBuffer(10);
    for (const c of ['abc', 'defgh', 'ijklmnop', 'qrstuvwxyz']) b.push(c);
    expect(b.toString()).toBe(`abcde${omissionMarker(16)}vwxyz`);
    expect(b.omittedBytes).toBe(16);
    expect(b.totalBytes).toBe(26);
  });

  it('holds memory near the budget while the stream runs', () => {
    const b = new HeadTailBuffer(1000);
    const line = 'x'.repeat(99) + '\n';
    for (let i = 0; i < 20_000; i++) b.push(line);
    const out = b.toString();
    expect(b.omittedBytes).toBe(2_000_000 - 1000);
    expect(bytesOf(out) - bytesOf(omissionMarker(b.omittedBytes))).toBe(1000);
    // What is held, not just what is shown, stays within the budget.
    const held = (b as unknown as { tail: { bytes: number }[] }).tail.reduce((n, c) => n + c.bytes, 0);
    expect(held).toBeLessThanOrEqual(500);
  });

  it.each([1, 7, 40])(
    'over a corpus of characters and sequences, for every budget, cuts only at boundaries, keeps the most it may, and does not depend on chunking (seed %i)',
    (seed) => {
      const tokens = makeCorpus(120, seed);
      const corpus = tokens.map((t) => t.text).join('');
      const total = bytesOf(corpus);
      const safe = safeBoundaries(tokens);
      const safeSet = new Set(safe);
      const rnd = random(seed * 31 + 5);
      for (let max = 1; max <= total + 2; max++) {
        const whole = feed([corpus], max);
        const out = whole.toString();
        const { head, tail } = splitOutput(out, whole.omittedBytes);
        expect(whole.truncated).toBe(total > max);
        if (!whole.truncated) {
          expect(out).toBe(corpus);
          continue;
        }
        expect(corpus.startsWith(head)).toBe(true);
        expect(corpus.endsWith(tail)).toBe(true);
        expect(safeSet.has(head.length)).toBe(true);
        expect(safeSet.has(corpus.length - tail.length)).toBe(true);
        expect(bytesOf(head) + bytesOf(tail)).toBeLessThanOrEqual(max);
        expect(whole.omittedBytes).toBe(total - bytesOf(head) - bytesOf(tail));
        // Maximal: the next safe boundary after the head would overrun half the budget, and
        // the next longer safe suffix would overrun what the head left.
        const headBudget = Math.floor(max / 2);
        const nextHead = safe.find((i) => i > head.length);
        expect(bytesOf(corpus.slice(0, nextHead))).toBeGreaterThan(headBudget);
        const tailStart = corpus.length - tail.length;
        const longerTail = [...safe].reverse().find((i) => i < tailStart)!;
        expect(bytesOf(corpus.slice(longerTail))).toBeGreaterThan(max - bytesOf(head));

        const chunked = feed(randomChunks(corpus, rnd, 9), max);
        expect(chunked.toString()).toBe(out);
        const bytewise = feed(corpus.split(''), max);
        expect(bytewise.toString()).toBe(out);
      }
    },
  );

  it('with a budget of one byte keeps at most one byte', () => {
    const b = new HeadTailBuffer(1);
    b.push('\u00e9\u00e9x');
    expect(b.toString()).toBe(`${omissionMarker(4)}x`);
  });

  it('drops an unterminated sequence at the cut rather than keep a fragment of it', () => {
    // The last chunk may end in an incomplete sequence (the child died mid-sequence).
    const head = new HeadTailBuffer(8);
    head.push('abc\x1b]0;unfinished title');
    expect(head.toString()).toBe(`abc${omissionMarker(bytesOf('\x1b]0;unfinished title'))}`);
  });
});

describe('SequenceAligner', () => {
  it('holds back an escape sequence split across pieces until it is complete', () => {
    const a = new SequenceAligner(false);
    expect(a.write('red: \x1b[3')).toBe('red: ');
    expect(a.write('1mX')).toBe('\x1b[31mX');
    expect(a.write('\x1b')).toBe('');
    expect(a.write(']0;ti')).toBe('');
    expect(a.write('tle\x07done')).toBe('\x1b]0;title\x07done');
    expect(a.end()).toBe('');
  });

  it('strips sequences whatever the chunking', () => {
    const tokens = makeCorpus(400, 3);
    const corpus = tokens.map((t) => t.text).join('');
    const expected = tokens.filter((t) => !t.sequence).map((t) => t.text).join('');
    const rnd = random(99);
    for (const maxLen of [1, 2, 5, 50, 1000]) {
      const a = new SequenceAligner(true);
      const pieces = randomChunks(corpus, rnd, maxLen).map((c) => a.write(c));
      pieces.push(a.end());
      expect(pieces.join('')).toBe(expected);
    }
  });

  it('passes every byte through, in order, when not stripping', () => {
    const corpus = makeCorpus(400, 4).map((t) => t.text).join('');
    const a = new SequenceAligner(false);
    const pieces = randomChunks(corpus, random(5), 7).map((c) => a.write(c));
    pieces.push(a.end());
    expect(pieces.join('')).toBe(corpus);
  });

  it('holds back the first half of a split surrogate pair', () => {
    const a = new SequenceAligner(false);
    expect(a.write('x\ud83d')).toBe('x');
    expect(a.write('\ude00y')).toBe('\u{1F600}y');
    expect(a.write('\ud83d')).toBe('');
    expect(a.end()).toBe('\ud83d');
  });

  it('keeps an unfinished sequence at the end as received, or drops it when stripping', () => {
    const keep = new SequenceAligner(false);
    expect(keep.write('x\x1b[3')).toBe('x');
    expect(keep.end()).toBe('\x1b[3');
    const strip = new SequenceAligner(true);
    expect(strip.write('x\x1b[3')).toBe('x');
    expect(strip.end()).toBe('');
  });

  it('does not hold back more than MAX_CARRY', () => {
    const a = new SequenceAligner(false);
    const open = '\x1b]0;' + 'y'.repeat(MAX_CARRY);
    let passed = a.write(open.slice(0, 100));
    for (let i = 100; i < open.length; i += 1000) passed += a.write(open.slice(i, i + 1000));
    expect(passed.length).toBeGreaterThan(0);
    expect(passed + a.end()).toBe(open);
  });
});
