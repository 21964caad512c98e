#!/usr/bin/env bash
# Builds the Go test oracles from Debian's Go packages only (no network).
#   needs: golang-go golang-gopkg-yaml.v2-dev golang-gopkg-yaml.v3-dev golang-k8s-sigs-yaml-dev
#          golang-github-masterminds-semver-dev (comes with the sprig package)
# usage: build.sh OUTPUT_DIR
set -euo pipefail
out=${1:?usage: build.sh OUTPUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
command -v go >/dev/null || { echo "build.sh: go not installed; oracle tests will be skipped" >&2; exit 0; }
mkdir -p "$out"
gp=$(mktemp -d)
trap 'rm -rf "$gp"' EXIT
mkdir -p "$gp/src/github.com/Masterminds/semver"
# Masterminds/semver is packaged under its v2-style path; give it the v3 import path too.
ln -s /usr/share/gocode/src/github.com/Masterminds/semver "$gp/src/github.com/Masterminds/semver/v3"
for oracle in yamlgo semvergo; do
  cp -r "$here/$oracle" "$gp/src/$oracle"
  (cd "$gp/src/$oracle" && GO111MODULE=off GOPATH="$gp:/usr/share/gocode" \
     GOCACHE="${GOCACHE:-$out/.gocache}" GOFLAGS= go build -o "$out/$oracle" .)
done
