/**
 * Normalisation of what a user passes to NativePty, checked with the shared validators
 * (validate.ts: Node's codes and messages) before any of it reaches the addon. The limits on
 * sizes, ids and argument counts are the addon's own (`limits`), so both sides agree.
 */
import path from 'node:path';
import type { ActivityOptions } from './activity/types.js';
import { addon } from './native.js';
import type { DeliveryMode, KillTarget, NativePtyOptions } from './types.js';
import {
  invalidArgType,
  invalidArgValue,
  outOfRange,
  validateArray,
  validateBoolean,
  validateCString,
  validateInteger,
  validateNumber,
  validateObject,
  validateOneOf,
  validateString,
} from './validate.js';

export const DEFAULT_NAME = 'xterm-256color';
export const DEFAULT_COLS = 80;
export const DEFAULT_ROWS = 24;
export const DEFAULT_POLL_INTERVAL = 10;

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
  highWaterMark: number;
  /** false: no detector. */
  activity: ActivityOptions | false;
  /** handleFlowControl, and the writes that pause and resume output when it is on. */
  flowControl: { enabled: boolean; pause: string; resume: string };
}

export function validateFile(file: unknown): string {
  const value = validateCString(file, 'file');
  if (value === '') throw invalidArgValue('file', value, 'must not be empty');
  return value;
}

export function validateArgs(args: unknown): string[] {
  if (args === undefined) return [];
  const list = validateArray(args, 'args');
  const { maxArgs } = addon().limits;
  // A plain loop over every index: map() skips the holes of a sparse array (and would walk
  // all 2^32-1 of them first). The first hole is a TypeError at once; a list that goes on
  // past what execve could ever take is refused there.
  const out: string[] = [];
  for (let i = 0; i < list.length; i++) {
    if (i === maxArgs) throw outOfRange('args.length', `<= ${maxArgs}`, list.length);
    out.push(validateCString(list[i], `args[${i}]`));
  }
  return out;
}

/** cols and rows of a terminal, for spawn and resize; `prefix` is 'options.' for spawn. */
/**
 * A terminal size. Fractions are truncated, as node-pty does (browsers compute sizes such as
 * 80.5 from pixels); below 1, above the limit, NaN or not a number is refused.
 */
export function validateSize(cols: unknown, rows: unknown, prefix = ''): { cols: number; rows: number } {
  const { maxDimension } = addon().limits;
  return {
    cols: Math.trunc(validateNumber(cols, `${prefix}cols`, 1, maxDimension)),
    rows: Math.trunc(validateNumber(rows, `${prefix}rows`, 1, maxDimension)),
  };
}

/** The optional pixel size of resize(): `{ width, height }`, 0 meaning unknown. */
export function validatePixelSize(pixels: unknown): { width: number; height: number } {
  if (pixels === undefined) return { width: 0, height: 0 };
  const { width, height } = validateObject(pixels, 'pixels');
  const { maxDimension } = addon().limits;
  return {
    width: validateInteger(width, 'pixels.width', 0, maxDimension),
    height: validateInteger(height, 'pixels.height', 0, maxDimension),
  };
}

const KILL_TARGETS: readonly KillTarget[] = ['process', 'group', 'foreground'];

export function validateKillTarget(target: unknown): KillTarget {
  return validateOneOf(target, 'target', KILL_TARGETS);
}

/** Data for write(): a string, or bytes (any Uint8Array, Buffer included). */
export function validateWriteData(data: unknown): string | Uint8Array {
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  throw invalidArgType('data', 'of type string or an instance of Buffer or Uint8Array', data);
}

function normalizeEnv(env: unknown, isDefault: boolean, term: string, cwd: string): string[] {
  const source = validateObject(env, 'options.env');
  const dropped = isDefault ? new Set(INHERITED_TERMINAL_VARS) : undefined;
  const out: string[] = [];
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (value === undefined) continue;
    // A wrong TERM is reported even where `name` overrides it.
    if (key === 'TERM') validateCString(value, 'options.env.TERM');
    // TERM and PWD are set below from `name` and `cwd`, and must appear once only.
    if (key === 'TERM' || key === 'PWD' || dropped?.has(key)) continue;
    if (key === '' || key.includes('=') || key.includes('\0')) {
      throw invalidArgValue('options.env', key, 'has a key that is not a valid variable name');
    }
    out.push(`${key}=${validateCString(value, `options.env.${key}`)}`);
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
  return validateCString(term, 'options.env.TERM');
}

