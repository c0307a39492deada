/**
 * Activity detection wired into NativePty: a real child draws an AI CLI status line the way
 * those CLIs do (carriage return, erase line, 256-colour SGR), through a real PTY.
 */
import { describe, expect, it } from 'vitest';
import { detectActivity, NativePty } from '../../src/index.js';
import type { ActivityEvent } from '../../src/index.js';
import { waitForExit } from '../helpers/index.js';

// Five redraws of one status line, 30 ms apart, then a newline and exit.
const SPINNER = `
const frames = ['✻', '✽', '✶'];
let i = 0;
const t = setInterval(() => {
  process.stdout.write('\\r\\x1b[2K\\x1b[38;5;174m' + frames[i % 3] + ' Crafting… \\x1b[0m(' + i + 's · ↑ 6.0k tokens · esc to interrupt)');
  if (++i === 5) { clearInterval(t); process.stdout.write('\\r\\n'); }
}, 30);`;

function spinner(options: ConstructorParameters<typeof NativePty>[2] = {}): { pty: NativePty; events: ActivityEvent[] } {
  const pty = new NativePty(process.execPath, ['-e', SPINNER], options);
  const events: ActivityEvent[] = [];
  pty.on('activity', (e: ActivityEvent) => events.push(e));
  return { pty, events };
}

describe('NativePty activity detection', () => {
  it('is on by default, re-emits changes, and exposes activity and status while running', async () => {
    const { pty, events } = spinner();
    let seenWhileRunning: { activity: boolean; action?: string } | undefined;
    pty.on('activity', () => {
      seenWhileRunning ??= { activity: pty.activity, action: pty.status?.action };
    });
    await waitForExit(pty);
    expect(seenWhileRunning).toEqual({ activity: true, action: 'Crafting' });
    const statuses = events.filter((e) => e.status !== undefined);
    expect(statuses.map((e) => e.status!.seconds)).toEqual([0, 1, 2, 3, 4]);
    expect(statuses[4].status).toMatchObject({ app: 'claude', indicator: '✽', tokens: 6000, arrow: '↑' });
    expect(statuses[4].status!.text).toBe('✽ Crafting… (4s · ↑ 6.0k tokens · esc to interrupt)');
  });

  it('ends with one idle event at exit, after which it reports nothing', async () => {
    const { pty, events } = spinner();
    await waitForExit(pty);
    expect(events.at(-1)).toEqual({ active: false, at: expect.any(Number) });
    expect(pty.activity).toBe(false);
    expect(pty.status).toBeUndefined();
  });

  it('keeps detecting when a data listener throws', async () => {
    const { pty, events } = spinner();
    pty.on('data', () => {
      throw new Error('listener failure');
    });
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown): void => void uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      await waitForExit(pty);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught.length).toBeGreaterThan(0);
    expect(events.filter((e) => e.status !== undefined)).toHaveLength(5);
  });

  it('is off with activity: false, and by default with encoding: null', async () => {
    for (const options of [{ activity: false as const }, { encoding: null }]) {
      const { pty, events } = spinner(options);
      await waitForExit(pty);
      expect(events).toEqual([]);
    }
  });

  it('runs with encoding: null when configured explicitly', async () => {
    const { pty, events } = spinner({ encoding: null, activity: {} });
    await waitForExit(pty);
    expect(events.filter((e) => e.status !== undefined)).toHaveLength(5);
  });

  it('rejects an activity option that is neither false nor an object', () => {
    const error = expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('"options.activity"') });
    expect(() => new NativePty('true', [], { activity: true as never })).toThrow(error);
    expect(() => new NativePty('true', [], { activity: 'on' as never })).toThrow(error);
  });
});

describe('detectActivity(), the observer the option is sugar for', () => {
  it('watches a session that has the option off, and ends with it', async () => {
    const { pty, events } = spinner({ activity: false });
    const detector = detectActivity(pty, { idleMs: 60_000 });
    const seen: ActivityEvent[] = [];
    detector.on('activity', (e: ActivityEvent) => seen.push(e));
    const order: string[] = [];
    detector.on('activity', () => order.push('activity'));
    pty.on('exit', () => order.push('exit'));
    await waitForExit(pty);
    expect(events).toEqual([]);
    expect(seen.filter((e) => e.status !== undefined).map((e) => e.status!.seconds)).toEqual([0, 1, 2, 3, 4]);
    // Ended at the exit: idle once, before 'exit', and nothing after.
    expect(seen.at(-1)).toEqual({ active: false, at: expect.any(Number) });
    expect(order.at(-1)).toBe('exit');
    expect(order.at(-2)).toBe('activity');
    expect(detector.active).toBe(false);
  });
});
