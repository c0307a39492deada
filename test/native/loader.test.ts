/**
 * The addon loader: which binary it picks, and what it says when there is none that works.
 * Each case loads src/native.ts in a fresh Node process (the addon loads at import, once per
 * process), pointed at a scratch package directory through NATIVE_PTY_PREBUILD, the
 * node-gyp-build override the loader honours.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

import { ADDON_NAPI_VERSION, detectLibc } from '../../src/native-loader.js';
import { scaled } from '../helpers/slowdown.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const nativeTs = path.join(root, 'src', 'native.ts');
const tuple = `${process.platform}-${process.arch}`;
const PROBE_TIMEOUT = scaled(120_000);
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'native-pty-loader-'));

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

interface Outcome {
  loaded: boolean;
  message?: string;
  code?: string;
  causeMessage?: string;
  /** The .node files the process had mapped. */
  objects?: string[];
  echoed?: string;
}

/** Imports src/native.ts in a new process with `prebuildDir` as the package directory. */
async function load(prebuildDir: string | undefined, extraEnv: Record<string, string> = {}): Promise<Outcome> {
  // On success, spawn through the raw binding to show the loaded file is a working addon.
  const script = `
    const report = (o) => { console.log(JSON.stringify(o)); };
    try {
      const { addon } = await import(${JSON.stringify(nativeTs)});
      const native = addon();
      const objects = process.report.getReport().sharedObjects.filter((f) => f.endsWith('.node'));
      const { id } = native.spawn({ file: '/bin/sh', args: ['-c', 'echo loader-$((40+2))'],
        env: ['PATH=/usr/bin:/bin'], cwd: '/', cols: 80, rows: 24, uid: -1, gid: -1, gapMs: 10 });
      let echoed = '';
      for (let i = 0; i < 500 && !echoed.includes('loader-42'); i++) {
        const chunk = native.read(id);
        if (chunk) echoed += chunk.toString();
        else await new Promise((r) => setTimeout(r, 10));
      }
      native.close(id);
      report({ loaded: true, objects, echoed });
    } catch (e) {
      report({ loaded: false, message: e.message, code: e.code, causeMessage: e.cause?.message });
    }`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  delete env.NATIVE_PTY_PREBUILD;
  if (prebuildDir) {
    env.NATIVE_PTY_PREBUILD = prebuildDir;
    // These cases are about node-gyp-build's search, which a pinned file (the sanitizer run's
    // NATIVE_PTY_ADDON) would bypass.
    delete env.NATIVE_PTY_ADDON;
  }
  // Async, so that vitest's own timeout still works; the kill bound only catches a hang. Under
  // the sanitizer build (npm run test:asan) one probe takes tens of seconds.
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: PROBE_TIMEOUT,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [status] = (await once(child, 'close')) as [number | null];
  const line = stdout.trim().split('\n').pop() ?? '';
  if (status !== 0 || !line.startsWith('{')) {
    throw new Error(`loader probe failed (exit ${status}):\n${stdout}\n${stderr}`);
  }
  return JSON.parse(line) as Outcome;
}

/** A fresh directory laid out like an installed package, with the given prebuild files. */
function packageDir(name: string, prebuilds: Record<string, Buffer | string> = {}): string {
  const dir = path.join(scratch, name);
  fs.mkdirSync(path.join(dir, 'prebuilds', tuple), { recursive: true });
  for (const [file, content] of Object.entries(prebuilds)) {
    fs.writeFileSync(path.join(dir, 'prebuilds', tuple, file), content);
  }
  return dir;
}

/**
 * The addon compiled in this checkout (npm ci's install script or `npm run prebuild`): the
 * prebuild first under PREBUILDS_ONLY (the runs on other systems, where build/ was made for
 * another glibc or architecture and cannot load).
 */
function builtAddon(): string {
  // The sanitizer run's own build: a plain one loaded into the instrumented node pairs that
  // node's operator new with the addon's own delete, which ASan reports (in a plain node both
  // are malloc and free).
  if (process.env.NATIVE_PTY_ADDON) return process.env.NATIVE_PTY_ADDON;
  const prebuilt = path.join(root, 'prebuilds', tuple);
  // A clean clone has no prebuilds/<tuple>/ until `npm run prebuild`.
  const prebuilds = (fs.existsSync(prebuilt) ? fs.readdirSync(prebuilt) : [])
    .filter((name) => name === prebuildName)
    .map((name) => path.join(prebuilt, name));
  const local = path.join(root, 'build', 'Release', 'native_pty.node');
  const candidates = (process.env.PREBUILDS_ONLY ? [...prebuilds, local] : [local, ...prebuilds]).filter((f) =>
    fs.existsSync(f),
  );
  if (candidates.length === 0) throw new Error('no compiled addon: run `npm run build:native`');
  return candidates[0];
}

const libcTag = detectLibc();
/** The prebuild's file name for this platform and libc, as the loader looks for it. */
const prebuildName = `native-pty${libcTag ? `.${libcTag}` : ''}.node`;

