#!/usr/bin/env node
// npm run test:musl: the strongest tests available for the musl prebuilds, with no musl Node
// to be had (none on npm, none in Debian; Bun's musl build needs a musl libstdc++):
//  1. the addon's every undefined symbol is Node's (napi_*, uv_*) or one musl's libc.so
//     exports (Debian's musl 1.2.3, the x64 list for both architectures);
//  2. the native core (spawn, session manager, I/O thread, epoll backend) compiled for musl by
//     the same toolchain and flags, as a Node-free program on real ptys (test/native-core):
//     natively on x64, under qemu-user on arm64;
//  3. the musl vt-pipe executables (static) under the forwarder test files, driven by this
//     machine's Node: x64 natively, arm64 under qemu-user (slower: NATIVE_PTY_TEST_SLOWDOWN).
// Prints each part's counts; exits 1 if any part failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { outputs, TARGETS } from './targets.mjs';
import { ensureQemu, ensureZig, run, zigEnv } from './toolchains.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const musl = TARGETS.filter((t) => t.libc === 'musl');
run(process.execPath, [path.join(repo, 'scripts/platforms/build.mjs'), `--targets=${musl.map((t) => t.id).join(',')}`]);
ensureQemu();
const failures = [];

// 1. Symbols.
const MUSL_LIBC = '/usr/lib/x86_64-linux-musl/libc.so';
if (!fs.existsSync(MUSL_LIBC)) {
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'musl']);
}
function dynamicSymbols(file) {
  const out = spawnSync('readelf', ['--dyn-syms', '-W', file], { encoding: 'utf8' }).stdout;
  const defined = new Set();
  const undefinedSymbols = new Set();
  for (const line of out.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 8 || !/^\d+:$/.test(fields[0])) continue;
    const name = fields[7].replace(/@.*/, '');
    if (fields[6] === 'UND') {
      if (name) undefinedSymbols.add(name);
    } else if (fields[4] !== 'LOCAL') {
      defined.add(name);
    }
  }
  return { defined, undefinedSymbols };
}
const libc = dynamicSymbols(MUSL_LIBC).defined;
for (const target of musl) {
  const addon = path.join(repo, outputs(target).dir, outputs(target).addon);
  const needed = [...dynamicSymbols(addon).undefinedSymbols];
  const fromNode = needed.filter((s) => /^(napi_|node_api_|uv_)/.test(s));
  const missing = needed.filter((s) => !/^(napi_|node_api_|uv_)/.test(s) && !libc.has(s));
  const ok = missing.length === 0;
  if (!ok) failures.push(`${target.id} symbols`);
  console.log(
    `test:musl: ${ok ? 'ok  ' : 'FAIL'} ${target.id} addon: ${needed.length - fromNode.length} libc symbols all in musl, ` +
      `${fromNode.length} from Node${ok ? '' : `; not in musl: ${missing.join(', ')}`}`,
  );
}

// 2. The native core on musl.
const zig = ensureZig();
const coreSources = [
  'test/native-core/core_check.cc',
  'src-native/core/environment.cc',
  'src-native/core/io_loop.cc',
  'src-native/core/output_buffer.cc',
  'src-native/core/session_exit.cc',
  'src-native/core/session_manager.cc',
  'src-native/posix/fd_ops.cc',
  'src-native/posix/pty.cc',
  'src-native/posix/spawn.cc',
  'src-native/posix/system_error.cc',
  'src-native/linux/epoll_poller.cc',
  'src-native/linux/process_info.cc',
];
for (const target of musl) {
  const program = path.join(repo, 'build-prebuild', `core-check-${target.id}`);
  fs.mkdirSync(path.dirname(program), { recursive: true });
  run(zig, ['c++', '-target', target.zigTarget, '-std=c++17', '-O2', '-static', '-pthread', '-o', program, ...coreSources], {
    cwd: repo,
    env: zigEnv(),
  });
  const result = run(program, [], { allowFailure: true, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  process.stdout.write(`${result.stdout.trimEnd().replace(/^/gm, `test:musl: ${target.id} `)}\n`);
  if (result.status !== 0) failures.push(`${target.id} core`);
}

// 3. The forwarder test files against each musl vt-pipe.
const FORWARDER_TESTS = {
  'linux-x64-musl': { files: ['test/forwarder/'], slowdown: '1' },
  // Under emulation the 100 x 1 MiB scale test alone would take most of CI's time.
  'linux-arm64-musl': { files: ['test/forwarder/clients.test.ts', 'test/forwarder/local-terminal.test.ts'], slowdown: '4' },
};
for (const target of musl) {
  const { files, slowdown } = FORWARDER_TESTS[target.id];
  const vtPipe = path.join(repo, outputs(target).dir, outputs(target).vtPipe);
  console.log(`test:musl: ${target.id} vt-pipe under ${files.join(' ')}`);
  const result = run(process.execPath, [path.join(repo, 'node_modules/vitest/vitest.mjs'), 'run', ...files], {
    cwd: repo,
    env: { ...process.env, NATIVE_PTY_VT_PIPE: vtPipe, NATIVE_PTY_TEST_SLOWDOWN: slowdown },
    allowFailure: true,
  });
  if (result.status !== 0) failures.push(`${target.id} vt-pipe`);
}

console.log(`test:musl: ${failures.length === 0 ? 'all parts passed' : `failed: ${failures.join(', ')}`}`);
process.exit(failures.length === 0 ? 0 : 1);
