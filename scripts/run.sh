#!/usr/bin/env bash
# Installs what is needed, builds opencenter, and runs the main job on the embedded local
# cluster: `opencenter up` (API server + Flux-compatible controllers), a Git repository made from
# the Flux example (../shared/conformance/flux-example, or a directory given as $1), and the
# Kustomizations that reconcile it; then shows what landed and stops the cluster.
# KEEP=1 leaves the cluster running (stop it with `opencenter down --data-dir DIR`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release >/dev/null
oc=$PWD/build/release/opencenter
example=$(realpath "${1:-../shared/conformance/flux-example}")
work=$(mktemp -d)
data=$work/cluster
cleanup() {
  if [ -z "${KEEP:-}" ]; then
    "$oc" down --data-dir "$data" >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
}
trap cleanup EXIT

"$oc" version
"$oc" up --data-dir "$data"
export KUBECONFIG=$data/kubeconfig

# The example as a Git repository the source controller clones (file://, no server needed).
git init -q -b main "$work/src"
cp -r "$example/." "$work/src/"
git -C "$work/src" add -A
git -C "$work/src" -c user.name=opencenter -c user.email=run@localhost commit -q -m example
git clone -q --bare "$work/src" "$work/example.git"

# The controllers install the Flux CRDs as they start.
for i in $(seq 100); do
  kubectl get crd kustomizations.kustomize.toolkit.fluxcd.io >/dev/null 2>&1 && break
  sleep 0.1
done
kubectl wait --for=condition=Established --timeout=30s \
  crd/gitrepositories.source.toolkit.fluxcd.io crd/kustomizations.kustomize.toolkit.fluxcd.io

# clusters/staging's Kustomizations, with the monorepo as their source. (No `wait` on apps: its
# HelmReleases need the helm controller, which is not there yet.)
kubectl apply --server-side -f - <<EOF
apiVersion: v1
kind: Namespace
metadata: {name: flux-system}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-example, namespace: flux-system}
spec:
  interval: 1m
  url: file://$work/example.git
  ref: {branch: main}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: infra-controllers, namespace: flux-system}
spec:
  interval: 10m
  path: ./infrastructure/controllers
  prune: true
  sourceRef: {kind: GitRepository, name: flux-example}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 10m
  path: ./apps/staging
  prune: true
  dependsOn: [{name: infra-controllers}]
  sourceRef: {kind: GitRepository, name: flux-example}
EOF

kubectl wait -n flux-system --for=condition=Ready --timeout=120s \
  gitrepository/flux-example kustomization/infra-controllers kustomization/apps
"$oc" get kustomizations -A
"$oc" tree kustomization apps -n flux-system
kubectl get namespaces
echo "run.sh: the Flux example reconciled on the local cluster ($data)" >&2
