/**
 * A program that cannot start is a thrown Error with code, errno, syscall and path — not a
 * child that exits with 1 — and leaves nothing behind (no session, no fd, no timer).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativePty, spawn } from '../../src/index.js';
import { deliveryState } from '../../src/delivery.js';
import { fdCount, run } from '../helpers/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'native-pty-errors-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface SpawnError extends Error {
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
}

function spawnError(fn: () => unknown): SpawnError {
  try {
    const pty = fn() as NativePty;
    pty.kill('SIGKILL');
  } catch (err) {
    return err as SpawnError;
  }
  throw new Error('spawn did not throw');
}

function expectSystemError(err: SpawnError, code: string, errPath: string): void {
  expect(err).toBeInstanceOf(Error);
  expect(err.code).toBe(code);
  expect(err.path).toBe(errPath);
  expect(typeof err.errno).toBe('number');
  expect(typeof err.syscall).toBe('string');
  expect(err.message).toContain(code);
}

describe('programs that cannot start', () => {
  it('a nonexistent file → ENOENT with its path', () => {
    const err = spawnError(() => new NativePty('/nonexistent/dir/prog'));
    expectSystemError(err, 'ENOENT', '/nonexistent/dir/prog');
  });

  it('a command not on PATH → ENOENT', () => {
    const err = spawnError(() => new NativePty('native-pty-no-such-command'));
    expectSystemError(err, 'ENOENT', 'native-pty-no-such-command');
  });

  it("the command is looked up on the child's PATH, not the server's", async () => {
    const err = spawnError(() => new NativePty('ls', [], { env: { PATH: dir } }));
    expectSystemError(err, 'ENOENT', 'ls');
    const script = path.join(dir, 'only-here');
    writeFileSync(script, '#!/bin/sh\necho found me\n');
    chmodSync(script, 0o755);
    const r = await run('only-here', [], { env: { PATH: `${dir}:/usr/bin:/bin` } });
    expect(r.output).toBe('found me\r\n');
  });

  it('a file without execute permission → EACCES', () => {
    const file = path.join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\necho no\n');
    chmodSync(file, 0o644);
    expectSystemError(spawnError(() => new NativePty(file)), 'EACCES', file);
  });

  it('a directory → EACCES', () => {
    expectSystemError(spawnError(() => spawn(dir, [], {})), 'EACCES', dir);
  });

  it('a script whose interpreter does not exist → ENOENT', () => {
    const file = path.join(dir, 'bad-interpreter');
    writeFileSync(file, '#!/nonexistent/interpreter\n');
    chmodSync(file, 0o755);
    const err = spawnError(() => new NativePty(file));
    expect(err.code).toBe('ENOENT');
  });

  it('a nonexistent cwd → ENOENT with the cwd as path', () => {
    const cwd = path.join(dir, 'missing');
    expectSystemError(spawnError(() => new NativePty('sh', [], { cwd })), 'ENOENT', cwd);
  });

  it('a cwd that is a file → ENOTDIR', () => {
    const cwd = path.join(dir, 'a-file');
    writeFileSync(cwd, '');
    expectSystemError(spawnError(() => new NativePty('sh', [], { cwd })), 'ENOTDIR', cwd);
  });

  it('failures leave no session, fd or timer behind', () => {
    const before = fdCount();
    for (let i = 0; i < 50; i++) {
      spawnError(() => new NativePty('/nonexistent/prog'));
      spawnError(() => new NativePty('sh', [], { cwd: '/nonexistent' }));
    }
    expect(fdCount()).toBe(before);
    expect(deliveryState()).toMatchObject({ sessions: 0, refed: false });
  });
});
