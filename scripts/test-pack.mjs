#!/usr/bin/env node
// `npm run test:pack`: proves that the published package installs and works as a dependency
// with no compiler. Packs the repo (prepack makes the prebuild and the bundles), installs the
// tarball into fresh projects outside the repo with a PATH that has no toolchain, spawns PTYs
// through require() and import, type-checks a TypeScript consumer against the shipped types,
// and shows that the prebuild, not a compile, supplied the addon.
//
// KEEP_PACK_DIR=1 keeps the temporary projects for inspection.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { assert, cleanEnv, mustRun, nodeFiles, noToolchainEnv, run, runSteps } from './pack-lib.mjs';
import * as consumer from './pack-consumer.mjs';
import { outputs, TARGETS } from './platforms/targets.mjs';

// The package without prebuilds stays under 300 KiB; each of the twelve prebuilt files
// (addon and vt-pipe for six targets, scripts/platforms/targets.mjs) adds at most 200 KiB
// compressed (the glibc ones ~70-100, zig's with libc++ linked in ~150-200).
const MAX_TARBALL = 300 * 1024 + 12 * 200 * 1024;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const tuple = `${process.platform}-${process.arch}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'native-pty-pack-'));
const npm = 'npm';

let tarball;
let bareEnv;
const approved = path.join(work, 'approved');
const denied = path.join(work, 'denied');
const typesNode = JSON.parse(
  fs.readFileSync(path.join(root, 'node_modules/@types/node/package.json'), 'utf8'),
).version;

/** The lifecycle banner npm prints, with --foreground-scripts, when it runs our install script. */
const INSTALL_BANNER = `> ${pkg.name}@${pkg.version} install`;

function installInto(dir, allow) {
  fs.mkdirSync(dir, { recursive: true });
  // npm 11 keys allowScripts for a tarball dependency by its file: spec.
  const policy = { [`file:${tarball}`]: allow };
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name: `consumer-${path.basename(dir)}`, version: '1.0.0', private: true, allowScripts: policy }, null, 2),
  );
  const started = Date.now();
  const r = mustRun(
    npm,
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', tarball, `@types/node@${typesNode}`],
    { cwd: dir, env: bareEnv },
  );
  return { ...r, ms: Date.now() - started };
}

function packageDir(dir) {
  return path.join(dir, 'node_modules', pkg.name);
}

const steps = [
  ['pack', () => {
    // prepack runs `npm run build`: its pre-hook makes every target's prebuilds (unchanged ones
    // are not rebuilt) and checks their floors, then tsup the bundles.
    const r = mustRun(npm, ['pack', '--json', '--pack-destination', work], { cwd: root, env: cleanEnv() });
    // prepack's own output shares stdout with the JSON, which starts on a line of its own.
    const json = r.stdout.slice(r.stdout.lastIndexOf('\n[\n') + 1);
    const [info] = JSON.parse(json);
    tarball = path.join(work, info.filename);
    const files = info.files.map((f) => f.path);
    assert(fs.existsSync(tarball), `tarball written: ${info.filename}`);
    assert(info.size < MAX_TARBALL, `tarball is ${(info.size / 1024).toFixed(1)} KiB (< ${MAX_TARBALL / 1024} KiB)`);
    const prebuilds = files.filter((f) => f.startsWith(`prebuilds/${tuple}/`) && f.endsWith('.node'));
    assert(prebuilds.length > 0, `tarball carries a prebuild for ${tuple}: ${prebuilds.join(', ')}`, files.join('\n'));
    const vtPipe = files.filter((f) => f.startsWith(`prebuilds/${tuple}/vt-pipe`));
    assert(vtPipe.length > 0 && files.includes('bin/vt-pipe.cjs'), `and vt-pipe's: ${vtPipe.join(', ')}, with its bin`, files.join('\n'));
    const everyTarget = TARGETS.flatMap((t) => [outputs(t).addon, outputs(t).vtPipe].map((name) => `${outputs(t).dir}/${name}`));
    const absent = everyTarget.filter((f) => !files.includes(f));
    assert(absent.length === 0, `and every target's: ${TARGETS.map((t) => t.id).join(', ')}`, `missing: ${absent}`);
    const required = [
      'package.json', 'LICENSE', 'README.md', 'binding.gyp',
      'dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts',
      'dist/index.cjs.map',
    ];
    const missing = required.filter((f) => !files.includes(f));
    assert(missing.length === 0, 'tarball has the bundles, types, sourcemaps, binding.gyp, LICENSE', `missing: ${missing}`);
    assert(files.some((f) => /^src-native\/.+\.cc$/.test(f)), 'tarball has the C++ sources to build elsewhere');
    const stray = files.filter(
      (f) => /^(test|bench|scripts|src|build[^/]*|node_modules|\.ci)\//.test(f) ||
        /\.(tgz|o|ts)$/.test(f.replace(/\.d\.c?ts$/, '')) ||
        (f.endsWith('.node') && !f.startsWith('prebuilds/')),
    );
    assert(stray.length === 0, 'tarball has no tests, scripts, TS sources or build artefacts', stray.join('\n'));
  }],

  ['install with scripts allowed, no toolchain on PATH', () => {
    bareEnv = noToolchainEnv(path.join(work, 'bin'));
    const r = installInto(approved, true);
    assert(r.out.includes(INSTALL_BANNER), `our install script (node-gyp-build) ran (${r.ms} ms)`, r.shown);
    assert(!fs.existsSync(path.join(packageDir(approved), 'build')),
      'it compiled nothing: no build/ directory in the installed package');
    assert(nodeFiles(packageDir(approved)).every((f) => f.startsWith('prebuilds/')),
      'the only .node files installed are prebuilds', nodeFiles(packageDir(approved)).join('\n'));
  }],

  ['spawn a PTY through require() and import', () => {
    const expected = path.join(packageDir(approved), 'prebuilds', tuple);
    for (const flavor of ['cjs', 'esm']) {
      const result = consumer.spawnReport(approved, flavor, bareEnv);
      assert(result.out.includes(`from-${flavor}:42`), `${flavor}: the child's output arrived`, JSON.stringify(result.out));
      assert(result.exitCode === 0, `${flavor}: exit code 0`, JSON.stringify(result));
      const entry = flavor === 'cjs' ? 'dist/index.cjs' : 'dist/index.js';
      assert(result.resolved === path.join(packageDir(approved), entry), `${flavor}: resolved to ${entry}`, result.resolved);
      assert(result.loaded.length === 1 && path.dirname(result.loaded[0]) === expected,
        `${flavor}: the addon loaded is the prebuild`, result.loaded.join('\n'));
    }
    assert(!fs.existsSync(path.join(packageDir(approved), 'build')), 'loading compiled nothing either');
    const vt = consumer.vtPipeReport(approved, bareEnv);
    assert(vt.version.includes('protocol 1'), 'npx vt-pipe runs the prebuilt forwarder', JSON.stringify(vt));
    assert(vt.status === 7 && vt.record === 'from-vt-pipe\r\n',
      'a headless session through it records the output and exits with the command', JSON.stringify(vt));
    if (process.platform === 'linux') {
      assert(vt.executable === path.join(packageDir(approved), 'prebuilds', tuple, 'vt-pipe.musl'),
        'on Linux it is the static (musl) vt-pipe, whatever the libc', JSON.stringify(vt));
    }
    const dual = consumer.dualReport(approved, bareEnv);
    assert(dual.sameClass === true, 'import and require give the same NativePty (one copy of the code)', JSON.stringify(dual));
    assert(dual.results?.length === 4 && dual.results.every((r) => r.ok),
      'sessions made through import and through require in one process all deliver output and exit', JSON.stringify(dual));
  }],

  ['type-check a TypeScript consumer against the shipped types', () => {
    const r = consumer.typeCheck(approved, path.join(root, 'node_modules/typescript/bin/tsc'), bareEnv);
    assert(r.status === 0, 'tsc --noEmit passes for an ESM (.mts) and a CJS (.cts) consumer', r.shown);
    const listed = r.out.split('\n').map((l) => l.trim());
    for (const types of ['dist/index.d.ts', 'dist/index.d.cts']) {
      assert(listed.includes(path.join(packageDir(approved), types)), `tsc resolved ${types}`);
    }
  }],

  ['install with scripts denied (npm 11 allowScripts), no toolchain on PATH', () => {
    const r = installInto(denied, false);
    assert(!r.out.includes(INSTALL_BANNER), `npm ran no install script of ours (${r.ms} ms)`, r.shown);
    assert(!fs.existsSync(path.join(packageDir(denied), 'build')), 'no build/ directory');
    const result = consumer.spawnReport(denied, 'cjs', bareEnv);
    assert(result.out.includes('from-cjs:42') && result.exitCode === 0,
      'the prebuild is found at load time with no install step', JSON.stringify(result));
  }],

  ['a missing binary fails with an actionable error', () => {
    const empty = path.join(work, 'empty');
    fs.mkdirSync(empty);
    const message = consumer.loadError(denied, { ...bareEnv, NATIVE_PTY_PREBUILD: empty });
    const want = [
      `${process.platform}-${process.arch}`,
      process.platform === 'linux' ? 'libc glibc' : '',
      `Node-API ${process.versions.napi}`,
      path.join(empty, 'prebuilds', tuple),
      path.join(empty, 'build', 'Release'),
      `npm explore ${pkg.name} -- npm run build:native`,
    ].filter(Boolean);
    const absent = want.filter((w) => !message.includes(w));
    assert(absent.length === 0, 'the error names platform, arch, libc, Node-API, the paths tried and the build command',
      `missing ${JSON.stringify(absent)} in:\n${message}`);
  }],

  ['without an addon, the pure subpaths work and a guarded import exits 0', () => {
    const empty = path.join(work, 'empty');
    const { status, report, shown } = consumer.noAddonReport(denied, { ...bareEnv, NATIVE_PTY_PREBUILD: empty });
    assert(status === 0, 'the process exits 0 after catching the failed spawn', shown);
    assert(report.stripped === 'bold' && report.status !== null, 'native-pty/ansi and native-pty/activity work', JSON.stringify(report));
    assert(report.requiredAnsi === 'function' && report.requiredActivity === 'function', 'and can be required', JSON.stringify(report));
    assert(JSON.stringify(report.forwarder) === '["function",0,"function"]', 'native-pty/forwarder (the vt-pipe client) too', JSON.stringify(report));
    assert(report.screen === 'ERR_NATIVE_PTY_PEER_MISSING', 'native-pty/screen without @xterm/headless says which package to install', JSON.stringify(report));
    assert(report.guarded === 'ERR_NATIVE_PTY_LOAD', 'import succeeds; spawn() throws ERR_NATIVE_PTY_LOAD', JSON.stringify(report));
  }],

  ['the advertised build-from-source command works', () => {
    const pdir = packageDir(denied);
    const noTools = run(npm, ['explore', pkg.name, '--', npm, 'run', 'build:native'], { cwd: denied, env: bareEnv });
    assert(noTools.status !== 0 && noTools.out.includes('gyp ERR!') && !nodeFiles(pdir).some((f) => f.startsWith('build/')),
      'without a toolchain it fails (so the installs above could not have compiled)', noTools.shown);
    const withTools = run(npm, ['explore', pkg.name, '--', npm, 'run', 'build:native'], { cwd: denied, env: cleanEnv() });
    assert(withTools.status === 0 && fs.existsSync(path.join(pdir, 'build', 'Release', 'native_pty.node')),
      'with a toolchain it builds build/Release/native_pty.node', withTools.shown);
    const result = consumer.spawnReport(denied, 'esm', bareEnv);
    assert(result.out.includes('from-esm:42') && result.loaded[0] === path.join(pdir, 'build', 'Release', 'native_pty.node'),
      'and that build is then preferred over the prebuild', JSON.stringify(result));
  }],
];

const code = await runSteps(steps);
if (process.env.KEEP_PACK_DIR) console.log(`test:pack: kept ${work}`);
else fs.rmSync(work, { recursive: true, force: true });
process.exit(code);
