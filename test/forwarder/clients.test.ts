/**
 * Clients of a headless vt-pipe session over ipc.sock: every client gets every byte in order
 * and a slow one holds up nobody; a dropped connection resumes at its exact offset; input,
 * resize and signals arrive (and are ignored from a read-only client); bad frames close only
 * the connection that sent them; the socket admits only its owner and root; a session started
 * by one server is attached to by the next.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForwardedSession, listSessions, readSession, startSession } from '../../src/forwarder/index.js';
import { FrameType, MAX_PAYLOAD } from '../../src/forwarder/protocol.js';
import { controlDirsPerTest, RawClient } from '../helpers/forwarder.js';
import { fixture, runNode, until } from '../helpers/index.js';

const scratch = controlDirsPerTest();

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/**
 * A session that waits for a line ("go") on its terminal, then runs `then`. It returns once the
 * terminal's echo is off: a line typed before `stty -echo` ran would be echoed into the output
 * and shift every offset the tests count (seen under load: the wait for "all of seq" never
 * matched). The command says so with a file beside the control directory, not in its output.
 */
async function gated(dir: string, then: string, id = 'g'): Promise<string> {
  const ready = `${dir}-${id}.ready`;
  const s = await startSession('sh', ['-c', `stty -echo; : > '${ready}'; read -r go; ${then}`], { controlDir: dir, sessionId: id });
  await until(() => existsSync(ready), 10_000, 'the session to turn its echo off');
  rmSync(ready);
  return s.dir;
}

function collectSession(s: ForwardedSession): Promise<{ text: string; exitCode: number; signal: number }> {
  let text = '';
  s.on('data', (d: string) => (text += d));
  return new Promise((resolve) => s.on('exit', (exitCode, signal) => resolve({ text, exitCode, signal })));
}

