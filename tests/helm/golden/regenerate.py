#!/usr/bin/env python3
"""Regenerates the golden outputs of the template suite with the helm oracle.

Each tests/helm/golden/cases/<group>.txt holds cases:

    ### case: <name>
    ### values:            (optional) YAML given to the oracle with -values
    a: 1
    ### template:
    {{ .Values.a }}
    ### nondeterministic: <RE2 regex>   (optional) output differs per run; both the oracle's
                                         and ours must match the regex
    ### deviation: <why>                (optional) the oracle (Go 1.19) differs from current
    ### expect: <text>                     Helm on purpose; the expected text is hand-written

and this script writes tests/helm/golden/expected/<group>.json:
{"<name>": {"output": "..."} | {"error": "..."}} from `helm-oracle tpl`.

    tests/helm/golden/regenerate.py [--oracle PATH] [GROUP...]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
EXPECTED = os.path.join(HERE, "expected")
BUILD = os.path.join(os.path.dirname(HERE), "..", "..", "..", "shared", "tools", "helm-oracle", "build.sh")


def parse_cases(path):
    cases = []
    cur = None
    section = None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines:
        m = re.match(r"^### (case|values|template|nondeterministic|deviation|expect)(?::\s?(.*))?$", line)
        if m:
            key, arg = m.group(1), m.group(2)
            if key == "case":
                cur = {"name": arg.strip(), "values": [], "template": []}
                cases.append(cur)
                section = None
            elif key in ("values", "template"):
                section = key
            else:
                cur[key] = arg or ""
                section = None
            continue
        if cur is not None and section is not None:
            cur[section].append(line)
    for c in cases:
        # The last newline of a section belongs to the file layout, not the template.
        c["template"] = "\n".join(c["template"])
        if c["template"].endswith("\n"):
            c["template"] = c["template"][:-1]
        c["values"] = "\n".join(c["values"])
    return cases


def normalise_error(msg):
    msg = msg.strip()
    if msg.startswith("Error: "):
        msg = msg[len("Error: "):]
    if msg.startswith('parse error in "tpl": '):
        msg = msg[len('parse error in "tpl": '):]
    elif msg.startswith("tpl: "):
        msg = msg[len("tpl: "):]
    return msg


def run_oracle(oracle, case, tmp):
    tpl = os.path.join(tmp, "t.tpl")
    vals = os.path.join(tmp, "v.yaml")
    with open(tpl, "w", encoding="utf-8") as f:
        f.write(case["template"])
    with open(vals, "w", encoding="utf-8") as f:
        f.write(case["values"])
    p = subprocess.run([oracle, "tpl", "-values", vals, tpl], capture_output=True, timeout=120)
    if p.returncode == 0:
        return {"output": json.loads(p.stdout.decode("utf-8"))["tpl"]}
    return {"error": normalise_error(p.stderr.decode("utf-8", "replace"))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--oracle", help="helm-oracle binary (built from shared/tools when absent)")
    ap.add_argument("groups", nargs="*")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        oracle = args.oracle
        if not oracle:
            oracle = os.path.join(tmp, "helm-oracle")
            subprocess.run(["bash", os.path.abspath(BUILD), oracle], check=True)
        os.makedirs(EXPECTED, exist_ok=True)
        groups = args.groups or sorted(f[:-4] for f in os.listdir(CASES) if f.endswith(".txt"))
        for g in groups:
            cases = parse_cases(os.path.join(CASES, g + ".txt"))
            out = {}
            for c in cases:
                if c["name"] in out:
                    sys.exit("%s: duplicate case %s" % (g, c["name"]))
                r = run_oracle(oracle, c, tmp)
                rx = c.get("nondeterministic")
                if rx and "output" in r and not re.fullmatch(rx, r["output"], re.S):
                    sys.exit("%s/%s: oracle output %r does not match %s" % (g, c["name"], r["output"], rx))
                out[c["name"]] = r
            with open(os.path.join(EXPECTED, g + ".json"), "w", encoding="utf-8") as f:
                json.dump(out, f, indent=1, sort_keys=True, ensure_ascii=False)
                f.write("\n")
            print("%s: %d cases" % (g, len(cases)))


if __name__ == "__main__":
    main()
