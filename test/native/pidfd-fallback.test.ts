/**
 * Exit detection has two paths: pidfd (Linux 5.3+) and, where pidfd_open is missing, polling
 * waitpid from the I/O thread. NATIVE_PTY_DISABLE_PIDFD forces the second on this kernel, so
 * both report the same exits.
 */
import { describe, expect, it } from 'vitest';
import { fixture, runNode } from '../helpers/index.js';

async function scenarios(env: NodeJS.ProcessEnv): Promise<Record<string, { bytes: number; exitCode: number; signal?: number; ms: number }>> {
  const r = await runNode(fixture('native/exit-scenarios.mts'), { env });
  if (r.code !== 0) throw new Error(`exit-scenarios ended with ${r.code ?? r.signal}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe.each([
  ['pidfd', {}],
  ['waitpid polling (no pidfd)', { NATIVE_PTY_DISABLE_PIDFD: '1' }],
])('exit detection with %s', (_name, extra) => {
  it('reports status, signal, full output, redirected stdio and a grandchild holding the pts', async () => {
    const r = await scenarios({ ...process.env, ...extra });
    expect(r.status).toMatchObject({ exitCode: 3 });
    expect(r.status.signal).toBe(0);
    expect(r.output).toMatchObject({ bytes: 300_000, exitCode: 0 });
    expect(r.killed).toMatchObject({ exitCode: 0, signal: 15 });
    expect(r.redirected).toMatchObject({ exitCode: 7 });
    expect(r.grandchild.exitCode).toBe(5);
    expect(r.grandchild.bytes).toBeGreaterThan(0);
    // The grace period is 100 ms; this bound only catches a hang on the grandchild.
    expect(r.grandchild.ms).toBeLessThan(5_000);
  });
});
