/**
 * A real server written for node-pty, run unchanged against native-pty: gritty (cloudcmd's web
 * terminal, socket.io; `import _pty from 'node-pty'`, then pty.spawn, on('data'),
 * on('exit'), resize, write, kill, removeListener). Its `node-pty` import is mapped to
 * native-pty by a module hook (test/fixtures/node-pty/map-node-pty.mjs): the one import
 * changed, by the loader, and nothing else. A socket.io client plays the page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/wait.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/node-pty');
let server: ChildProcess | null = null;
let client: Socket | null = null;
afterEach(() => {
  client?.close();
  server?.kill('SIGKILL');
});

async function startGritty(): Promise<number> {
  server = spawn(process.execPath, ['--import', 'tsx', '--import', path.join(fixtures, 'map-node-pty.mjs'), path.join(fixtures, 'gritty-server.mjs')], {
    cwd: root,
  });
  let stdout = '';
  let stderr = '';
  server.stdout!.on('data', (d) => (stdout += d));
  server.stderr!.on('data', (d) => (stderr += d));
  await until(() => /^\d+$/m.test(stdout) || server!.exitCode !== null, 20_000, 'gritty to listen');
  if (!/^\d+$/m.test(stdout)) throw new Error(`gritty did not start: ${stderr}`);
  expect(stdout).toContain('node-pty is native-pty');
  return Number(/^(\d+)$/m.exec(stdout)![1]);
}

describe('gritty, a server written for node-pty, on native-pty', () => {
  it('runs a shell for a client: input, output, a fractional resize, and the exit code', async () => {
    const port = await startGritty();
    client = io(`http://127.0.0.1:${port}/gritty`, { transports: ['websocket'] });
    let output = '';
    let exitCode: number | null = null;
    client.on('data', (d: string) => (output += d));
    client.on('exit', (code: number) => (exitCode = code));
    await new Promise<void>((resolve) => client!.once('accept', () => resolve()));
    client.emit('terminal', { cols: 80, rows: 24 });
    client.emit('data', 'echo hi-$((6*7))\n');
    await until(() => output.includes('hi-42'), 10_000, 'the answer');
    // Browsers compute sizes from pixels; gritty passes them on as they come.
    client.emit('resize', { cols: 100.6, rows: 30.2 });
    client.emit('data', 'stty size\n');
    await until(() => output.includes('30 100'), 10_000, 'the new size');
    client.emit('data', 'exit 3\n');
    await until(() => exitCode !== null, 10_000, 'the exit');
    expect(exitCode).toBe(3);
  });
});
