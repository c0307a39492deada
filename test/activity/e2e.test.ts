/**
 * Activity detection end to end: a real child on a real PTY draws spinner status lines the way
 * AI coding CLIs do, and NativePty reports them as 'activity' events.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../src/activity/index.js';
import { NativePty } from '../../src/index.js';
import { FIXTURES } from '../fixtures/activity/styles.js';

const SPINNER = path.join(FIXTURES, 'spinner.mjs');
const FRAMES = 20;
const ptys: NativePty[] = [];

afterEach(() => {
  for (const pty of ptys.splice(0)) if (!pty.exited) pty.kill('SIGKILL');
});

function start(options: ConstructorParameters<typeof NativePty>[2]) {
  const pty = new NativePty(process.execPath, [SPINNER, String(FRAMES)], { cols: 120, rows: 30, ...options });
  ptys.push(pty);
  const events: ActivityEvent[] = [];
  let output = '';
  pty.on('activity', (e: ActivityEvent) => events.push(e));
  pty.on('data', (d: string) => {
    output += d;
  });
  return { pty, events, output: () => output };
}

/** Polls `done` until it holds; the bound only catches hangs. */
async function until(done: () => boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('NativePty activity events from a real spinner on a real PTY', () => {
  it('reports each status as drawn, then idleness, then the status expiring', async () => {
    const { pty, events, output } = start({ activity: { idleMs: 500, statusMs: 1500 } });
    await until(() => output().includes('DONE'), 'the spinner to finish');

    const statuses = events.filter((e) => e.status).map((e) => e.status!);
    const claude = statuses.filter((s) => s.app === 'claude');
    const codex = statuses.filter((s) => s.app === 'codex');
    // Every frame changes the token count, and is reported in order, each once; spinner glyphs
    // alone would be no change.
    expect(claude.map((s) => s.seconds)).toEqual(Array.from({ length: FRAMES }, (_, i) => Math.floor(i / 2)));
    expect(claude.map((s) => s.tokens)).toEqual(Array.from({ length: FRAMES }, (_, i) => i * 100));
    expect(codex.map((s) => s.seconds)).toEqual(Array.from({ length: FRAMES }, (_, i) => 100 + i));
    expect(claude.every((s) => s.action === 'Crafting' && s.arrow === '↑')).toBe(true);
    expect(claude[claude.length - 1]!.text).toMatch(/^. Crafting… \(9s · ↑ 1\.\dk tokens · esc to interrupt\)$/);
    expect(codex[0]).toEqual({
      app: 'codex',
      indicator: '•',
      action: 'Working',
      seconds: 100,
      text: '• Working (100s • esc to interrupt)',
    });
    // The window title reads like a status but is not on the screen.
    expect(statuses.some((s) => s.seconds === 999)).toBe(false);
    expect(events[0]!.active).toBe(true);
    expect(pty.activity).toBe(true);
    expect(pty.status?.seconds).toBe(100 + FRAMES - 1);

    // The child falls quiet: first idle, then the status expires.
    await until(() => pty.status === undefined, 'the status to expire');
    const tail = events.slice(-2);
    expect(tail[0]).toMatchObject({ active: false, status: { app: 'codex', seconds: 100 + FRAMES - 1 } });
    expect(tail[1]!.active).toBe(false);
    expect(tail[1]).not.toHaveProperty('status');
    expect(tail[1]!.at - tail[0]!.at).toBeGreaterThanOrEqual(500);
    expect(pty.activity).toBe(false);
  });

  it('runs a detector by default', async () => {
    const { events, output } = start({});
    await until(() => output().includes('DONE'), 'the spinner to finish');
    expect(events.some((e) => e.status?.app === 'claude')).toBe(true);
    expect(events.some((e) => e.status?.app === 'codex')).toBe(true);
  });

  it('runs none with activity: false', async () => {
    const { pty, events, output } = start({ activity: false });
    await until(() => output().includes('DONE'), 'the spinner to finish');
    expect(output()).toContain('Crafting…');
    expect(events).toEqual([]);
    expect(pty.status).toBeUndefined();
  });
});
