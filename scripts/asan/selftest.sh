#!/usr/bin/env bash
# Proof that a sanitizer run can fail: a deliberately faulty addon (selftest/faults.c), built
# with the same flags as ours and loaded by the same instrumented node with the same options
# and suppressions, must be caught leaking, using freed memory and overflowing a signed int,
# each by check-logs.sh; and a sanitizer's own fatal error must not pass as a clean log. Run by
# exec.sh before the command it was given. Quiet on success but
# for one line per fault.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/scripts/asan"
out="$root/build-asan/selftest"
mkdir -p "$out"

# Node's headers: where npm was told they are, beside the node that build.sh copied (its path
# ends bin/.stamp), the usual prefixes, or node-gyp's download cache.
real_node="$(awk '{ print $NF }' "$root/build-asan/bin/.stamp" 2>/dev/null || true)"
include=""
for dir in "${npm_config_nodedir:-/nonexistent}/include/node" \
  "$(dirname "$(dirname "${real_node:-/nonexistent/bin/node}")")/include/node" \
  /usr/include/node /usr/local/include/node \
  "$HOME/.cache/node-gyp/$(node -p 'process.versions.node')/include/node"; do
  if [ -f "$dir/node_api.h" ]; then include="$dir"; break; fi
done
[ -n "$include" ] || { echo "selftest: cannot find Node's headers (node_api.h)" >&2; exit 1; }
gcc -shared -fPIC -o "$out/faults.node" "$here/selftest/faults.c" -I"$include" \
  -DNODE_GYP_MODULE_NAME=faults \
  -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O0

expect_caught() {
  local what="$1" call="$2" pattern="$3"
  local logs
  logs="$(mktemp -d "$out/logs.XXXXXX")"
  (
    # shellcheck source=env.sh
    source "$here/env.sh" "$logs" >/dev/null
    NATIVE_PTY_ADDON="$out/faults.node" node -e "require(process.env.NATIVE_PTY_ADDON).$call" >"$logs/output" 2>&1 || true
  ) 2>/dev/null  # the shell's own "Aborted" line
  if bash "$here/check-logs.sh" "$logs" >"$logs/verdict" 2>&1; then
    echo "selftest: a $what in an addon went unnoticed (logs: $logs)" >&2
    exit 1
  fi
  if ! grep -q -E "$pattern" "$logs"/asan.* "$logs/output" 2>/dev/null; then
    echo "selftest: the $what was reported, but not as expected ($pattern; logs: $logs)" >&2
    exit 1
  fi
  rm -rf "$logs"
  echo "selftest: caught a $what"
}

expect_caught 'leak' 'leak()' 'in Leak .*faults\.c'
expect_caught 'use after free' 'useAfterFree()' 'heap-use-after-free'
expect_caught 'signed overflow' 'overflow(1)' 'runtime error: signed integer overflow'

# A sanitizer that fails itself leaves no "ERROR:" line, only its fatal error (LSan's tracer
# crashing at exit, see env.sh): that process went unchecked, and check-logs.sh must say so.
# It cannot be provoked on demand, so its log is written here as the runtime writes it.
logs="$(mktemp -d "$out/logs.XXXXXX")"
printf '%s\n' 'Tracer caught signal 11: addr=0xeee0 pc=0x7f035c4e80f0 sp=0x7f0358fffd10' \
  '==4242==LeakSanitizer has encountered a fatal error.' \
  '==4242==HINT: For debugging, try setting environment variable LSAN_OPTIONS=verbosity=1:log_threads=1' >"$logs/asan.4242"
echo "4242 code=1 selftest" >"$logs/checked-exits"
if bash "$here/check-logs.sh" "$logs" >"$logs/verdict" 2>&1; then
  echo "selftest: a sanitizer's own fatal error went unnoticed (logs: $logs)" >&2
  exit 1
fi
rm -rf "$logs"
echo "selftest: caught a sanitizer's own fatal error"
