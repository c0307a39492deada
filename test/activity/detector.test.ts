import { afterEach, describe, expect, it } from 'vitest';
import { ActivityDetector, type AgentStatus } from '../../src/activity/index.js';
import { disposeRecorded, recordingDetector as detector } from '../fixtures/activity/recorder.js';
import { formats, ordinaryLines, styles } from '../fixtures/activity/styles.js';

const ESC = '\x1b';

afterEach(() => {
  disposeRecorded();
});

/** Feeds `text` in the pieces given by cut positions. */
function feedCut(d: ActivityDetector, text: string, cuts: number[]): void {
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    d.feed(text.slice(from, cut));
    from = cut;
  }
}

/** Every distinct status (by seconds and action) in the order seen. */
function distinct(statuses: AgentStatus[]): string[] {
  const out: string[] = [];
  for (const s of statuses) {
    const key = `${s.action}@${s.seconds}`;
    if (out[out.length - 1] !== key) out.push(key);
  }
  return out;
}

describe('ActivityDetector: every format in every style, however it is split', () => {
  for (const [style, dress] of Object.entries(styles)) {
    describe(style, () => {
      it.each(formats.map((f) => [f.line, f]))('%s', (_line, fixture) => {
        const expected = { ...fixture.status, text: fixture.line };
        // Surrounded by ordinary output, as it would be in a session.
        const text = `$ claude\n${ESC}[2mtip: use /help${ESC}[0m\n${dress(fixture.line)}\n\n> `;

        const whole = detector();
        whole.d.feed(text);
        expect(whole.statuses()).toEqual([expected]);
        expect(whole.d.status).toEqual(expected);
        expect(whole.d.active).toBe(true);

        for (let cut = 0; cut <= text.length; cut++) {
          const split = detector();
          feedCut(split.d, text, [cut]);
          expect(split.statuses(), `split at ${cut}`).toEqual([expected]);
          split.d.dispose();
        }

        const chars = detector();
        for (let i = 0; i < text.length; i++) chars.d.feed(text[i]!);
        expect(chars.statuses()).toEqual([expected]);
      });
    });
  }

  it('recognises a status split at every pair of offsets', () => {
    const text = `${ESC}]0;t\x07\r${ESC}[38;5;174m✻${ESC}[39m Crafting… ${ESC}[2m(5s · ${ESC}[1m↑${ESC}[22m 1.0k tokens)${ESC}[0m`;
    for (let a = 0; a <= text.length; a++) {
      for (let b = a; b <= text.length; b++) {
        const { d, statuses } = detector();
        feedCut(d, text, [a, b]);
        expect(statuses().map((s) => s.text), `cuts ${a}, ${b}`).toEqual(['✻ Crafting… (5s · ↑ 1.0k tokens)']);
        d.dispose();
      }
    }
  });
});

