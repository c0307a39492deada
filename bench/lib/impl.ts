/**
 * The implementations under test, behind node-pty's IPty surface (which NativePty also
 * implements), so a workload is written once. Only the library being measured is loaded into a
 * workload's process: loading both would add the other's threads and memory to the figures.
 */
import { createRequire } from 'node:module';

import { track } from './cleanup.js';

export const NODE_IMPLS = ['native-poll', 'native-wake', 'node-pty'] as const;
export type NodeImpl = (typeof NODE_IMPLS)[number];
/** 'c' is the forkpty reader (bench/c/ptybench.c), run directly by the runner. */
export type Impl = NodeImpl | 'c';

export interface BenchPty {
  readonly pid: number;
  onData(listener: (data: string | Buffer) => void): unknown;
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): unknown;
  write(data: string | Buffer): void;
  kill(signal?: string): void;
}

export interface BenchSpawnOptions {
  /** null: Buffers, as for hashing; default utf8 strings, what most users take. */
  encoding?: null;
  /** NativePty's activity option; left out unless given, so the library default applies. */
  activity?: unknown;
}

export interface LoadedImpl {
  readonly name: NodeImpl;
  spawn(file: string, args: string[], opts?: BenchSpawnOptions): BenchPty;
}

/** Both libraries get the same terminal and environment (which carries the runner's marker). */
function baseOptions(): { name: string; cols: number; rows: number; cwd: string; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return { name: 'xterm-256color', cols: 80, rows: 24, cwd: process.cwd(), env };
}

export function isNodeImpl(name: string): name is NodeImpl {
  return (NODE_IMPLS as readonly string[]).includes(name);
}

export async function loadImpl(name: NodeImpl): Promise<LoadedImpl> {
  const base = baseOptions();
  if (name === 'node-pty') {
    // node-pty is CommonJS with a native part; require it as its users do.
    const nodePty = createRequire(import.meta.url)('node-pty') as {
      spawn(file: string, args: string[], opts: object): BenchPty;
    };
    return {
      name,
      spawn(file, args, opts = {}) {
        const options = opts.encoding === null ? { ...base, encoding: null } : base;
        return track(nodePty.spawn(file, args, options));
      },
    };
  }
  const { NativePty } = await import('../../src/index.js');
  const delivery = name === 'native-wake' ? 'wake' : 'poll';
  return {
    name,
    spawn(file, args, opts = {}) {
      const options: Record<string, unknown> = { ...base, delivery };
      if (opts.encoding === null) options.encoding = null;
      if ('activity' in opts) options.activity = opts.activity;
      return track(new NativePty(file, args, options) as unknown as BenchPty);
    },
  };
}

/**
 * Whether this NativePty has activity detection (an `activity` member). Spawns one short
 * session to find out, and waits for its exit.
 */
export async function supportsActivity(impl: LoadedImpl): Promise<boolean> {
  if (impl.name === 'node-pty') return false;
  const probe = impl.spawn('/bin/true', []);
  const supported = 'activity' in probe;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 5_000);
    probe.onExit(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  return supported;
}
