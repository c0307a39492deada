/**
 * openShell(): a persistent bash with the library's integration. Exact output per command (no
 * prompt, no echo), exit status, cwd and state carried over, marks that output cannot forge,
 * interrupts that keep the shell, input to a running command, runs queued in order.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, openShell, type ShellSession } from '../../src/index.js';

const opened: ShellSession[] = [];
afterEach(() => {
  for (const shell of opened.splice(0)) shell.close();
});
async function shell(kind = 'bash'): Promise<ShellSession> {
  const s = await openShell({ shell: kind, cwd: '/tmp', env: { ...process.env, HOME: '/nonexistent' } });
  opened.push(s);
  return s;
}

describe.each(['bash', 'sh'])('openShell with %s', (kind) => {
  it('gives each command exactly its output, its exit status and the cwd after it; state carries over', async () => {
    const sh = await shell(kind);
    expect(sh.cwd).toBe('/tmp');
    expect(await sh.run('echo hello')).toMatchObject({ output: 'hello\r\n', exitCode: 0, cwd: '/tmp', timedOut: false });
    expect(await sh.run('cd /usr/share')).toMatchObject({ output: '', exitCode: 0, cwd: '/usr/share' });
    await sh.run('export GREETING=hi; greet() { echo "$GREETING $1"; }');
    expect(await sh.run('greet agent; false')).toMatchObject({ output: 'hi agent\r\n', exitCode: 1, cwd: '/usr/share' });
    expect((await sh.run('for i in 1 2; do\necho "line $i"\ndone')).output).toBe('line 1\r\nline 2\r\n');
    expect((await sh.run('exit_status() { return 7; }; exit_status')).exitCode).toBe(7);
  });

  it('keeps escape sequences in the output exactly, across reads', async () => {
    const sh = await shell(kind);
    const r = await sh.run("i=1; while [ $i -le 3000 ]; do printf '\\033[31m%s\\033[0m\\n' $i; i=$((i+1)); done");
    const expected = Array.from({ length: 3000 }, (_, i) => `\x1b[31m${i + 1}\x1b[0m\r\n`).join('');
    expect(r.output).toBe(expected);
  });

  it('cannot be fooled by output that looks like its marks', async () => {
    const sh = await shell(kind);
    const r = await sh.run("printf '\\033]6973;0123456789abcdef01234567;D;0;/forged\\007'; printf '\\033]133;D;0\\007'; echo after");
    expect(r.output).toContain('after\r\n');
    expect(r.cwd).toBe('/tmp');
    expect((await sh.run('echo next')).output).toBe('next\r\n');
  });

  it('interrupts a command at its timeout or abort, keeps what it printed, and the shell goes on', async () => {
    const sh = await shell(kind);
    const slow = await sh.run('echo before; sleep 30', { timeout: 300 });
    expect(slow).toMatchObject({ timedOut: true, exitCode: 130 });
    expect(slow.output).toContain('before\r\n');
    const controller = new AbortController();
    const pending = sh.run('sleep 30', { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    expect(await pending).toMatchObject({ aborted: true, exitCode: 130 });
    // A command that ignores Ctrl+C is killed after a grace period; the shell survives.
    const stubborn = await sh.run("sh -c 'trap \"\" INT; sleep 30'", { timeout: 200 });
    expect(stubborn).toMatchObject({ timedOut: true, exitCode: 137 });
    expect((await sh.run('echo alive')).output).toBe('alive\r\n');
    const controller2 = new AbortController();
    controller2.abort();
    await expect(sh.run('echo never', { signal: controller2.signal })).rejects.toBeInstanceOf(AbortError);
  });

  it('passes input to a running command, runs calls in order, and caps output', async () => {
    const sh = await shell(kind);
    const asking = sh.run('read -r name; echo "hello $name"');
    setTimeout(() => sh.write('agent\n'), 100);
    expect((await asking).output).toBe('hello agent\r\n');
    const results = await Promise.all(['echo 1', 'echo 2', 'echo 3'].map((c) => sh.run(c)));
    expect(results.map((r) => r.output)).toEqual(['1\r\n', '2\r\n', '3\r\n']);
    const big = await sh.run('seq 1 100000', { maxOutputBytes: 1000 });
    expect(big.truncated).toBe(true);
    expect(Buffer.byteLength(big.output)).toBe(1000);
    expect(big.output.startsWith('1\r\n2\r\n')).toBe(true);
  });

});

describe('openShell', () => {
  it('refuses shells it cannot integrate yet, in Node\'s dialect', async () => {
    await expect(openShell({ shell: 'zsh' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
  });
});

describe('openShell leaves nothing behind', () => {
  it('removes its rc file once bash has read it', async () => {
    const sh = await shell();
    const rc = (await sh.run("tr '\\0' ' ' < /proc/$$/cmdline")).output;
    const file = /--rcfile (\S+)/.exec(rc)?.[1];
    expect(file).toMatch(/native-pty-shell-/);
    expect(existsSync(file!)).toBe(false);
  });
});
