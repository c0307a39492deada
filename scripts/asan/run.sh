#!/usr/bin/env bash
# npm run test:asan: the whole vitest suite against the ASan+UBSan build of the addon, with
# LeakSanitizer on in every process that runs tests. Extra arguments go to vitest.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# The runner process never loads the addon (node-hooks.cjs says why it is not leak-checked).
NATIVE_PTY_ASAN_RUNNER=1 exec bash "$root/scripts/asan/exec.sh" node "$root/node_modules/vitest/vitest.mjs" run "$@"
