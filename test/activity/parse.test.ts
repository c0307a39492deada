import { describe, expect, it } from 'vitest';
import { parseStatusLine } from '../../src/activity/index.js';
import { formats, ordinaryLines, styles } from '../fixtures/activity/styles.js';

const ESC = '\x1b';

describe('parseStatusLine: every format, every style', () => {
  for (const [style, dress] of Object.entries(styles)) {
    describe(style, () => {
      it.each(formats.map((f) => [f.line, f]))('%s', (_line, fixture) => {
        const status = parseStatusLine(dress(fixture.line));
        expect(status).toEqual({ ...fixture.status, text: fixture.line });
      });
    });
  }
});

describe('parseStatusLine: details', () => {
  it('reads segments in any order and ignores unknown ones', () => {
    expect(parseStatusLine('✻ Crafting… (esc to interrupt · ↑ 2.5k tokens · 14s)')).toMatchObject({
      seconds: 14,
      tokens: 2500,
      arrow: '↑',
    });
    expect(parseStatusLine('✻ Crafting… (thinking · 14s · high effort)')).toMatchObject({ seconds: 14 });
  });

  it('reads token counts with thousands separators, k, K, m and M', () => {
    expect(parseStatusLine('✻ A… (1s · 1,234 tokens)')?.tokens).toBe(1234);
    expect(parseStatusLine('✻ A… (1s · ↑ 2K tokens)')?.tokens).toBe(2000);
    expect(parseStatusLine('✻ A… (1s · ↓ 1.5m tokens)')?.tokens).toBe(1500000);
    expect(parseStatusLine('✻ A… (1s · ↓ 12.3k)')).toMatchObject({ tokens: 12300, arrow: '↓' });
    expect(parseStatusLine('✻ A… (1s · 1 token)')?.tokens).toBe(1);
  });

  it('tells a thousands separator from a comma between segments when naming the app', () => {
    expect(parseStatusLine('✻ A… (1s · 1,234 tokens)')?.app).toBe('claude');
    expect(parseStatusLine('✻ A… (1s · 1,234,567 tokens)')?.app).toBe('claude');
    expect(parseStatusLine('✻ A… (1s, 1,234 tokens)')?.app).toBe('generic');
    expect(parseStatusLine('✻ A… (12,34 tokens · 1s)')?.app).toBe('generic');
    expect(parseStatusLine('✻ A… (1s · 1,2345 tokens)')?.app).toBe('generic');
  });

  it('does not take a bare number for a token count', () => {
    expect(parseStatusLine('✻ A… (1s · 42)')).not.toHaveProperty('tokens');
  });

  it('reads durations as Ns, Nm Ns, Nh Nm', () => {
    expect(parseStatusLine('✻ A… (59s)')?.seconds).toBe(59);
    expect(parseStatusLine('✻ A… (2m 0s)')?.seconds).toBe(120);
    expect(parseStatusLine('✻ A… (2m)')?.seconds).toBe(120);
    expect(parseStatusLine('✻ A… (1h 1m)')?.seconds).toBe(3660);
    expect(parseStatusLine('✻ A… (1h 1m 1s)')?.seconds).toBe(3661);
  });

  it('does not read milliseconds as a duration', () => {
    expect(parseStatusLine('✻ A… (450ms)')).toBeNull();
  });

  it('keeps the clean text, trimmed', () => {
    const status = parseStatusLine(`   ${ESC}[33m✻ Crafting… (5s)${ESC}[0m   `);
    expect(status?.text).toBe('✻ Crafting… (5s)');
  });

  it('reads a cursor-forward as a space', () => {
    expect(parseStatusLine(`✻${ESC}[1CCrafting…${ESC}[C(5s${ESC}[1C·${ESC}[1Cesc to${ESC}[1Cinterrupt)`)).toMatchObject({
      action: 'Crafting',
      seconds: 5,
      text: '✻ Crafting… (5s · esc to interrupt)',
    });
  });

  it('parses the last line of several', () => {
    expect(parseStatusLine('old output\r✻ Crafting… (5s)\r\n')?.seconds).toBe(5);
    expect(parseStatusLine(`✻ Crafting… (4s)${ESC}[1A✻ Crafting… (5s)`)?.seconds).toBe(5);
  });

  it('accepts an emoji indicator with a variation selector and astral glyphs', () => {
    expect(parseStatusLine('⏺️ Working… (3s)')?.indicator).toBe('⏺');
    expect(parseStatusLine('🤖 Working… (3s)')?.indicator).toBe('🤖');
  });

  it('accepts a non-Latin action', () => {
    expect(parseStatusLine('✻ Размышляю… (3s)')?.action).toBe('Размышляю');
  });
});

