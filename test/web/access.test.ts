// The web terminal's security by default: a token for every request, exchanged for a strict
// cookie; its own Host and Origin only; loopback unless told; a strict CSP on every page.
import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startWebTerminal } from '../../packages/web/src/server.js';
import { api, newSession, serversPerTest, TestViewer } from '../helpers/web.js';

const serve = serversPerTest();

describe('web terminal: the token', () => {
  it('is required for every page, script, API call and WebSocket', async () => {
    const web = await serve();
    const id = await newSession(web);
    for (const path of ['/', '/sessions', `/s/${id}`, '/api/sessions', '/static/terminal.js', '/vendor/xterm.mjs']) {
      expect((await api(web, path, { token: null })).status, path).toBe(401);
      expect((await api(web, path, { token: web.token.slice(1) })).status, path).toBe(401);
      expect((await api(web, path, { token: `${web.token}x` })).status, path).toBe(401);
    }
    await expect(new TestViewer(web, id, { token: null }).opened).rejects.toThrow('401');
    await expect(new TestViewer(web, id, { token: 'wrong' }).opened).rejects.toThrow('401');
    expect(web.hub.list()).toHaveLength(1); // Nothing was created by the refused requests.
  });

  it('in the printed URL becomes an HttpOnly, SameSite=Strict cookie and leaves the address bar', async () => {
    const web = await serve();
    expect(web.url).toBe(`${web.origin}/?token=${web.token}`);
    expect(web.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const first = await fetch(`${web.origin}/sessions?token=${web.token}`, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/sessions');
    const cookie = first.headers.get('set-cookie')!;
    expect(cookie).toContain(`=${web.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const withCookie = await fetch(`${web.origin}/api/sessions`, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(withCookie.status).toBe(200);
    expect(await withCookie.json()).toEqual([]);
  });

  it('differs between two servers, and one server\'s cookie does not open the other', async () => {
    const a = await serve();
    const b = await serve();
    expect(a.token).not.toBe(b.token);
    const cookie = `native_pty_web_${b.port}=${a.token}`;
    expect((await fetch(`${b.origin}/api/sessions`, { headers: { Cookie: cookie } })).status).toBe(401);
  });
});

describe('web terminal: Host and Origin', () => {
  it('answers only to its own loopback Host (no DNS rebinding)', async () => {
    const web = await serve();
    // fetch() will not send a Host of our choosing; node:http will.
    const withHost = (host: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = request(`${web.origin}/api/sessions`, { headers: { Host: host, Authorization: `Bearer ${web.token}` } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject).end();
      });
    expect(await withHost(`attacker.example:${web.port}`)).toBe(421);
    expect(await withHost(`127.0.0.1:${web.port + 1}`)).toBe(421);
    expect(await withHost(`localhost:${web.port}`)).toBe(200);
    expect(await withHost(`127.0.0.1:${web.port}`)).toBe(200);
  });

  it('refuses a WebSocket and a state change from another origin, with a valid token', async () => {
    const web = await serve();
    const id = await newSession(web);
    await expect(new TestViewer(web, id, { origin: 'http://127.0.0.1:1' }).opened).rejects.toThrow('403');
    await expect(new TestViewer(web, id, { origin: 'https://evil.example' }).opened).rejects.toThrow('403');
    const create = await api(web, '/api/sessions', { method: 'POST', headers: { Origin: 'http://evil.example' } });
    expect(create.status).toBe(403);
    const end = await api(web, `/api/sessions/${id}`, { method: 'DELETE', headers: { Origin: 'http://evil.example' } });
    expect(end.status).toBe(403);
    expect(web.hub.list().map((s) => [s.id, s.exited])).toEqual([[id, false]]);
    const viewer = new TestViewer(web, id);
    await viewer.opened; // Its own origin is welcome.
    await viewer.close();
  });

  it('serves every page with a Content-Security-Policy that allows only its own scripts', async () => {
    const web = await serve();
    const page = await api(web, '/sessions');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('web terminal: where it listens', () => {
  it('refuses a non-loopback address unless allowRemote is given', async () => {
    await expect(startWebTerminal({ port: 0, host: '0.0.0.0', controlDir: null })).rejects.toThrow(/not a loopback address.*allowRemote/);
  });

  it('picks a free port with port 0 and reports an address in use as EADDRINUSE', async () => {
    const web = await serve();
    expect(web.port).toBeGreaterThan(0);
    await expect(startWebTerminal({ port: web.port, controlDir: null })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

describe('web terminal: bad input from a browser', () => {
  it('gets an error for each bad message and changes nothing; the session still works', async () => {
    const web = await serve();
    const id = await newSession(web);
    const viewer = new TestViewer(web, id);
    await viewer.opened;
    await viewer.waitFor((v) => v.of('snapshot').length === 1, 'the first snapshot');
    const bad = [
      'not json',
      '[1,2]',
      '42',
      JSON.stringify({ type: 'launch-missiles' }),
      JSON.stringify({ type: 'input', data: 42 }),
      JSON.stringify({ type: 'input', data: 'x'.repeat(300 * 1024) }),
      JSON.stringify({ type: 'resize', cols: 0, rows: 5 }),
      JSON.stringify({ type: 'resize', cols: 80.5, rows: 24 }),
      JSON.stringify({ type: 'ack', offset: -1 }),
      JSON.stringify({ type: 'ack', offset: 1e12 }),
    ];
    for (const message of bad) viewer.send(message);
    viewer.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await viewer.waitFor((v) => v.of('error').length === bad.length + 1, 'an error per bad message');
    expect(web.hub.get(id)!.summary()).toMatchObject({ cols: 80, rows: 24, exited: false });
    viewer.type('echo still-$((40+2))\r');
    await viewer.waitFor((v) => v.text.includes('still-42'), 'the session to answer');
    await viewer.close();
  });

  it('closes only the connection that sent an oversized message', async () => {
    const web = await serve();
    const id = await newSession(web);
    const rude = new TestViewer(web, id);
    const polite = new TestViewer(web, id);
    await Promise.all([rude.opened, polite.opened]);
    rude.send(JSON.stringify({ type: 'input', data: 'y'.repeat(2 * 1024 * 1024) }));
    await rude.waitFor((v) => v.closeCode !== null, 'the oversized sender to be closed');
    expect(rude.closeCode).toBe(1009);
    polite.type('echo polite\r');
    await polite.waitFor((v) => v.text.includes('polite\r\n'), 'the other viewer to go on');
    expect(web.hub.get(id)!.summary().exited).toBe(false);
    await polite.close();
  });

  it('closes a WebSocket to an unknown session with 4404, and answers 404 for its page', async () => {
    const web = await serve();
    const viewer = new TestViewer(web, 'no-such-session');
    await viewer.opened;
    await viewer.waitFor((v) => v.closeCode !== null, 'the close');
    expect(viewer.closeCode).toBe(4404);
    expect((await api(web, '/s/no-such-session')).status).toBe(404);
    expect((await api(web, '/s/%E0%A4%A')).status).toBe(400);
    expect((await api(web, '/api/sessions?cols=0', { method: 'POST' })).status).toBe(400);
  });
});
