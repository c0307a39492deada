/**
 * Sessions and the life of their Node environment: worker_threads spawning at once, a worker
 * terminated with sessions open, and Node exiting without killing its sessions. No orphan may
 * outlive its environment. Each case runs in a child Node process.
 */
import { spawn as spawnChild } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT, isAlive, runNodeFixture, until } from './fixtures/pty/harness.js';

async function expectAllGone(pids: number[]): Promise<void> {
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) expect(Number.isInteger(pid) && pid > 0).toBe(true);
  await until(() => pids.every((pid) => !isAlive(pid)), 10_000, `pids ${pids.join(', ')} to be gone`);
}

describe('worker_threads', () => {
  it('two workers spawning at once each get their own sessions right', async () => {
    const r = await runNodeFixture('workers.mts', ['spawn']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([
      { worker: 1, ok: 20, bad: [] },
      { worker: 2, ok: 20, bad: [] },
      { worker: 0, ok: 20, bad: [] },
    ]);
  });

  it("a terminated worker's sessions die with it, and the process carries on", async () => {
    const r = await runNodeFixture('workers.mts', ['terminate']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { pids } = JSON.parse(r.stdout) as { pids: number[] };
    await expectAllGone(pids);
  });
});

describe('Node exiting without killing its sessions leaves no orphan', () => {
  for (const [mode, code] of [
    ['exit', 0],
    ['throw', 1],
    ['natural', 0],
  ] as const) {
    it(`when it ends by ${mode}`, async () => {
      const r = await runNodeFixture('abandon.ts', [mode]);
      expect(r.signal).toBeNull();
      expect(r.code).toBe(code);
      await expectAllGone(JSON.parse(r.stdout) as number[]);
    });
  }

  it('when it is killed with SIGKILL', async () => {
    const child = spawnChild(process.execPath, ['--import', 'tsx', path.join(FIXTURES, 'abandon.ts'), 'hang'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.endsWith(']')) resolve(JSON.parse(out) as number[]);
      });
      child.on('error', reject);
    });
    expect(pids.every(isAlive)).toBe(true);
    const closed = new Promise((resolve) => child.on('close', resolve));
    child.kill('SIGKILL');
    await closed;
    await expectAllGone(pids);
  });
});
