/**
 * The README's usage example runs as written: the block is cut from README.md, run with Node
 * (through tsx, against this checkout), and driven by a WebSocket client as a page would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { until } from '../helpers/wait.js';

const root = path.resolve(import.meta.dirname, '../..');

/** The first ```ts block after `marker` in the README. */
function readmeBlock(marker: string): string {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const from = readme.indexOf(marker);
  expect(from).toBeGreaterThan(0);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(from));
  return match![1]!;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let server: ChildProcess | null = null;
afterEach(() => {
  server?.kill('SIGKILL');
  server = null;
});

describe('README usage', () => {
  it('serves a shell per WebSocket: input, resize, and the exit closing the socket', async () => {
    // build/ is ignored by git and sits in the repository, so that `ws` and `native-pty` resolve.
    const file = path.join(root, 'build', 'readme-usage.ts');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, readmeBlock('A shell per WebSocket connection'));
    const port = await freePort();
    let stderr = '';
    server = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env: { ...process.env, PORT: String(port) } });
    server.stderr!.on('data', (d) => (stderr += d));

    // Connect once it listens (tsx compiles it first).
    let ws: WebSocket | null = null;
    const deadline = Date.now() + 20_000;
    while (!ws || ws.readyState !== WebSocket.OPEN) {
      ws = await new Promise<WebSocket | null>((resolve) => {
        const candidate = new WebSocket(`ws://127.0.0.1:${port}`);
        candidate.once('open', () => resolve(candidate));
        candidate.once('error', () => resolve(null));
      });
      if (Date.now() > deadline) throw new Error(`the example never listened: ${stderr}`);
      if (!ws) await new Promise((r) => setTimeout(r, 100));
    }
    let output = '';
    ws.on('message', (data) => (output += data));
    const closed = new Promise<string>((resolve) => ws!.once('close', (_code, reason) => resolve(String(reason))));
    ws.send(JSON.stringify({ cols: 100, rows: 30 }));
    ws.send(JSON.stringify({ input: 'stty size; echo hi-$((6*7))\r' }));
    await until(() => output.includes('30 100') && output.includes('hi-42'), 10_000, 'the answers');
    ws.send(JSON.stringify({ input: 'exit 3\r' }));
    expect(await closed).toBe('exited: 3, signal 0');
  });
});