describe('ActivityDetector: redraws', () => {
  const frame = (glyph: string, s: number) =>
    `\r${ESC}[2K${ESC}[38;5;174m${glyph}${ESC}[39m Crafting… ${ESC}[2m(${s}s · esc to interrupt)${ESC}[22m`;

  it('follows a line rewritten with \\r, one event per change', () => {
    const { d, events, statuses } = detector();
    d.feed(frame('✻', 1));
    d.feed(frame('✽', 1));
    d.feed(frame('✶', 2) + frame('✳', 3));
    expect(distinct(statuses())).toEqual(['Crafting@1', 'Crafting@2', 'Crafting@3']);
    expect(events).toHaveLength(3);
    expect(events.every((e) => e.active)).toBe(true);
  });

  it('does not emit for a new spinner frame alone, but status shows the latest frame', () => {
    const { d, events } = detector();
    for (const glyph of ['·', '✢', '✳', '✶', '✻', '✽']) d.feed(frame(glyph, 4));
    expect(events).toHaveLength(1);
    expect(events[0]!.status?.indicator).toBe('·');
    expect(d.status?.indicator).toBe('✽');
  });

  it('does not emit when the same frame is drawn again', () => {
    const { d, events } = detector();
    for (let i = 0; i < 10; i++) d.feed(frame('✻', 9));
    expect(events).toHaveLength(1);
  });

  it('follows cursor-up redraws of a multi-line frame as ink draws them', () => {
    const { d, statuses } = detector();
    const box = '╭────────╮\n│ > hi   │\n╰────────╯\n';
    let out = '';
    for (let s = 1; s <= 5; s++) {
      // Erase the previous frame line by line going up, then draw the new one.
      if (s > 1) out += `${ESC}[2K${ESC}[1A`.repeat(4) + `${ESC}[2K${ESC}[G`;
      out += `${ESC}[38;5;174m✻${ESC}[39m Crafting… (${s}s · ↑ ${s}.0k tokens · esc to interrupt)\n` + box;
    }
    d.feed(out);
    expect(distinct(statuses())).toEqual(['Crafting@1', 'Crafting@2', 'Crafting@3', 'Crafting@4', 'Crafting@5']);
    expect(d.status?.tokens).toBe(5000);

    const chars = detector();
    for (const ch of out) chars.d.feed(ch);
    expect(distinct(chars.statuses())).toEqual(distinct(statuses()));
  });

  it('treats absolute cursor positioning and save/restore as line breaks', () => {
    const { d, statuses } = detector();
    d.feed(`some text${ESC}[5;1H✻ Working… (1s)${ESC}7${ESC}[20;1Hfooter${ESC}8`);
    d.feed(`${ESC}[5;1H✻ Working… (2s)${ESC}[s${ESC}[H(status bar)${ESC}[u`);
    expect(distinct(statuses())).toEqual(['Working@1', 'Working@2']);
  });

  it('does not join a status to text before it on the same row when the cursor jumps there', () => {
    const { d } = detector();
    d.feed(`prompt text ${ESC}[1G✻ Working… (1s)`);
    expect(d.status?.seconds).toBe(1);
  });

  it('does not take a title or hyperlink that reads like a status for one', () => {
    const { d, statuses } = detector();
    d.feed(`${ESC}]0;✻ Crafting… (99s)\x07${ESC}]8;;x\x07plain${ESC}]8;;\x07\n`);
    d.feed(`${ESC}P✻ Crafting… (98s)${ESC}\\\n${ESC}_✻ Crafting… (97s)${ESC}\\\n`);
    expect(statuses()).toEqual([]);
  });

  it('skips a long title split over many feeds', () => {
    const { d, statuses } = detector();
    const title = `${ESC}]0;✻ Crafting… (99s) ${'x'.repeat(5000)}\x07`;
    for (let i = 0; i < title.length; i += 100) d.feed(title.slice(i, i + 100));
    d.feed('✻ Crafting… (3s)\n');
    expect(statuses().map((s) => s.seconds)).toEqual([3]);
  });

  it('ends a control string at a newline, so a missing terminator cannot hide later lines', () => {
    const { d } = detector();
    d.feed(`${ESC}]0;broken title\n✻ Crafting… (4s)\n`);
    expect(d.status?.seconds).toBe(4);
  });
});

describe('ActivityDetector: carry-over', () => {
  it('finds a status after a very long line, fed in small pieces, without quadratic work', () => {
    const { d, statuses } = detector();
    const long = 'x'.repeat(4 * 1024 * 1024);
    const started = Date.now();
    for (let i = 0; i < long.length; i += 1024) d.feed(long.slice(i, i + 1024));
    // Hang guard only: quadratic carry-over would take minutes here.
    expect(Date.now() - started).toBeLessThan(20_000);
    d.feed('\n✻ Crafting… (6s)\n');
    expect(statuses().map((s) => s.seconds)).toEqual([6]);
  });

  it('does not take the end of an over-long line for a status line', () => {
    const { d, statuses } = detector();
    d.feed('y'.repeat(100_000));
    d.feed(' ✻ Crafting… (6s)');
    d.feed('\n');
    expect(statuses()).toEqual([]);
  });

  it('keeps an unfinished escape sequence across feeds', () => {
    const { d } = detector();
    d.feed('✻ Crafting… (1s)\x1b');
    d.feed('[');
    d.feed('1');
    d.feed('A✻ Crafting… (2s)');
    expect(d.status?.seconds).toBe(2);
  });

  it('drops a CSI that never ends instead of buffering it', () => {
    const { d } = detector();
    d.feed(`${ESC}[${'1;'.repeat(1000)}`);
    d.feed('\n✻ Crafting… (7s)');
    expect(d.status?.seconds).toBe(7);
  });
});

