// Every prebuild the package ships: where it is built, what it is called, and the floor it must
// keep. The README's platform table states the same; check-floor.mjs enforces the floors.
//
// Files land in prebuilds/<platform>-<arch>/ as native-pty[.<libc>].node and vt-pipe[.<libc>],
// the names src/native-loader.ts and vtPipePath() look for.
export const TARGETS = [
  {
    id: 'linux-x64-glibc',
    platform: 'linux',
    arch: 'x64',
    libc: 'glibc',
    toolchain: 'bullseye',
    cxx: 'g++',
    elfMachine: 62, // EM_X86_64
    glibcFloor: '2.28',
  },
  {
    id: 'linux-arm64-glibc',
    platform: 'linux',
    arch: 'arm64',
    libc: 'glibc',
    toolchain: 'bullseye',
    cxx: 'aarch64-linux-gnu-g++',
    elfMachine: 183, // EM_AARCH64
    glibcFloor: '2.28',
  },
  {
    id: 'linux-x64-musl',
    platform: 'linux',
    arch: 'x64',
    libc: 'musl',
    toolchain: 'zig',
    zigTarget: 'x86_64-linux-musl',
    elfMachine: 62,
  },
  {
    id: 'linux-arm64-musl',
    platform: 'linux',
    arch: 'arm64',
    libc: 'musl',
    toolchain: 'zig',
    zigTarget: 'aarch64-linux-musl',
    elfMachine: 183,
  },
  {
    id: 'darwin-x64',
    platform: 'darwin',
    arch: 'x64',
    libc: '',
    toolchain: 'zig',
    zigTarget: 'x86_64-macos.11.0',
    machoCpu: 0x01000007, // CPU_TYPE_X86_64
    macosFloor: '11.0',
  },
  {
    id: 'darwin-arm64',
    platform: 'darwin',
    arch: 'arm64',
    libc: '',
    toolchain: 'zig',
    zigTarget: 'aarch64-macos.11.0',
    machoCpu: 0x0100000c, // CPU_TYPE_ARM64
    macosFloor: '11.0',
  },
];

/**
 * What the suite leaves out on another system (test:glibc, test:arm64 --full), as vitest
 * --exclude arguments: the browser tests (no Chromium there), Bun and Deno (test/runtimes), and
 * node-pty's own tests (its addon is compiled for this machine). The host run covers them.
 */
export const EXCLUDED_ELSEWHERE = ['test/web/browser.test.ts', 'test/runtimes/**', 'test/node-pty/**', 'node_modules/**'].flatMap(
  (glob) => ['--exclude', glob],
);

/** prebuilds/<tuple>/ and the two file names of a target. */
export function outputs(target) {
  const tag = target.libc ? `.${target.libc}` : '';
  return {
    dir: `prebuilds/${target.platform}-${target.arch}`,
    addon: `native-pty${tag}.node`,
    vtPipe: `vt-pipe${tag}`,
  };
}

/** The targets named by --targets=a,b (or NATIVE_PTY_TARGETS), all by default. */
export function selectTargets(argv = process.argv.slice(2)) {
  const flag = argv.find((arg) => arg.startsWith('--targets='));
  const list = flag ? flag.slice('--targets='.length) : process.env.NATIVE_PTY_TARGETS;
  if (!list) return TARGETS;
  const ids = list.split(',').filter(Boolean);
  const unknown = ids.filter((id) => !TARGETS.some((t) => t.id === id));
  if (unknown.length) {
    throw new Error(`unknown target ${unknown.join(', ')}; known: ${TARGETS.map((t) => t.id).join(', ')}`);
  }
  return TARGETS.filter((t) => ids.includes(t.id));
}
