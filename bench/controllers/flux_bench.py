#!/usr/bin/env python3
"""The GitOps loop at scale, shaped like Flux's published benchmark (fluxcd/flux-benchmark).

N apps, each a Kustomization (wait: true, prune: true) applying a Deployment (replicas 0), a
ServiceAccount, a Service and an Ingress from one GitRepository. Measures the wall time from
`kubectl apply` of the GitRepository and the N Kustomizations to every Kustomization Ready=True,
and the peak RSS (VmHWM) of the API server and of the controller, run as separate processes so
each is measured on its own. Flux is not installed here; the comparison is with the figures Flux
v2.9 publishes (1000 Kustomizations in 4m13s at 223 MiB on a 16-core runner, 20 workers).

usage: bench/controllers/flux_bench.py [--bin build/release/opencenter] [--workers 20] [N ...]
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request


def vm_hwm_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_repo(root, n):
    """A bare repository with apps/app-<i>/{deploy,sa,svc,ingress}.yaml, served by file://."""
    work = os.path.join(root, "work")
    for i in range(n):
        name = f"app-{i}"
        d = os.path.join(work, "apps", name)
        write(os.path.join(d, "sa.yaml"),
              f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: bench\n")
        write(os.path.join(d, "deploy.yaml"), f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: bench
spec:
  replicas: 0
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      serviceAccountName: {name}
      containers:
      - name: podinfo
        image: ghcr.io/stefanprodan/podinfo:6.7.0
        ports:
        - containerPort: 9898
""")
        write(os.path.join(d, "svc.yaml"), f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: bench
spec:
  selector: {{app: {name}}}
  ports:
  - port: 80
    targetPort: 9898
""")
        write(os.path.join(d, "ingress.yaml"), f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: bench
spec:
  rules:
  - host: {name}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: {name}
            port:
              number: 80
""")
    git = ["git", "-C", work, "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run(["git", "init", "-q", "-b", "main", work], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "apps"], check=True)
    bare = os.path.join(root, "repo.git")
    subprocess.run(["git", "clone", "-q", "--bare", work, bare], check=True)
    return "file://" + bare


def objects(url, n):
    docs = [f"""apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: bench
  namespace: flux-system
spec:
  interval: 1h
  url: {url}
  ref:
    branch: main
"""]
    for i in range(n):
        docs.append(f"""apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: app-{i}
  namespace: flux-system
spec:
  interval: 1h
  path: ./apps/app-{i}
  prune: true
  wait: true
  timeout: 5m
  sourceRef:
    kind: GitRepository
    name: bench
""")
    return "---\n".join(docs)


def server_url(kubeconfig):
    with open(kubeconfig) as f:
        for line in f:
            line = line.strip()
            if line.startswith("server:"):
                return line.split(None, 1)[1].strip().strip('"')
    raise RuntimeError(f"no server in {kubeconfig}")


def ready_count(server):
    """Kustomizations with Ready=True, read straight from the API (cheaper than kubectl, whose
    CPU would otherwise be part of what is measured on a 2-core machine)."""
    url = server + "/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations"
    with urllib.request.urlopen(url) as r:
        items = json.load(r)["items"]
    n = 0
    for item in items:
        for c in item.get("status", {}).get("conditions", []):
            if c["type"] == "Ready" and c["status"] == "True":
                n += 1
    return n


def wait_file(path, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return
        time.sleep(0.05)
    raise RuntimeError(f"{path} did not appear")


def run_one(binary, n, workers):
    root = tempfile.mkdtemp(prefix="oc-flux-bench-")
    procs = []
    try:
        url = make_repo(root, n)
        data = os.path.join(root, "cluster")
        kubeconfig = os.path.join(data, "kubeconfig")
        os.makedirs(data)
        log = open(os.path.join(root, "apiserver.log"), "w")
        api = subprocess.Popen([binary, "apiserver", "--data-dir", data, "--listen", "127.0.0.1:0",
                                "--kubeconfig-out", kubeconfig], stdout=log, stderr=log)
        procs.append(api)
        wait_file(kubeconfig)
        kubectl = ["kubectl", "--kubeconfig", kubeconfig]
        subprocess.run(kubectl + ["apply", "-f", "-"], check=True, capture_output=True, text=True,
                       input="apiVersion: v1\nkind: Namespace\nmetadata: {name: flux-system}\n---\n"
                             "apiVersion: v1\nkind: Namespace\nmetadata: {name: bench}\n")
        clog = open(os.path.join(root, "controller.log"), "w")
        ctl = subprocess.Popen([binary, "controller", "--kubeconfig", kubeconfig,
                                "--data-dir", os.path.join(root, "controller"),
                                "--storage-addr", "127.0.0.1:0", "--metrics-addr", "",
                                "--concurrent", str(workers)], stdout=clog, stderr=clog)
        procs.append(ctl)
        # The controller installs the Flux CRDs; wait until the Kustomization kind is served.
        deadline = time.time() + 30
        while subprocess.run(kubectl + ["get", "kustomizations.kustomize.toolkit.fluxcd.io", "-A"],
                             capture_output=True).returncode != 0:
            if time.time() > deadline:
                raise RuntimeError("the controller did not install the Flux CRDs")
            time.sleep(0.1)
        server = server_url(kubeconfig)
        manifest = os.path.join(root, "objects.yaml")
        write(manifest, objects(url, n))
        t0 = time.time()
        subprocess.run(kubectl + ["apply", "--server-side", "-f", manifest], check=True,
                       capture_output=True)
        ready = 0
        deadline = t0 + 600
        while time.time() < deadline:
            ready = ready_count(server)
            if ready == n:
                break
            time.sleep(0.2)
        wall = time.time() - t0
        if ready != n:
            raise RuntimeError(f"only {ready}/{n} Ready after {wall:.0f}s (logs in {root})")
        return wall, vm_hwm_mib(api.pid), vm_hwm_mib(ctl.pid)
    finally:
        for p in reversed(procs):
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        if not os.environ.get("KEEP"):
            shutil.rmtree(root, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="build/release/opencenter")
    ap.add_argument("--workers", type=int, default=20)
    ap.add_argument("sizes", nargs="*", type=int, default=[100, 500, 1000])
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    print(f"{'N':>6} {'wall s':>8} {'apiserver MiB':>14} {'controller MiB':>15}"
          f" {'vs Flux time':>13} {'vs Flux RSS':>12}")
    for n in a.sizes:
        wall, api_mib, ctl_mib = run_one(binary, n, a.workers)
        # Flux v2.9: 1000 Kustomizations in 253 s at 223 MiB (controllers only, 16 cores).
        ratio_t = f"{253.0 / wall:.1f}x" if n == 1000 else "-"
        ratio_m = f"{223.0 / ctl_mib:.1f}x" if n == 1000 else "-"
        print(f"{n:>6} {wall:>8.1f} {api_mib:>14.1f} {ctl_mib:>15.1f} {ratio_t:>13} {ratio_m:>12}",
              flush=True)


if __name__ == "__main__":
    sys.exit(main())
