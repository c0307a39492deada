#!/usr/bin/env bash
# Reads the log directory of a sanitizer run: fails on any ASan, LSan or UBSan report from any
# process, and when no process that loaded the sanitizer build was leak-checked at all.
# Usage: bash scripts/asan/check-logs.sh <log dir>
set -euo pipefail
logs="${1:?usage: check-logs.sh <log dir>}"
status=0

shopt -s nullglob
reports=()
for file in "$logs"/asan.*; do
  # A process whose leaks were all suppressed still writes its "Suppressions used" table.
  # "has encountered a fatal error": the sanitizer itself failed (LSan's tracer crashed, say),
  # so that process was not checked; its exit status is 1 and the run must say why.
  if grep -q -a -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: |Sanitizer has encountered a fatal error' "$file"; then
    reports+=("$file")
  fi
done

# UBSan reports on stderr (see env.sh): look for them in the output exec.sh kept, and in
# anything else a caller put in the directory as *.output.
for file in "$logs/output" "$logs"/*.output; do
  if [ -f "$file" ] && grep -q -E 'runtime error:|ERROR: (AddressSanitizer|LeakSanitizer)' "$file"; then
    reports+=("$file")
  fi
done

if [ "${#reports[@]}" -gt 0 ]; then
  status=1
  for file in "${reports[@]}"; do
    echo "==== sanitizer report: $file"
    # The first stacks say what and where; a long leak report repeats itself after that.
    grep -a -m1 -B2 -A40 -E 'ERROR: |runtime error:|fatal error' "$file"
    grep -h 'SUMMARY' "$file" || true
  done
fi

# What the suppressions hid, summed over every process (all of it V8/Node, see lsan.supp).
suppressed="$(cat /dev/null "$logs"/asan.* | awk '
  /^Suppressions used:/ { table = 1; next }
  table && /^ *[0-9]+ +[0-9]+ +leak:/ { count[$3] += $1; bytes[$3] += $2; next }
  table && !/^ *count/ { table = 0 }
  END { for (s in count) printf "  %8d allocations %10d bytes  %s\n", count[s], bytes[s], s }')"
if [ -n "$suppressed" ]; then
  echo "LeakSanitizer suppressions used (scripts/asan/lsan.supp):"
  echo "$suppressed" | sort -k4
fi

checked=0
[ -f "$logs/checked-exits" ] && checked="$(wc -l < "$logs/checked-exits")"
echo "Node processes with the sanitizer build loaded that exited normally (leak-checked): $checked"
if [ "$checked" -eq 0 ]; then
  echo "No process was leak-checked: the run proves nothing about leaks." >&2
  status=1
fi
echo "Sanitizer reports: ${#reports[@]}"
exit "$status"
