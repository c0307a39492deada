#!/usr/bin/env bash
# Builds, apart from build/Release (which the regular test run and other work use):
#  - build-asan/build/Release/native_pty.node: the addon with AddressSanitizer and
#    UndefinedBehaviorSanitizer. node-gyp always writes to ./build of the directory it runs in,
#    so it runs in build-asan/, which holds a copy of binding.gyp and a link to src-native/.
#  - build-asan/bin/node: a copy of the running node whose first DT_NEEDED entries are the
#    sanitizer runtimes (see the README's Reliability section for why not LD_PRELOAD).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/build-asan"

# -fno-sanitize-recover: undefined behaviour aborts with a report instead of printing and
# carrying on, so a test run cannot pass over it. -O1 -g: readable stacks at usable speed.
# _GLIBCXX_ASSERTIONS: libstdc++ checks operator[] and friends too, at little cost.
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g -O1 -D_GLIBCXX_ASSERTIONS"

if command -v node-gyp >/dev/null 2>&1; then
  gyp=(node-gyp)  # inside `npm run`: npm's own node-gyp
else
  gyp=(node "$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js")
fi

# Headers of the running Node when it ships them (a distribution's /usr/include/node):
# node-gyp would otherwise try to download them.
prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
nodedir=()
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$prefix/include/node/node_api.h" ]; then
  nodedir=(--nodedir="$prefix")
fi

mkdir -p "$out"
ln -sfn ../src-native "$out/src-native"
stamp="$flags $(sha1sum "$root/binding.gyp" | cut -c1-40) $(node -p process.version)"
cd "$out"
if [ ! -f build/Makefile ] || [ "$(cat .flags 2>/dev/null)" != "$stamp" ]; then
  cp "$root/binding.gyp" binding.gyp
  rm -rf build
  CFLAGS="$flags" CXXFLAGS="$flags" LDFLAGS="-fsanitize=address,undefined" \
    "${gyp[@]}" configure "${nodedir[@]}" >&2
  echo "$stamp" > .flags
fi
# make notices changed sources; the flags live in the environment, so pass them every time.
CFLAGS="$flags" CXXFLAGS="$flags" LDFLAGS="-fsanitize=address,undefined" \
  "${gyp[@]}" build "${nodedir[@]}" >&2

addon="$out/build/Release/native_pty.node"
# A sanitizer build that lost its instrumentation would pass everything: check it is there.
if ! nm -D "$addon" | grep -c __asan_report_load >/dev/null; then
  echo "scripts/asan/build.sh: $addon has no AddressSanitizer instrumentation" >&2
  exit 1
fi

# The runtimes must be the first libraries loaded, before libc, as LD_PRELOAD would put them.
# patchelf --add-needed inserts at the front of the dynamic section; the order below leaves
# libasan first.
soname() { objdump -p "$(g++ -print-file-name="$1")" | awk '/SONAME/ { print $2 }'; }
real_node="$(readlink -f "$(command -v node)")"
case "$real_node" in
  "$out"/*) echo "scripts/asan/build.sh: run it outside the sanitizer environment" >&2; exit 1 ;;
esac
node_stamp="$(stat -c '%s %Y' "$real_node") $real_node"
if [ ! -x bin/node ] || [ "$(cat bin/.stamp 2>/dev/null)" != "$node_stamp" ]; then
  if ! command -v patchelf >/dev/null 2>&1; then
    echo "scripts/asan/build.sh: patchelf is missing (Debian: apt-get install patchelf)" >&2
    exit 1
  fi
  mkdir -p bin
  cp "$real_node" bin/node.tmp
  patchelf --add-needed "$(soname libubsan.so)" --add-needed "$(soname libasan.so)" bin/node.tmp
  mv bin/node.tmp bin/node
  echo "$node_stamp" > bin/.stamp
fi
first="$(readelf -d bin/node | awk '/NEEDED/ { print $NF; exit }')"
if [ "$first" != "[$(soname libasan.so)]" ]; then
  echo "scripts/asan/build.sh: bin/node loads $first first, not $(soname libasan.so)" >&2
  exit 1
fi
