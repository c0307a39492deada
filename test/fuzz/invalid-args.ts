/**
 * Invalid arguments for every public function (and every function of the native binding, which
 * is where a bad argument can crash the process instead of throwing). Each case says what it
 * must throw: a wrong type is a TypeError, a value of the right type out of range a RangeError,
 * both with one of Node's argument codes (src/validate.ts), a system failure an Error with that code, and an exception raised by the caller's own getter
 * or proxy passes through unchanged.
 */
import { NativePty, spawn } from '../../src/index.js';
import { addon } from '../../src/native.js';

const native = addon();

export type Expected = 'TypeError' | 'RangeError' | 'Sentinel' | { code: string };

export interface InvalidCase {
  name: string;
  expect: Expected;
  /** `pty` is some session of the run, live or already exited. */
  call(pty: NativePty): unknown;
}

/** What a caller's throwing getter or proxy trap throws. */
export class Sentinel extends Error {}

/** Ids the run never hands out (they count up from 1): calls with them must be no-ops. */
export const UNKNOWN_IDS = [2 ** 32 - 1, 3_000_000_000, 2 ** 31];

function throwingGetter<T extends object>(target: T, key: PropertyKey): T {
  Object.defineProperty(target, key, {
    enumerable: true,
    get() {
      throw new Sentinel(`getter of ${String(key)}`);
    },
  });
  return target;
}

const throwingProxy = (): object =>
  new Proxy(
    {},
    {
      get(_t, key) {
        throw new Sentinel(`proxy get ${String(key)}`);
      },
      ownKeys() {
        throw new Sentinel('proxy ownKeys');
      },
    },
  );

/** An array of `length` holes. */
function sparse(length: number): string[] {
  const a: string[] = [];
  a.length = length;
  return a;
}

const request = (over: Record<string, unknown>): Record<string, unknown> => ({
  file: 'true',
  args: [],
  env: ['PATH=/usr/bin:/bin'],
  cwd: '/',
  cols: 80,
  rows: 24,
  uid: -1,
  gid: -1,
  gapMs: 10,
  ...over,
});

const ctor = (file: unknown, args?: unknown, opts?: unknown) => () =>
  new NativePty(file as string, args as string[], opts as object);
const withOpts = (opts: unknown) => ctor('true', [], opts);

const T = 'TypeError' as const;
const R = 'RangeError' as const;

