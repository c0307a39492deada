/**
 * Sessions in worker_threads: workers spawning at once, and a worker that alone loaded the
 * addon, terminated with sessions open. Each case runs in a child Node process. Teardown under
 * load (100 streaming sessions, every way Node can end) is reliability/teardown.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { fixture, isAlive, runNode, until } from '../helpers/index.js';

async function expectAllGone(pids: number[]): Promise<void> {
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) expect(Number.isInteger(pid) && pid > 0).toBe(true);
  await until(() => pids.every((pid) => !isAlive(pid)), 10_000, `pids ${pids.join(', ')} to be gone`);
}

describe('worker_threads', () => {
  it('two workers spawning at once each get their own sessions right', async () => {
    const r = await runNode(fixture('pty/workers.mts'), { args: ['spawn'] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { worker: 1, ok: 20, bad: [] },
      { worker: 2, ok: 20, bad: [] },
      { worker: 0, ok: 20, bad: [] },
    ]);
  });

  it("a terminated worker that alone loaded the addon: its sessions die with it, the process carries on", async () => {
    const r = await runNode(fixture('pty/workers.mts'), { args: ['terminate'] });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { pids } = JSON.parse(r.stdout) as { pids: number[] };
    await expectAllGone(pids);
  });
});
