/**
 * Who may use the web terminal: the holder of the token printed with the URL (exchanged for an
 * HttpOnly, SameSite=Strict cookie on first use), from a page of this server's own origin, at
 * a Host this server answers to (so a rebinding DNS name cannot reach a loopback server).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export class Access {
  readonly token: string;
  readonly cookieName: string;
  #digest: Buffer;
  #loopbackOnly: boolean;
  #port: number;

  /** `loopbackOnly`: the server listens on a loopback address and answers only to its names. */
  constructor(options: { token?: string; port: number; loopbackOnly: boolean }) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
    this.#digest = digest(this.token);
    this.#port = options.port;
    this.#loopbackOnly = options.loopbackOnly;
    // Cookies are shared by every port of a host: the name keeps two servers apart.
    this.cookieName = `native_pty_web_${options.port}`;
  }

  /** Compares in constant time (both sides hashed first, so lengths do not leak either). */
  matches(candidate: string | undefined | null): boolean {
    return typeof candidate === 'string' && timingSafeEqual(digest(candidate), this.#digest);
  }

  /** The token this request carries: `Authorization: Bearer`, our cookie, or `?token=`. */
  authenticated(req: IncomingMessage, url: URL): boolean {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && this.matches(auth.slice(7))) return true;
    if (this.matches(readCookie(req.headers.cookie, this.cookieName))) return true;
    return this.matches(url.searchParams.get('token'));
  }

  setCookie(secure: boolean): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;
  }

  /** On a loopback server, the Host header must name loopback and our port. */
  hostAllowed(req: IncomingMessage): boolean {
    if (!this.#loopbackOnly) return true;
    const host = req.headers.host;
    if (!host) return false;
    const match = /^(\[::1\]|127\.0\.0\.1|localhost)(?::(\d+))?$/i.exec(host);
    return match !== null && Number(match[2] ?? 80) === this.#port;
  }

  /** A browser's request must come from a page of this server (absent Origin: not a browser). */
  originAllowed(req: IncomingMessage, secure: boolean): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return origin === `${secure ? 'https' : 'http'}://${req.headers.host}`;
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
