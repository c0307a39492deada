#!/usr/bin/env bash
# npm run test:asan: the whole vitest suite against the ASan+UBSan build of the addon, with
# LeakSanitizer on in every process that runs tests. Extra arguments go to vitest.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# The runner process never loads the addon (node-hooks.cjs says why it is not leak-checked).
# Left out: test/runtimes (Bun and Deno cannot load an addon built against the sanitizer
# runtime, which must come first in the process), and test/node-pty (node-pty's own signal
# tests give a freshly started node 200 ms, which the instrumented node does not make; both
# check API compatibility, which the plain run covers).
NATIVE_PTY_ASAN_RUNNER=1 exec bash "$root/scripts/asan/exec.sh" node "$root/node_modules/vitest/vitest.mjs" run \
  --exclude 'test/runtimes/**' --exclude 'test/node-pty/**' --exclude 'node_modules/**' "$@"
