/**
 * Signal names and numbers of the running platform. Built from os.constants.signals so that
 * numbers are right on every OS (SIGUSR1 is 10 on Linux and 30 on macOS).
 */
import { constants } from 'node:os';
import { invalidArgType, invalidArgValue } from './validate.js';

const byName: ReadonlyMap<string, number> = new Map(Object.entries(constants.signals));

// Aliases (SIGIOT/SIGABRT, SIGPOLL/SIGIO) share a number; the first name listed wins, which is
// the conventional one in Node's table.
const byNumber: ReadonlyMap<number, string> = (() => {
  const map = new Map<number, string>();
  for (const [name, num] of byName) if (!map.has(num)) map.set(num, name);
  return map;
})();

/**
 * The number of a signal given as a name ('SIGTERM') or a number (15). A wrong type is a
 * TypeError; a name or number this platform does not know is a RangeError
 * (ERR_INVALID_ARG_VALUE both, as Node's own kill() would say ERR_UNKNOWN_SIGNAL).
 */
export function toSignalNumber(signal: unknown, argName = 'signal'): number {
  if (typeof signal === 'string') {
    const num = byName.get(signal);
    if (num === undefined) {
      throw invalidArgValue(argName, signal, "is not a signal name of this platform (such as 'SIGTERM')", RangeError);
    }
    return num;
  }
  if (typeof signal === 'number') {
    if (!byNumber.has(signal)) throw invalidArgValue(argName, signal, 'is not a signal number of this platform', RangeError);
    return signal;
  }
  throw invalidArgType(argName, 'of type string or number', signal);
}

/** The conventional name of a signal number, or undefined when the platform does not know it. */
export function signalName(signal: number): string | undefined {
  return byNumber.get(signal);
}
