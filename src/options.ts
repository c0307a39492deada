/**
 * Validation and normalisation of everything a user passes in, before any of it reaches the
 * addon. The rule throughout: a wrong type is a TypeError; a value of the right type outside
 * what is allowed is a RangeError; a string that cannot travel to the kernel (a NUL byte, an
 * empty program name, an env key with '=') is a TypeError, as Node's own child_process does.
 */
import path from 'node:path';
import type { ActivityOptions } from './activity/types.js';
import type { DeliveryMode, KillTarget, NativePtyOptions } from './types.js';

export const DEFAULT_NAME = 'xterm-256color';
export const DEFAULT_COLS = 80;
export const DEFAULT_ROWS = 24;
export const DEFAULT_POLL_INTERVAL = 10;
/** Beyond this setTimeout/setInterval silently fire after 1 ms, so larger values are refused. */
export const MAX_POLL_INTERVAL = 2 ** 31 - 1;
/**
 * More arguments than execve could ever take (Linux caps argv and envp together at a quarter of
 * the stack limit, 2 MiB by default). The addon refuses the same.
 */
export const MAX_ARGS = 1 << 20;
/** struct winsize holds unsigned shorts. */
export const MAX_DIMENSION = 65535;
/** uid_t / gid_t are 32-bit; (uid_t)-1 means "unchanged" to the kernel, so it is not a valid id. */
const MAX_ID = 2 ** 32 - 2;

/**
 * Variables that describe the terminal the server itself runs in, not the new one. Dropped from
 * the default environment only, as node-pty does, so a program in the pty does not believe it
 * runs inside tmux or screen, or at the server's window size.
 */
const INHERITED_TERMINAL_VARS = ['TMUX', 'TMUX_PANE', 'STY', 'WINDOW', 'WINDOWID', 'TERMCAP', 'COLUMNS', 'LINES'];

export interface NormalizedOptions {
  name: string;
  cols: number;
  rows: number;
  cwd: string;
  /** 'KEY=value' strings, as the addon takes them. */
  env: string[];
  encoding: BufferEncoding | null;
  uid: number;
  gid: number;
  pollInterval: number;
  delivery: DeliveryMode;
  /** false: no detector. */
  activity: ActivityOptions | false;
  /** handleFlowControl, and the writes that pause and resume output when it is on. */
  flowControl: { enabled: boolean; pause: string; resume: string };
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    return `a string (${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)})`;
  }
  return `${typeof value} (${String(value)})`;
}

function noNul(value: string, what: string): string {
  if (value.includes('\0')) throw new TypeError(`${what} must not contain NUL bytes`);
  return value;
}

