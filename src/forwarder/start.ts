/**
 * Starting a session that outlives the server: `vt-pipe --headless`, detached from this
 * process, in a control directory; attach to it with ForwardedSession.attach(). After a
 * restart, a server finds it again with listSessions().
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { validateArray, validateCString, validateInteger, validateObject } from '../validate.js';
import { defaultControlDir, readSession, type SessionRecord, vtPipePath } from './sessions.js';

export interface StartOptions {
  controlDir?: string;
  /** [A-Za-z0-9_-]{1,64}; default: 128 random bits chosen by vt-pipe. */
  sessionId?: string;
  name?: string;
  cols?: number;
  rows?: number;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Also record input in output.cast (it may hold passwords). */
  recordInput?: boolean;
  /** How long to wait for the session to run, in ms. Default 10,000. */
  timeoutMs?: number;
}

export interface StartedSession extends SessionRecord {
  dir: string;
}

/**
 * Starts `file` with `args` under a headless vt-pipe and resolves once its socket accepts
 * connections. Rejects with an Error carrying vt-pipe's own reason (and `exitCode` 125, 126
 * or 127) when the session cannot start.
 */
export async function startSession(file: string, args: string[] = [], options: StartOptions = {}): Promise<StartedSession> {
  validateCString(file, 'file');
  validateArray(args, 'args').forEach((arg, i) => validateCString(arg, `args[${i}]`));
  validateObject(options, 'options');
  const controlDir = options.controlDir ?? defaultControlDir();
  const flags = ['--headless', '--control-dir', controlDir];
  if (options.sessionId !== undefined) flags.push('--session-id', validateCString(options.sessionId, 'options.sessionId'));
  if (options.name !== undefined) flags.push('--name', validateCString(options.name, 'options.name'));
  if (options.cols !== undefined) flags.push('--cols', String(validateInteger(options.cols, 'options.cols', 1, 65535)));
  if (options.rows !== undefined) flags.push('--rows', String(validateInteger(options.rows, 'options.rows', 1, 65535)));
  if (options.recordInput === true) flags.push('--record-input');

  const child = spawn(vtPipePath(), [...flags, '--', file, ...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => {});

  try {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    // vt-pipe prints the session id nowhere: find its directory by the pid it records.
    for (;;) {
      const done = await Promise.race([exited, new Promise<undefined>((resolve) => setTimeout(resolve, 10))]);
      const found = findByForwarderPid(controlDir, options.sessionId, child.pid!);
      if (found !== null && found.status !== 'starting') return found;
      if (done !== undefined) {
        const error = new Error(`vt-pipe could not start ${file}: ${stderr.trim() || `exit status ${done}`}`);
        throw Object.assign(error, { code: 'ERR_VT_PIPE_START', exitCode: done });
      }
      if (Date.now() > deadline) throw Object.assign(new Error(`vt-pipe did not start ${file} in time`), { code: 'ERR_VT_PIPE_START' });
    }
  } finally {
    // The session lives on its own from now: no pipe or handle of ours keeps it, or us, tied.
    child.stderr.destroy();
    child.unref();
  }
}

function findByForwarderPid(controlDir: string, id: string | undefined, pid: number): StartedSession | null {
  const candidates = id !== undefined ? [id] : safeList(controlDir);
  for (const name of candidates) {
    const dir = path.join(controlDir, name);
    try {
      const record = readSession(dir);
      if (record.forwarderPid === pid) return { ...record, dir };
    } catch {
      // Not written yet, or not a session.
    }
  }
  return null;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