export const CASES: InvalidCase[] = [
  // new NativePty(file, args, options) and spawn()
  // undefined and null run sh, as with node-pty (node-pty-parity.test.ts).
  ...[1, {}, [], '', 'a\0b', Symbol('f')].map((file) => ({
    name: `NativePty file ${String(typeof file === 'symbol' ? 'symbol' : JSON.stringify(file))}`,
    expect: T,
    call: ctor(file),
  })),
  ...['x', 1, {}, null, [1], ['a', 2], ['a\0'], [undefined], sparse(1000)].map((args) => ({
    name: `NativePty args ${JSON.stringify(args)?.slice(0, 40)}`,
    expect: T,
    call: ctor('true', args),
  })),
  { name: 'NativePty args with a throwing getter', expect: 'Sentinel', call: ctor('true', throwingGetter(['a', 'b'], 1)) },
  ...['x', 1, [], null, true].map((opts) => ({ name: `NativePty options ${JSON.stringify(opts)}`, expect: T, call: withOpts(opts) })),
  { name: 'NativePty options proxy that throws', expect: 'Sentinel', call: withOpts(throwingProxy()) },
  { name: 'NativePty options getter that throws', expect: 'Sentinel', call: withOpts(throwingGetter({}, 'cols')) },
  ...[0, -1, 0.5, NaN, Infinity, 65536, 2 ** 53].map((cols) => ({ name: `NativePty cols ${cols}`, expect: R, call: withOpts({ cols }) })),
  ...[0, -3, 0.5, 70000].map((rows) => ({ name: `NativePty rows ${rows}`, expect: R, call: withOpts({ rows }) })),
  ...['80', {}, true, 10n].map((cols) => ({ name: `NativePty cols of type ${typeof cols}`, expect: T, call: withOpts({ cols }) })),
  ...[1, 'a\0'].map((cwd) => ({ name: `NativePty cwd ${JSON.stringify(cwd)}`, expect: T, call: withOpts({ cwd }) })),
  ...['x', [], 5].map((env) => ({ name: `NativePty env ${JSON.stringify(env)}`, expect: T, call: withOpts({ env }) })),
  ...[{ A: 1 }, { 'A=B': 'x' }, { '': 'x' }, { A: 'x\0y' }, { 'A\0': 'x' }, { A: {} }].map((env) => ({
    name: `NativePty env entry ${JSON.stringify(env)}`,
    expect: T,
    call: withOpts({ env }),
  })),
  { name: 'NativePty env getter that throws', expect: 'Sentinel', call: withOpts({ env: throwingGetter({ A: 'a' }, 'B') }) },
  { name: 'NativePty encoding 1', expect: T, call: withOpts({ encoding: 1 }) },
  { name: "NativePty encoding 'nope'", expect: R, call: withOpts({ encoding: 'nope' }) },
  ...[-1, 1.5, 2 ** 32 - 1, 2 ** 40, NaN].flatMap((id) => [
    { name: `NativePty uid ${id}`, expect: R, call: withOpts({ uid: id }) },
    { name: `NativePty gid ${id}`, expect: R, call: withOpts({ gid: id }) },
  ]),
  { name: "NativePty uid '0'", expect: T, call: withOpts({ uid: '0' }) },
  ...[0, -5, NaN, Infinity, 2 ** 31, 0.5].map((pollInterval) => ({
    name: `NativePty pollInterval ${pollInterval}`,
    expect: R,
    call: withOpts({ pollInterval }),
  })),
  { name: "NativePty pollInterval '10'", expect: T, call: withOpts({ pollInterval: '10' }) },
  ...[0, 4095, 2 ** 26 + 1, NaN, 0.5].map((highWaterMark) => ({
    name: `NativePty highWaterMark ${highWaterMark}`,
    expect: R,
    call: withOpts({ highWaterMark }),
  })),
  { name: 'NativePty delivery 1', expect: T, call: withOpts({ delivery: 1 }) },
  { name: "NativePty delivery 'push'", expect: R, call: withOpts({ delivery: 'push' }) },
  { name: 'NativePty handleFlowControl 1', expect: T, call: withOpts({ handleFlowControl: 1 }) },
  { name: 'NativePty flowControlPause []', expect: T, call: withOpts({ flowControlPause: [] }) },
  { name: "NativePty flowControlResume ''", expect: R, call: withOpts({ flowControlResume: '' }) },
  ...[1, 'a\0b'].map((name) => ({ name: `NativePty name ${JSON.stringify(name)}`, expect: T, call: withOpts({ name }) })),
  { name: 'spawn() file 5', expect: T, call: () => spawn(5 as unknown as string) },
  { name: "spawn() options { cols: 0 }", expect: R, call: () => spawn('true', [], { cols: 0 }) },
  // Right types, but the system says no: an Error with the errno's code.
  { name: 'NativePty of a program that does not exist', expect: { code: 'ENOENT' }, call: ctor('no-such-program-native-pty-fuzz') },
  { name: 'NativePty of a directory', expect: { code: 'EACCES' }, call: ctor('/') },
  { name: 'NativePty of a file that is not executable', expect: { code: 'EACCES' }, call: ctor('/etc/passwd') },
  { name: 'NativePty in a cwd that does not exist', expect: { code: 'ENOENT' }, call: withOpts({ cwd: '/no/such/dir/native-pty' }) },

  // The IPty methods, on a session live or exited: validation comes before the exited check.
  ...[1, null, undefined, {}, [], true, 5n].map((data) => ({
    name: `write(${typeof data})`,
    expect: T,
    call: (pty: NativePty) => pty.write(data as string),
  })),
  ...[
    [0, 24, R],
    [80, 0, R],
    [0.5, 24, R],
    [65536, 1, R],
    [NaN, 1, R],
    [-80, 24, R],
    ['80', 24, T],
    [80, null, T],
    [undefined, undefined, T],
  ].map(([c, r, e]) => ({
    name: `resize(${String(c)}, ${String(r)})`,
    expect: e as Expected,
    call: (pty: NativePty) => pty.resize(c as number, r as number),
  })),
  ...[
    ['x', T],
    [null, T],
    [[], T],
    [{ width: -1, height: 0 }, R],
    [{ width: 1, height: 65536 }, R],
    [{ width: '1', height: 1 }, T],
    [{}, T],
  ].map(([px, e]) => ({
    name: `resize(80, 24, ${JSON.stringify(px)})`,
    expect: e as Expected,
    call: (pty: NativePty) => pty.resize(80, 24, px as { width: number; height: number }),
  })),
  ...[
    ['SIGFOO', R],
    ['sigterm', R],
    [999, R],
    [-1, R],
    [0, R],
    [1.5, R],
    [NaN, R],
    [{}, T],
    [null, T],
    [true, T],
  ].map(([sig, e]) => ({
    name: `kill(${JSON.stringify(sig)})`,
    expect: e as Expected,
    call: (pty: NativePty) => pty.kill(sig as string),
  })),
  { name: "kill('SIGTERM', 'everyone')", expect: R, call: (pty) => pty.kill('SIGTERM', 'everyone' as 'process') },
  { name: "kill('SIGTERM', 1)", expect: T, call: (pty) => pty.kill('SIGTERM', 1 as unknown as 'process') },
  ...[5, 'x', null, {}].flatMap((listener) => [
    { name: `onData(${JSON.stringify(listener)})`, expect: T, call: (pty: NativePty) => pty.onData(listener as () => void) },
    { name: `onExit(${JSON.stringify(listener)})`, expect: T, call: (pty: NativePty) => pty.onExit(listener as () => void) },
    { name: `on('data', ${JSON.stringify(listener)})`, expect: T, call: (pty: NativePty) => pty.on('data', listener as () => void) },
  ]),

  // The native binding: every argument of every function, and a bad array.
  { name: 'native.spawn()', expect: T, call: () => (native.spawn as () => unknown)() },
  ...[1, 'x', null, undefined].map((req) => ({ name: `native.spawn(${JSON.stringify(req)})`, expect: T, call: () => native.spawn(req as never) })),
  ...[
    [{ file: 1 }, T],
    [{ file: '' }, T],
    [{ file: 'a\0' }, T],
    [{ args: 'a' }, T],
    [{ args: [1] }, T],
    [{ args: sparse(5) }, T],
    // A bad args array must be a TypeError, never an abort: node-pty crashes here.
    [{ args: sparse(2 ** 32 - 1) }, T],
    [{ env: {} }, T],
    [{ cwd: null }, T],
    [{ cols: 0 }, R],
    [{ cols: 65536 }, R],
    [{ rows: -1 }, R],
    [{ rows: '24' }, T],
    [{ uid: -2 }, R],
    [{ gid: 2 ** 32 }, R],
    [{ uid: 1.5 }, R],
    [{ gapMs: true }, T],
    [{ gapMs: -1 }, R],
    [{ gapMs: 2 ** 31 }, R],
    [{ gapMs: undefined }, T],
  ].map(([over, e]) => ({
    name: `native.spawn(${JSON.stringify(over, (_k, v) => (Array.isArray(v) && v.length > 10 ? `<sparse ${v.length}>` : v))})`,
    expect: e as Expected,
    call: () => native.spawn(request(over as Record<string, unknown>) as never),
  })),
  { name: 'native.spawn request proxy that throws', expect: 'Sentinel', call: () => native.spawn(throwingProxy() as never) },
  { name: 'native.spawn args with a throwing getter', expect: 'Sentinel', call: () => native.spawn(request({ args: throwingGetter(['a', 'b'], 1) }) as never) },
  { name: 'native.write()', expect: T, call: () => (native.write as () => unknown)() },
  ...[
    [[-1, 'x'], R],
    [[1.5, 'x'], R],
    [[2 ** 32, 'x'], R],
    [[NaN, 'x'], R],
    [['1', 'x'], T],
    [[UNKNOWN_IDS[0], 5], T],
    [[UNKNOWN_IDS[0], new Uint16Array(2)], T],
    [[UNKNOWN_IDS[0], new DataView(new ArrayBuffer(2))], T],
    [[UNKNOWN_IDS[0]], T],
  ].map(([args, e]) => ({
    name: `native.write(${String(args)})`,
    expect: e as Expected,
    call: () => (native.write as (...a: unknown[]) => unknown)(...(args as unknown[])),
  })),
  ...[['1'], [NaN], [-1], []].map((args) => ({
    name: `native.read(${String(args)})`,
    expect: (typeof args[0] === 'number' ? R : T) as Expected,
    call: () => (native.read as (...a: unknown[]) => unknown)(...args),
  })),
  ...[
    [[UNKNOWN_IDS[0], 0, 24, 0, 0], R],
    [[UNKNOWN_IDS[0], 80, 24, -1, 0], R],
    [[UNKNOWN_IDS[0], 80, 24, 0, 65536], R],
    [[UNKNOWN_IDS[0], 80, 24, 0], T],
    [[UNKNOWN_IDS[0], 80, '24', 0, 0], T],
  ].map(([args, e]) => ({
    name: `native.resize(${String(args)})`,
    expect: e as Expected,
    call: () => (native.resize as (...a: unknown[]) => unknown)(...(args as unknown[])),
  })),
  ...[
    [[UNKNOWN_IDS[0], 65, 0], R],
    [[UNKNOWN_IDS[0], -1, 0], R],
    [[UNKNOWN_IDS[0], 9, 3], R],
    [[UNKNOWN_IDS[0], 9], T],
    [[UNKNOWN_IDS[0], '9', 0], T],
  ].map(([args, e]) => ({
    name: `native.kill(${String(args)})`,
    expect: e as Expected,
    call: () => (native.kill as (...a: unknown[]) => unknown)(...(args as unknown[])),
  })),
  { name: "native.setPaused(id, 'yes')", expect: T, call: () => native.setPaused(UNKNOWN_IDS[0]!, 'yes' as unknown as boolean) },
  { name: 'native.setPaused(id)', expect: T, call: () => (native.setPaused as (...a: unknown[]) => unknown)(UNKNOWN_IDS[0]) },
  { name: "native.foregroundProcess('1')", expect: T, call: () => native.foregroundProcess('1' as unknown as number) },
  { name: "native.foregroundPid('1')", expect: T, call: () => native.foregroundPid('1' as unknown as number) },
  { name: 'native.foregroundPid(-1)', expect: R, call: () => native.foregroundPid(-1) },
  { name: 'native.close(-1)', expect: R, call: () => native.close(-1) },
  { name: 'native.close()', expect: T, call: () => (native.close as () => unknown)() },
  { name: 'native.setWakeHandler(1)', expect: T, call: () => native.setWakeHandler(1 as unknown as () => void) },
  { name: 'native.setWakeHandler()', expect: T, call: () => (native.setWakeHandler as () => unknown)() },
];

