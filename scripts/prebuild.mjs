#!/usr/bin/env node
// Writes the Node-API prebuild for this platform to prebuilds/<platform>-<arch>/ with
// prebuildify (stripped, tagged with its libc), the file node-gyp-build picks at load time.
//
// It compiles in a scratch copy (build-prebuild/) rather than in the checkout, because
// prebuildify runs `node-gyp rebuild` (which deletes build/) and then moves the binary out of
// build/Release: done in place, that would pull the addon from under anyone running tests in
// the same tree, and leave the checkout without its dev build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const prebuildify = require('prebuildify');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// Inside the checkout so that binding.gyp's require('node-addon-api') resolves from the
// checkout's node_modules; ignored by git through the `build-*/` pattern.
const scratch = path.join(root, 'build-prebuild');
fs.rmSync(scratch, { recursive: true, force: true });
fs.mkdirSync(scratch);
fs.copyFileSync(path.join(root, 'binding.gyp'), path.join(scratch, 'binding.gyp'));
fs.cpSync(path.join(root, 'src-native'), path.join(scratch, 'src-native'), { recursive: true });

const options = {
  cwd: scratch,
  out: root,
  name: pkg.name,
  napi: true,
  strip: true,
  tagLibc: true,
  // The running Node's version: with npm's `nodedir` or a node-gyp cache its headers are
  // local, and the Node-API build is the same for every Node that offers NAPI_VERSION.
  targets: [process.versions.node],
  // `npm run` puts npm's own node-gyp on PATH and names it here; outside npm, PATH decides.
  nodeGyp: process.env.npm_config_node_gyp || 'node-gyp',
};

const started = Date.now();
await new Promise((resolve, reject) => {
  prebuildify(options, (err) => (err ? reject(err) : resolve()));
}).catch((err) => {
  console.error(`prebuild: ${err.message}`);
  process.exit(1);
});

const tuple = `${process.platform}-${process.arch}`;
const dir = path.join(root, 'prebuilds', tuple);
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.node'));
if (files.length === 0) {
  console.error(`prebuild: prebuildify finished but ${dir} holds no .node file`);
  process.exit(1);
}

// A prebuild that cannot be dlopen'ed must fail here, not in a user's install.
for (const file of files) {
  const full = path.join(dir, file);
  const check = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(full)})`], {
    encoding: 'utf8',
  });
  if (check.status !== 0) {
    console.error(`prebuild: ${full} does not load:\n${check.stderr}`);
    process.exit(1);
  }
  const kb = (fs.statSync(full).size / 1024).toFixed(1);
  console.log(`prebuild: prebuilds/${tuple}/${file} (${kb} KiB) in ${Date.now() - started} ms`);
}

// vt-pipe, built by the same node-gyp run (binding.gyp's second target), beside the addon and
// tagged with its libc the same way: vt-pipe.glibc or vt-pipe.musl.
const libc = files[0].match(/\.(glibc|musl)\.node$/)?.[1];
const vtPipe = path.join(scratch, 'build', 'Release', 'vt-pipe');
if (fs.existsSync(vtPipe)) {
  const name = libc ? `vt-pipe.${libc}` : 'vt-pipe';
  const out = path.join(dir, name);
  fs.copyFileSync(vtPipe, out);
  fs.chmodSync(out, 0o755);
  const check = spawnSync(out, ['--version'], { encoding: 'utf8' });
  if (check.status !== 0) {
    console.error(`prebuild: ${out} does not run:\n${check.stderr}`);
    process.exit(1);
  }
  console.log(`prebuild: prebuilds/${tuple}/${name} (${(fs.statSync(out).size / 1024).toFixed(1)} KiB)`);
}
fs.rmSync(scratch, { recursive: true, force: true });
