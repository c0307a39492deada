/**
 * Finding vt-pipe sessions: the control directory, what each session.json says, whether its
 * forwarder still serves it, and where the vt-pipe executable is.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertSupportedPlatform, target } from '../native-loader.js';

/** session.json, as the forwarder writes it. */
export interface SessionRecord {
  version: number;
  id: string;
  name: string;
  command: string[];
  cwd: string;
  pid: number;
  forwarderPid: number;
  status: 'starting' | 'running' | 'exited';
  exitCode: number | null;
  signal: number | null;
  startedAt: string;
  endedAt: string | null;
  cols: number;
  rows: number;
  headless: boolean;
}

export interface SessionListing extends SessionRecord {
  /** The session directory. */
  dir: string;
  /** Its forwarder accepts connections now (so it can be attached to; after the exit, for a while). */
  alive: boolean;
}

/** As vt-pipe picks it: $NATIVE_PTY_CONTROL_DIR, else $XDG_RUNTIME_DIR/native-pty, else /tmp/native-pty-<uid>. */
export function defaultControlDir(): string {
  const fromEnv = process.env.NATIVE_PTY_CONTROL_DIR;
  if (fromEnv) return fromEnv;
  const runtime = process.env.XDG_RUNTIME_DIR;
  if (runtime) return path.join(runtime, 'native-pty');
  return `/tmp/native-pty-${os.userInfo().uid}`;
}

/** dist/*.js and src/forwarder/*.ts: the package root is where package.json is, above. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('native-pty: cannot find the package root');
    dir = up;
  }
  return dir;
}

/**
 * The vt-pipe executable: $NATIVE_PTY_VT_PIPE when set (the sanitizer run sets it), else a
 * build of this checkout (build/Release; skipped with PREBUILDS_ONLY) or the package's prebuild
 * for this platform (on Linux the static one, whatever the libc). Throws an Error with code
 * ERR_VT_PIPE_NOT_FOUND naming the places it looked (ERR_NATIVE_PTY_UNSUPPORTED on a platform
 * without vt-pipe).
 */
export function vtPipePath(): string {
  const override = process.env.NATIVE_PTY_VT_PIPE;
  if (override) return override;
  assertSupportedPlatform('vt-pipe');
  const root = packageRoot();
  const { platform, arch, libc } = target();
  const prebuilds = path.join(root, 'prebuilds', `${platform}-${arch}`);
  const candidates = [
    ...(process.env.PREBUILDS_ONLY ? [] : [path.join(root, 'build', 'Release', 'vt-pipe')]),
    // On Linux the musl build is static: it runs on glibc systems too, and maps a fifth of the
    // memory (under 0.5 MB resident against 2.2-2.5 for the dynamically linked glibc build,
    // with glibc's loader, libc's and libm's pages) and starts faster. The one for this libc is the
    // fallback.
    ...(platform === 'linux' ? [path.join(prebuilds, 'vt-pipe.musl')] : []),
    ...(libc ? [path.join(prebuilds, `vt-pipe.${libc}`)] : []),
    path.join(prebuilds, 'vt-pipe'),
  ];
  const found = candidates.find((file) => existsSync(file));
  if (found !== undefined) return found;
  const error = new Error(`vt-pipe is not built for ${process.platform}-${process.arch}; looked for ${candidates.join(', ')}`);
  (error as NodeJS.ErrnoException).code = 'ERR_VT_PIPE_NOT_FOUND';
  throw error;
}

/**
 * Whether a forwarder listens on `socketPath`. A connection is the test, not the pid in
 * session.json: a pid can be reused by another process, a listening socket cannot outlive its
 * forwarder.
 */
export function socketAlive(socketPath: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    const done = (alive: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function readSession(dir: string): SessionRecord {
  return JSON.parse(readFileSync(path.join(dir, 'session.json'), 'utf8')) as SessionRecord;
}

/** Every session in the control directory, newest first; unreadable entries are skipped. */
export async function listSessions(controlDir = defaultControlDir()): Promise<SessionListing[]> {
  let names: string[];
  try {
    names = readdirSync(controlDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const listings = await Promise.all(
    names.map(async (name): Promise<SessionListing | null> => {
      const dir = path.join(controlDir, name);
      let record: SessionRecord;
      try {
        record = readSession(dir);
      } catch {
        return null;
      }
      const alive = await socketAlive(path.join(dir, 'ipc.sock'));
      return { ...record, dir, alive };
    }),
  );
  return listings
    .filter((l): l is SessionListing => l !== null)
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
}
