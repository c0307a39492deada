/**
 * The web terminal (packages/web) against the targets of its issue, with the server in a
 * process of its own (the CLI, as `npm start` runs it) so that its memory and CPU are its own:
 *
 *   npx tsx bench/web.ts [--quick] [--browser-only]
 *
 * - memory per watched session: server RSS with N sessions (each with 400 KB of history and a
 *   viewer attached) minus its RSS with none, over N (target <= 10 MB; VibeTunnel: 50-100 MB);
 * - snapshot for a late joiner against the history length: bytes, and ms from the WebSocket's
 *   open to the snapshot (target <= 64 KB in <= 50 ms whatever the history);
 * - server CPU during a `yes` flood with 1 and 10 viewers that acknowledge at once: CPU ms per
 *   MB delivered to each viewer, and the rate;
 * - in headless Chromium (the system's): keystroke echo latency through the whole chain, and
 *   how long the prompt takes to show after Ctrl+C during `yes` (target 500 ms), both timed in
 *   the page from the keystroke handed to xterm.js to the screen that shows the answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { median } from './lib/stats.js';

const QUICK = process.argv.includes('--quick');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MB = 1e6;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Server {
  child: ChildProcess;
  origin: string;
  token: string;
}

/** Starts the CLI with `command` as what every new session runs; resolves once it listens. */
async function startServer(command: string[]): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'packages/web/src/cli.ts'), '--port', '0', '--no-vt-pipe', '--', ...command], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /^(http:\/\/\S+)$/m.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
  const parsed = new URL(url);
  return { child, origin: parsed.origin, token: parsed.searchParams.get('token')! };
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

