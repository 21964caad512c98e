#!/usr/bin/env bash
# Installs what is needed, builds, and runs the whole test suite: the release build, then the
# sanitizer build (ASan + UBSan) with the fuzz targets' short runs. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/setup.sh
bash scripts/build.sh release
(cd build/release && ctest --output-on-failure -j "$(nproc)")
bash scripts/build.sh asan
(cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS=suppressions=$PWD/../../tests/lsan.supp:print_suppressions=0 \
  ctest --output-on-failure -j "$(nproc)")
echo "test.sh: all tests passed in $(( $(date +%s) - start ))s"