describe('ActivityDetector: ordinary output', () => {
  it('never reports a status for the false-positive corpus, whole, coloured or char by char', () => {
    const corpus = ordinaryLines.join('\n') + '\n';
    const coloured = ordinaryLines.map((l, i) => `${ESC}[3${i % 8}m${l}${ESC}[0m`).join('\r\n') + '\r\n';
    for (const text of [corpus, coloured]) {
      const whole = detector();
      whole.d.feed(text);
      expect(whole.statuses()).toEqual([]);
      expect(whole.d.active).toBe(true);
      const chars = detector();
      for (const ch of text) chars.d.feed(ch);
      expect(chars.statuses()).toEqual([]);
    }
  });

  it('finds a status line among a lot of ordinary output in one chunk', () => {
    const { d, statuses } = detector();
    const noise = ordinaryLines.join('\n');
    d.feed(`${noise}\n${noise}\n✻ Crafting… (11s · esc to interrupt)\n${noise}\n${noise}\n`);
    expect(statuses().map((s) => s.seconds)).toEqual([11]);
  });
});

describe('ActivityDetector: meaningful output', () => {
  it('is active after visible output, with one event', () => {
    const { d, events } = detector();
    d.feed('hello\n');
    d.feed('world\n');
    expect(d.active).toBe(true);
    expect(events).toEqual([{ active: true, at: expect.any(Number) }]);
    expect(events[0]).not.toHaveProperty('status');
  });

  it.each([
    ['escape sequences only', `${ESC}[?25l${ESC}[?25h${ESC}]0;title\x07${ESC}[0m`],
    ['whitespace and line breaks', '\r\n  \r\n\t\n'],
    ['a bare prompt', '$ '],
    ['a prompt redrawn in place', `\r${ESC}[K${ESC}[32muser@host${ESC}[0m:${ESC}[34m~/src${ESC}[0m$ `],
    ['Enter at an empty prompt', '\r\nuser@host:~$ '],
    ['a root prompt', 'root@box:/# '],
    ['a REPL prompt', '>>> '],
    ['a fancy prompt', `${ESC}[1;35m❯${ESC}[0m `],
  ])('is not active after %s', (_what, text) => {
    const { d, events } = detector();
    d.feed(text);
    expect(d.active).toBe(false);
    expect(events).toEqual([]);
  });

  it('is active after a progress line ending in a percentage', () => {
    const { d } = detector();
    d.feed('\rDownloading 50%');
    expect(d.active).toBe(true);
  });

  it('is active after typed characters echoed after the prompt', () => {
    const { d } = detector();
    d.feed('user@host:~$ ');
    expect(d.active).toBe(false);
    d.feed('l');
    expect(d.active).toBe(true);
  });
});

describe('ActivityDetector: custom detectors', () => {
  const aider = {
    name: 'aider',
    parse(line: string) {
      const m = /^░+ Waiting for (\S+) (\d+)s$/.exec(line);
      return m ? { indicator: '░', action: `Waiting for ${m[1]}`, seconds: Number(m[2]) } : null;
    },
  };

  it('uses a custom detector, given clean lines, and reports its name as app', () => {
    const seen: string[] = [];
    const spy = { name: 'spy', parse: (line: string) => (seen.push(line), null) };
    const { d, statuses } = detector({ detectors: [spy, aider] });
    d.feed(`${ESC}[2m░░░ Waiting for gpt-4o 3s${ESC}[0m\nnext line\n`);
    expect(statuses()).toEqual([
      { app: 'aider', indicator: '░', action: 'Waiting for gpt-4o', seconds: 3, text: '░░░ Waiting for gpt-4o 3s' },
    ]);
    expect(seen).toContain('░░░ Waiting for gpt-4o 3s');
    expect(seen).toContain('next line');
    expect(seen.every((l) => !l.includes(ESC) && l === l.trim() && l !== '')).toBe(true);
  });

  it('falls back to the built-in parser, and a custom detector comes first', () => {
    const claudeToo = {
      name: 'mine',
      parse: (line: string) =>
        line.startsWith('✻') ? { indicator: '✻', action: 'Mine', seconds: 1, app: 'custom-app' } : null,
    };
    const { d, statuses } = detector({ detectors: [claudeToo] });
    d.feed('✢ Crafting… (2s)\n');
    d.feed('✻ Crafting… (3s)\n');
    expect(statuses().map((s) => s.app)).toEqual(['claude', 'custom-app']);
  });
});