function normalizeEncoding(value: unknown): BufferEncoding | null {
  if (value === undefined) return 'utf8';
  if (value === null) return null;
  if (typeof value !== 'string') throw invalidArgType('options.encoding', 'of type string or null', value);
  if (!Buffer.isEncoding(value)) throw invalidArgValue('options.encoding', value, 'is not a known encoding', RangeError);
  // One spelling for UTF-8, which the native side decodes itself.
  const lower = value.toLowerCase();
  return lower === 'utf8' || lower === 'utf-8' ? 'utf8' : value;
}

export function normalizeOptions(opts: unknown): NormalizedOptions {
  const o = (opts === undefined ? {} : validateObject(opts, 'options')) as NativePtyOptions & Record<string, unknown>;
  const { maxId, maxGapMs, minHighWaterMark, maxHighWaterMark } = addon().limits;

  const isDefaultEnv = o.env === undefined || o.env === process.env;
  const name = o.name === undefined ? termFromEnv(o.env, isDefaultEnv) : validateCString(o.name, 'options.name');
  // Only undefined means "default": null or 0 is a mistake to report, not to paper over.
  const { cols, rows } = validateSize(
    o.cols === undefined ? DEFAULT_COLS : o.cols,
    o.rows === undefined ? DEFAULT_ROWS : o.rows,
    'options.',
  );
  const cwd = o.cwd === undefined ? process.cwd() : validateCString(o.cwd, 'options.cwd');
  const env = normalizeEnv(o.env === undefined ? process.env : o.env, isDefaultEnv, name, cwd);
  const encoding = normalizeEncoding(o.encoding);
  // -1 tells the addon to keep the parent's; (uid_t)-1 itself means "unchanged" to the kernel.
  const uid = o.uid === undefined ? -1 : validateInteger(o.uid, 'options.uid', 0, maxId);
  const gid = o.gid === undefined ? -1 : validateInteger(o.gid, 'options.gid', 0, maxId);
  const pollInterval =
    o.pollInterval === undefined ? DEFAULT_POLL_INTERVAL : validateNumber(o.pollInterval, 'options.pollInterval', 1, maxGapMs);
  const delivery: DeliveryMode =
    o.delivery === undefined ? 'poll' : validateOneOf(o.delivery, 'options.delivery', ['poll', 'wake'] as const);
  const highWaterMark =
    o.highWaterMark === undefined
      ? addon().highWaterMark
      : validateInteger(o.highWaterMark, 'options.highWaterMark', minHighWaterMark, maxHighWaterMark);

  let activity: ActivityOptions | false = encoding === null ? false : {};
  if (o.activity !== undefined) {
    if (o.activity !== false && (typeof o.activity !== 'object' || o.activity === null)) {
      throw invalidArgType('options.activity', 'false or of type object', o.activity);
    }
    activity = o.activity;
  }

  const flowControl = normalizeFlowControl(o);
  return { name, cols, rows, cwd, env, encoding, uid, gid, pollInterval, delivery, highWaterMark, activity, flowControl };
}

function normalizeFlowControl(o: NativePtyOptions): NormalizedOptions['flowControl'] {
  // Compared with what write() gets, never passed to the kernel: any string, NUL included.
  const pause = o.flowControlPause === undefined ? '\x13' : validateString(o.flowControlPause, 'options.flowControlPause');
  const resume = o.flowControlResume === undefined ? '\x11' : validateString(o.flowControlResume, 'options.flowControlResume');
  if (pause.length === 0) throw invalidArgValue('options.flowControlPause', pause, 'must not be empty', RangeError);
  if (resume.length === 0) throw invalidArgValue('options.flowControlResume', resume, 'must not be empty', RangeError);
  if (pause === resume) {
    throw invalidArgValue('options.flowControlResume', resume, 'must differ from options.flowControlPause', RangeError);
  }
  const enabled = o.handleFlowControl === undefined ? false : validateBoolean(o.handleFlowControl, 'options.handleFlowControl');
  return { enabled, pause, resume };
}
