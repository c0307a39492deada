// The web terminal's data path, seen by WebSocket viewers that speak the page's protocol:
// every byte in order at every viewer, per-viewer flow control (a slow viewer slows no one,
// the pty is held only while every interactive viewer is behind), resume by offset after a
// dropped connection, and one bounded snapshot for a late joiner.
import { describe, expect, it } from 'vitest';
import { FLOW_HIGH } from '../../packages/web/src/viewer.js';
import { SNAPSHOT_MAX_BYTES } from '../../packages/web/src/screen-mirror.js';
import { quietFor } from '../helpers/wait.js';
import { newSession, serversPerTest, TestViewer } from '../helpers/web.js';

const serve = serversPerTest();

/** What `seq 1 n` shows on a terminal (onlcr makes each \n a \r\n). */
const seqOutput = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}\r\n`).join('');

/** A server whose sessions say ready, wait for a line of input (not echoed), then print `seq 1 n`. */
const seqServer = (n: number) => serve({ shell: '/bin/sh', shellArgs: ['-c', `stty -echo; echo ready; read go; seq 1 ${n}`] });
/** All that such a session prints. */
const seqSession = (n: number): string => `ready\r\n${seqOutput(n)}`;

/** Starts the seq of a seqServer session once its echo is off. */
async function go(viewer: TestViewer): Promise<void> {
  await viewer.waitFor((v) => v.text.startsWith('ready'), 'the session to be ready');
  viewer.type('go\r');
}

function exitOffset(viewer: TestViewer): number | null {
  return viewer.of('exit').length > 0 ? viewer.received : null;
}

describe('web terminal: nothing lost', () => {
  it('delivers every byte in order to two viewers, then the exit', async () => {
    const web = await seqServer(100_000);
    const id = await newSession(web);
    const a = new TestViewer(web, id, { from: 0 });
    const b = new TestViewer(web, id, { from: 0 });
    await Promise.all([a.opened, b.opened]);
    let aAtExit: number | null = null;
    a.ws.on('message', () => (aAtExit ??= exitOffset(a)));
    await go(a);
    const expected = seqSession(100_000);
    await a.waitFor((v) => v.of('exit').length === 1, 'the exit at a', 30_000);
    await b.waitFor((v) => v.of('exit').length === 1, 'the exit at b', 30_000);
    expect(a.of('hello')[0]).toMatchObject({ offset: 0, resumed: true });
    expect(a.text).toBe(expected);
    expect(b.text).toBe(expected);
    expect(aAtExit).toBe(Buffer.byteLength(expected)); // The exit came after the last byte.
    expect(a.of('exit')[0]).toMatchObject({ exitCode: 0, signal: null });
    expect(a.of('snapshot')).toHaveLength(0);
  });

  it('resumes at the offset after a dropped connection: nothing doubled, nothing missed', async () => {
    const web = await seqServer(100_000);
    const id = await newSession(web);
    const first = new TestViewer(web, id, { from: 0 });
    await first.opened;
    await go(first);
    await first.waitFor((v) => v.received >= 150_000, '150 kB at the first connection');
    first.ws.terminate();
    const upTo = first.received;
    const again = new TestViewer(web, id, { from: upTo });
    await again.waitFor((v) => v.of('exit').length === 1, 'the exit after the reconnect', 30_000);
    expect(again.of('hello')[0]).toMatchObject({ offset: upTo, resumed: true });
    expect(again.of('snapshot')).toHaveLength(0);
    expect(first.text + again.text).toBe(seqSession(100_000));
  });
});

describe('web terminal: flow control per viewer', () => {
  it('holds a viewer that does not acknowledge at FLOW_HIGH, and resyncs it with a snapshot once its place is gone; the other viewer gets everything', async () => {
    const n = 300_000; // about 2 MB: more than the 1 MiB a session retains
    const web = await seqServer(n);
    const id = await newSession(web);
    const fast = new TestViewer(web, id, { from: 0 });
    const slow = new TestViewer(web, id, { from: 0, autoAck: false });
    await Promise.all([fast.opened, slow.opened]);
    await go(fast);
    await fast.waitFor((v) => v.of('exit').length === 1, 'the fast viewer to get everything', 60_000);
    expect(fast.text).toBe(seqSession(n));
    expect(slow.received).toBeLessThanOrEqual(FLOW_HIGH);
    expect(slow.received).toBeGreaterThan(FLOW_HIGH / 2);
    expect(slow.of('exit')).toHaveLength(0);

    slow.autoAck = true;
    slow.ack();
    await slow.waitFor((v) => v.of('exit').length === 1, 'the slow viewer to catch up');
    const [snapshot] = slow.of('snapshot');
    expect(snapshot!.offset).toBe(Buffer.byteLength(seqSession(n)));
    expect(snapshot!.data).toContain(String(n));
    expect(Buffer.byteLength(snapshot!.data)).toBeLessThanOrEqual(SNAPSHOT_MAX_BYTES);
  });

  it('holds the pty while its only interactive viewer is behind, and loses nothing when it catches up', async () => {
    const n = 200_000;
    const web = await seqServer(n);
    const id = await newSession(web);
    const viewer = new TestViewer(web, id, { from: 0, autoAck: false });
    await viewer.opened;
    await go(viewer);
    await viewer.waitFor((v) => v.received >= FLOW_HIGH / 2, 'the first output');
    await quietFor(500);
    const session = web.hub.get(id)!;
    expect(session.summary().exited).toBe(false);
    expect(session.ring.end).toBeLessThan(Buffer.byteLength(seqSession(n)));

    viewer.autoAck = true;
    viewer.ack();
    await viewer.waitFor((v) => v.of('exit').length === 1, 'the rest', 30_000);
    expect(viewer.of('snapshot')).toHaveLength(0);
    expect(viewer.text).toBe(seqSession(n));
  });

  it('never holds the pty for a read-only viewer', async () => {
    const web = await serve({ shell: '/bin/sh', shellArgs: ['-c', 'sleep 0.3; seq 1 300000'] });
    const id = await newSession(web);
    const watcher = new TestViewer(web, id, { readOnly: true, autoAck: false });
    await watcher.opened;
    const session = web.hub.get(id)!;
    await watcher.waitFor(() => session.summary().exited, 'the command to finish while its watcher sleeps', 30_000);
    expect(watcher.received - watcher.base).toBeLessThanOrEqual(FLOW_HIGH);
    // Input from a read-only viewer is refused and reaches nothing.
    watcher.type('x');
    await watcher.waitFor((v) => v.of('error').some((e) => e.message.includes('read-only')), 'the refusal');
  });
});

describe('web terminal: snapshots', () => {
  it('gives a late joiner one screen of at most 64 KB, whatever the history, then live output', async () => {
    const web = await serve({ shell: '/bin/sh', shellArgs: ['-c', 'stty -echo; seq 1 1000000; read line; echo "got $line"'] });
    const id = await newSession(web);
    const session = web.hub.get(id)!;
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 60_000;
      const check = (): void => {
        if (session.lines().some((l) => l === '1000000')) return resolve();
        if (Date.now() > deadline) return reject(new Error('seq did not finish'));
        setTimeout(check, 50);
      };
      check();
    });
    const late = new TestViewer(web, id);
    await late.waitFor((v) => v.of('snapshot').length === 1, 'the snapshot');
    const [snapshot] = late.of('snapshot');
    expect(Buffer.byteLength(snapshot!.data)).toBeLessThanOrEqual(SNAPSHOT_MAX_BYTES);
    expect(snapshot!.data).toContain('999999\r\n1000000');
    expect(snapshot!.offset).toBe(Buffer.byteLength(seqOutput(1_000_000)));
    expect(late.received).toBe(snapshot!.offset); // No replay after it.
    late.type('live\r');
    await late.waitFor((v) => v.text === 'got live\r\n', 'live output after the snapshot');
  });
});
