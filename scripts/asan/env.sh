# Sourced by scripts/asan/run.sh, or by hand to run anything against the sanitizer build:
#   bash scripts/asan/build.sh && source scripts/asan/env.sh build-asan/logs
#   node bench/... ; sh scripts/asan/check-logs.sh build-asan/logs
#
# Every `node` started from here (by name through PATH, or as process.execPath by vitest and by
# tests that start child Node processes) is build-asan/bin/node, which loads the sanitizer
# runtimes before anything else, and loads the addon from build-asan (NATIVE_PTY_ADDON).
# Programs the tests run on a pty (sh, cat, tr...) are the system's, uninstrumented.
asan_logs="$(mkdir -p "${1:?usage: source scripts/asan/env.sh <log dir>}" && cd "$1" && pwd)"
asan_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

export PATH="$asan_root/build-asan/bin:$PATH"
export NATIVE_PTY_ADDON="$asan_root/build-asan/build/Release/native_pty.node"
# The vt-pipe the tests start (src/forwarder/sessions.ts): the sanitizer build of it as well.
export NATIVE_PTY_VT_PIPE="$asan_root/build-asan/build/Release/vt-pipe"
export NATIVE_PTY_ASAN_LOGS="$asan_logs"
export NODE_OPTIONS="--require $asan_root/scripts/asan/node-hooks.cjs${NODE_OPTIONS:+ $NODE_OPTIONS}"

# detect_leaks=1: LeakSanitizer on, at the exit of every Node process.
# log_path: one report file per process (<dir>/asan.<pid>), so a report from a process whose
#   exit status nobody looks at (a child of a child) is still found by check-logs.sh.
# allow_user_segv_handler=1: V8 installs its own SIGSEGV handler for WebAssembly bounds traps.
# detect_stack_use_after_return, check_initialization_order, strict_init_order: the checks
#   that are off by default, on for the addon's own code.
# intercept_tls_get_addr=0: GCC 12's runtime guesses the layout of each dynamic TLS block from
#   its address, and in 2 of 150 exits of test/fixtures/reliability/fd-exhaustion.ts
#   it guessed wrong: LSan's tracer then faulted scanning a bogus range ("Tracer caught signal
#   11" in ScanRangeForPointers, google/sanitizers#1322) and the process exited 1, unchecked.
#   Untracked, those blocks are still scanned as heap memory reached from glibc's thread
#   descriptors; an error there could only be a false alarm, never a missed leak.
export ASAN_OPTIONS="detect_leaks=1:log_path=$asan_logs/asan:allow_user_segv_handler=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:intercept_tls_get_addr=0"
# Each suppression names an allocation site inside V8 or Node and says why (lsan.supp).
# print_suppressions=1 lists, in the report of the process, what was suppressed and how much.
export LSAN_OPTIONS="suppressions=$asan_root/scripts/asan/lsan.supp:print_suppressions=1"
# -fno-sanitize-recover in the build makes undefined behaviour fatal; abort_on_error makes it
# a SIGABRT rather than exit(1), which every test, vitest and the fuzz driver see as a crash.
# In a process with both runtimes libubsan ignores log_path and reports on stderr: exec.sh
# keeps the command's output in the log directory, and check-logs.sh reads it too.
export UBSAN_OPTIONS="print_stacktrace=1:abort_on_error=1"
