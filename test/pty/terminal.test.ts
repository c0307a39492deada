/**
 * The terminal the child sees: its size and resizes, its working directory, environment, TERM,
 * and what the session reports about it (pid, ptsName, process).
 */
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativePty, spawn } from '../../src/index.js';
import { collect, run, until, waitForExit, waitForOutput } from '../helpers/index.js';

let dir: string;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'native-pty-term-')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('size', () => {
  it('defaults to 80x24', async () => {
    const r = await run('stty', ['size']);
    expect(r.output.trim()).toBe('24 80');
    expect(r.pty.cols).toBe(80);
    expect(r.pty.rows).toBe(24);
  });

  it('is the one given at spawn', async () => {
    const r = await run('stty', ['size'], { cols: 132, rows: 43 });
    expect(r.output.trim()).toBe('43 132');
    expect(r.pty.cols).toBe(132);
    expect(r.pty.rows).toBe(43);
  });

  it('accepts the extremes 1 and 65535', async () => {
    const r = await run('stty', ['size'], { cols: 65535, rows: 1 });
    expect(r.output.trim()).toBe('1 65535');
  });

  it('resize() reaches the child: SIGWINCH is delivered and stty size sees the new size', async () => {
    const pty = new NativePty('sh', [
      '-c',
      'trap \'echo "WINCH $(stty size)"\' WINCH; echo READY; while :; do sleep 0.02; done',
    ]);
    const done = collect<string>(pty);
    await waitForOutput(pty, 'READY');
    const seen = waitForOutput(pty, /WINCH 40 120/);
    pty.resize(120, 40);
    await seen;
    expect(pty.cols).toBe(120);
    expect(pty.rows).toBe(40);

    const again = waitForOutput(pty, /WINCH 5 7/);
    pty.resize(7, 5, { width: 70, height: 100 });
    await again;
    expect(pty.cols).toBe(7);
    expect(pty.rows).toBe(5);
    pty.kill('SIGKILL');
    const r = await done;
    expect(r.signal).toBe(9);
  });
});

describe('working directory', () => {
  it('is cwd when given, and PWD says so', async () => {
    const r = await run('sh', ['-c', 'pwd -P; echo "PWD=$PWD"'], { cwd: dir });
    expect(r.output).toBe(`${dir}\r\nPWD=${dir}\r\n`);
  });

  it('defaults to process.cwd()', async () => {
    const r = await run('pwd', ['-P']);
    expect(r.output.trim()).toBe(realpathSync(process.cwd()));
  });
});

describe('environment', () => {
  it('is the env given, with undefined values dropped', async () => {
    const r = await run('sh', ['-c', 'echo "A=$A B=${B-unset} C=$C"'], {
      env: { PATH: process.env.PATH, A: 'one two', B: undefined, C: 'é€' },
    });
    expect(r.output).toBe('A=one two B=unset C=é€\r\n');
  });

  it('has nothing of process.env when an env is given', async () => {
    process.env.NATIVE_PTY_PARENT_ONLY = 'yes';
    try {
      const r = await run('sh', ['-c', 'echo "[${NATIVE_PTY_PARENT_ONLY-unset}]"'], { env: { PATH: process.env.PATH } });
      expect(r.output.trim()).toBe('[unset]');
      const inherited = await run('sh', ['-c', 'echo "[${NATIVE_PTY_PARENT_ONLY-unset}]"']);
      expect(inherited.output.trim()).toBe('[yes]');
    } finally {
      delete process.env.NATIVE_PTY_PARENT_ONLY;
    }
  });

  it("drops the server's own terminal variables from the default env only", async () => {
    process.env.TMUX = '/tmp/tmux-0/default,1,0';
    process.env.COLUMNS = '999';
    try {
      const def = await run('sh', ['-c', 'echo "[${TMUX-unset}] [${COLUMNS-unset}]"']);
      expect(def.output.trim()).toBe('[unset] [unset]');
      const given = await run('sh', ['-c', 'echo "[${TMUX-unset}]"'], { env: { PATH: process.env.PATH, TMUX: 'x' } });
      expect(given.output.trim()).toBe('[x]');
    } finally {
      delete process.env.TMUX;
      delete process.env.COLUMNS;
    }
  });

  it('TERM defaults to xterm-256color', async () => {
    const r = await run('sh', ['-c', 'echo "$TERM"']);
    expect(r.output.trim()).toBe('xterm-256color');
  });

  it("without a name, TERM comes from a TERM in the env given (node-pty's fallback)", async () => {
    const r = await run('sh', ['-c', 'echo "$TERM"; env | grep -c "^TERM="'], {
      env: { PATH: process.env.PATH, TERM: 'dumb' },
    });
    expect(r.output).toBe('dumb\r\n1\r\n');
  });

  it("the server's own TERM is not inherited: it names the server's terminal, not the child's", async () => {
    const saved = process.env.TERM;
    process.env.TERM = 'screen';
    try {
      const r = await run('sh', ['-c', 'echo "$TERM"']);
      expect(r.output.trim()).toBe('xterm-256color');
    } finally {
      if (saved === undefined) delete process.env.TERM;
      else process.env.TERM = saved;
    }
  });

  it('TERM comes from name, and overrides a TERM in env', async () => {
    const r = await run('sh', ['-c', 'echo "$TERM"; env | grep -c "^TERM="'], {
      name: 'vt100',
      env: { PATH: process.env.PATH, TERM: 'dumb' },
    });
    expect(r.output).toBe('vt100\r\n1\r\n');
  });
});

describe('what the session reports', () => {
  it('pid is the child, ptsName is its terminal', async () => {
    const pty = spawn('sh', ['-c', 'echo "$$ $(tty)"'], {});
    expect(pty).toBeInstanceOf(NativePty);
    expect(pty.ptsName).toMatch(/^\/dev\/pts\/\d+$/);
    const r = await collect<string>(pty);
    expect(r.chunks.join('').trim()).toBe(`${pty.pid} ${pty.ptsName}`);
  });

  it('process names the foreground process', async () => {
    // Job control gives sleep a process group of its own, in the foreground of the terminal.
    const pty = new NativePty('bash', ['-c', 'set -m; sleep 30; true']);
    await until(() => pty.process === 'sleep', 10_000, "process === 'sleep'");
    pty.kill('SIGKILL', 'foreground');
    pty.kill('SIGKILL');
    await waitForExit(pty);
    expect(pty.process).toBe('bash');
  });

  it('clear() is a harmless no-op', async () => {
    const pty = new NativePty('sh', ['-c', 'echo hi']);
    pty.clear();
    const r = await collect<string>(pty);
    expect(r.chunks.join('')).toBe('hi\r\n');
  });
});
