/**
 * openShell(): a persistent bash, zsh or sh with the library's integration. Exact output per command (no
 * prompt, no echo), exit status, cwd and state carried over, marks that output cannot forge,
 * interrupts that keep the shell, input to a running command, runs queued in order.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

// zsh where it is installed (.ci/run installs it); bash and dash are everywhere Debian is.
const HAS_ZSH = spawnSync('sh', ['-c', 'command -v zsh']).status === 0;

describe.each(HAS_ZSH ? ['bash', 'zsh', 'sh'] : ['bash', 'sh'])('openShell with %s', (kind) => {
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

describe('openShell at scale', () => {
  it('gives a 10 MB output whole and exact', async () => {
    const sh = await shell();
    const r = await sh.run('seq 1 1300000');
    let expected = '';
    for (let i = 1; i <= 1_300_000; i++) expected += `${i}\r\n`;
    expect(r.output.length).toBeGreaterThan(10_000_000);
    expect(r.output === expected).toBe(true);
    expect(r).toMatchObject({ exitCode: 0, truncated: false });
  });

  it('runs 200 commands in a row with no growth in fds, child processes or heap', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const sh = await shell();
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const children = async (): Promise<string> => (await sh.run('ps -o pid= --ppid $$ | wc -l')).output;
    for (let i = 0; i < 20; i++) await sh.run(`echo warm ${i}`);
    gc();
    const before = { fds: fds(), heap: process.memoryUsage().heapUsed, children: await children() };
    for (let i = 0; i < 200; i++) {
      const r = await sh.run(`echo run ${i}; cd /tmp; true`);
      expect(r.output).toBe(`run ${i}\r\n`);
    }
    gc();
    expect(fds()).toBe(before.fds);
    expect(await children()).toBe(before.children);
    expect(process.memoryUsage().heapUsed - before.heap).toBeLessThan(2 * 1024 * 1024);
  });
});

describe.runIf(HAS_ZSH)('openShell with zsh and the user\'s own dotfiles', () => {
  it('sources the user\'s .zshenv and .zshrc from their ZDOTDIR, and leaves ZDOTDIR as it was', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'native-pty-zdotdir-'));
    try {
      writeFileSync(path.join(home, '.zshenv'), 'export FROM_ZSHENV=env\n');
      writeFileSync(path.join(home, '.zshrc'), 'greet() { echo "hello from $1"; }\nprecmd() { echo never-in-output >/dev/null; }\n');
      const sh = await openShell({ shell: 'zsh', cwd: '/tmp', env: { ...process.env, HOME: '/nonexistent', ZDOTDIR: home } });
      opened.push(sh);
      expect(await sh.run('greet zshrc; echo "$FROM_ZSHENV $ZDOTDIR"; false')).toMatchObject({
        output: `hello from zshrc\r\nenv ${home}\r\n`,
        exitCode: 1,
      });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('openShell', () => {
  it('refuses shells it cannot integrate, in Node\'s dialect', async () => {
    await expect(openShell({ shell: 'fish' })).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE' });
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
