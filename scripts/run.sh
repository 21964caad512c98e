#!/usr/bin/env bash
# Installs what is needed, builds opencenter, and runs the best end-to-end job that exists
# today: reading the Flux example repository (../shared/conformance/flux-example, or a
# directory given as $1) and printing every manifest the way `kustomize build` writes it.
# Once the local cluster lands (issue 3), this becomes `opencenter up` + a reconcile.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release >/dev/null
repo=${1:-../shared/conformance/flux-example}
./build/release/opencenter version
mapfile -t files < <(find "$repo" -name '*.yaml' | sort)
./build/release/opencenter yaml fmt --style kustomize "${files[@]}"
echo "run.sh: ${#files[@]} manifests from $repo read and written back" >&2
