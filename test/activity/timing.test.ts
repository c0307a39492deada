import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { disposeRecorded, recordingDetector as detector } from '../fixtures/activity/recorder.js';
import { FIXTURES } from '../fixtures/activity/styles.js';

const ESC = '\x1b';
const T0 = Date.UTC(2025, 0, 1);

const status = (s: number) => `\r${ESC}[2K${ESC}[38;5;174m✻${ESC}[39m Crafting… (${s}s · esc to interrupt)`;

describe('ActivityDetector timing (fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    disposeRecorded();
    vi.useRealTimers();
  });

  it('goes idle exactly idleMs after the last meaningful output', () => {
    const { d, events } = detector();
    d.feed('building...\n');
    expect(events).toEqual([{ active: true, at: T0 }]);
    vi.advanceTimersByTime(3000);
    d.feed('still building\n');
    vi.advanceTimersByTime(4999);
    expect(d.active).toBe(true);
    vi.advanceTimersByTime(1);
    expect(d.active).toBe(false);
    expect(events).toEqual([
      { active: true, at: T0 },
      { active: false, at: T0 + 8000 },
    ]);
  });

  it('stays active through steady output and arms one timer, not one per chunk', () => {
    const { d, events } = detector();
    for (let i = 0; i < 300; i++) {
      d.feed(`line ${i}\n`);
      expect(vi.getTimerCount()).toBeLessThanOrEqual(1);
      vi.advanceTimersByTime(100);
    }
    expect(d.active).toBe(true);
    expect(events).toHaveLength(1);
    vi.advanceTimersByTime(5000);
    expect(d.active).toBe(false);
    expect(events).toHaveLength(2);
  });

  it('is not kept active by prompt redraws or escape-only output', () => {
    const { d, events } = detector();
    d.feed('done\n$ ');
    vi.advanceTimersByTime(2000);
    d.feed(`\r${ESC}[K$ `);
    d.feed(`${ESC}]0;user@host: ~\x07${ESC}[?2004h`);
    vi.advanceTimersByTime(3000);
    expect(d.active).toBe(false);
    expect(events.map((e) => e.active)).toEqual([true, false]);
  });

  it('learns the prompt when the session falls quiet and ignores its redraws', () => {
    const { d, events } = detector();
    // A prompt with a clock and no prompt character: only learning can recognise it.
    d.feed(`${ESC}[36m[10:00:01]${ESC}[0m ➜  project `);
    vi.advanceTimersByTime(5000);
    expect(d.active).toBe(false);
    d.feed(`\r${ESC}[K${ESC}[36m[10:00:07]${ESC}[0m ➜  project `);
    d.feed(`\r\n${ESC}[36m[10:00:08]${ESC}[0m ➜  project `);
    expect(d.active).toBe(false);
    d.feed('git status');
    expect(d.active).toBe(true);
    expect(events.map((e) => e.active)).toEqual([true, false, true]);
  });

  it('expires a status statusMs after it was last seen, independently of idleness', () => {
    const { d, events } = detector();
    d.feed(status(1));
    vi.advanceTimersByTime(4000);
    d.feed(status(5));
    // Ordinary output keeps the session active but does not renew the status.
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(1000);
      d.feed(`log line ${i}\n`);
    }
    expect(d.active).toBe(true);
    expect(d.status).toBeUndefined();
    expect(events.map((e) => [e.active, e.status?.seconds, e.at - T0])).toEqual([
      [true, 1, 0],
      [true, 5, 4000],
      [true, undefined, 14000],
    ]);
    expect(events[2]).not.toHaveProperty('status');
  });

  it('keeps the status while it is seen again, and reports it when it comes back after expiry', () => {
    const { d, events } = detector();
    d.feed(status(1));
    for (let s = 2; s <= 30; s++) {
      vi.advanceTimersByTime(1000);
      d.feed(status(s % 2 === 0 ? 2 : 3)); // a status that keeps being redrawn
    }
    expect(d.status?.seconds).toBe(2);
    vi.advanceTimersByTime(5000);
    expect(d.active).toBe(false);
    expect(d.status?.seconds).toBe(2);
    vi.advanceTimersByTime(5000);
    expect(d.status).toBeUndefined();
    d.feed(status(40));
    expect(d.status?.seconds).toBe(40);
    expect(d.active).toBe(true);
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ active: true, at: T0 + 39000, status: { seconds: 40 } });
    const transitions = events.map((e) => `${e.active}/${e.status?.seconds ?? '-'}`);
    expect(transitions.slice(-3)).toEqual(['false/2', 'false/-', 'true/40']);
  });

  it('honours custom idleMs and statusMs', () => {
    const { d } = detector({ idleMs: 100, statusMs: 250 });
    d.feed(status(1));
    vi.advanceTimersByTime(99);
    expect(d.active).toBe(true);
    vi.advanceTimersByTime(1);
    expect(d.active).toBe(false);
    expect(d.status).toBeDefined();
    vi.advanceTimersByTime(149);
    expect(d.status).toBeDefined();
    vi.advanceTimersByTime(1);
    expect(d.status).toBeUndefined();
  });

  it('survives the wall clock jumping backwards', () => {
    const { d } = detector();
    d.feed('output\n');
    vi.setSystemTime(T0 - 3_600_000);
    vi.advanceTimersByTime(5000);
    // Timing is monotonic: an hour's jump of the wall clock changes nothing.
    expect(d.active).toBe(false);
  });

  it('dispose() clears every timer', () => {
    const { d } = detector();
    d.feed(status(1));
    expect(vi.getTimerCount()).toBe(2);
    d.dispose();
    expect(vi.getTimerCount()).toBe(0);
    d.feed(status(2));
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('ActivityDetector timers', () => {
  it('never keep Node alive', async () => {
    // A real process whose detector has both timers armed for a minute must still exit now.
    const child = path.join(FIXTURES, 'unref-child.ts');
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], {
      timeout: 25_000,
    });
    expect(stdout.trim()).toBe('armed active=true status=Crafting');
    expect(Date.now() - started).toBeLessThan(25_000);
  });
});
