#!/usr/bin/env bash
# npm run test:asan: the whole vitest suite against the ASan+UBSan build of the addon, with
# LeakSanitizer on. Extra arguments go to vitest (e.g. a test file).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

bash scripts/asan/build.sh
logs="$root/build-asan/logs"
rm -rf "$logs"
# Writable for every uid, like /tmp: some tests run children as nobody, and the sanitizer
# must be able to write their reports too.
mkdir -p "$logs" && chmod 1777 "$logs"
# shellcheck source=env.sh
source scripts/asan/env.sh "$logs"

echo "sanitizer run: addon $NATIVE_PTY_ADDON, node $(command -v node), logs $logs"
# The runner itself starts with LSan off; node-hooks.cjs turns it back on for every process it
# starts (see there for why).
set +e
NATIVE_PTY_ASAN_RUNNER=1 ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}" \
  node "$root/node_modules/vitest/vitest.mjs" run "$@"
tests=$?
set -e

logs_ok=0
bash scripts/asan/check-logs.sh "$logs" || logs_ok=$?
if [ "$tests" -ne 0 ] || [ "$logs_ok" -ne 0 ]; then
  echo "test:asan FAILED (vitest exit $tests, sanitizer logs $([ "$logs_ok" -eq 0 ] && echo clean || echo 'NOT clean'))" >&2
  exit 1
fi
echo "test:asan passed: every test passed and no sanitizer reported anything"