describe('ActivityDetector: arguments and lifecycle', () => {
  const TYPE = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };
  const VALUE = { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' };
  const RANGE = { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' };
  it.each([
    [{ idleMs: '5' }, TYPE, 'options.idleMs'],
    [{ idleMs: 0 }, RANGE, 'options.idleMs'],
    [{ idleMs: -1 }, RANGE, 'options.idleMs'],
    [{ idleMs: Number.NaN }, RANGE, 'options.idleMs'],
    [{ statusMs: Number.POSITIVE_INFINITY }, RANGE, 'options.statusMs'],
    [{ statusMs: 2 ** 31 }, RANGE, 'options.statusMs'],
    [{ detectors: {} }, TYPE, 'options.detectors'],
    [{ detectors: [null] }, TYPE, 'options.detectors[0]'],
    [{ detectors: [{ name: '', parse: () => null }] }, VALUE, 'options.detectors[0].name'],
    [{ detectors: [{ name: 'x' }] }, TYPE, 'options.detectors[0].parse'],
  ])('rejects %j with %o naming %s', (options, error, argument) => {
    expect(() => new ActivityDetector(options as never)).toThrow(expect.objectContaining(error));
    expect(() => new ActivityDetector(options as never)).toThrow(new RegExp(`["']${argument.replace(/[[\].]/g, '\\$&')}["']`));
  });

  it('rejects null options and non-string input', () => {
    expect(() => new ActivityDetector(null as never)).toThrow(expect.objectContaining(TYPE));
    const { d } = detector();
    expect(() => d.feed(Buffer.from('x') as never)).toThrow('"text" argument');
    expect(() => d.feed(undefined as never)).toThrow(expect.objectContaining(TYPE));
  });

  it('end(): a busy detector says idle once and reads idle after; an idle one says nothing', () => {
    const { d, events } = detector();
    d.feed('✻ Crafting… (1s)\n');
    expect(d.active).toBe(true);
    const before = events.length;
    d.end();
    d.end();
    expect(events.slice(before)).toEqual([{ active: false, at: expect.any(Number) }]);
    expect(d.active).toBe(false);
    expect(d.status).toBeUndefined();
    d.feed('✻ Crafting… (2s)\n');
    expect(events).toHaveLength(before + 1);

    const quiet = detector();
    quiet.d.end();
    expect(quiet.events).toEqual([]);
  });

  it('exposes its settings with the documented defaults', () => {
    const { d } = detector();
    expect(d.idleMs).toBe(5000);
    expect(d.statusMs).toBe(10000);
    expect(d.active).toBe(false);
    expect(d.status).toBeUndefined();
  });

  it('finishes the chunk when a listener throws, then throws its error', () => {
    const { d, statuses } = detector();
    const boom = new Error('listener failed');
    let thrown = false;
    d.on('activity', () => {
      if (!thrown) {
        thrown = true;
        throw boom;
      }
    });
    expect(() => d.feed('✻ Crafting… (1s)\n✻ Crafting… (2s)\n✻ Craft')).toThrow(boom);
    // The rest of the chunk was read, and the unfinished line carried over.
    d.feed('ing… (3s)\n');
    expect(distinct(statuses())).toEqual(['Crafting@1', 'Crafting@2', 'Crafting@3']);
  });

  it('reads input fed from a listener after the chunk in progress', () => {
    const { d, statuses } = detector();
    d.once('activity', () => d.feed('✻ Crafting… (9s)\n'));
    d.feed('✻ Crafting… (1s)\n✻ Crafting… (2s)\n');
    expect(distinct(statuses())).toEqual(['Crafting@1', 'Crafting@2', 'Crafting@9']);
  });

  it('emits nothing more once a listener disposes it', () => {
    const { d, events } = detector();
    d.once('activity', () => d.dispose());
    d.feed('✻ Crafting… (1s)\n✻ Crafting… (2s)\n');
    expect(events).toHaveLength(1);
  });

  it('ignores input after dispose()', () => {
    const { d, events } = detector();
    d.dispose();
    d.feed('✻ Crafting… (1s)\n');
    expect(events).toEqual([]);
    expect(d.active).toBe(false);
    d.dispose();
  });
});