describe('parseStatusLine: regressions of the seed implementation', () => {
  it('"100 tokens" is 100, not 100k', () => {
    const status = parseStatusLine('✻ Measuring… (6s ·  100 tokens · esc to interrupt)');
    expect(status?.tokens).toBe(100);
  });

  it('with no arrow, the first digit is not taken as the direction', () => {
    const status = parseStatusLine('✻ Measuring… (6s · 100 tokens · esc to interrupt)');
    expect(status).not.toHaveProperty('arrow');
    expect(status?.tokens).toBe(100);
    const big = parseStatusLine('✻ Measuring… (6s · 6.0k tokens)');
    expect(big).not.toHaveProperty('arrow');
    expect(big?.tokens).toBe(6000);
  });

  it('a multi-word action is kept whole', () => {
    expect(parseStatusLine('✻ Compacting conversation… (303s · ↑ 16.3k tokens · esc to interrupt)')?.action).toBe(
      'Compacting conversation',
    );
    expect(parseStatusLine('● Running the full test suite… (17s)')?.action).toBe('Running the full test suite');
  });

  it.each(['*', '+', '?', '.', '(', ')', '[', ']', '{', '\\', '^', '$', '|', '/'])(
    'an indicator %j that is a regex special character parses instead of crashing',
    (indicator) => {
      const status = parseStatusLine(`${indicator} Working… (7s · esc to interrupt)`);
      expect(status).toMatchObject({ indicator, action: 'Working', seconds: 7 });
    },
  );

  it('OSC sequences and ESC[? private modes do not break matching', () => {
    const line =
      `${ESC}]0;✳ Claude Code\x07${ESC}[?25l${ESC}[?2004h${ESC}]1337;SetMark${ESC}\\` +
      `✻ Crafting… (205s · ↑ 6.0k tokens · esc to interrupt)${ESC}[?25h`;
    expect(parseStatusLine(line)).toMatchObject({ action: 'Crafting', seconds: 205, tokens: 6000 });
  });
});

describe('parseStatusLine: no false positives', () => {
  it.each(ordinaryLines.map((l) => [l]))('%j is not a status line', (line) => {
    expect(parseStatusLine(line)).toBeNull();
  });

  it.each([
    ['a sentence with an ellipsis and parentheses but no duration', 'Well… (I think) that was it.'],
    ['a letter as indicator', 'I waited… (5s)'],
    ['no ellipsis and no interrupt key', '• Building (12s)'],
    ['no space before the parenthesis', '⏺ Read(src/a.ts)'],
    ['text after the parenthesis', '✻ Crafting… (5s) and more'],
    ['a duration and an interrupt key but no indicator', 'Crafting… (5s · esc to interrupt)'],
    ['an empty line', ''],
    ['a line of spaces', '      '],
    ['only escapes', `${ESC}[2K${ESC}[?25l`],
  ])('rejects %s', (_what, line) => {
    expect(parseStatusLine(line)).toBeNull();
  });

  it('rejects an over-long line quickly', () => {
    const line = `✻ Crafting… (5s · ${'x'.repeat(100_000)} · esc to interrupt)`;
    expect(parseStatusLine(line)).toBeNull();
  });

  it('throws ERR_INVALID_ARG_TYPE naming "text" for a non-string', () => {
    const error = expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    expect(() => parseStatusLine(42 as unknown as string)).toThrow(error);
    expect(() => parseStatusLine(Buffer.from('✻ A… (1s)') as unknown as string)).toThrow('"text" argument');
  });
});
