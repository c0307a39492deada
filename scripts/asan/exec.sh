#!/usr/bin/env bash
# Runs a command against the ASan+UBSan build of the addon and fails on any sanitizer report
# from any Node process it starts. Every `node` it runs is the instrumented one (env.sh).
#   bash scripts/asan/exec.sh node --import tsx test/fuzz/run.ts
#   SOAK_CHURN_MS=20000 bash scripts/asan/exec.sh node --import tsx bench/soak.ts
# With NATIVE_PTY_ASAN_RUNNER=1 the command's own process is not leak-checked (run.sh: the
# vitest runner), only the processes it starts.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
[ "$#" -gt 0 ] || { echo "usage: scripts/asan/exec.sh <command> [args...]" >&2; exit 2; }

bash scripts/asan/build.sh
# One directory per run, so that runs side by side do not mix their reports. Writable for
# every uid, like /tmp: some tests run children as nobody, whose reports must land here too.
mkdir -p "$root/build-asan"
logs="$(mktemp -d "$root/build-asan/logs.XXXXXX")"
chmod 1777 "$logs"
# shellcheck source=env.sh
source scripts/asan/env.sh "$logs"
echo "sanitizer run: addon $NATIVE_PTY_ADDON, node $(command -v node), logs $logs"

bash scripts/asan/selftest.sh

# The output is kept (check-logs.sh looks for UBSan's reports in it, see env.sh).
set +e
if [ "${NATIVE_PTY_ASAN_RUNNER:-}" = 1 ]; then
  # node-hooks.cjs turns LSan back on for every process this one starts.
  ASAN_OPTIONS="${ASAN_OPTIONS/detect_leaks=1/detect_leaks=0}" "$@" 2>&1 | tee "$logs/output"
else
  "$@" 2>&1 | tee "$logs/output"
fi
status=${PIPESTATUS[0]}
set -e

logs_ok=0
bash scripts/asan/check-logs.sh "$logs" || logs_ok=$?
if [ "$status" -ne 0 ] || [ "$logs_ok" -ne 0 ]; then
  echo "sanitizer run FAILED (command exit $status, sanitizer logs $([ "$logs_ok" -eq 0 ] && echo clean || echo "NOT clean: $logs"))" >&2
  exit 1
fi
rm -rf "$logs"
echo "sanitizer run passed: the command succeeded and no sanitizer reported anything"
