/**
 * Argument checking for every public function, in Node's own dialect: the classes, `code`s and
 * message forms of Node's validators, so that a caller branches on `err.code` as it does for
 * fs or child_process, and every message names the argument as the caller wrote it ("file",
 * "args[2]", "options.cols").
 *
 *   wrong type                                   TypeError   ERR_INVALID_ARG_TYPE
 *   right type, value not allowed (a NUL byte,   TypeError   ERR_INVALID_ARG_VALUE
 *     an empty program name, an env key with '=')
 *   a name outside a fixed set ('SIGNOPE',       RangeError  ERR_INVALID_ARG_VALUE
 *     delivery 'fast'), two options that clash
 *   a number out of range or not an integer      RangeError  ERR_OUT_OF_RANGE
 *
 * Pure TypeScript, no addon: `native-pty/activity` and `native-pty/ansi` use it too. The
 * addon's own checks (src-native/node/arguments.cc) speak the same dialect.
 */
import { inspect } from 'node:util';

/** An argument error: a TypeError or RangeError with Node's `code`. */
export type ArgumentError = (TypeError | RangeError) & { code: string };

/** The largest delay setTimeout honours: above it Node fires after 1 ms instead. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

function withCode<E extends TypeError | RangeError>(error: E, code: string): E & { code: string } {
  return Object.assign(error, { code });
}

/** Node's wording: "options.cols" is a property, "file" and "args[2]" are arguments. */
function kind(name: string): 'property' | 'argument' {
  return name.includes('.') ? 'property' : 'argument';
}

function shortInspect(value: unknown, max: number): string {
  const text = inspect(value, { depth: 0, breakLength: Infinity });
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** What was received, as Node's ERR_INVALID_ARG_TYPE says it. */
function received(value: unknown): string {
  if (value === null || value === undefined) return `Received ${String(value)}`;
  if (typeof value === 'function') return `Received function ${value.name || '<anonymous>'}`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name;
    return name ? `Received an instance of ${name}` : `Received ${shortInspect(value, 128)}`;
  }
  return `Received type ${typeof value} (${shortInspect(value, 28)})`;
}

/** `expected` completes "must be …": 'of type string', 'an instance of AbortSignal'. */
export function invalidArgType(name: string, expected: string, value: unknown): ArgumentError {
  return withCode(
    new TypeError(`The "${name}" ${kind(name)} must be ${expected}. ${received(value)}`),
    'ERR_INVALID_ARG_TYPE',
  );
}

/** `reason` completes "The argument 'x' …": 'must not contain NUL bytes', 'is invalid'. */
export function invalidArgValue(
  name: string,
  value: unknown,
  reason: string,
  ErrorClass: typeof TypeError | typeof RangeError = TypeError,
): ArgumentError {
  return withCode(
    new ErrorClass(`The ${kind(name)} '${name}' ${reason}. Received ${shortInspect(value, 128)}`),
    'ERR_INVALID_ARG_VALUE',
  );
}

/** `range` completes "It must be …": '>= 1 && <= 65535', 'an integer'. */
export function outOfRange(name: string, range: string, value: unknown): ArgumentError {
  return withCode(
    new RangeError(`The value of "${name}" is out of range. It must be ${range}. Received ${shortInspect(value, 128)}`),
    'ERR_OUT_OF_RANGE',
  );
}

export function validateString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalidArgType(name, 'of type string', value);
  return value;
}

/** A string that goes to the kernel, where a NUL byte would silently cut it short. */
export function validateCString(value: unknown, name: string): string {
  const text = validateString(value, name);
  if (text.includes('\0')) throw invalidArgValue(name, text, 'must not contain NUL bytes');
  return text;
}

export function validateBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgType(name, 'of type boolean', value);
  return value;
}

export function validateFunction<F extends (...args: never[]) => unknown>(value: unknown, name: string): F {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
  return value as F;
}

/** A plain object: not null, not an array. */
export function validateObject(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgType(name, 'of type object', value);
  }
  return value as Record<string, unknown>;
}

export function validateArray(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw invalidArgType(name, 'an instance of Array', value);
  return value;
}

/** An integer from min to max; NaN, Infinity and 1.5 are out of range, as in Node. */
export function validateInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  return value;
}

/** A finite number from min to max (fractions allowed). */
export function validateNumber(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!(value >= min && value <= max)) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  return value;
}

/** One of a fixed set of names; another string is a RangeError that lists the set. */
export function validateOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  validateString(value, name);
  if (!(allowed as readonly string[]).includes(value as string)) {
    const list = allowed.map((a) => `'${a}'`).join(', ');
    throw invalidArgValue(name, value, `must be one of: ${list}`, RangeError);
  }
  return value as T;
}

/** An AbortSignal, duck-typed as Node's own APIs do, so that signals from another realm or a polyfill work. */
export function validateAbortSignal(value: unknown, name: string): AbortSignal {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    'aborted' in value &&
    typeof (value as AbortSignal).addEventListener === 'function' &&
    typeof (value as AbortSignal).removeEventListener === 'function';
  if (!ok) throw invalidArgType(name, 'an instance of AbortSignal', value);
  return value as AbortSignal;
}