describe('loading the addon', { timeout: PROBE_TIMEOUT + 30_000 }, () => {
  it('reports the Node-API version binding.gyp really builds with', () => {
    const gyp = fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8');
    const defined = /NAPI_VERSION=(\d+)/.exec(gyp)?.[1];
    expect(Number(defined)).toBe(ADDON_NAPI_VERSION);
  });

  it('loads the checkout build and it spawns a real process', async () => {
    const outcome = await load(undefined);
    expect(outcome.message).toBeUndefined();
    expect(outcome.loaded).toBe(true);
    expect(outcome.objects?.some((f) => f.startsWith(root))).toBe(true);
    expect(outcome.echoed).toContain('loader-42');
  });

  it('finds a prebuild named the way prebuildify names it, with no build directory', async () => {
    const name = prebuildName;
    const dir = packageDir('prebuild-only', { [name]: fs.readFileSync(builtAddon()) });
    const outcome = await load(dir);
    expect(outcome.message).toBeUndefined();
    expect(outcome.objects).toEqual([path.join(dir, 'prebuilds', tuple, name)]);
    expect(outcome.echoed).toContain('loader-42');
  });
});

describe('when no binary can be loaded', { timeout: PROBE_TIMEOUT + 30_000 }, () => {
  it('names platform, arch, libc, Node-API version, the paths tried and the build command', async () => {
    const dir = packageDir('empty');
    const outcome = await load(dir);
    expect(outcome.loaded).toBe(false);
    expect(outcome.code).toBe('ERR_NATIVE_PTY_LOAD');
    const message = outcome.message ?? '';
    expect(message).toContain('no native build matches this platform');
    expect(message).toContain(`looked for: ${tuple}`);
    if (libcTag) expect(message).toContain(`libc ${libcTag}`);
    expect(message).toContain(
      `Node-API ${ADDON_NAPI_VERSION} (this Node ${process.versions.node} offers Node-API ${process.versions.napi})`,
    );
    // Each file the search tried, exactly, in its order. (Under PREBUILDS_ONLY build/ is not
    // searched; the last case here checks that.)
    const builds = process.env.PREBUILDS_ONLY ? [] : ['Release', 'Debug'].map((d) => path.join(dir, 'build', d, 'native_pty.node'));
    const tried = [...builds, path.join(dir, 'prebuilds', tuple, prebuildName)];
    expect(message).toContain(tried.map((file) => `    ${file}`).join('\n'));
    expect(message).toContain('prebuilds in this package: none');
    expect(message).toContain('NATIVE_PTY_PREBUILD');
    // The checkout is not under node_modules, so the advice is the repo's own script.
    expect(message).toContain(`npm run build:native   (in ${root})`);
    expect(outcome.causeMessage).toMatch(/No native build was found/);
  });

  it.runIf(libcTag === 'glibc')('skips a prebuild for the other libc, and lists it', async () => {
    const dir = packageDir('musl-only', { 'native-pty.musl.node': fs.readFileSync(builtAddon()) });
    const outcome = await load(dir);
    expect(outcome.loaded).toBe(false);
    expect(outcome.message).toContain(`prebuilds in this package: ${tuple}/native-pty.musl.node`);
    expect(outcome.message).toContain('libc glibc');
  });

  it.runIf(libcTag === 'glibc')('on musl (LIBC=musl), never picks the glibc prebuild', async () => {
    const dir = packageDir('glibc-only', { 'native-pty.glibc.node': fs.readFileSync(builtAddon()) });
    const outcome = await load(dir, { LIBC: 'musl', PREBUILDS_ONLY: '1' });
    expect(outcome.loaded).toBe(false);
    expect(outcome.code).toBe('ERR_NATIVE_PTY_LOAD');
    expect(outcome.message).toContain('libc musl');
    expect(outcome.message).toContain(`prebuilds in this package: ${tuple}/native-pty.glibc.node`);
  });

  it('on Windows, says ERR_NATIVE_PTY_UNSUPPORTED naming the platform, before looking for files', async () => {
    const outcome = await load(packageDir('windows'), { npm_config_platform: 'win32' });
    expect(outcome.loaded).toBe(false);
    expect(outcome.code).toBe('ERR_NATIVE_PTY_UNSUPPORTED');
    expect(outcome.message).toMatch(/^native-pty: win32 is not supported \(native-pty runs on linux and darwin\)/);
    expect(outcome.message).toContain('WSL');
  });

  it('reports a prebuild that exists but cannot be loaded, with the reason', async () => {
    const name = prebuildName;
    const dir = packageDir('corrupt', { [name]: 'this is not a shared object\n' });
    const file = path.join(dir, 'prebuilds', tuple, name);
    const outcome = await load(dir);
    expect(outcome.loaded).toBe(false);
    expect(outcome.code).toBe('ERR_NATIVE_PTY_LOAD');
    expect(outcome.message).toContain(`found ${file} but could not load it`);
    // dlopen's own words (e.g. 'invalid ELF header') reach the user.
    expect(outcome.causeMessage).toBeTruthy();
    expect(outcome.message).toContain(`reason: ${outcome.causeMessage?.split('\n')[0]}`);
    expect(outcome.message).toContain('npm run build:native');
  });

  it('with PREBUILDS_ONLY set, does not claim to have looked in build/', async () => {
    const dir = packageDir('prebuilds-only-env');
    const outcome = await load(dir, { PREBUILDS_ONLY: '1' });
    expect(outcome.loaded).toBe(false);
    expect(outcome.message).not.toContain(path.join(dir, 'build'));
    expect(outcome.message).toContain(path.join(dir, 'prebuilds', tuple, prebuildName));
  });
});
