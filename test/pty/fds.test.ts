/**
 * No leaked masters. Every fd the addon opens (masters, slaves before exec, pidfds, the
 * error pipe, epoll, eventfd) must be close-on-exec from birth, so that nothing another part of
 * the server starts, with child_process or on another pty, can hold a terminal open.
 */
import { spawn as spawnChild } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativePty } from '../../src/index.js';
import { fixture, openFds, outputMatches, track, type Tracked } from '../helpers/index.js';

/** `ls` lists its own fds: what it inherited, plus the directory it reads. */
const LIST_FDS = ['ls', ['-l', '/proc/self/fd']] as const;

function parseFdList(text: string): Map<number, string> {
  const fds = new Map<number, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = / (\d+) -> (.*)$/.exec(line);
    // ls's own handle on /proc/<its pid>/fd is not inherited.
    if (m && !/^\/proc\/\d+\/fd$/.test(m[2]!)) fds.set(Number(m[1]), m[2]!);
  }
  return fds;
}

function childProcessFds(): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawnChild(LIST_FDS[0], LIST_FDS[1], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(parseFdList(out)));
  });
}

/** Whatever the addon could have leaked: a pty side, a pidfd, its epoll or eventfd. */
function isOurs(target: string): boolean {
  return /^\/dev\/(ptmx|pts\/\d+)$|^anon_inode:\[(pidfd|eventpoll|eventfd)\]$/.test(target);
}

describe('no inherited masters', () => {
  let sessions: Tracked[] = [];

  beforeAll(async () => {
    sessions = Array.from({ length: 8 }, () => track(new NativePty('cat', [], { cwd: '/' })));
    // A wake-mode session too, so that the wake-up handle exists as well.
    sessions.push(track(new NativePty('cat', [], { cwd: '/', delivery: 'wake' })));
    for (const [i, t] of sessions.entries()) t.pty.write(`ready-${i}\n`);
    await Promise.all(sessions.map((t, i) => outputMatches(t, (o) => o.includes(`ready-${i}\r\nready-${i}\r\n`))));
  });

  afterAll(async () => {
    for (const t of sessions) t.pty.destroy();
    await Promise.all(sessions.map((t) => t.exited));
  });

  it('this process really holds masters and pidfds (so the checks below can fail)', () => {
    const targets = [...openFds().values()];
    expect(targets.filter((t) => t === '/dev/ptmx').length).toBeGreaterThanOrEqual(sessions.length);
    expect(targets.filter((t) => t === 'anon_inode:[pidfd]').length).toBeGreaterThanOrEqual(sessions.length);
  });

  it('a child_process.spawn child sees none of them in /proc/self/fd', async () => {
    const fds = await childProcessFds();
    expect([...fds.keys()]).toEqual(expect.arrayContaining([0, 1, 2]));
    const leaked = [...fds].filter(([, target]) => isOurs(target));
    expect(leaked).toEqual([]);
  });

  it('nor does a child started on another pty: it has its own terminal on 0-2 and nothing else', async () => {
    const t = track(new NativePty(LIST_FDS[0], [...LIST_FDS[1]], { cwd: '/' }));
    await t.exited;
    const fds = parseFdList(t.output);
    expect([...fds.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2]);
    expect(new Set(fds.values())).toEqual(new Set([t.pty.ptsName]));
  });

  it('nor while a worker thread opens and closes sessions as fast as it can', async () => {
    // close-on-exec set after open() instead of by it would leave a window in which a fork on
    // another thread inherits the fd. Spawning from here while a worker churns sessions would
    // show such a window.
    const entry = fixture('worker-entry.mjs');
    const worker = new Worker(entry, { workerData: { script: 'pty/churn-sessions.ts', ms: 1500 } });
    const churned = new Promise<number>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const leaks: Array<[number, string]> = [];
    let checks = 0;
    const until = Date.now() + 1200;
    while (Date.now() < until) {
      const fds = await childProcessFds();
      leaks.push(...[...fds].filter(([, target]) => isOurs(target)));
      checks++;
    }
    const spawned = await churned;
    await worker.terminate();
    expect(spawned).toBeGreaterThan(10);
    expect(checks).toBeGreaterThan(10);
    expect(leaks).toEqual([]);
  });
});
