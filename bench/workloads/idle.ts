/**
 * idle: many sessions of `cat` that print nothing. What does holding them cost? Node's CPU time
 * over a quiet spell, RSS per session, the process's thread and fd counts; then every session
 * is killed and every exit must arrive.
 */
import fs from 'node:fs';

import { nowMs, onceExit, runWorkload, sleep, type BaseParams } from '../lib/workload.js';
import type { BenchPty } from '../lib/impl.js';

interface Params extends BaseParams {
  sessions: number;
  measureMs: number;
  settleMs: number;
  exitLimitMs: number;
}

const threads = (): number => fs.readdirSync('/proc/self/task').length;
const fds = (): number => fs.readdirSync('/proc/self/fd').length;

async function quietRss(): Promise<number> {
  // Twice with a pause: the first collection can leave finalizers that free more on the second.
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await sleep(100);
  gc?.();
  return process.memoryUsage.rss();
}

// Before the library is loaded: what Node itself runs.
const bare = { threads: threads(), fds: fds(), rss: process.memoryUsage.rss() };

runWorkload<Params>('idle', async ({ impl, params, left }) => {
  // One session first, so lazily started threads and loaded code count in the baseline, not
  // against the sessions.
  const warm = impl.spawn('/bin/true', []);
  await onceExit(warm, Math.min(params.exitLimitMs, left()));
  await sleep(200);
  const before = { rss: await quietRss(), threads: threads(), fds: fds() };

  const ptys: BenchPty[] = [];
  let exitCount = 0;
  let earlyExits = 0;
  let killed = false;
  let allExited: () => void = () => {};
  const spawnStart = nowMs();
  for (let i = 0; i < params.sessions && left() > params.measureMs; i++) {
    const pty = impl.spawn('/bin/cat', []);
    ptys.push(pty);
    pty.onExit(() => {
      exitCount++;
      if (!killed) earlyExits++;
      if (killed && exitCount === ptys.length) allExited();
    });
  }
  const spawnMs = nowMs() - spawnStart;
  await sleep(params.settleMs);
  const during = { rss: await quietRss(), threads: threads(), fds: fds() };

  const cpu0 = process.cpuUsage();
  const t0 = nowMs();
  await sleep(Math.min(params.measureMs, left()));
  const cpu = process.cpuUsage(cpu0);
  const measuredMs = nowMs() - t0;
  const rssAfterQuiet = process.memoryUsage.rss();

  killed = true;
  const killAt = nowMs();
  for (const pty of ptys) pty.kill();
  if (exitCount < ptys.length) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.min(params.exitLimitMs, left()));
      allExited = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  const exitsReceived = exitCount;
  const allExitedMs = nowMs() - killAt;
  await sleep(200);
  const after = { threads: threads(), fds: fds() };

  return {
    sessions: ptys.length,
    spawnMs,
    bare,
    earlyExits,
    before,
    during,
    after,
    cpuPercent: ((cpu.user + cpu.system) / 1e3 / measuredMs) * 100,
    measuredMs,
    rssPerSessionKiB: (during.rss - before.rss) / 1024 / Math.max(1, ptys.length),
    rssGrowthDuringQuietKiB: (rssAfterQuiet - during.rss) / 1024,
    exitsReceived,
    allExitedMs,
  };
});
