/**
 * Driving the web terminal (packages/web) in tests: a server on a free loopback port, a raw
 * WebSocket viewer that records what it gets, and headless Chromium from the system (Debian's
 * `chromium`; CHROMIUM_PATH overrides) driven by playwright-core. Not in index.ts: only the
 * web tests need ws and a browser.
 */
import { existsSync } from 'node:fs';
import { afterEach } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { startWebTerminal, type WebTerminal, type WebTerminalOptions } from '../../packages/web/src/server.js';
import type { ServerMessage } from '../../packages/web/src/protocol.js';
import { until } from './wait.js';

/** A bash without the user's rc files: the same prompt everywhere. */
export const PLAIN_BASH = { shell: '/bin/bash', shellArgs: ['--norc', '--noprofile'] };

/** For a test file: serve() starts a server that is closed after its test. */
export function serversPerTest(): (options?: WebTerminalOptions) => Promise<WebTerminal> {
  const started: WebTerminal[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((web) => web.close()));
  });
  return async (options = {}) => {
    const web = await startWebTerminal({ port: 0, controlDir: null, ...PLAIN_BASH, ...options });
    started.push(web);
    return web;
  };
}

/** fetch() with the token as a bearer header (or none). */
export function api(web: WebTerminal, path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? web.token : init.token;
  if (token !== null) headers.set('Authorization', `Bearer ${token}`);
  return fetch(web.origin + path, { ...init, headers, redirect: 'manual' });
}

/** Creates a session through the API and returns its id. */
export async function newSession(web: WebTerminal, cols = 80, rows = 24): Promise<string> {
  const response = await api(web, `/api/sessions?cols=${cols}&rows=${rows}`, { method: 'POST' });
  if (response.status !== 201) throw new Error(`POST /api/sessions: ${response.status}`);
  return ((await response.json()) as { id: string }).id;
}

export interface ViewerOptions {
  from?: number;
  readOnly?: boolean;
  /** Acknowledge every output frame at once (a fast browser). Default true. */
  autoAck?: boolean;
  origin?: string;
  token?: string | null;
}

/** A viewer speaking the page's protocol, recording every output byte and control message. */
export class TestViewer {
  readonly ws: WebSocket;
  readonly messages: ServerMessage[] = [];
  /** Output bytes since the last hello/snapshot, and the offset they start at. */
  chunks: Buffer[] = [];
  base = 0;
  received = 0;
  autoAck: boolean;
  closeCode: number | null = null;
  readonly opened: Promise<void>;

  constructor(web: WebTerminal, sessionId: string, options: ViewerOptions = {}) {
    const params = new URLSearchParams();
    if (options.readOnly) params.set('readOnly', '1');
    if (options.from !== undefined) params.set('from', String(options.from));
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? web.token : options.token;
    if (token !== null) headers.Authorization = `Bearer ${token}`;
    this.ws = new WebSocket(`${web.origin.replace('http', 'ws')}/ws/${encodeURIComponent(sessionId)}?${params}`, {
      headers,
      origin: options.origin ?? web.origin,
    });
    this.autoAck = options.autoAck ?? true;
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      this.ws.once('error', reject);
    });
    this.ws.on('close', (code) => (this.closeCode = code));
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        this.chunks.push(data);
        this.received += data.length;
        if (this.autoAck) this.ack();
        return;
      }
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.messages.push(message);
      if (message.type === 'hello') this.received = this.base = message.offset;
      if (message.type === 'snapshot') {
        this.chunks = [];
        this.received = this.base = message.offset;
      }
    });
  }

  /** Output since the last hello/snapshot, as text. */
  get text(): string {
    return Buffer.concat(this.chunks).toString();
  }

  ack(offset = this.received): void {
    this.send({ type: 'ack', offset });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  type(data: string): void {
    this.send({ type: 'input', data });
  }

  of<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.messages.filter((m) => m.type === type) as Array<Extract<ServerMessage, { type: T }>>;
  }

  async waitFor(check: (viewer: this) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    await until(() => check(this), timeoutMs, what);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = new Promise((resolve) => this.ws.once('close', resolve));
    this.ws.close();
    await closed;
  }
}

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error('no Chromium: install Debian\'s chromium package (apt-get install chromium) or set CHROMIUM_PATH');
  return found;
}

/** For a test file: one headless Chromium, launched on first use and closed after the file. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

/** The page's visible terminal lines (xterm.js's buffer), trailing blanks trimmed. */
export function screenLines(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const term = (window as unknown as { nativePtyWeb: { term: import('@xterm/xterm').Terminal } }).nativePtyWeb.term;
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < term.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return lines;
  });
}

/** Gives the page's browser the cookie, as opening the printed URL does (without a new shell). */
export async function login(page: Page, web: WebTerminal): Promise<void> {
  await page.goto(`${web.origin}/sessions?token=${web.token}`);
}

/** Opens a session's page and waits until it is connected. */
export async function openSession(page: Page, web: WebTerminal, id: string, query = ''): Promise<void> {
  await page.goto(`${web.origin}/s/${encodeURIComponent(id)}${query}`);
  await page.waitForFunction(() => (window as unknown as { nativePtyWeb?: { connected: boolean } }).nativePtyWeb?.connected === true);
}

/** Waits until some visible line of the page's terminal satisfies `match`. */
export async function untilScreen(page: Page, match: (lines: string[]) => boolean, what: string, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await screenLines(page);
    if (match(lines)) return lines;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${lines.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
