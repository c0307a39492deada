/**
 * startWebTerminal(): the HTTP(S) server, the WebSocket upgrade and the session hub, wired
 * together. Loopback only unless `allowRemote` says otherwise.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP, type Socket } from 'node:net';
import os from 'node:os';
import { defaultControlDir } from 'native-pty/forwarder';
import { WebSocketServer, type WebSocket } from 'ws';
import { Access } from './access.js';
import { handleRequest } from './http-routes.js';
import { MAX_MESSAGE_BYTES } from './protocol.js';
import { SessionHub } from './session-hub.js';
import { Viewer } from './viewer.js';

export interface WebTerminalOptions {
  /** Default 7700; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Any other address needs `allowRemote`. */
  host?: string;
  /** Listen on a non-loopback address (anyone who can reach it and has the token gets a shell). */
  allowRemote?: boolean;
  /** Serve HTTPS with this certificate and key (PEM files). */
  tls?: { cert: string; key: string };
  /** Default: 32 random bytes. */
  token?: string;
  /** What a new session runs. Default: $SHELL, else /bin/sh. */
  shell?: string;
  shellArgs?: string[];
  /** Where new sessions start. Default: the home directory. */
  cwd?: string;
  /** vt-pipe's control directory to show sessions from; null: none. Default: vt-pipe's default. */
  controlDir?: string | null;
  /** Run new sessions under vt-pipe (in controlDir), so that they outlive the server. */
  persistent?: boolean;
}

export interface WebTerminal {
  /** The address to open, token included. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly port: number;
  readonly hub: SessionHub;
  /** Ends the shells it started, closes every connection and stops listening. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 7700;
const PING_INTERVAL_MS = 30_000;

export async function startWebTerminal(options: WebTerminalOptions = {}): Promise<WebTerminal> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  if (!loopback && !options.allowRemote) {
    throw new Error(`native-pty-web: refusing to listen on ${host}, which is not a loopback address: pass allowRemote (--allow-remote) to mean it`);
  }
  if (options.persistent && options.controlDir === null) {
    throw new Error('native-pty-web: persistent sessions run under vt-pipe and need a controlDir');
  }
  const secure = options.tls !== undefined;
  const server: Server = secure
    ? createHttpsServer({ cert: readFileSync(options.tls!.cert), key: readFileSync(options.tls!.key) })
    : createHttpServer();
  await listen(server, options.port ?? DEFAULT_PORT, host);
  const port = (server.address() as { port: number }).port;

  const access = new Access({ token: options.token, port, loopbackOnly: loopback });
  const hub = new SessionHub({
    shell: options.shell ?? process.env.SHELL ?? '/bin/sh',
    shellArgs: options.shellArgs ?? [],
    cwd: options.cwd ?? os.homedir(),
    controlDir: options.controlDir === undefined ? defaultControlDir() : options.controlDir,
    persistent: options.persistent,
  });
  await hub.start();
  const context = { access, hub, secure };

  server.on('request', (req, res) => {
    handleRequest(context, req, res).catch((err: Error) => {
      const status = err instanceof URIError ? 400 : 500;
      if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${status === 400 ? 'Bad request' : 'Server error'}: ${err.message}\n`);
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const refused = refusal(req);
    if (refused) {
      socket.end(`HTTP/1.1 ${refused}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const url = new URL(req.url ?? '/', 'http://server');
    const session = hub.get(safeDecode(url.pathname.slice('/ws/'.length)) ?? '');
    const from = url.searchParams.get('from');
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!session) return ws.close(4404, 'no such session');
      const offset = from === null ? undefined : Number(from);
      const viewer = new Viewer(ws, session, url.searchParams.get('readOnly') === '1');
      session.join(viewer, offset !== undefined && Number.isSafeInteger(offset) && offset >= 0 ? offset : undefined);
      keepAlive(ws);
    });
  });

  function refusal(req: IncomingMessage): string | null {
    const url = new URL(req.url ?? '/', 'http://server');
    if (!access.hostAllowed(req)) return '421 Misdirected Request';
    if (!access.authenticated(req, url)) return '401 Unauthorized';
    if (!access.originAllowed(req, secure)) return '403 Forbidden';
    if (!url.pathname.startsWith('/ws/')) return '404 Not Found';
    return null;
  }

  const shownHost = host.includes(':') ? `[${host}]` : host;
  const origin = `${secure ? 'https' : 'http'}://${shownHost}:${port}`;
  return {
    url: `${origin}/?token=${access.token}`,
    origin,
    token: access.token,
    port,
    hub,
    async close() {
      hub.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Pings every viewer; one that did not answer the last ping is gone (a sleeping laptop). */
function keepAlive(ws: WebSocket): void {
  let alive = true;
  ws.on('pong', () => (alive = true));
  const timer = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, PING_INTERVAL_MS).unref();
  ws.on('close', () => clearInterval(timer));
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
