/**
 * What code written for node-pty relies on, beyond IPty's typed surface: the default export,
 * spawn() without a program, signal 0 on a normal exit, fractional sizes, and write() once the
 * session has ended. (write()'s 'drain' at exit is in write-backpressure.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import nativePty, { NativePty, spawn } from '../../src/index.js';
import { collect, waitForExit, waitForOutput } from '../helpers/index.js';

describe('node-pty parity', () => {
  it('has a default export holding spawn and the rest of the module', () => {
    expect(nativePty.spawn).toBe(spawn);
    expect(nativePty.NativePty).toBe(NativePty);
  });

  it('runs sh when spawn() is given no program', async () => {
    const r = await collect(spawn(undefined, ['-c', 'echo "sh: $0"']));
    expect(r.chunks.join('')).toContain('sh: sh');
    expect(r.exitCode).toBe(0);
  });

  it("gives signal 0 for a normal exit, to onExit and to 'exit', and the number for a signal", async () => {
    const normal = spawn('sh', ['-c', 'exit 4']);
    const seen: unknown[] = [];
    normal.onExit((e) => seen.push(e));
    normal.on('exit', (code: number, signal: number) => seen.push([code, signal]));
    await waitForExit(normal);
    expect(seen).toEqual([{ exitCode: 4, signal: 0 }, [4, 0]]);

    const killed = spawn('sleep', ['30']);
    const exit = new Promise((resolve) => killed.onExit(resolve));
    killed.kill('SIGTERM');
    expect(await exit).toEqual({ exitCode: 0, signal: 15 });
  });

  it('truncates fractional sizes, as browsers compute them, in spawn() and resize()', async () => {
    const pty = spawn('sh', ['-c', 'stty size; read line; stty size'], { cols: 100.7, rows: 30.2 });
    expect([pty.cols, pty.rows]).toEqual([100, 30]);
    await waitForOutput(pty, '30 100');
    pty.resize(80.9, 24.5);
    expect([pty.cols, pty.rows]).toEqual([80, 24]);
    pty.write('\r');
    await waitForOutput(pty, '24 80');
    await waitForExit(pty);
    expect(() => pty.resize(0.5, 24)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  it('makes write() after the end a no-op that returns true (nothing to wait for)', async () => {
    const pty = spawn('true');
    await waitForExit(pty);
    expect(pty.write('ignored')).toBe(true);
    pty.destroy();
    expect(pty.write('ignored')).toBe(true);
  });

  it("accepts node-pty's Windows options on Unix and ignores them", async () => {
    const pty = spawn('sh', ['-c', 'exit 0'], { useConpty: true, useConptyDll: false, conptyInheritCursor: true } as never);
    expect(await new Promise((resolve) => pty.onExit(resolve))).toEqual({ exitCode: 0, signal: 0 });
  });
});
