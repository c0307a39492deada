/** Driving vt-pipe in tests: a scratch control directory, and a raw protocol client. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { encodeFrame, FrameDecoder, type Frame, FrameType } from '../../src/forwarder/protocol.js';
import { readSession, vtPipePath } from '../../src/forwarder/sessions.js';
import { until } from './wait.js';

export const VT_PIPE = vtPipePath();

/**
 * For a test file: scratch() makes a fresh control directory for one test, and every one made
 * is deleted after its test.
 */
export function controlDirsPerTest(): () => string {
  const made: Array<{ remove: () => Promise<void> }> = [];
  afterEach(async () => {
    for (const d of made.splice(0)) await d.remove();
  });
  return () => {
    const d = controlDir();
    made.push(d);
    return d.dir;
  };
}

/**
 * A fresh control directory (0700, as mkdtemp makes it); remove() ends the forwarders still
 * serving sessions in it (a test that never let its command finish would otherwise leave a
 * headless vt-pipe running after the suite), waits for them to go, and deletes it.
 */
export function controlDir(): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vt-pipe-'));
  return {
    dir,
    remove: async () => {
      const ending = endForwarders(dir);
      await until(() => ending.every((pid) => !servesDir(pid, dir)), 10_000, 'the forwarders to end');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether `pid` is still a live forwarder of `controlDir` (pids are reused; a zombie has no
 * command line). */
function servesDir(pid: number, controlDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(controlDir);
  } catch {
    return false;
  }
}

/** SIGTERM to each live forwarder of a session in `controlDir`; returns their pids. */
function endForwarders(controlDir: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync(controlDir);
  } catch {
    return [];
  }
  const ended: number[] = [];
  for (const entry of entries) {
    try {
      const { forwarderPid: pid } = readSession(path.join(controlDir, entry));
      if (servesDir(pid, controlDir)) {
        process.kill(pid, 'SIGTERM');
        ended.push(pid);
      }
    } catch {
      // No session.json, or the forwarder is gone already.
    }
  }
  return ended;
}

/** Resolves once the session in `sessionDir` says it runs (its socket accepts connections). */
export function untilRunning(sessionDir: string): Promise<void> {
  const running = (): boolean => {
    try {
      return readSession(sessionDir).status === 'running';
    } catch {
      return false;
    }
  };
  return until(running, 10_000, `${sessionDir} to run`);
}

/** The text of every "o" event of an asciicast file, joined. */
export function castOutput(file: string): string {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  return lines
    .slice(1)
    .map((line) => JSON.parse(line) as [number, string, string])
    .filter((event) => event[1] === 'o')
    .map((event) => event[2])
    .join('');
}

/** A connection that speaks frames by hand: for the protocol's edges. */
export class RawClient {
  readonly socket: Socket;
  readonly frames: Frame[] = [];
  closed = false;
  #decoder = new FrameDecoder();
  #waiters: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.#decoder.push(chunk));
      this.#wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
  }

  static open(socketPath: string): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(socketPath);
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  send(type: number, payload: Buffer | string = Buffer.alloc(0)): void {
    this.socket.write(encodeFrame(type as FrameType, payload));
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves once `check` holds over what arrived, or the connection closed; false then. */
  async until(check: (c: RawClient) => boolean, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this)) {
      if (this.closed || Date.now() > deadline) return check(this);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  /** The OUTPUT bytes received, joined, after checking they came without gap or overlap. */
  output(): Buffer {
    let next = -1;
    const parts: Buffer[] = [];
    for (const f of this.frames.filter((f) => f.type === FrameType.Output)) {
      const offset = Number(f.payload.readBigUInt64BE(0));
      if (next >= 0 && offset !== next) throw new Error(`output at ${offset}, expected ${next}`);
      next = offset + f.payload.length - 8;
      parts.push(f.payload.subarray(8));
    }
    return Buffer.concat(parts);
  }

  ofType(type: number): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  close(): void {
    this.socket.destroy();
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }
}
