/**
 * Big chunks are searched and read only where a status line can be (the first lines, around
 * anchors, the last line), never further than the longest line that can be one. These tests
 * feed output built to meet those bounds (lines around the length limits, statuses right after
 * long runs without any newline, titles, cursor moves) in big chunks, and compare with reading
 * the same stream in small pieces, which are read character by character.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityDetector } from '../../src/activity/index.js';
import { every, feedInChunks as run, makeRandom, randomCuts } from '../fixtures/activity/chunked.js';
import { formats, ordinaryLines } from '../fixtures/activity/styles.js';

const ESC = '\x1b';
/** The limits in src/activity/line-protocol.ts: visible and raw length of a line. */
const MAX_LINE = 2048;
const MAX_RAW_LINE = 32 * 1024;
const detectors: ActivityDetector[] = [];
afterEach(() => {
  for (const d of detectors.splice(0)) d.dispose();
});


/** Printable ASCII with no line break, like the throughput benchmark's file. */
function printable(rand: (n: number) => number, length: number): string {
  const codes = new Array<number>(length);
  for (let i = 0; i < length; i++) codes[i] = 0x20 + rand(95);
  let out = '';
  for (let i = 0; i < length; i += 8192) out += String.fromCharCode(...codes.slice(i, i + 8192));
  return out;
}

/** Status lines whose every character fits in one byte, so that the chunk may too. */
const oneByte = ['* Working... (Ns, esc to cancel)', '+ Thinking... (Ns)', '- Building (Ns, esc to interrupt)'];

/**
 * Output that meets the sparse reader's bounds. Every status is followed by a line break, as the
 * next frame of a spinner would be (a status line that goes on with other text is none, which
 * only a reader that sees it half-drawn could take for one).
 */
