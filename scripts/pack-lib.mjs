// Helpers for scripts/test-pack.mjs: running commands with a bound, a PATH with no toolchain,
// and a pass/fail tally that ends in the plain 'N passed, N failed' line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Programs whose presence would let an install compile the addon behind our back. */
export const TOOLCHAIN = ['cc', 'c++', 'gcc', 'g++', 'clang', 'clang++', 'make', 'python', 'python3'];

let passed = 0;

export function pass(what) {
  passed++;
  console.log(`  ok  ${what}`);
}

export class CheckError extends Error {}

export function assert(condition, what, detail = '') {
  if (!condition) throw new CheckError(`${what}${detail ? `\n${detail}` : ''}`);
  pass(what);
}

/** Runs the steps in order; the first failure stops the run, since later steps build on it. */
export async function runSteps(steps) {
  const started = Date.now();
  for (const [title, step] of steps) {
    console.log(`test:pack: ${title}`);
    try {
      await step();
    } catch (err) {
      console.error(`  FAIL ${err instanceof CheckError ? err.message : err.stack}`);
      console.log(`test:pack: ${passed} passed, 1 failed`);
      return 1;
    }
  }
  console.log(`test:pack: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`test:pack: ${passed} passed, 0 failed`);
  return 0;
}

/**
 * Runs a command to completion with a generous bound that only catches hangs. Output is kept
 * for the failure message rather than streamed, so a passing run stays readable.
 */
export function run(cmd, args, { cwd, env, timeout = 300_000, input } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, input, encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const shown = `$ ${cmd} ${args.join(' ')}   (in ${cwd})\n${out.trim().split('\n').slice(-40).join('\n')}`;
  if (r.error) throw new CheckError(`${cmd} could not run: ${r.error.message}\n${shown}`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, out, shown };
}

export function mustRun(cmd, args, opts) {
  const r = run(cmd, args, opts);
  if (r.status !== 0) throw new CheckError(`exit ${r.status ?? r.signal}:\n${r.shown}`);
  return r;
}

/** The environment minus what an enclosing `npm run` injected, so a nested npm starts clean. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE') continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function which(name, pathValue) {
  for (const dir of pathValue.split(path.delimiter)) {
    if (!dir) continue;
    const full = path.join(dir, name);
    try {
      fs.accessSync(full, fs.constants.X_OK);
      return full;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * An environment whose PATH holds only node, npm, npx and sh (symlinked into one directory),
 * and no variable that points a build at a compiler or Python. An install that tried to
 * compile would fail in it.
 */
export function noToolchainEnv(binDir) {
  fs.mkdirSync(binDir, { recursive: true });
  for (const tool of ['node', 'npm', 'npx', 'sh']) {
    const real = which(tool, process.env.PATH ?? '');
    if (!real) throw new CheckError(`${tool} is not on PATH`);
    fs.symlinkSync(fs.realpathSync(real), path.join(binDir, tool));
  }
  const env = cleanEnv({ PATH: binDir });
  for (const k of ['CC', 'CXX', 'LINK', 'PYTHON', 'NODE_GYP_FORCE_PYTHON', 'MAKE']) delete env[k];
  const found = TOOLCHAIN.map((t) => which(t, env.PATH)).filter(Boolean);
  assert(found.length === 0, `no compiler, make or Python on the install PATH (${TOOLCHAIN.join(', ')})`,
    `found: ${found.join(', ')}`);
  return env;
}

/** Lists every .node file under dir (relative paths). */
export function nodeFiles(dir) {
  const out = [];
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.node')) out.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return out.sort();
}
