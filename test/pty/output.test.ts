/**
 * Output integrity: every byte the child wrote arrives, in order, before 'exit' — also when the
 * event loop is busy at the moment the child exits (where node-pty loses the tail).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { busyWait, collect, run, runRaw, waitForOutput } from '../helpers/index.js';

const RAW = 'stty raw -echo -iexten';
let dir: string;
let textFile: string;
let text: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'native-pty-output-'));
  const lines: string[] = [];
  for (let i = 0, size = 0; size < 300 * 1024; i++) {
    const line = `line ${String(i).padStart(6, '0')} ${'abcdefghijklmnopqrstuvwxyz0123456789'.slice(i % 36)}\n`;
    lines.push(line);
    size += line.length;
  }
  text = lines.join('');
  textFile = path.join(dir, 'out.txt');
  writeFileSync(textFile, text);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the terminal makes of `text` in its default (cooked) mode: ONLCR turns \n into \r\n. */
const cooked = (s: string): string => s.replaceAll('\n', '\r\n');

describe('300 KB of output', () => {
  it('arrives exactly and entirely before exit, 20 times in a row', async () => {
    expect(text.length).toBeGreaterThanOrEqual(300 * 1024);
    for (let i = 0; i < 20; i++) {
      const r = await run('cat', [textFile]);
      expect(r.exitCode).toBe(0);
      expect(r.signal).toBe(0);
      expect(r.output.length).toBe(cooked(text).length);
      expect(r.output === cooked(text)).toBe(true);
    }
  });

  it('arrives exactly when the event loop is busy for 300 ms while the child exits', async () => {
    for (let i = 0; i < 5; i++) {
      const pty = new NativePty('cat', [textFile]);
      const done = collect<string>(pty);
      // cat writes everything and exits while JavaScript cannot run at all.
      busyWait(300);
      const r = await done;
      expect(r.exitCode).toBe(0);
      expect(r.dataAfterExit).toBe(false);
      expect(r.chunks.join('') === cooked(text)).toBe(true);
    }
  });

  it('arrives exactly when the loop is blocked from before the child starts writing until after it exits', async () => {
    for (let i = 0; i < 5; i++) {
      const pty = new NativePty('sh', ['-c', `sleep 0.1; cat '${textFile}'`]);
      const done = collect<string>(pty);
      busyWait(300);
      const r = await done;
      expect(r.exitCode).toBe(0);
      expect(r.dataAfterExit).toBe(false);
      expect(r.chunks.join('') === cooked(text)).toBe(true);
    }
  });

  it('arrives exactly as Buffers with encoding: null', async () => {
    const r = await runRaw('cat', [textFile]);
    expect(r.exitCode).toBe(0);
    expect(r.output.equals(Buffer.from(cooked(text)))).toBe(true);
  });
});