async function newSession(server: Server, cols = 100, rows = 30): Promise<string> {
  const response = await fetch(`${server.origin}/api/sessions?cols=${cols}&rows=${rows}`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` } });
  return ((await response.json()) as { id: string }).id;
}

/** A viewer that acknowledges everything at once and counts what it gets. */
class Viewer {
  ws: WebSocket;
  received = 0;
  bytes = 0;
  snapshot: { bytes: number; ms: number } | null = null;
  opened = 0;
  constructor(server: Server, id: string) {
    this.ws = new WebSocket(`${server.origin.replace('http', 'ws')}/ws/${id}`, { headers: { Authorization: `Bearer ${server.token}` }, origin: server.origin });
    this.ws.on('open', () => (this.opened = performance.now()));
    this.ws.on('message', (data: Buffer, binary) => {
      if (binary) {
        this.received += data.length;
        this.bytes += data.length;
        this.ws.send(JSON.stringify({ type: 'ack', offset: this.received }));
        return;
      }
      const m = JSON.parse(data.toString());
      if (m.type === 'snapshot') {
        this.received = m.offset;
        this.snapshot ??= { bytes: Buffer.byteLength(m.data), ms: performance.now() - this.opened };
      }
    });
  }
  close(): void {
    this.ws.close();
  }
}

function rssMB(pid: number): number {
  return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, at USER_HZ 100
}

async function memoryPerSession(): Promise<void> {
  const n = QUICK ? 5 : 20;
  const server = await startServer(['/bin/sh', '-c', 'seq 1 70000; exec sleep 600']);
  await sleep(1000);
  const before = rssMB(server.child.pid!);
  const viewers: Viewer[] = [];
  for (let i = 0; i < n; i++) viewers.push(new Viewer(server, await newSession(server)));
  await sleep(3000);
  const after = rssMB(server.child.pid!);
  viewers.forEach((v) => v.close());
  await stopServer(server);
  console.log(`memory: ${n} sessions with a viewer each: server RSS ${before.toFixed(1)} -> ${after.toFixed(1)} MB; ${((after - before) / n).toFixed(2)} MB per watched session (target <= 10; VibeTunnel 50-100)`);
}

async function snapshots(): Promise<void> {
  for (const mb of QUICK ? [1, 8] : [1, 16, 64]) {
    const server = await startServer(['/bin/sh', '-c', `head -c ${mb * 750000} /dev/urandom | base64 -w 120; echo END; exec sleep 600`]);
    const id = await newSession(server);
    // Wait until the server's mirror has the whole history (its screen shows END).
    for (;;) {
      const r = await fetch(`${server.origin}/api/sessions/${id}/screen`, { headers: { Authorization: `Bearer ${server.token}` } });
      if (((await r.json()) as { lines: string[] }).lines.includes('END')) break;
      await sleep(100);
    }
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < (QUICK ? 3 : 10); i++) {
      const viewer = new Viewer(server, id);
      while (!viewer.snapshot) await sleep(5);
      times.push(viewer.snapshot.ms);
      bytes = viewer.snapshot.bytes;
      viewer.close();
    }
    await stopServer(server);
    console.log(`snapshot: ${mb} MB of history: ${(bytes / 1024).toFixed(1)} KB, median ${median(times).toFixed(1)} ms from open (max ${Math.max(...times).toFixed(1)}) (target <= 64 KB in <= 50 ms)`);
  }
}

async function floodCpu(): Promise<void> {
  for (const count of [1, 10]) {
    const server = await startServer(['/bin/sh', '-c', 'sleep 0.5; exec yes']);
    const id = await newSession(server);
    const viewers = Array.from({ length: count }, () => new Viewer(server, id));
    await sleep(1500);
    const pid = server.child.pid!;
    const cpu0 = cpuMs(pid);
    const bytes0 = viewers.map((v) => v.bytes);
    const t0 = performance.now();
    await sleep(QUICK ? 2000 : 5000);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = cpuMs(pid) - cpu0;
    const mb = median(viewers.map((v, i) => v.bytes - bytes0[i]!)) / MB;
    viewers.forEach((v) => v.close());
    await stopServer(server);
    console.log(`yes flood, ${count} viewer(s): ${(mb / seconds).toFixed(1)} MB/s to each viewer; server CPU ${((cpu / seconds) / 10).toFixed(0)}% of a core, ${(cpu / mb).toFixed(1)} ms per MB per viewer`);
  }
}

/**
 * In the page: hands `data` to xterm.js as typed input and times until `done(lines)` holds for
 * the visible lines. Sent as source text: tsx's helpers must not leak into the page.
 */
function timeInPage(page: Page, data: string, done: string): Promise<number> {
  return page.evaluate(`new Promise((resolve) => {
    const term = window.nativePtyWeb.term;
    const done = ${done};
    const lines = () => {
      const b = term.buffer.active;
      const out = [];
      for (let y = 0; y < term.rows; y++) out.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
      return out;
    };
    const t0 = performance.now();
    const sub = term.onWriteParsed(() => {
      if (done(lines())) {
        sub.dispose();
        resolve(performance.now() - t0);
      }
    });
    term.input(${JSON.stringify(data)}, true);
  })`) as Promise<number>;
}

async function browser(): Promise<void> {
  const server = await startServer(['/bin/bash', '--norc', '--noprofile']);
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  const chrome = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  try {
    const page = await chrome.newPage({ viewport: { width: 1000, height: 600 } });
    await page.goto(`${server.origin}/?token=${server.token}`);
    await page.waitForFunction('window.nativePtyWeb?.connected === true');
    await sleep(500);
    const echo: number[] = [];
    for (let i = 0; i < (QUICK ? 20 : 200); i++) {
      echo.push(await timeInPage(page, 'x', "(l) => l.some((x) => /[#$] x$/.test(x))"));
      await timeInPage(page, '\x7f', "(l) => l.some((x) => /[#$] $/.test(x))");
    }
    echo.sort((a, b) => a - b);
    const p99 = echo[Math.min(echo.length - 1, Math.floor(echo.length * 0.99))]!;
    console.log(`keystroke echo in the browser: p50 ${median(echo).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (${echo.length} keys)`);

    const stops: number[] = [];
    for (let i = 0; i < (QUICK ? 2 : 5); i++) {
      await page.evaluate("window.nativePtyWeb.term.input('yes\\r', true)");
      await sleep(1000);
      stops.push(await timeInPage(page, '\x03', "(l) => { const last = [...l].reverse().find((x) => x.trim() !== ''); return /^bash-[\\d.]+[#$] $/.test(last ?? ''); }"));
      await sleep(300);
    }
    console.log(`yes then Ctrl+C in the browser: prompt after median ${median(stops).toFixed(0)} ms (max ${Math.max(...stops).toFixed(0)}) (target 500)`);
  } finally {
    await chrome.close();
    await stopServer(server);
  }
}

console.log(`web terminal bench, ${new Date().toISOString()}${QUICK ? ' (quick)' : ''}`);
if (!process.argv.includes('--browser-only')) {
  await memoryPerSession();
  await snapshots();
  await floodCpu();
}
await browser();
