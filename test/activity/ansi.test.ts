import { describe, expect, it } from 'vitest';
import { escapeSequenceEnd, stripAnsi, trailingEscapeStart } from '../../src/ansi.js';

const ESC = '\x1b';
const ARG_TYPE = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };

describe('stripAnsi', () => {
  it('returns text without escapes unchanged (same string)', () => {
    const text = 'plain text (with parens) and unicode ✻ … → 😀\r\n\ttab';
    expect(stripAnsi(text)).toBe(text);
    expect(stripAnsi('')).toBe('');
  });

  it.each([
    ['SGR', `${ESC}[1;31mred${ESC}[0m`, 'red'],
    ['SGR without parameters', `${ESC}[mx`, 'x'],
    ['256-colour', `${ESC}[38;5;208morange${ESC}[39m`, 'orange'],
    ['truecolour with colons', `${ESC}[38:2::255:128:0mrgb${ESC}[0m`, 'rgb'],
    ['private mode ?', `${ESC}[?25lhidden${ESC}[?25h`, 'hidden'],
    ['private mode ? with several params', `${ESC}[?1049;2004hx`, 'x'],
    ['private > (XTVERSION / modifyOtherKeys)', `${ESC}[>4;2mkeys${ESC}[>0q`, 'keys'],
    ['private < and =', `${ESC}[<u${ESC}[=1ca`, 'a'],
    ['CSI with intermediate (cursor style)', `${ESC}[2 qblock`, 'block'],
    ['cursor movement', `a${ESC}[2Ab${ESC}[10;20Hc${ESC}[Kd`, 'abcd'],
    ['OSC ended by BEL', `${ESC}]0;my title\x07text`, 'text'],
    ['OSC ended by ST', `${ESC}]0;my title${ESC}\\text`, 'text'],
    ['OSC 8 hyperlink', `${ESC}]8;;https://example.com/a?b=c\x07link${ESC}]8;;\x07`, 'link'],
    ['OSC ended by C1 ST', `${ESC}]2;t\x9ctext`, 'text'],
    ['DCS', `${ESC}P1$r0m${ESC}\\after`, 'after'],
    ['DCS with BEL inside is not ended by it', `${ESC}Pa\x07b${ESC}\\after`, 'after'],
    ['SOS', `${ESC}Xstring${ESC}\\after`, 'after'],
    ['PM', `${ESC}^private${ESC}\\after`, 'after'],
    ['APC (kitty graphics)', `${ESC}_Gf=100;AAAA${ESC}\\after`, 'after'],
    ['ESC 7 / ESC 8', `${ESC}7saved${ESC}8`, 'saved'],
    ['ESC = / ESC >', `${ESC}=keypad${ESC}>`, 'keypad'],
    ['charset designation', `${ESC}(Bascii${ESC})0${ESC}(0lqk${ESC}(B`, 'asciilqk'],
    ['ESC # 8 (DECALN)', `${ESC}#8x`, 'x'],
    ['ESC c, ESC M, ESC D', `${ESC}ca${ESC}Mb${ESC}Dc`, 'abc'],
    ['8-bit CSI', `\x9b1;32mgreen\x9b0m`, 'green'],
    ['8-bit CSI private mode', `\x9b?25lx`, 'x'],
    ['8-bit OSC', `\x9d0;title\x07text`, 'text'],
    ['8-bit DCS', `\x90data\x9ctext`, 'text'],
    ['other C1 controls alone', `a\x84b\x85c\x8dd`, 'abcd'],
    ['ESC ESC', `${ESC}${ESC}[1mx`, 'x'],
  ])('removes %s', (_name, input, expected) => {
    expect(stripAnsi(input)).toBe(expected);
  });

  it.each([
    ['lone ESC', `abc${ESC}`, 'abc'],
    ['ESC [', `abc${ESC}[`, 'abc'],
    ['CSI with parameters', `abc${ESC}[38;5;2`, 'abc'],
    ['private CSI', `abc${ESC}[?25`, 'abc'],
    ['charset designation', `abc${ESC}(`, 'abc'],
    ['OSC without terminator', `abc${ESC}]0;title`, 'abc'],
    ['OSC with half an ST', `abc${ESC}]0;title${ESC}`, 'abc'],
    ['DCS', `abc${ESC}Pq#0;2;0;0;0`, 'abc'],
    ['8-bit CSI', `abc\x9b1;3`, 'abc'],
  ])('removes an incomplete trailing %s', (_name, input, expected) => {
    expect(stripAnsi(input)).toBe(expected);
  });

  it('keeps newlines and carriage returns that cut a broken sequence short', () => {
    // A CSI cannot contain a newline; a terminal aborts it there and prints the rest.
    expect(stripAnsi(`a${ESC}[12\nb`)).toBe('a\nb');
    expect(stripAnsi(`a${ESC}(\rb`)).toBe('a\rb');
    expect(stripAnsi(`a${ESC}\nb`)).toBe('a\nb');
  });

  it('lets ESC or CAN end a control string without ST', () => {
    expect(stripAnsi(`${ESC}]0;title${ESC}[1mbold`)).toBe('bold');
    expect(stripAnsi(`${ESC}]0;title\x18after`)).toBe('\x18after');
  });

  it('keeps printable non-ASCII that follows an aborted CSI', () => {
    expect(stripAnsi(`${ESC}[1é`)).toBe('é');
  });

  it('strips a realistic coloured status line', () => {
    const line =
      `${ESC}]0;✳ Claude Code\x07\r${ESC}[2K${ESC}[38;5;174m✻${ESC}[39m ` +
      `${ESC}[38;5;174mCrafting…${ESC}[39m ${ESC}[2m(205s · ${ESC}[1m↑${ESC}[22m${ESC}[2m 6.0k tokens · ` +
      `${ESC}[1mesc${ESC}[22m${ESC}[2m to interrupt)${ESC}[22m`;
    expect(stripAnsi(line)).toBe('\r✻ Crafting… (205s · ↑ 6.0k tokens · esc to interrupt)');
  });

  it('throws ERR_INVALID_ARG_TYPE naming "text" for a non-string', () => {
    expect(() => stripAnsi(1 as unknown as string)).toThrow(expect.objectContaining(ARG_TYPE));
    expect(() => stripAnsi(undefined as unknown as string)).toThrow('"text" argument');
  });

  it('agrees with escapeSequenceEnd over every sequence of a mixed text', () => {
    const text =
      `x${ESC}[31my${ESC}]0;t\x07z${ESC}P1${ESC}\\w\x9b1mv${ESC}(Bu${ESC}7t${ESC}[?1h` + 'end';
    let out = '';
    for (let i = 0; i < text.length; ) {
      const c = text.charCodeAt(i);
      if (c === 0x1b || (c >= 0x80 && c <= 0x9f)) {
        i = escapeSequenceEnd(text, i);
        expect(i).toBeGreaterThan(0);
      } else {
        out += text[i++];
      }
    }
    expect(stripAnsi(text)).toBe(out);
    expect(out).toBe('xyzwvutend');
  });
});

