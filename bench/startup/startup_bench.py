#!/usr/bin/env python3
"""Fixed cost of one opencenter process against the reference tools, same run.

Each case runs N times alternating tools; reported: median wall time, median CPU time (user +
sys, from wait4) and the largest peak RSS. Small inputs, so what is measured is process start,
argument parsing and the work around a tiny input — the cost every `kustomize build`, `age -d`
or `secrets decrypt` in a script or a CI job pays.

The "eager" rows run opencenter with libcurl, libgit2, libarchive and cpp-httplib preloaded
(LD_PRELOAD), which is what every process paid before those libraries were opened on first use
(src/core/dynlib.h).

  bench/startup/startup_bench.py [--runs N] [--oc build/release/opencenter]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(argv, env=None, stdin_path=None):
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read()
    p.stderr.close()
    if stdin_path:
        stdin.close()
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(argv)}\n{err.decode(errors='replace')}")
    return wall, ru.ru_utime + ru.ru_stime


def peak_rss_kib(argv, env=None):
    """The command's own peak RSS. wait4's ru_maxrss for a child of this script also counts
    the Python image the child was forked from (the kernel records the old mm's high-water mark
    at exec), which hid every figure under Python's ~15 MiB; GNU time forks from a small
    process instead."""
    r = subprocess.run(["/usr/bin/time", "-f", "%M", *argv], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, check=True)
    return int(r.stderr.decode().strip().splitlines()[-1])


def measure(cases, runs):
    results = {name: [] for name, _, _ in cases}
    for _ in range(runs):
        for name, argv, env in cases:
            results[name].append(run_once(argv, env))
    out = {}
    for name, argv, env in cases:
        rows = results[name]
        rss = max(peak_rss_kib(argv, env) for _ in range(3))
        out[name] = (statistics.median(r[0] for r in rows) * 1e3,
                     statistics.median(r[1] for r in rows) * 1e3, rss / 1024)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--oc", default="build/release/opencenter")
    a = ap.parse_args()
    oc = os.path.abspath(a.oc)
    for tool in ("kubectl", "age", "age-keygen", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"needs {tool} on PATH")
    eager = dict(os.environ,
                 LD_PRELOAD="libcurl.so.4 libgit2.so.1.5 libarchive.so.13 libcpp-httplib.so.0.11")
    with tempfile.TemporaryDirectory() as d:
        k = os.path.join(d, "k")
        os.makedirs(k)
        with open(os.path.join(k, "kustomization.yaml"), "w") as f:
            f.write("namePrefix: p-\nresources: [cm.yaml]\n"
                    "configMapGenerator:\n- name: gen\n  literals: [a=b]\n")
        with open(os.path.join(k, "cm.yaml"), "w") as f:
            f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  x: y\n")
        key = os.path.join(d, "key.txt")
        subprocess.run(["age-keygen", "-o", key], check=True, stderr=subprocess.DEVNULL)
        recipient = subprocess.run(["age-keygen", "-y", key], check=True,
                                   capture_output=True, text=True).stdout.strip()
        plain = os.path.join(d, "plain.txt")
        with open(plain, "w") as f:
            f.write("hello\n" * 20)
        enc = os.path.join(d, "plain.age")
        subprocess.run(["age", "-r", recipient, "-o", enc, plain], check=True)

        groups = [
            ("kustomize build (2 objects)",
             [("kubectl kustomize", ["kubectl", "kustomize", k], None),
              ("opencenter", [oc, "kustomize", "build", k], None),
              ("opencenter, eager", [oc, "kustomize", "build", k], eager)]),
            ("age -d (120 bytes)",
             [("age", ["age", "-d", "-i", key, "-o", os.devnull, enc], None),
              ("opencenter", [oc, "age", "-d", "-i", key, "-o", os.devnull, enc], None),
              ("opencenter, eager", [oc, "age", "-d", "-i", key, "-o", os.devnull, enc], eager)]),
            ("version",
             [("opencenter", [oc, "version"], None),
              ("opencenter, eager", [oc, "version"], eager)]),
        ]
        with open("/proc/loadavg") as f:
            print(f"cpus: {os.cpu_count()}, load average: {' '.join(f.read().split()[:3])}, "
                  f"runs: {a.runs}")
        print(f"{'case':30} {'tool':20} {'wall ms':>8} {'CPU ms':>8} {'RSS MiB':>8}")
        for title, cases in groups:
            res = measure(cases, a.runs)
            for name, (wall, cpu, rss) in res.items():
                print(f"{title:30} {name:20} {wall:8.2f} {cpu:8.2f} {rss:8.1f}")
            ref = cases[0][0]
            if ref != "opencenter":
                r, o = res[ref], res["opencenter"]
                print(f"{title:30} {'ratio ' + ref + '/ours':20} {r[0] / o[0]:8.2f} "
                      f"{r[1] / o[1]:8.2f} {r[2] / o[2]:8.2f}")


if __name__ == "__main__":
    main()