describe('UTF-8 split across reads', () => {
  // 2-, 3- and 4-byte characters, each split at every inner byte boundary.
  const chars = ['é', '€', '😀'];
  const octal = (b: Buffer): string => [...b].map((x) => '\\' + x.toString(8).padStart(3, '0')).join('');
  const pieces: Buffer[] = [];
  for (const c of chars) {
    const bytes = Buffer.from(c);
    for (let k = 1; k < bytes.length; k++) pieces.push(bytes.subarray(0, k), bytes.subarray(k));
  }
  // A pause longer than many poll intervals between the pieces, so they are drained apart.
  const script = pieces.map((p) => `printf '${octal(p)}'; sleep 0.05`).join('; ');
  const expected = chars.flatMap((c) => Array.from({ length: Buffer.from(c).length - 1 }, () => c)).join('');

  it('the raw stream really is split in the middle of characters', async () => {
    const pty = new NativePty('sh', ['-c', script], { encoding: null, pollInterval: 1 });
    const r = await collect<Buffer>(pty);
    expect(Buffer.concat(r.chunks).toString('utf8')).toBe(expected);
    // Chunks that end inside a multi-byte sequence (a lead or continuation byte that is not last).
    const splitInside = r.chunks.filter((c) => {
      const s = c.toString('utf8');
      return s.endsWith('\ufffd') || s.startsWith('\ufffd');
    });
    expect(splitInside.length).toBeGreaterThan(0);
  });

  it('arrives as whole characters, never U+FFFD', async () => {
    const pty = new NativePty('sh', ['-c', script], { pollInterval: 1 });
    const r = await collect<string>(pty);
    expect(r.chunks.join('')).toBe(expected);
    for (const chunk of r.chunks) expect(chunk).not.toContain('\ufffd');
    // Every chunk is valid on its own: no lone surrogate halves of the 4-byte character.
    const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    for (const chunk of r.chunks) expect(loneSurrogate.test(chunk)).toBe(false);
  });

  it('gives exactly the text of decoding the whole stream at once, for 4 MiB of random bytes', async () => {
    // Random bytes hold every kind of broken sequence, split wherever reads and pieces fall:
    // each must decode as it would in one piece (one U+FFFD per maximal invalid subpart).
    const file = path.join(dir, 'random.bin');
    const bytes = randomBytes(4 * 1024 * 1024);
    writeFileSync(file, bytes);
    const pty = new NativePty('sh', ['-c', `${RAW}; cat '${file}'`]);
    const r = await collect<string>(pty);
    expect(r.exitCode).toBe(0);
    expect(r.chunks.join('') === bytes.toString('utf8')).toBe(true);
  });

  it('gives the same text where pieces are plain ASCII and where they are not, side by side', async () => {
    // ASCII-only pieces take another way into V8 (as Latin-1, which is ASCII's superset); a
    // byte of 0x80 or more must never take it. Stretches of ASCII longer than a piece, then a
    // few random bytes (often cut characters), so that both kinds of piece meet at every offset.
    const parts: Buffer[] = [];
    for (let i = 0; i < 48; i++) {
      parts.push(Buffer.alloc(33 * 1024 + i * 97, String.fromCharCode(0x21 + (i % 90))), randomBytes(1 + (i % 7)));
    }
    const bytes = Buffer.concat(parts);
    const file = path.join(dir, 'mixed.bin');
    writeFileSync(file, bytes);
    const pty = new NativePty('sh', ['-c', `${RAW}; cat '${file}'`]);
    const r = await collect<string>(pty);
    expect(r.exitCode).toBe(0);
    expect(r.chunks.join('') === bytes.toString('utf8')).toBe(true);
  });

  it('comes in pieces of at most 32 KiB, cut between characters, for 1 MiB drained at once', async () => {
    // One ASCII byte first, so that 32 KiB boundaries fall inside the 2- and 3-byte characters;
    // the pty is drained only after the child has written it all.
    const body = 'x' + 'é€'.repeat(1024 * 1024 / 5);
    const file = path.join(dir, 'wide.txt');
    writeFileSync(file, body);
    const pty = new NativePty('sh', ['-c', `${RAW}; cat '${file}'`], { pollInterval: 1000 });
    const r = await collect<string>(pty);
    expect(r.chunks.join('') === body).toBe(true);
    for (const chunk of r.chunks) expect(Buffer.byteLength(chunk)).toBeLessThanOrEqual(32 * 1024);
    expect(r.chunks.length).toBeGreaterThanOrEqual(Buffer.byteLength(body) / (32 * 1024));
    for (const chunk of r.chunks) expect(chunk).not.toContain('\ufffd');
  });

  it.each(['utf-8', 'UTF-8', 'Utf8'])('encoding %j is UTF-8 too: strings, characters whole', async (encoding) => {
    const pty = new NativePty('sh', ['-c', script], { encoding: encoding as BufferEncoding, pollInterval: 1 });
    const r = await collect<string>(pty);
    expect(r.chunks.every((c) => typeof c === 'string')).toBe(true);
    expect(r.chunks.join('')).toBe(expected);
    for (const chunk of r.chunks) expect(chunk).not.toContain('\ufffd');
  });

  it('an incomplete character at exit is flushed before exit, not held back', async () => {
    const r = await run('sh', ['-c', `printf 'ok\\342\\202'`]);
    expect(r.exitCode).toBe(0);
    expect(r.output).toBe('ok\ufffd');
  });
});

describe('binary data', () => {
  it('all 256 byte values round trip with encoding: null', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const pty = new NativePty('sh', ['-c', `${RAW} && printf R && head -c 256`], { encoding: null });
    const done = collect<Buffer>(pty);
    await waitForOutput(pty, 'R');
    pty.write(all);
    const r = await done;
    expect(r.exitCode).toBe(0);
    const out = Buffer.concat(r.chunks);
    expect(out.subarray(0, 1).toString()).toBe('R');
    expect(out.subarray(1).equals(all)).toBe(true);
  });

  it('Buffers come in pieces of at most 32 KiB, each its own copy', async () => {
    const file = path.join(dir, 'bytes.bin');
    const bytes = randomBytes(2 * 1024 * 1024);
    writeFileSync(file, bytes);
    const pty = new NativePty('sh', ['-c', `${RAW}; cat '${file}'`], { encoding: null, pollInterval: 1000 });
    const r = await collect<Buffer>(pty);
    for (const chunk of r.chunks) expect(chunk.length).toBeLessThanOrEqual(32 * 1024);
    // Kept chunks are never written over by later output.
    expect(Buffer.concat(r.chunks).equals(bytes)).toBe(true);
  });

  it('a 1 MiB single write to a raw-mode cat is echoed back exactly', async () => {
    const size = 1024 * 1024;
    const payload = randomBytes(size);
    const pty = new NativePty('sh', ['-c', `${RAW} && printf R && exec head -c ${size}`], { encoding: null });
    const done = collect<Buffer>(pty);
    await waitForOutput(pty, 'R');
    pty.write(payload);
    const r = await done;
    expect(r.exitCode).toBe(0);
    const out = Buffer.concat(r.chunks).subarray(1);
    expect(out.length).toBe(size);
    expect(out.equals(payload)).toBe(true);
  });

  it('strings are written as UTF-8 and read back whole', async () => {
    const input = 'héllo €uro 😀 ok';
    const pty = new NativePty('sh', ['-c', `${RAW} && printf R && head -c ${Buffer.byteLength(input)}`]);
    const done = collect<string>(pty);
    await waitForOutput(pty, 'R');
    pty.write(input);
    const r = await done;
    expect(r.chunks.join('')).toBe('R' + input);
  });

  it('another encoding applies both ways: latin1 strings are written and read as latin1', async () => {
    const input = 'caf\u00e9 \u00ff\u0080';
    const pty = new NativePty('sh', ['-c', `${RAW} && printf R && head -c ${input.length}`], { encoding: 'latin1' });
    const done = collect<string>(pty);
    await waitForOutput(pty, 'R');
    pty.write(input);
    const r = await done;
    expect(r.chunks.join('')).toBe('R' + input);
  });
});
