// The session's size (latest active viewer, throttled, a same-size resize still redraws) and
// HTTPS/WSS with a certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { quietFor } from '../helpers/wait.js';
import { newSession, serversPerTest, TestViewer } from '../helpers/web.js';

const serve = serversPerTest();

/** Sessions that print "WINCH rows cols" on every SIGWINCH. */
const winchServer = () =>
  serve({ shell: '/bin/sh', shellArgs: ['-c', 'trap \'echo "WINCH $(stty size)"\' WINCH; echo ready; while :; do sleep 0.02; done'] });

const winches = (viewer: TestViewer): string[] => viewer.text.split('\r\n').filter((line) => line.startsWith('WINCH'));

describe('web terminal: size', () => {
  it('makes the program redraw on a resize to the size it already has', async () => {
    const web = await winchServer();
    const id = await newSession(web, 80, 24);
    const viewer = new TestViewer(web, id, { from: 0 });
    await viewer.waitFor((v) => v.text.includes('ready'), 'the trap');
    viewer.send({ type: 'resize', cols: 80, rows: 24 });
    await viewer.waitFor((v) => winches(v).length === 1, 'a SIGWINCH for the same size');
    expect(winches(viewer)).toEqual(['WINCH 24 80']);
  });

  it('applies a burst of resizes at most every 50 ms, and always the last one', async () => {
    const web = await winchServer();
    const id = await newSession(web, 80, 24);
    const viewer = new TestViewer(web, id, { from: 0 });
    await viewer.waitFor((v) => v.text.includes('ready'), 'the trap');
    for (let cols = 81; cols <= 120; cols++) viewer.send({ type: 'resize', cols, rows: 30 });
    await viewer.waitFor((v) => winches(v).at(-1) === 'WINCH 30 120', 'the last size');
    await quietFor(200);
    expect(winches(viewer).length).toBeLessThan(10); // not one per message
    expect(web.hub.get(id)!.summary()).toMatchObject({ cols: 120, rows: 30 });
    expect(viewer.of('size').at(-1)).toEqual({ type: 'size', cols: 120, rows: 30 });
  });

  it('ignores the size a read-only viewer asks for', async () => {
    const web = await winchServer();
    const id = await newSession(web, 80, 24);
    const watcher = new TestViewer(web, id, { from: 0, readOnly: true });
    await watcher.waitFor((v) => v.text.includes('ready'), 'the trap');
    watcher.send({ type: 'resize', cols: 40, rows: 10 });
    await quietFor(300);
    expect(winches(watcher)).toEqual([]);
    expect(web.hub.get(id)!.summary()).toMatchObject({ cols: 80, rows: 24 });
  });
});

describe('web terminal: TLS', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'web-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves HTTPS and WSS with the certificate given, and marks the cookie Secure', async () => {
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const web = await serve({ tls: { cert, key } });
    expect(web.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const response = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
      get(`${web.origin}/sessions?token=${web.token}`, { rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, cookie: String(res.headers['set-cookie']) });
      }).on('error', reject);
    });
    expect(response.status).toBe(303);
    expect(response.cookie).toContain('Secure');

    const id = await newSessionTls(web.origin, web.token);
    const ws = new WebSocket(`${web.origin.replace('https', 'wss')}/ws/${id}`, {
      headers: { Authorization: `Bearer ${web.token}` },
      origin: web.origin,
      rejectUnauthorized: false,
    });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve(String(data)));
      ws.once('error', reject);
    });
    expect(JSON.parse(first)).toMatchObject({ type: 'hello' });
    ws.close();
  });
});

/** POST /api/sessions over HTTPS with a self-signed certificate. */
async function newSessionTls(origin: string, token: string): Promise<string> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/api/sessions`, { method: 'POST', rejectUnauthorized: false, headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve((JSON.parse(body) as { id: string }).id));
    });
    req.on('error', reject).end();
  });
}