describe('vt-pipe clients', () => {
  it('two clients and the record all get every byte, in order, then the exit', async () => {
    const dir = scratch();
    const session = await gated(dir, 'head -c 1048576 /dev/urandom | base64; exit 3');
    const a = await ForwardedSession.attach(session);
    const b = await ForwardedSession.attach(session);
    const [ra, rb] = [collectSession(a), collectSession(b)];
    a.write('go\r');
    const [x, y] = await Promise.all([ra, rb]);
    const raw = readFileSync(path.join(session, 'output.raw'), 'utf8');
    expect(raw.length).toBeGreaterThan(1_000_000);
    expect(sha(x.text)).toBe(sha(raw));
    expect(sha(y.text)).toBe(sha(raw));
    expect(x).toMatchObject({ exitCode: 3, signal: 0 });
    expect(readSession(session)).toMatchObject({ status: 'exited', exitCode: 3 });
  });

  it('a client that never reads holds up neither the command nor a client that reads', async () => {
    const dir = scratch();
    const session = await gated(dir, 'head -c 8388608 /dev/zero | od -v | head -c 16777216');
    // More than 16 MiB reach the terminal (it turns \n into \r\n): far more than any buffer.
    const stalled = await RawClient.open(path.join(session, 'ipc.sock'));
    stalled.send(FrameType.Attach, '{}');
    stalled.socket.pause(); // reads nothing more from here on
    const reader = await ForwardedSession.attach(session, { encoding: null });
    let bytes = 0;
    reader.on('data', (d: Buffer) => (bytes += d.length));
    const exited = new Promise((resolve) => reader.on('exit', resolve));
    reader.write('go\r');
    await exited;
    expect(bytes).toBeGreaterThan(16 * 1024 * 1024);
    expect(bytes).toBe(readFileSync(path.join(session, 'output.raw')).length);
    expect(readSession(session).status).toBe('exited');
    stalled.close();
  });

  it('resumes at the exact offset after the connection drops', async () => {
    const dir = scratch();
    const session = await gated(dir, 'seq 1 200000');
    const s = await ForwardedSession.attach(session);
    const done = collectSession(s);
    let drops = 0;
    s.on('data', () => {
      // Cut the connection a few times mid-stream, as a network or a restart would.
      if (drops < 3 && s.offset > (drops + 1) * 200_000) {
        drops++;
        s.reconnect();
      }
    });
    s.write('go\r');
    const r = await done;
    expect(drops).toBe(3);
    expect(r.text).toBe(readFileSync(path.join(session, 'output.raw'), 'utf8'));
  });

  it('pause() holds a client without holding the command, and resume() delivers every byte', async () => {
    const dir = scratch();
    const session = await gated(dir, 'seq 1 300000');
    const s = await ForwardedSession.attach(session);
    const done = collectSession(s);
    s.pause();
    s.write('go\r');
    // The command runs to its end while this client reads nothing.
    await until(() => readSession(session).status === 'exited', 20_000, 'the command to finish');
    expect(s.offset).toBeLessThan(readFileSync(path.join(session, 'output.raw')).length);
    s.resume();
    const r = await done;
    expect(r.text).toBe(readFileSync(path.join(session, 'output.raw'), 'utf8'));
  });

  it('attach with tail starts that many bytes before the end', async () => {
    const dir = scratch();
    const session = await gated(dir, 'seq 1 100000; read -r again');
    const first = await ForwardedSession.attach(session);
    first.write('go\r');
    const end = Array.from({ length: 100_000 }, (_, i) => `${i + 1}\r\n`).join('').length;
    await until(() => first.offset === end, 10_000, 'all of seq');
    const tail = await ForwardedSession.attach(session, { tail: 1000 });
    const text = new Promise<string>((resolve) => tail.once('data', (d: string) => resolve(d)));
    expect(tail.offset).toBe(end - 1000);
    const whole = await ForwardedSession.attach(session, { tail: 1e9 });
    expect(whole.offset).toBe(0);
    expect(await text).toBe(readFileSync(path.join(session, 'output.raw'), 'utf8').slice(end - 1000, end));
    first.write('\r');
    for (const [name, c] of [['first', first], ['tail', tail], ['whole', whole]] as const) {
      await until(() => c.exited, 10_000, `${name} to see the exit`);
    }
  });

  it('starts where ATTACH says: from an offset, or live only past the end', async () => {
    const dir = scratch();
    const session = await gated(dir, 'echo 0123456789; read -r again; echo after');
    const first = await ForwardedSession.attach(session);
    const firstDone = collectSession(first);
    first.write('go\r');
    await until(() => first.offset >= 12, 10_000, 'the first line');
    const fromFive = await RawClient.open(path.join(session, 'ipc.sock'));
    fromFive.send(FrameType.Attach, JSON.stringify({ from: 5 }));
    const live = await RawClient.open(path.join(session, 'ipc.sock'));
    live.send(FrameType.Attach, JSON.stringify({ from: 1e12 }));
    await fromFive.until((c) => c.output().length >= 7);
    first.write('x\r');
    await firstDone;
    await fromFive.until((c) => c.ofType(FrameType.Exit).length === 1);
    await live.until((c) => c.ofType(FrameType.Exit).length === 1);
    expect(fromFive.output().toString()).toBe('56789\r\nafter\r\n');
    expect(live.output().toString()).toBe('after\r\n');
    const hello = JSON.parse(live.ofType(FrameType.Hello)[0]!.payload.toString()) as { endOffset: number };
    expect(hello.endOffset).toBe(12);
  });

  it('a 1 MiB paste through INPUT arrives whole', async () => {
    const dir = scratch();
    const paste = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => 'abcdefghijklmnopqrstuvwxyz\n'[i % 27]).join(''));
    const s = await startSession('sh', ['-c', `stty raw -echo; head -c ${paste.length} | sha256sum`], { controlDir: dir });
    const client = await ForwardedSession.attach(s.dir);
    const done = collectSession(client);
    client.write(paste);
    const r = await done;
    expect(r.text).toContain(sha(paste));
  });

  it('ignores input, resize and signals from a read-only client', async () => {
    const dir = scratch();
    const session = await gated(dir, 'echo "got $go"; stty size');
    const viewer = await ForwardedSession.attach(session, { readOnly: true });
    const viewed = collectSession(viewer);
    viewer.write('ignored\r');
    viewer.resize(33, 11);
    viewer.kill('SIGKILL');
    const writer = await ForwardedSession.attach(session);
    const written = collectSession(writer);
    writer.write('go\r');
    const [v, w] = await Promise.all([viewed, written]);
    expect(w.text).toBe('got go\r\n24 80\r\n');
    expect(v.text).toBe(w.text);
    expect(w.exitCode).toBe(0);
  });

  it('tells every client a resize, whoever made it, and 0 x 0 goes back to the default size', async () => {
    const dir = scratch();
    const session = await gated(dir, 'stty size; read -r more; stty size', 'z');
    const a = await ForwardedSession.attach(session);
    const b = await ForwardedSession.attach(session);
    const done = collectSession(b);
    const sizes: string[] = [];
    b.on('resize', ({ cols, rows }: { cols: number; rows: number }) => sizes.push(`${cols}x${rows}`));
    a.resize(120, 40);
    await until(() => sizes.includes('120x40'), 10_000, 'b to hear of the resize');
    a.write('go\r');
    await until(() => b.offset > 0, 10_000, 'the first size');
    a.resize(0, 0);
    await until(() => sizes.includes('80x24'), 10_000, 'the default size');
    a.write('more\r');
    const r = await done;
    expect(r.text).toBe('40 120\r\n24 80\r\n');
  });

  it('makes the program redraw on a resize to the size it already has', async () => {
    const dir = scratch();
    const script = 'trap \'echo "winch $(stty size)"\' WINCH; echo ready; while :; do sleep 0.05; done';
    const s = await startSession('sh', ['-c', script], { controlDir: dir });
    const client = await ForwardedSession.attach(s.dir);
    let text = '';
    client.on('data', (d: string) => (text += d));
    const done = collectSession(client);
    await until(() => text.includes('ready'), 10_000, 'ready');
    client.resize(80, 24); // the headless default: the kernel alone would not signal this
    await until(() => text.includes('winch 24 80'), 10_000, 'SIGWINCH for the same size');
    client.kill('SIGTERM');
    await done;
  });

  it('sends SIGNAL to the command', async () => {
    const dir = scratch();
    const s = await startSession('sleep', ['100'], { controlDir: dir });
    const client = await ForwardedSession.attach(s.dir);
    const done = collectSession(client);
    client.kill('SIGTERM');
    expect(await done).toMatchObject({ exitCode: 0, signal: 15 });
  });

  it('answers PING, before and after ATTACH', async () => {
    const dir = scratch();
    const session = await gated(dir, 'true');
    const c = await RawClient.open(path.join(session, 'ipc.sock'));
    c.send(FrameType.Ping, 'one');
    c.send(FrameType.Attach, '{"name":"pinger","extra":[1,{"x":null}]}');
    c.send(FrameType.Ping, 'two');
    expect(await c.until((x) => x.ofType(FrameType.Pong).length === 2)).toBe(true);
    expect(c.ofType(FrameType.Pong).map((f) => f.payload.toString())).toEqual(['one', 'two']);
    c.close();
  });

  describe('bad frames close only the connection that sent them', () => {
    const header = (type: number, length: number): Buffer => {
      const b = Buffer.alloc(5);
      b[0] = type;
      b.writeUInt32BE(length, 1);
      return b;
    };
    it.each([
      ['a frame over the 1 MiB cap', (c: RawClient) => c.sendRaw(header(FrameType.Input, MAX_PAYLOAD + 1)), 'frame-too-large'],
      ['a truncated frame at the end', (c: RawClient) => (c.sendRaw(header(FrameType.Attach, 10)), c.socket.end()), 'truncated'],
      ['garbage JSON in ATTACH', (c: RawClient) => c.send(FrameType.Attach, '{"from": nope'), 'bad-attach'],
      ['a negative offset', (c: RawClient) => c.send(FrameType.Attach, '{"from": -1}'), 'bad-attach'],
      ['INPUT before ATTACH', (c: RawClient) => c.send(FrameType.Input, 'x'), 'not-attached'],
      ['a RESIZE of 0 x 5', (c: RawClient) => (c.send(FrameType.Attach, '{}'), c.send(FrameType.Resize, Buffer.from([0, 0, 0, 5]))), 'bad-resize'],
      ['a RESIZE of 3 bytes', (c: RawClient) => (c.send(FrameType.Attach, '{}'), c.send(FrameType.Resize, Buffer.from([0, 1, 0]))), 'bad-resize'],
      ['HELLO from a client', (c: RawClient) => c.send(FrameType.Hello, '{}'), 'unexpected-frame'],
      ['OUTPUT from a client', (c: RawClient) => (c.send(FrameType.Attach, '{}'), c.send(FrameType.Output, Buffer.alloc(9))), 'unexpected-frame'],
    ])('%s', async (_what, misbehave, code) => {
      const dir = scratch();
      const session = await gated(dir, 'seq 1 1000');
      const good = await ForwardedSession.attach(session);
      const goodDone = collectSession(good);
      const bad = await RawClient.open(path.join(session, 'ipc.sock'));
      misbehave(bad);
      expect(await bad.until((c) => c.closed)).toBe(true);
      const error = bad.ofType(FrameType.Error)[0];
      expect(JSON.parse(error!.payload.toString())).toMatchObject({ code });
      // The session and the other client go on.
      good.write('go\r');
      const r = await goodDone;
      expect(r.text).toBe(readFileSync(path.join(session, 'output.raw'), 'utf8'));
      expect(r.exitCode).toBe(0);
    });

    it('an unknown type is ignored', async () => {
      const dir = scratch();
      const session = await gated(dir, 'true');
      const c = await RawClient.open(path.join(session, 'ipc.sock'));
      c.send(0x7f, 'whatever');
      c.send(FrameType.Attach, '{}');
      c.send(0x33, '');
      c.send(FrameType.Ping, 'still here');
      expect(await c.until((x) => x.ofType(FrameType.Pong).length === 1)).toBe(true);
      expect(c.closed).toBe(false);
      c.close();
    });
  });

  it('lists its sessions, and a later server attaches to a headless one and gets everything', async () => {
    const dir = scratch();
    // One server starts a session and goes away.
    const r = await runNode(fixture('forwarder/start-and-leave.ts'), { args: [dir] });
    expect(r.code, r.stderr).toBe(0);
    const { id } = JSON.parse(r.stdout) as { id: string };
    const listed = await listSessions(dir);
    expect(listed).toEqual([expect.objectContaining({ id, alive: true, headless: true, status: 'running' })]);
    // The next one attaches and gets everything the command wrote while nobody watched.
    const s = await ForwardedSession.attach(listed[0]!.dir);
    const done = collectSession(s);
    s.write('go\r');
    const result = await done;
    expect(result.text).toBe(`${Array.from({ length: 1000 }, (_, i) => `line ${i + 1}`).join('\r\n')}\r\nbye\r\n`);
    await until(() => !existsSync(path.join(listed[0]!.dir, 'ipc.sock')), 10_000, 'the socket to go');
    expect(await listSessions(dir)).toEqual([expect.objectContaining({ id, alive: false, status: 'exited' })]);
  });

  it.runIf(process.getuid?.() === 0)('closes a connection from another user before HELLO', async () => {
    const dir = scratch();
    const session = await gated(dir, 'true');
    // Let another user reach the socket at all, so that the peer check is what stops it.
    chmodSync(dir, 0o711);
    chmodSync(session, 0o711);
    chmodSync(path.join(session, 'ipc.sock'), 0o666);
    const r = await runNode(fixture('forwarder/foreign-client.ts'), { args: [path.join(session, 'ipc.sock'), '65534'] });
    expect(JSON.parse(r.stdout)).toEqual({ connected: true, bytes: 0, closed: true });
  });
});