function expectString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${describe(value)}`);
  return noNul(value, what);
}

export function expectBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`${what} must be a boolean, got ${describe(value)}`);
  return value;
}

function expectNumber(value: unknown, what: string): number {
  if (typeof value !== 'number') throw new TypeError(`${what} must be a number, got ${describe(value)}`);
  return value;
}

function expectIntegerIn(value: unknown, min: number, max: number, what: string): number {
  const n = expectNumber(value, what);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RangeError(`${what} must be an integer from ${min} to ${max}, got ${n}`);
  }
  return n;
}

export function validateFile(file: unknown): string {
  const value = expectString(file, 'The "file" argument');
  if (value === '') throw new TypeError('The "file" argument must not be empty');
  return value;
}

export function validateArgs(args: unknown): string[] {
  if (args === undefined) return [];
  if (!Array.isArray(args)) {
    throw new TypeError(`The "args" argument must be an array of strings, got ${describe(args)}`);
  }
  // A plain loop over every index: map() skips the holes of a sparse array (and would walk
  // all 2^32-1 of them first). The first hole is a TypeError at once; a list that goes on
  // past what execve could ever take is refused there.
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (i === MAX_ARGS) {
      throw new RangeError(`The "args" argument has ${args.length} elements; at most ${MAX_ARGS} are allowed`);
    }
    out.push(expectString(args[i], `args[${i}]`));
  }
  return out;
}

/** cols and rows of a terminal, for spawn and resize. */
export function validateSize(cols: unknown, rows: unknown): { cols: number; rows: number } {
  return {
    cols: expectIntegerIn(cols, 1, MAX_DIMENSION, 'cols'),
    rows: expectIntegerIn(rows, 1, MAX_DIMENSION, 'rows'),
  };
}

/** The optional pixel size of resize(): `{ width, height }`, 0 meaning unknown. */
export function validatePixelSize(pixels: unknown): { width: number; height: number } {
  if (pixels === undefined) return { width: 0, height: 0 };
  if (typeof pixels !== 'object' || pixels === null || Array.isArray(pixels)) {
    throw new TypeError(`The pixel size must be an object { width, height }, got ${describe(pixels)}`);
  }
  const { width, height } = pixels as { width?: unknown; height?: unknown };
  return {
    width: expectIntegerIn(width, 0, MAX_DIMENSION, 'pixel width'),
    height: expectIntegerIn(height, 0, MAX_DIMENSION, 'pixel height'),
  };
}

const KILL_TARGETS: ReadonlySet<string> = new Set<KillTarget>(['process', 'group', 'foreground']);

export function validateKillTarget(target: unknown): KillTarget {
  if (typeof target !== 'string') {
    throw new TypeError(`The kill target must be a string, got ${describe(target)}`);
  }
  if (!KILL_TARGETS.has(target)) {
    throw new RangeError(`Unknown kill target ${JSON.stringify(target)} (expected 'process', 'group' or 'foreground')`);
  }
  return target as KillTarget;
}

/** Data for write(): a string, or bytes (any Uint8Array, Buffer included). */
export function validateWriteData(data: unknown): string | Uint8Array {
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  throw new TypeError(`The "data" argument must be a string or a Buffer, got ${describe(data)}`);
}

function normalizeEnv(env: unknown, isDefault: boolean, term: string, cwd: string): string[] {
  if (typeof env !== 'object' || env === null || Array.isArray(env)) {
    throw new TypeError(`options.env must be an object, got ${describe(env)}`);
  }
  const source = env as Record<string, unknown>;
  const dropped = isDefault ? new Set(INHERITED_TERMINAL_VARS) : undefined;
  const out: string[] = [];
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    // A wrong TERM is reported even where `name` overrides it.
    if (key === 'TERM') expectString(value, 'options.env.TERM');
    // TERM and PWD are set below from `name` and `cwd`, and must appear once only.
    if (key === 'TERM' || key === 'PWD' || dropped?.has(key)) continue;
    if (key === '' || key.includes('=')) {
      throw new TypeError(`options.env key ${JSON.stringify(key)} is not a valid variable name`);
    }
    noNul(key, `options.env key ${JSON.stringify(key)}`);
    out.push(`${key}=${expectString(value, `options.env.${key}`)}`);
  }
  // Shells trust PWD when it names the directory they start in; node-pty sets it the same way.
  out.push(`TERM=${term}`, `PWD=${path.resolve(cwd)}`);
  return out;
}

/**
 * TERM when no `name` is given: a TERM in an env the caller passed (as node-pty does), else
 * the default. The server's own TERM (in process.env) describes the terminal the server runs
 * in, not the one its child gets, so it is not inherited, like TMUX and the others above.
 */
function termFromEnv(env: unknown, isDefault: boolean): string {
  if (isDefault || typeof env !== 'object' || env === null) return DEFAULT_NAME;
  const term = (env as Record<string, unknown>).TERM;
  if (term === undefined || term === '') return DEFAULT_NAME;
  return expectString(term, 'options.env.TERM');
}

export function normalizeOptions(opts: unknown): NormalizedOptions {
  if (opts === undefined) opts = {};
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new TypeError(`The "options" argument must be an object, got ${describe(opts)}`);
  }
  const o = opts as NativePtyOptions & Record<string, unknown>;

  const isDefaultEnv = o.env === undefined || o.env === process.env;
  const name = o.name === undefined ? termFromEnv(o.env, isDefaultEnv) : expectString(o.name, 'options.name');
  // Only undefined means "default": null or 0 is a mistake to report, not to paper over.
  const { cols, rows } = validateSize(
    o.cols === undefined ? DEFAULT_COLS : o.cols,
    o.rows === undefined ? DEFAULT_ROWS : o.rows,
  );
  const cwd = o.cwd === undefined ? process.cwd() : expectString(o.cwd, 'options.cwd');
  const env = normalizeEnv(o.env === undefined ? process.env : o.env, isDefaultEnv, name, cwd);

  let encoding: BufferEncoding | null = 'utf8';
  if (o.encoding === null) {
    encoding = null;
  } else if (o.encoding !== undefined) {
    if (typeof o.encoding !== 'string') {
      throw new TypeError(`options.encoding must be a string or null, got ${describe(o.encoding)}`);
    }
    if (!Buffer.isEncoding(o.encoding)) throw new RangeError(`Unknown options.encoding ${JSON.stringify(o.encoding)}`);
    encoding = o.encoding;
  }

  const uid = o.uid === undefined ? -1 : expectIntegerIn(o.uid, 0, MAX_ID, 'options.uid');
  const gid = o.gid === undefined ? -1 : expectIntegerIn(o.gid, 0, MAX_ID, 'options.gid');

  let pollInterval = DEFAULT_POLL_INTERVAL;
  if (o.pollInterval !== undefined) {
    pollInterval = expectNumber(o.pollInterval, 'options.pollInterval');
    if (!(pollInterval >= 1 && pollInterval <= MAX_POLL_INTERVAL)) {
      throw new RangeError(`options.pollInterval must be a finite number of ms from 1 to ${MAX_POLL_INTERVAL}, got ${pollInterval}`);
    }
  }

  let delivery: DeliveryMode = 'poll';
  if (o.delivery !== undefined) {
    if (typeof o.delivery !== 'string') {
      throw new TypeError(`options.delivery must be a string, got ${describe(o.delivery)}`);
    }
    if (o.delivery !== 'poll' && o.delivery !== 'wake') {
      throw new RangeError(`Unknown options.delivery ${JSON.stringify(o.delivery)} (expected 'poll' or 'wake')`);
    }
    delivery = o.delivery;
  }

  let activity: ActivityOptions | false = encoding === null ? false : {};
  if (o.activity !== undefined) {
    if (o.activity !== false && (typeof o.activity !== 'object' || o.activity === null)) {
      throw new TypeError(`options.activity must be false or an object, got ${describe(o.activity)}`);
    }
    activity = o.activity;
  }

  const flowControl = normalizeFlowControl(o);
  return { name, cols, rows, cwd, env, encoding, uid, gid, pollInterval, delivery, activity, flowControl };
}

function normalizeFlowControl(o: NativePtyOptions): NormalizedOptions['flowControl'] {
  const pause = flowControlString(o.flowControlPause, '\x13', 'options.flowControlPause');
  const resume = flowControlString(o.flowControlResume, '\x11', 'options.flowControlResume');
  if (pause.length === 0 || resume.length === 0 || pause === resume) {
    throw new RangeError('options.flowControlPause and options.flowControlResume must be distinct, non-empty strings');
  }
  const enabled = o.handleFlowControl === undefined ? false : expectBoolean(o.handleFlowControl, 'options.handleFlowControl');
  return { enabled, pause, resume };
}

/** Compared with what write() gets, never passed to the kernel: any string, NUL included. */
function flowControlString(value: unknown, fallback: string, what: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, got ${describe(value)}`);
  return value;
}
