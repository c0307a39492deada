#!/usr/bin/env node
// npm run prebuild [-- --targets=linux-x64-glibc,...]: builds the addon and vt-pipe for every
// target in targets.mjs into prebuilds/, from this one Linux x64 machine:
//   glibc x64/arm64  GCC 10 in a Debian 11 chroot (floor glibc 2.28), libstdc++ linked in;
//   musl x64/arm64   zig 0.11 (clang, musl, libc++ linked in); vt-pipe fully static;
//   macOS x64/arm64  zig 0.11 with macOS's headers, for macOS 11+.
// Sources and defines come from binding.gyp, headers from the running Node (as for node-gyp) (the build from source at install time uses the
// same lists); the flags below mirror its Linux ones. A target whose inputs have not changed
// since its last build is not rebuilt. Afterwards check-floor.mjs checks every file.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { outputs, selectTargets } from './targets.mjs';
import { ensureBullseye, ensureZig, zigEnv } from './toolchains.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const stampDir = path.join(root, 'build-prebuild', 'stamps');

/** The sources and defines of binding.gyp's two targets for one OS ('linux' or 'mac'). */
function gypTargets(os) {
  const gyp = JSON.parse(fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8'));
  return Object.fromEntries(
    gyp.targets.map((t) => {
      const sources = [...t.sources];
      for (const [condition, extra] of t.conditions ?? []) {
        if (condition === `OS=='${os}'`) sources.push(...(extra.sources ?? []));
      }
      return [t.target_name, { sources, defines: t.defines ?? [] }];
    }),
  );
}

const WARNINGS = ['-Wall', '-Wextra', '-Wno-unused-parameter'];
const COMMON = ['-std=c++17', '-fexceptions', '-fPIC', '-fvisibility=hidden', ...WARNINGS];

function compileFlags(target, kind) {
  const flags = [...COMMON, kind === 'addon' ? '-O2' : '-Os'];
  if (target.platform === 'linux') flags.push('-ffunction-sections', '-fdata-sections', '-pthread');
  if (target.toolchain === 'zig') flags.unshift('-target', target.zigTarget);
  return flags;
}

function linkFlags(target, kind) {
  if (target.toolchain === 'bullseye') {
    const common = ['-pthread', '-static-libstdc++', '-static-libgcc', '-Wl,--gc-sections', '-s'];
    // --exclude-libs: the linked-in C++ runtime stays private instead of being exported to
    // every other addon in the process (1,017 exported symbols become about 150).
    // -Bsymbolic-functions: the std:: templates the addon instantiates (default visibility, by
    // libstdc++'s own pragma) are called in the addon, not in the copies node exports, whose
    // operator new is node's while the addon deletes with its own (the sanitizer run caught
    // that pairing).
    const addon = ['-shared', ...common, '-Wl,--exclude-libs,ALL', '-Wl,-Bsymbolic-functions', '-Wl,-z,noexecstack'];
    return kind === 'addon' ? addon : common;
  }
  // The optimisation mode of the link decides how zig builds the libc++ it links in: small
  // (vt-pipe drops from 336 to 265 KiB); one mode, so that each target builds libc++ once.
  const zig = ['-target', target.zigTarget, '-s', '-Os'];
  if (target.platform === 'darwin') {
    // Node-API's functions are found in the node executable when it loads the bundle.
    return kind === 'addon' ? [...zig, '-shared', '-Wl,-undefined,dynamic_lookup', '-Wl,-dead_strip'] : [...zig, '-Wl,-dead_strip'];
  }
  // musl: the addon links musl dynamically (it lives in Node's process, with Node's libc), and
  // vt-pipe statically, so that it runs wherever the kernel does.
  return kind === 'addon' ? [...zig, '-shared', '-Wl,--gc-sections'] : [...zig, '-static', '-Wl,--gc-sections'];
}

/** Copies what a compile needs (sources, Node's and node-addon-api's headers) to `dir`. */
function stage(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'include'), { recursive: true });
  fs.cpSync(path.join(root, 'src-native'), path.join(dir, 'src-native'), { recursive: true });
  const addonApi = path.dirname(require.resolve('node-addon-api/package.json'));
  for (const file of fs.readdirSync(addonApi).filter((f) => f.endsWith('.h'))) {
    fs.copyFileSync(path.join(addonApi, file), path.join(dir, 'include', file));
  }
  const nodeInclude = nodeHeaders();
  for (const entry of ['uv.h', 'uv', 'js_native_api.h', 'js_native_api_types.h', 'node_api.h', 'node_api_types.h']) {
    fs.cpSync(path.join(nodeInclude, entry), path.join(dir, 'include', entry), { recursive: true });
  }
}

/** The running Node's headers (Node-API and libuv, which the addon's wake-up uses), where
 * node-gyp finds them too: beside the executable, in $npm_config_nodedir, or node-gyp's cache. */
function nodeHeaders() {
  const candidates = [
    path.join(path.dirname(process.execPath), '..', 'include', 'node'),
    ...(process.env.npm_config_nodedir ? [path.join(process.env.npm_config_nodedir, 'include', 'node')] : []),
    path.join(os.homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
  ];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'uv.h')));
  if (!found) throw new Error(`no Node headers (uv.h, node_api.h) in ${candidates.join(', ')}`);
  return found;
}

