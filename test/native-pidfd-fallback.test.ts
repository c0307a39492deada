/**
 * Exit detection has two paths: pidfd (Linux 5.3+) and, where pidfd_open is missing, polling
 * waitpid from the I/O thread. NATIVE_PTY_DISABLE_PIDFD forces the second on this kernel, so
 * both report the same exits.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO_ROOT } from './fixtures/pty/harness.js';

function scenarios(env: NodeJS.ProcessEnv): Promise<Record<string, { bytes: number; exitCode: number; signal?: number; ms: number }>> {
  return new Promise((resolve, reject) => {
    const script = path.join(FIXTURES, '..', 'native', 'exit-scenarios.mts');
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) reject(new Error(`exit-scenarios ended with ${code ?? signal}: ${err}`));
      else resolve(JSON.parse(out));
    });
  });
}

describe.each([
  ['pidfd', {}],
  ['waitpid polling (no pidfd)', { NATIVE_PTY_DISABLE_PIDFD: '1' }],
])('exit detection with %s', (_name, extra) => {
  it('reports status, signal, full output, redirected stdio and a grandchild holding the pts', async () => {
    const r = await scenarios({ ...process.env, ...extra });
    expect(r.status).toMatchObject({ exitCode: 3 });
    expect(r.status.signal).toBeUndefined();
    expect(r.output).toMatchObject({ bytes: 300_000, exitCode: 0 });
    expect(r.killed).toMatchObject({ exitCode: 0, signal: 15 });
    expect(r.redirected).toMatchObject({ exitCode: 7 });
    expect(r.grandchild.exitCode).toBe(5);
    expect(r.grandchild.bytes).toBeGreaterThan(0);
    // The grace period is 100 ms; this bound only catches a hang on the grandchild.
    expect(r.grandchild.ms).toBeLessThan(5_000);
  });
});
