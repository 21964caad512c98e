#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of opencenter from Debian packages.
# Idempotent; run as root (or with sudo available) on Debian 12. Nothing is downloaded from
# anywhere but the Debian archive.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang clang-format libclang-rt-dev llvm
  # libraries
  libyaml-dev libssl-dev libsqlite3-dev libgit2-dev libcurl4-openssl-dev libre2-dev
  libcli11-dev libfmt-dev zlib1g-dev libcpp-httplib-dev libarchive-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev libsimdjson-dev rapidjson-dev age
  # Go test oracles (tests/oracles) and the helm oracle (../shared/tools/helm-oracle)
  golang-go golang-gopkg-yaml.v2-dev golang-gopkg-yaml.v3-dev golang-k8s-sigs-yaml-dev
  golang-github-masterminds-sprig-dev golang-github-drone-envsubst-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

as_root=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