/** Calls with ids no session has: each must do nothing, and return what the contract says. */
export const UNKNOWN_ID_CALLS: Array<{ name: string; call(id: number): unknown; returns?: unknown }> = [
  { name: 'native.write', call: (id) => native.write(id, 'x'), returns: 0 },
  { name: 'native.read', call: (id) => native.read(id), returns: null },
  { name: 'native.resize', call: (id) => native.resize(id, 80, 24, 0, 0) },
  { name: 'native.kill', call: (id) => native.kill(id, 9, 0) },
  { name: 'native.setPaused', call: (id) => native.setPaused(id, true) },
  { name: 'native.foregroundProcess', call: (id) => native.foregroundProcess(id), returns: '' },
  { name: 'native.foregroundPid', call: (id) => native.foregroundPid(id), returns: -1 },
  { name: 'native.close', call: (id) => native.close(id) },
];

/** Whether `err` is what `expected` says. */
export function matches(err: unknown, expected: Expected): boolean {
  if (expected === 'Sentinel') return err instanceof Sentinel;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (expected === 'TypeError') return err instanceof TypeError && (code === 'ERR_INVALID_ARG_TYPE' || code === 'ERR_INVALID_ARG_VALUE');
  if (expected === 'RangeError') return err instanceof RangeError && (code === 'ERR_OUT_OF_RANGE' || code === 'ERR_INVALID_ARG_VALUE');
  return err instanceof Error && (err as NodeJS.ErrnoException).code === expected.code;
}
