#!/usr/bin/env bash
# Builds the Go test oracles from Debian's Go packages only (no network).
#   needs: golang-go golang-gopkg-yaml.v2-dev golang-gopkg-yaml.v3-dev golang-k8s-sigs-yaml-dev
# usage: build.sh OUTPUT_DIR
set -euo pipefail
out=${1:?usage: build.sh OUTPUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null || { echo "build.sh: go not installed; oracle tests will be skipped" >&2; exit 0; }
mkdir -p "$out"
gp=$(mktemp -d)
trap 'rm -rf "$gp"' EXIT
mkdir -p "$gp/src"
cp -r "$here/yamlgo" "$gp/src/yamlgo"
cd "$gp/src/yamlgo"
GO111MODULE=off GOPATH="$gp:/usr/share/gocode" GOCACHE="${GOCACHE:-$out/.gocache}" GOFLAGS= \
  go build -o "$out/yamlgo" .
