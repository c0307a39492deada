/**
 * The HTTP side: the pages, their scripts, xterm.js from its package, and a small JSON API for
 * the session list. Every request needs the token (see access.ts); every response carries a
 * strict Content-Security-Policy and is never cached.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Access } from './access.js';
import type { SessionHub } from './session-hub.js';

const require = createRequire(import.meta.url);
const PUBLIC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'public');
const xterm = path.dirname(require.resolve('@xterm/xterm/package.json'));
const fit = path.dirname(require.resolve('@xterm/addon-fit/package.json'));

/** The only files served, by URL path. */
const FILES: Record<string, string> = {
  '/static/terminal.html': path.join(PUBLIC, 'terminal.html'),
  '/static/sessions.html': path.join(PUBLIC, 'sessions.html'),
  '/static/terminal.js': path.join(PUBLIC, 'terminal.js'),
  '/static/sessions.js': path.join(PUBLIC, 'sessions.js'),
  '/static/style.css': path.join(PUBLIC, 'style.css'),
  '/vendor/xterm.mjs': path.join(xterm, 'lib', 'xterm.mjs'),
  '/vendor/xterm.css': path.join(xterm, 'css', 'xterm.css'),
  '/vendor/addon-fit.mjs': path.join(fit, 'lib', 'addon-fit.mjs'),
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

// xterm.js sets element styles from script, hence 'unsafe-inline' for styles only.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sizes a new session may ask for at creation. */
const MAX_DIMENSION = 1000;

export interface RouteContext {
  access: Access;
  hub: SessionHub;
  secure: boolean;
}

export async function handleRequest(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  const { access, hub } = ctx;
  if (!access.hostAllowed(req)) return text(res, 421, 'This server answers only to its own loopback address.');
  const url = new URL(req.url ?? '/', 'http://server');
  if (!access.authenticated(req, url)) {
    return text(res, 401, 'native-pty-web: open the URL with the token that the server printed when it started.');
  }
  // First use of the printed URL: the token becomes a cookie and leaves the address bar.
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    res.setHeader('Set-Cookie', access.setCookie(ctx.secure));
    return redirect(res, url.pathname + url.search);
  }
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && !access.originAllowed(req, ctx.secure)) {
    return text(res, 403, 'Cross-origin requests are refused.');
  }

  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (method === 'GET' && url.pathname === '/') {
    // The printed URL lands in a new shell right away.
    return redirect(res, `/s/${encodeURIComponent((await hub.create()).id)}`);
  }
  if (method === 'GET' && url.pathname === '/sessions') return file(res, FILES['/static/sessions.html']!);
  if (method === 'GET' && parts[0] === 's' && parts.length === 2) {
    if (!hub.get(parts[1]!)) return text(res, 404, 'No such session. The list is at /sessions.');
    return file(res, FILES['/static/terminal.html']!);
  }
  if (parts[0] === 'api' && parts[1] === 'sessions') return api(ctx, req, res, method, parts.slice(2), url);
  const served = FILES[url.pathname];
  if (method === 'GET' && served) return file(res, served);
  return text(res, 404, 'Not found.');
}

async function api(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, method: string, rest: string[], url: URL): Promise<void> {
  const { hub } = ctx;
  if (rest.length === 0 && method === 'GET') return json(res, 200, hub.list());
  if (rest.length === 0 && method === 'POST') {
    const cols = sizeParam(url, 'cols', 80);
    const rows = sizeParam(url, 'rows', 24);
    if (cols === null || rows === null) return json(res, 400, { error: `cols and rows must be integers from 1 to ${MAX_DIMENSION}` });
    req.resume();
    return json(res, 201, (await hub.create(cols, rows)).summary());
  }
  const session = rest.length >= 1 ? hub.get(rest[0]!) : undefined;
  if (!session) return json(res, 404, { error: 'no such session' });
  if (rest.length === 1 && method === 'GET') return json(res, 200, session.summary());
  if (rest.length === 1 && method === 'DELETE') {
    hub.end(session.id);
    return json(res, 202, session.summary());
  }
  if (rest.length === 2 && rest[1] === 'screen' && method === 'GET') return json(res, 200, { lines: session.lines() });
  return json(res, 405, { error: `${method} is not supported here` });
}

function sizeParam(url: URL, name: string, fallback: number): number | null {
  const value = url.searchParams.get(name);
  if (value === null) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_DIMENSION ? n : null;
}

async function file(res: ServerResponse, filePath: string): Promise<void> {
  const body = await readFile(filePath);
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(filePath)] ?? 'application/octet-stream' });
  res.end(body);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(303, { Location: location });
  res.end();
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body + '\n');
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
