/**
 * The detector reads big chunks sparsely (only lines that can matter) and small ones in full.
 * Fed one character at a time it always reads in full, so that is the reference the sparse
 * reading of the same stream, in chunks of any size, must agree with.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityDetector } from '../../src/activity/index.js';
import { every, feedInChunks as run, makeRandom, randomCuts } from '../fixtures/activity/chunked.js';
import { formats, ordinaryLines } from '../fixtures/activity/styles.js';

const ESC = '\x1b';
const detectors: ActivityDetector[] = [];
afterEach(() => {
  for (const d of detectors.splice(0)) d.dispose();
});


/**
 * A session's worth of output: full-screen repaints with no newline, logs, statuses. Every status
 * is followed by a line break of some kind, as the next frame of a spinner would be; a status
 * line that goes on with other text is none, which only a reader seeing it half-drawn could miss.
 */
function stream(seed: number, size: number): { text: string; drawn: number } {
  const { rand, pick } = makeRandom(seed);
  let text = '';
  let drawn = 0;
  const timed = formats.filter((f) => /\d+s/.test(f.line));
  const status = () => {
    drawn++;
    return pick(timed).line.replace(/\d+s/, `${drawn}s`);
  };
  while (text.length < size) {
    switch (rand(8)) {
      case 0: // a full-screen repaint: cursor positioning only, for thousands of characters
        for (let row = 0; row < 40 + rand(80); row++) {
          text += `${ESC}[${row + 1};1H${ESC}[38;5;${rand(256)}m${pick(ordinaryLines)}${ESC}(B${ESC}[m${ESC}[K`;
        }
        break;
      case 1: // a status drawn somewhere on that screen
        text += `${ESC}[${1 + rand(40)};1H${ESC}[2K${ESC}[1m${status()}${ESC}[0m${ESC}[K${ESC}[H`;
        break;
      case 2: // a status redrawn with \r (what follows starts with \r too, as the next frame would)
        text += `\r${ESC}[2K${status()}\r`;
        break;
      case 3: // ink style: cursor up and column 1
        text += `${ESC}[2K${ESC}[1A${ESC}[2K${ESC}[G${status()}\n`;
        break;
      case 4: // lines that have an anchor but are not statuses
        text += `${pick(['Loading… (please wait)', 'npm ci... (3s)', 'press esc to cancel', '⏺ Read(a.ts)'])}\r\n`;
        break;
      case 5: // a title that reads like a status
        text += `${ESC}]0;✻ Crafting… (999s)\x07`;
        break;
      case 6: // cursor-forward as spaces between words
        text += `${ESC}[5;1H✻${ESC}[1CWorking…${ESC}[1C(${++drawn}s${ESC}[1C·${ESC}[1Cesc${ESC}[1Cto${ESC}[1Cinterrupt)${ESC}[K${ESC}[H`;
        break;
      default:
        for (let i = 0; i < 1 + rand(30); i++) text += pick(ordinaryLines) + '\n';
    }
  }
  return { text, drawn };
}



describe('ActivityDetector: sparse reading agrees with reading every character', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`stream ${seed}`, () => {
      const { text, drawn } = stream(seed * 7919, 300_000);
      const reference = run(text, every(1));
      // Every status drawn is seen once; the titles that read like a status never are.
      expect(reference.seen.length).toBe(drawn);
      expect(reference.seen.some((s) => s.endsWith('@999'))).toBe(false);

      expect(run(text, () => []).seen, 'whole').toEqual(reference.seen);
      expect(run(text, every(65_536)).seen, '64 KiB chunks').toEqual(reference.seen);
      expect(run(text, every(4_093)).seen, '4093-character chunks').toEqual(reference.seen);
      const random = run(text, randomCuts(seed, 20_000));
      expect(random.seen, 'random chunks').toEqual(reference.seen);
      expect(random.last).toEqual(reference.last);
    });
  }

  it('is meaningful output when a long repaint has visible text only at its end', () => {
    const d = new ActivityDetector();
    detectors.push(d);
    d.feed(`${ESC}[?25l${ESC}[H`.repeat(2000) + `${ESC}[10;1Hready`);
    expect(d.active).toBe(true);
  });

  it('is not meaningful output when a long repaint has nothing visible', () => {
    const d = new ActivityDetector();
    detectors.push(d);
    d.feed(`${ESC}[?25l${ESC}[H${ESC}[K${ESC}[0m`.repeat(2000));
    expect(d.active).toBe(false);
  });
});