function stream(seed: number, size: number, onlyOneByte = false): string {
  const { rand, pick } = makeRandom(seed);
  const timed = formats.filter((f) => /\d+s/.test(f.line)).map((f) => f.line);
  let drawn = 0;
  const status = () => {
    drawn++;
    const line = onlyOneByte || rand(4) === 0 ? pick(oneByte).replace('N', '0') : pick(timed);
    return line.replace(/\d+s/, `${drawn}s`);
  };
  const run = () => printable(rand, pick([1 + rand(300), 1000 + rand(7000), MAX_RAW_LINE - 4000 + rand(8000), 60_000 + rand(140_000)]));
  let text = '';
  while (text.length < size) {
    switch (rand(12)) {
      case 0: // a long run, then a status redrawn with \r only
        text += `${run()}\r${status()}\r`;
        break;
      case 1: // a status positioned on the screen, inside a long repaint without newlines
        text += `${run()}${ESC}[${1 + rand(40)};1H${ESC}[2K${ESC}[1m${status()}${ESC}[0m${ESC}[K${ESC}[H${run()}`;
        break;
      case 2: // ink style: cursor up, column 1, then a newline
        text += `${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[G${status()}\n`;
        break;
      case 3: // padded to around the longest visible line a status can be on
        text += `\r${' '.repeat(MAX_LINE - 60 + rand(40))}${status()}\r`;
        break;
      case 4: // colour codes make the raw line long, the visible one short
        text += `\r${`${ESC}[0m`.repeat(rand(6000))}${status()}\r`;
        break;
      case 5: // titles and hyperlinks that read like a status
        text += `${ESC}]0;✻ Crafting… (999s)\x07${ESC}]8;;https://x.test/${'y'.repeat(rand(3000))}\x07link (1s)…${ESC}]8;;\x07\r`;
        break;
      case 6: // cursor-forward as spaces between words
        text += `\r✻${ESC}[1CWorking…${ESC}[1C(${drawn++}s${ESC}[1C·${ESC}[1Cesc${ESC}[1Cto${ESC}[1Cinterrupt)${ESC}[K\r`;
        break;
      case 7: // anchors on lines too long to matter
        text += `\r${printable(rand, MAX_LINE + rand(40_000))}... (3s) esc to cancel${run()}\r`;
        break;
      case 8: // a status at the very end of a long run, then a newline
        text += `${run()}\n${status()}\n`;
        break;
      case 9: // a full-screen repaint
        for (let row = 0; row < 40 + rand(80); row++) {
          text += `${ESC}[${row + 1};1H${ESC}[38;5;${rand(256)}m${pick(ordinaryLines)}${ESC}(B${ESC}[m${ESC}[K`;
        }
        break;
      case 10: // a long title, longer than an escape sequence that is kept across chunks
        text += `${ESC}]2;✻ Crafting… (998s) ${printable(rand, 300 + rand(5000)).replace(/[\x07]/g, '')}\x07`;
        break;
      default:
        for (let i = 0; i < 1 + rand(30); i++) text += pick(ordinaryLines) + '\n';
    }
  }
  return text;
}



describe('ActivityDetector: big chunks are read sparsely and agree with small pieces', () => {
  for (const [seed, oneByteOnly] of [
    [11, false],
    [12, false],
    [13, false],
    [14, true],
    [15, true],
  ] as const) {
    it(`stream ${seed}${oneByteOnly ? ' (one-byte statuses only)' : ''}`, () => {
      const text = stream(seed * 104_729, 3_000_000, oneByteOnly);
      // Pieces this small are read character by character.
      const reference = run(text, every(4000));
      expect(reference.seen.length).toBeGreaterThan(20);
      expect(reference.seen.some((s) => /@99[89]$/.test(s))).toBe(false);

      expect(run(text, () => []).seen, 'whole').toEqual(reference.seen);
      expect(run(text, every(1 << 20)).seen, '1 MiB chunks').toEqual(reference.seen);
      expect(run(text, every(65_536)).seen, '64 KiB chunks').toEqual(reference.seen);
      expect(run(text, every(4097)).seen, 'chunks just big enough to be searched').toEqual(reference.seen);
      const random = run(text, randomCuts(seed, 300_000));
      expect(random.seen, 'random chunks').toEqual(reference.seen);
      expect(random.last).toEqual(reference.last);
    });
  }

  it('reads small pieces the way it reads single characters', () => {
    const text = stream(7, 200_000);
    expect(run(text, every(4000)).seen).toEqual(run(text, every(1)).seen);
  });
});

describe('ActivityDetector: statuses in big chunks', () => {
  const big = (seed: number) => printable(makeRandom(seed).rand, 1 << 20);

  function statuses(...chunks: string[]): number[] {
    const d = new ActivityDetector();
    detectors.push(d);
    const seen: number[] = [];
    d.on('activity', (e) => e.status && seen.push(e.status.seconds));
    for (const c of chunks) d.feed(c);
    return seen;
  }

  it('finds a status redrawn with \\r only, at the end of a MiB without newlines', () => {
    expect(statuses(`${big(1)}\r* Working... (5s, esc to cancel)`)).toEqual([5]);
    expect(statuses(big(2), `${big(3)}\r✻ Crafting… (6s)`)).toEqual([6]);
  });

  it('finds one after \\v or \\f near the end of a chunk', () => {
    expect(statuses(`${big(4)}\x0b✻ Crafting… (7s)`)).toEqual([7]);
    expect(statuses(`${big(5)}\x0c✻ Crafting… (8s)\r${'z'.repeat(100)}`)).toEqual([8]);
  });

  it('finds each status drawn in the middle of a MiB of repaint', () => {
    const { rand } = makeRandom(9);
    let text = '';
    for (let s = 1; s <= 5; s++) text += `${printable(rand, 200_000)}${ESC}[3;1H✻ Crafting… (${s}s)${ESC}[K${ESC}[H`;
    expect(statuses(text)).toEqual([1, 2, 3, 4, 5]);
  });

  it('takes no status from a line just over the longest a status can be on', () => {
    const at = (pad: number) => statuses(`${big(6)}\r${' '.repeat(pad)}✻ Crafting… (9s)\r${big(7)}`);
    const line = '✻ Crafting… (9s)'.length;
    expect(at(MAX_LINE - line)).toEqual([9]);
    expect(at(MAX_LINE - line + 1)).toEqual([]);
  });

  it('skips a title with an anchor in it, in the middle of a big chunk', () => {
    expect(statuses(`${big(8)}${ESC}]0;✻ Crafting… (999s)\x07${big(9)}\r✻ Crafting… (4s)\r`)).toEqual([4]);
  });
});
