/**
 * native-pty/screen: the rendered screen of a session as plain lines (headless xterm.js), for
 * a full-screen program, following the session's size, with scrollback.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from '../../src/index.js';
import { openScreen } from '../../src/screen.js';

describe('native-pty/screen', () => {
  it('shows what a person would see: cursor moves and erases applied, escapes gone', async () => {
    const pty = spawn('sh', ['-c', "stty -echo; read go; printf 'garbage\\033[2J\\033[1;1Htop line\\033[5;10HHELLO\\033[1m bold\\033[0m'; read line"], { cols: 40, rows: 10 });
    const screen = await openScreen(pty);
    const drawn = pty.waitFor('bold', { timeout: 10_000 });
    pty.write('\r');
    await drawn;
    await screen.settled();
    const lines = screen.lines();
    expect(lines).toHaveLength(10);
    expect(lines[0]).toBe('top line');
    expect(lines[4]).toBe('         HELLO bold');
    expect(screen.text()).not.toContain('garbage');
    expect(screen.cursor).toEqual({ x: 19, y: 4 });
    pty.write('\r');
    screen.dispose();
  });

  it('follows the session\'s size and keeps scrollback', async () => {
    const pty = spawn('sh', ['-c', 'read line; seq 1 50; read line'], { cols: 80, rows: 24 });
    const screen = await openScreen(pty, { scrollback: 100 });
    pty.resize(30, 8);
    expect([screen.cols, screen.rows]).toEqual([30, 8]);
    pty.write('\r');
    await pty.waitFor('50', { timeout: 10_000 });
    await screen.settled();
    expect(screen.lines().filter(Boolean).at(-1)).toBe('50');
    const all = screen.allLines();
    expect(all).toContain('1');
    expect(all.indexOf('1')).toBeLessThan(all.indexOf('50'));
    pty.write('\r');
    screen.dispose();
  });
});
