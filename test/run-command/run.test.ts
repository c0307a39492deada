/**
 * runCommand / runShell on real processes and real PTYs: exit codes and signals, input,
 * stripAnsi, truncation, onData, spawn failures and argument checks. Cancellation lives in
 * cancel.test.ts, the parallel run in parallel.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { runCommand, runShell } from '../../src/run-command.js';
import { omissionMarker } from '../../src/run-command/output-buffer.js';
import { fixture } from '../helpers/index.js';

const PATTERN = fixture('run-command/pattern.cjs');
const { pattern } = createRequire(import.meta.url)(PATTERN) as {
  pattern: (bytes: number, seed: number) => string;
};
const node = process.execPath;
const bytesOf = (s: string) => Buffer.byteLength(s, 'utf8');
/** What the terminal turns the child's output into: its line discipline maps \n to \r\n. */
const onTerminal = (s: string) => s.replace(/\n/g, '\r\n');

const scratch = mkdtempSync(path.join(tmpdir(), 'run-command-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('exit codes and signals', () => {
  it('reports a normal exit with its code and its output', async () => {
    const r = await runCommand('sh', ['-c', 'echo hello; exit 3']);
    expect(r).toMatchObject({
      exitCode: 3,
      signal: null,
      output: 'hello\r\n',
      truncated: false,
      timedOut: false,
      aborted: false,
    });
    expect(r.pid).toBeGreaterThan(0);
    expect(r.durationMs).toBeGreaterThan(0);
  });

  it('reports exit 0', async () => {
    const r = await runCommand('true');
    expect(r.exitCode).toBe(0);
    expect(r.signal).toBeNull();
    expect(r.output).toBe('');
  });

  it.each([
    ['SIGTERM', constants.signals.SIGTERM],
    ['SIGKILL', constants.signals.SIGKILL],
    ['SIGUSR1', constants.signals.SIGUSR1],
  ])('reports death by %s as a signal number with a null exit code', async (name, num) => {
    const r = await runCommand('sh', ['-c', `echo before; kill -${name.slice(3)} $$`]);
    expect(r.exitCode).toBeNull();
    expect(r.signal).toBe(num);
    expect(r.output).toBe('before\r\n');
  });

  it('keeps the last output of a child that exits at once', async () => {
    const text = pattern(200_000, 1);
    const r = await runCommand(node, [PATTERN, '200000', '1'], {
      maxOutputBytes: 1_000_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.output).toBe(onTerminal(text));
  });
});

describe('runShell', () => {
  it('runs a command line with the given shell', async () => {
    const r = await runShell('echo "$0" one two | tr a-z A-Z; exit 4', { shell: '/bin/sh' });
    expect(r.exitCode).toBe(4);
    expect(r.output).toBe('/BIN/SH ONE TWO\r\n');
  });

  it('uses $SHELL by default, and /bin/sh when it is unset', async () => {
    const saved = process.env.SHELL;
    try {
      process.env.SHELL = '/bin/bash';
      expect((await runShell('echo $BASH_VERSION')).output).toMatch(/^\d+\.\d+/);
      delete process.env.SHELL;
      // dash (the usual /bin/sh) has no BASH_VERSION; what matters is that $0 is /bin/sh.
      expect((await runShell('echo $0')).output).toBe('/bin/sh\r\n');
    } finally {
      if (saved === undefined) delete process.env.SHELL;
      else process.env.SHELL = saved;
    }
  });

  it('passes cwd, env and the terminal size through', async () => {
    const r = await runShell('pwd; echo "$GREETING"; stty size; echo $TERM', {
      shell: '/bin/sh',
      cwd: scratch,
      env: { PATH: process.env.PATH, GREETING: 'hi there' },
      cols: 100,
      rows: 30,
      name: 'xterm',
    });
    expect(r.output).toBe(`${scratch}\r\nhi there\r\n30 100\r\nxterm\r\n`);
  });
});

describe('input', () => {
  it('writes a string to the terminal, which echoes it, and Ctrl+D ends it', async () => {
    const r = await runCommand('cat', [], { input: 'hello\n\x04' });
    expect(r.exitCode).toBe(0);
    expect(r.output).toBe('hello\r\nhello\r\n');
  });

  it('writes a Buffer and a Uint8Array byte for byte', async () => {
    const text = 'h\u00e9llo \u{1F600}\n\x04';
    const script = "let s='';process.stdin.setEncoding('utf8').on('data',d=>s+=d).on('end',()=>console.log(JSON.stringify(s)))";
    for (const input of [Buffer.from(text), new Uint8Array(Buffer.from(text))]) {
      const r = await runCommand(node, ['-e', script], { input });
      expect(r.exitCode).toBe(0);
      expect(r.output).toContain(JSON.stringify('h\u00e9llo \u{1F600}\n'));
    }
  });
});

describe('stripAnsi', () => {
  const colourful = "printf '\\033[1;31mred\\033[0m \\033]0;title\\007plain \\033[?25lend\\n'";

  it('keeps escape sequences by default', async () => {
    const r = await runShell(colourful, { shell: '/bin/sh' });
    expect(r.output).toBe('\x1b[1;31mred\x1b[0m \x1b]0;title\x07plain \x1b[?25lend\r\n');
  });

  it('removes them when asked', async () => {
    const r = await runShell(colourful, { shell: '/bin/sh', stripAnsi: true });
    expect(r.output).toBe('red plain end\r\n');
  });

  it('removes them from a long coloured stream whatever the read boundaries', async () => {
    const script =
      "let s='';for(let i=0;i<20000;i++)s+='\\x1b[3'+(i%8)+'m'+i+'\\u00e9\\x1b[0m\\n';process.stdout.write(s)";
    const r = await runCommand(node, ['-e', script], { stripAnsi: true, maxOutputBytes: 1_000_000 });
    let expected = '';
    for (let i = 0; i < 20000; i++) expected += `${i}\u00e9\r\n`;
    expect(r.output).toBe(expected);
  });
});

describe('truncation', () => {
  it('keeps head and tail of a large output within maxOutputBytes', async () => {
    const full = onTerminal(pattern(300_000, 2));
    const r = await runCommand(node, [PATTERN, '300000', '2'], {
      maxOutputBytes: 10_000,
    });
    expect(r.exitCode).toBe(0);
    expect(r.truncated).toBe(true);
    const kept = r.output.split(/\n\[\.\.\. \d+ bytes omitted \.\.\.\]\n/);
    expect(kept).toHaveLength(2);
    const [head, tail] = kept as [string, string];
    expect(full.startsWith(head)).toBe(true);
    expect(full.endsWith(tail)).toBe(true);
    expect(bytesOf(head) + bytesOf(tail)).toBeLessThanOrEqual(10_000);
    // Only a character or two can be lost at each cut to stay on a boundary.
    expect(bytesOf(head) + bytesOf(tail)).toBeGreaterThan(10_000 - 8);
    const omitted = bytesOf(full) - bytesOf(head) - bytesOf(tail);
    expect(r.output).toBe(head + omissionMarker(omitted) + tail);
  });

  it.each([9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21])(
    'cuts neither a character nor an escape sequence (maxOutputBytes %i)',
    async (max) => {
      // Head budget is max/2: the cuts fall across 😀, é, € and the colour sequences.
      const text = 'ab\u{1F600}\x1b[31m\u00e9' + '-'.repeat(200) + '\u20ac\x1b[0m\u{1F600}yz';
      const r = await runCommand(node, ['-e', `process.stdout.write(${JSON.stringify(text)})`], {
        maxOutputBytes: max,
      });
      expect(r.truncated).toBe(true);
      const m = /\n\[\.\.\. (\d+) bytes omitted \.\.\.\]\n/.exec(r.output)!;
      const head = r.output.slice(0, m.index);
      const tail = r.output.slice(m.index + m[0].length);
      expect(text.startsWith(head)).toBe(true);
      expect(text.endsWith(tail)).toBe(true);
      expect(Buffer.from(head + tail).toString()).toBe(head + tail);
      for (const part of [head, tail]) {
        // A kept sequence is kept whole: every ESC is followed by its full sequence.
        for (const [i, c] of [...part].entries()) {
          if (c === '\x1b') expect(/^\x1b\[(31|0)m/.test([...part].slice(i).join(''))).toBe(true);
        }
        expect(part).not.toMatch(/^(\[?[0-9;]*m)/);
      }
      expect(Number(m[1])).toBe(bytesOf(text) - bytesOf(head) - bytesOf(tail));
    },
  );
});

describe('onData', () => {
  it('streams every piece, which together make the untruncated output', async () => {
    const pieces: string[] = [];
    const r = await runCommand(node, [PATTERN, '100000', '3'], {
      maxOutputBytes: 1000,
      onData: (d) => pieces.push(d),
    });
    expect(r.truncated).toBe(true);
    expect(pieces.join('')).toBe(onTerminal(pattern(100_000, 3)));
  });

  it('rejects with what onData threw, after stopping the command', async () => {
    const boom = new Error('callback broke');
    let pid = 0;
    const run = runShell('echo $$; sleep 30', {
      shell: '/bin/sh',
      killGraceMs: 100,
      onData: (d) => {
        pid = Number.parseInt(d, 10);
        throw boom;
      },
    });
    await expect(run).rejects.toBe(boom);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });
});

describe('spawn failures', () => {
  it('rejects with ENOENT for a program that does not exist', async () => {
    await expect(runCommand('no-such-program-run-command-test')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('rejects with EACCES for a file that is not executable', async () => {
    const file = path.join(scratch, 'not-executable.sh');
    writeFileSync(file, '#!/bin/sh\necho hi\n', { mode: 0o644 });
    await expect(runCommand(file)).rejects.toMatchObject({ code: 'EACCES' });
  });

  it('rejects with ENOTDIR for a path through a regular file', async () => {
    const file = path.join(scratch, 'plain-file');
    writeFileSync(file, '');
    await expect(runCommand(path.join(file, 'program'))).rejects.toMatchObject({
      code: 'ENOTDIR',
    });
  });

  it('rejects with ENOENT for a cwd that does not exist', async () => {
    await expect(runCommand('true', [], { cwd: path.join(scratch, 'missing') })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('rejects from runShell when the shell cannot start', async () => {
    await expect(runShell('true', { shell: '/nonexistent/shell' })).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });
});

describe('argument checks', () => {
  const TYPE = { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' };
  const VALUE = { name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' };
  const RANGE = { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' };
  it.each([
    ['file not a string', TYPE, 'file', () => runCommand(42 as unknown as string)],
    ['empty file', VALUE, 'file', () => runCommand('')],
    ['args not an array', TYPE, 'args', () => runCommand('true', 'x' as unknown as string[])],
    ['an arg not a string', TYPE, 'args[0]', () => runCommand('true', [1 as unknown as string])],
    ['options not an object', TYPE, 'options', () => runCommand('true', [], 'x' as never)],
    ['timeout not a number', TYPE, 'options.timeout', () => runCommand('true', [], { timeout: '5' as never })],
    ['signal not a signal', TYPE, 'options.signal', () => runCommand('true', [], { signal: {} as never })],
    ['input of a wrong type', TYPE, 'options.input', () => runCommand('true', [], { input: 5 as never })],
    ['stripAnsi not a boolean', TYPE, 'options.stripAnsi', () => runCommand('true', [], { stripAnsi: 1 as never })],
    ['onData not a function', TYPE, 'options.onData', () => runCommand('true', [], { onData: 'x' as never })],
    ['cwd not a string', TYPE, 'options.cwd', () => runCommand('true', [], { cwd: 5 as never })],
    ['commandLine not a string', TYPE, 'commandLine', () => runShell(5 as never)],
    ['shell empty', VALUE, 'options.shell', () => runShell('true', { shell: '' })],
    ['runShell options an array', TYPE, 'options', () => runShell('true', [] as never)],
    ['negative timeout', RANGE, 'options.timeout', () => runCommand('true', [], { timeout: -1 })],
    ['fractional timeout', RANGE, 'options.timeout', () => runCommand('true', [], { timeout: 1.5 })],
    ['timeout beyond setTimeout', RANGE, 'options.timeout', () => runCommand('true', [], { timeout: 2 ** 31 })],
    ['zero maxOutputBytes', RANGE, 'options.maxOutputBytes', () => runCommand('true', [], { maxOutputBytes: 0 })],
    ['NaN maxOutputBytes', RANGE, 'options.maxOutputBytes', () => runCommand('true', [], { maxOutputBytes: Number.NaN })],
    ['negative killGraceMs', RANGE, 'options.killGraceMs', () => runCommand('true', [], { killGraceMs: -5 })],
    ['cols of 0', RANGE, 'options.cols', () => runCommand('true', [], { cols: 0 })],
  ])('rejects %s with %o, naming %s', async (_what, expected, argument, call) => {
    const error = await call().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(error).toMatchObject(expected);
    const message = error?.message ?? '';
    expect(message.includes(`"${argument}"`) || message.includes(`'${argument}'`), message).toBe(true);
  });
});
