#!/usr/bin/env node
// npm run test:glibc [-- vitest args]: the test suite on Debian 11 (glibc 2.31) against the
// linux-x64 glibc prebuild (PREBUILDS_ONLY: never the checkout's build/, which this machine's
// newer glibc made). Left out, and covered by the host run: the browser tests (no Chromium in
// the chroot), Bun and Deno (test/runtimes), and node-pty's own tests (its addon is compiled on
// the host). Prints vitest's pass counts; exits with its status.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { withChroot } from './chroot.mjs';
import { EXCLUDED_ELSEWHERE } from './targets.mjs';
import { ensureBullseye, run } from './toolchains.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
run(process.execPath, [path.join(repo, 'scripts/platforms/build.mjs'), '--targets=linux-x64-glibc']);

const env = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
  PREBUILDS_ONLY: '1',
  ...(process.env.NATIVE_PTY_TEST_SLOWDOWN ? { NATIVE_PTY_TEST_SLOWDOWN: process.env.NATIVE_PTY_TEST_SLOWDOWN } : {}),
};
const quote = (arg) => `'${arg.replace(/'/g, `'\\''`)}'`;
const vitestArgs = [...EXCLUDED_ELSEWHERE, ...process.argv.slice(2)].map(quote).join(' ');

const status = await withChroot(ensureBullseye(), repo, async (exec) => {
  const probe =
    "const { resolveAddon } = await import('./src/native-loader.ts');" +
    "console.log('test:glibc: glibc ' + process.report.getReport().header.glibcVersionRuntime + ', Node ' + process.version + ', addon ' + resolveAddon(process.cwd(), 'native-pty'));";
  if (exec(`node --import tsx --input-type=module -e ${quote(probe)}`, env) !== 0) return 1;
  return exec(`node node_modules/vitest/vitest.mjs run ${vitestArgs}`, env);
});
console.log(`test:glibc: vitest exited with ${status}`);
process.exit(status ?? 1);