/**
 * The compiler of a target, ready to run: `work.host` is where its files are staged, and
 * `run(argv)` runs the C++ compiler with `argv` in that directory (as `work.inside` inside the
 * chroot for bullseye, directly for zig).
 */
function compilerFor(target) {
  let work;
  let spawnArgs;
  if (target.toolchain === 'bullseye') {
    const chrootRoot = ensureBullseye();
    work = { host: path.join(chrootRoot, 'build', target.id), inside: `/build/${target.id}` };
    const quote = (a) => `'${a.replace(/'/g, `'\\''`)}'`;
    const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };
    spawnArgs = (argv) => ['chroot', [chrootRoot, '/bin/sh', '-c', `cd ${quote(work.inside)} && exec ${[target.cxx, ...argv].map(quote).join(' ')}`], { env }];
  } else {
    const zig = ensureZig();
    // zig builds in the checkout's ignored build-prebuild/.
    const dir = path.join(root, 'build-prebuild', target.id);
    work = { host: dir, inside: dir };
    spawnArgs = (argv) => [zig, ['c++', ...argv], { cwd: dir, env: zigEnv() }];
  }
  const run = (argv) =>
    new Promise((resolve, reject) => {
      const [command, args, options] = spawnArgs(argv);
      const child = spawn(command, args, { ...options, stdio: ['ignore', 'inherit', 'inherit'] });
      child.on('error', reject);
      child.on('close', (status) =>
        status === 0 ? resolve() : reject(new Error(`${target.id}: c++ ${argv.join(' ')} exited with ${status}`)),
      );
    });
  return { work, run };
}

/** Runs `jobs` (functions returning promises) with at most `limit` at a time. */
async function pool(jobs, limit) {
  const queue = [...jobs];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length) await queue.shift()();
  });
  await Promise.all(workers);
}

/** A hash of everything a target's files are made from. */
function inputsHash(target) {
  const hash = crypto.createHash('sha256');
  hash.update(JSON.stringify(target)).update(process.version); // the headers are this Node's
  const files = [
    'binding.gyp',
    'scripts/platforms/build.mjs',
    'scripts/platforms/targets.mjs',
    'scripts/platforms/toolchains.mjs',
    'node_modules/node-addon-api/package.json',
  ];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.push(rel);
    }
  };
  walk('src-native');
  for (const file of files.sort()) hash.update(file).update(fs.readFileSync(path.join(root, file)));
  return hash.digest('hex');
}

function fileHash(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function upToDate(target, inputs) {
  try {
    const stamp = JSON.parse(fs.readFileSync(path.join(stampDir, `${target.id}.json`), 'utf8'));
    return stamp.inputs === inputs && Object.entries(stamp.outputs).every(([f, h]) => fileHash(path.join(root, f)) === h);
  } catch {
    return false;
  }
}

async function buildTarget(target) {
  const inputs = inputsHash(target);
  const out = outputs(target);
  if (upToDate(target, inputs)) {
    console.log(`prebuild: ${target.id} up to date`);
    return;
  }
  const started = Date.now();
  const { work, run } = compilerFor(target);
  stage(work.host);
  const gyp = gypTargets(target.platform === 'darwin' ? 'mac' : 'linux');
  const kinds = { addon: gyp.native_pty, vtPipe: gyp['vt-pipe'] };
  const objects = { addon: [], vtPipe: [] };
  const jobs = [];
  for (const [kind, spec] of Object.entries(kinds)) {
    const flags = [...compileFlags(target, kind), ...spec.defines.map((d) => `-D${d}`), '-Iinclude'];
    for (const source of spec.sources) {
      const object = `obj/${kind}/${source.replace(/\.cc$/, '.o')}`;
      fs.mkdirSync(path.join(work.host, path.dirname(object)), { recursive: true });
      objects[kind].push(object);
      jobs.push(() => run([...flags, '-c', source, '-o', object]));
    }
  }
  await pool(jobs, os.availableParallelism?.() ?? os.cpus().length);
  await run([...linkFlags(target, 'addon'), '-o', out.addon, ...objects.addon]);
  await run([...linkFlags(target, 'vtPipe'), '-o', out.vtPipe, ...objects.vtPipe]);

  const dest = path.join(root, out.dir);
  fs.mkdirSync(dest, { recursive: true });
  const stamp = { inputs, outputs: {} };
  for (const name of [out.addon, out.vtPipe]) {
    const file = path.join(dest, name);
    // Renamed into place: a vt-pipe that is running (ETXTBSY) or an addon that is loaded keeps
    // its old file, and a reader never sees half a new one.
    fs.copyFileSync(path.join(work.host, name), `${file}.partial`);
    fs.chmodSync(`${file}.partial`, 0o755);
    fs.renameSync(`${file}.partial`, file);
    stamp.outputs[path.join(out.dir, name)] = fileHash(file);
    console.log(`prebuild: ${out.dir}/${name} (${(fs.statSync(file).size / 1024).toFixed(1)} KiB)`);
  }
  fs.rmSync(work.host, { recursive: true, force: true });
  fs.mkdirSync(stampDir, { recursive: true });
  fs.writeFileSync(path.join(stampDir, `${target.id}.json`), JSON.stringify(stamp, null, 2));
  console.log(`prebuild: ${target.id} built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  for (const target of selectTargets()) await buildTarget(target);
} catch (error) {
  console.error(`prebuild: ${error.message}`);
  process.exit(1);
}