describe('escapeSequenceEnd', () => {
  it.each([
    [`${ESC}[31m`, 0, 5],
    [`ab${ESC}[31mcd`, 2, 7],
    [`${ESC}[?25lx`, 0, 6],
    [`${ESC}[>1u`, 0, 5],
    [`${ESC}]0;t\x07x`, 0, 6],
    [`${ESC}]0;t${ESC}\\x`, 0, 7],
    [`${ESC}P1${ESC}\\`, 0, 5],
    [`${ESC}7x`, 0, 2],
    [`${ESC}(Bx`, 0, 3],
    [`${ESC}#8`, 0, 3],
    [`\x9b2Jx`, 0, 3],
    [`\x9d0;t\x9cx`, 0, 5],
    [`\x85x`, 0, 1],
    [`${ESC}\nx`, 0, 1],
    [`${ESC}${ESC}[m`, 0, 1],
    [`${ESC}[12\n`, 0, 4],
    [`${ESC}]0;a${ESC}[m`, 0, 5],
  ])('finds the end of %j at %i', (text, start, end) => {
    expect(escapeSequenceEnd(text, start)).toBe(end);
  });

  it.each([
    [`${ESC}`],
    [`${ESC}[`],
    [`${ESC}[38;5`],
    [`${ESC}[?`],
    [`${ESC}(`],
    [`${ESC}]0;title`],
    [`${ESC}]0;title${ESC}`],
    [`${ESC}Pdata`],
    [`${ESC}_G`],
    [`\x9b1`],
    [`\x9d`],
  ])('returns -1 for the incomplete %j', (text) => {
    expect(escapeSequenceEnd(text, 0)).toBe(-1);
  });

  it('validates its arguments', () => {
    const outOfRange = expect.objectContaining({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    expect(() => escapeSequenceEnd(5 as unknown as string, 0)).toThrow(expect.objectContaining(ARG_TYPE));
    // As Node's validateInteger: a fraction is out of range, not of the wrong type.
    expect(() => escapeSequenceEnd(`${ESC}[m`, 0.5)).toThrow(outOfRange);
    expect(() => escapeSequenceEnd(`${ESC}[m`, '0' as unknown as number)).toThrow(expect.objectContaining(ARG_TYPE));
    expect(() => escapeSequenceEnd(`${ESC}[m`, -1)).toThrow(outOfRange);
    expect(() => escapeSequenceEnd(`${ESC}[m`, 3)).toThrow('It must be >= 0 && <= 2');
    expect(() => escapeSequenceEnd('abc', 1)).toThrow(
      expect.objectContaining({ name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });
});

describe('trailingEscapeStart', () => {
  it.each([
    ['no escape', 'plain text', -1],
    ['empty', '', -1],
    ['complete SGR', `a${ESC}[1mb`, -1],
    ['complete SGR at end', `a${ESC}[1m`, -1],
    ['lone ESC', `ab${ESC}`, 2],
    ['CSI', `ab${ESC}[1;3`, 2],
    ['CSI after a complete one', `${ESC}[1mab${ESC}[`, 6],
    ['private CSI', `ab${ESC}[?2`, 2],
    ['charset', `ab${ESC}(`, 2],
    ['OSC', `ab${ESC}]0;tit`, 2],
    ['OSC whose ST is half there', `ab${ESC}]0;title${ESC}`, 2],
    ['complete OSC then ESC', `ab${ESC}]0;t\x07${ESC}`, 8],
    ['complete OSC by ST', `ab${ESC}]0;t${ESC}\\`, -1],
    ['DCS whose ST is half there', `${ESC}Pq${ESC}`, 0],
    ['8-bit CSI', `ab\x9b1`, 2],
    ['8-bit CSI after an ESC sequence', `${ESC}[1mab\x9b1`, 6],
    ['8-bit OSC', `ab\x9d0;x`, 2],
    ['complete 8-bit OSC', `ab\x9d0;x\x9c`, -1],
    ['CSI cut short by newline', `${ESC}[1\n`, -1],
  ])('%s', (_name, text, expected) => {
    expect(trailingEscapeStart(text)).toBe(expected);
  });

  it('splitting anywhere and carrying the tail strips the same as the whole', () => {
    const text =
      `${ESC}]0;title\x07a${ESC}[1;38;5;208mb${ESC}[0m\r${ESC}[2K${ESC}[?25lc${ESC}]8;;u${ESC}\\d` +
      `${ESC}Pq${ESC}\\e${ESC}(Bf\x9b1mg`;
    const whole = stripAnsi(text);
    for (let cut = 0; cut <= text.length; cut++) {
      const first = text.slice(0, cut);
      const t = trailingEscapeStart(first);
      const head = t < 0 ? first : first.slice(0, t);
      const carry = t < 0 ? '' : first.slice(t);
      expect(stripAnsi(head) + stripAnsi(carry + text.slice(cut)), `cut at ${cut}`).toBe(whole);
    }
  });

  it('throws ERR_INVALID_ARG_TYPE for a non-string', () => {
    expect(() => trailingEscapeStart(null as unknown as string)).toThrow(expect.objectContaining(ARG_TYPE));
  });
});
