#!/usr/bin/env bash
# Runs a fuzz target for a fixed number of iterations on its seed corpus plus the conformance
# files, writing new inputs to a temporary directory that is removed afterwards.
#   run_fuzz.sh TARGET_BINARY RUNS SEED_DIR [EXTRA_CORPUS_DIR]
set -euo pipefail
bin=$1 runs=$2 seeds=$3 extra=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dirs=("$work" "$seeds")
if [ -n "$extra" ] && [ -d "$extra" ]; then dirs+=("$extra"); fi
# Crashing inputs are kept under build/fuzz-artifacts/ for reproduction.
mkdir -p "${FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}"
"$bin" -runs="$runs" -max_len=8192 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="${FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}/" "${dirs[@]}" 2>&1 | tail -25
exit "${PIPESTATUS[0]}"
