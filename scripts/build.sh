#!/usr/bin/env bash
# Configures and builds one flavour of opencenter.
#   scripts/build.sh release   → build/release (gcc, optimised, with debug info)
#   scripts/build.sh asan      → build/asan    (clang, ASan + UBSan, libFuzzer targets)
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
jobs=${JOBS:-$(nproc)}
case "$flavour" in
  release)
    cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null ;;
  asan)
    CC=clang CXX=clang++ cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DOC_SANITIZE=ON -DOC_FUZZ=ON -DOC_BENCH=OFF >/dev/null ;;
  *) echo "usage: scripts/build.sh release|asan" >&2; exit 2 ;;
esac
ninja -C "build/$flavour" -j "$jobs"
