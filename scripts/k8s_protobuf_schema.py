#!/usr/bin/env python3
"""Writes src/apiserver/protobuf_schema.cc: the field tables the API server's protobuf decoder
(src/apiserver/protobuf.cc) walks to turn Kubernetes protobuf bodies into JSON documents.

Kubernetes' wire schema lives in two places that must be read together:
  * generated.proto gives each message's field numbers and wire types;
  * the Go structs in types.go give what the JSON form looks like: field order, JSON names,
    `omitempty`, pointer fields (present or absent, never "zero"), and embedded structs whose
    fields JSON flattens into the parent (Volume.VolumeSource, Probe.ProbeHandler, ...).
The two are joined on the field number of the Go `protobuf:"..."` struct tag.

Usage (from checkouts of github.com/kubernetes/api and github.com/kubernetes/apimachinery at
the same release tag, e.g. v0.32.13):
  scripts/k8s_protobuf_schema.py API_DIR APIMACHINERY_DIR TAG > src/apiserver/protobuf_schema.cc

To accept another kind, add it to ROOTS (and its group to GROUPS) and run the script again.
"""
import os
import re
import sys

# Group/version directories of kubernetes/api read by the script: (dir, proto package).
GROUPS = [
    ("core/v1", "k8s.io.api.core.v1"),
    ("apps/v1", "k8s.io.api.apps.v1"),
    ("batch/v1", "k8s.io.api.batch.v1"),
    ("rbac/v1", "k8s.io.api.rbac.v1"),
    ("networking/v1", "k8s.io.api.networking.v1"),
    ("policy/v1", "k8s.io.api.policy.v1"),
    ("scheduling/v1", "k8s.io.api.scheduling.v1"),
    ("autoscaling/v1", "k8s.io.api.autoscaling.v1"),
    ("autoscaling/v2", "k8s.io.api.autoscaling.v2"),
    ("authentication/v1", "k8s.io.api.authentication.v1"),
]
META = ("pkg/apis/meta/v1", "k8s.io.apimachinery.pkg.apis.meta.v1")

# The kinds whose protobuf bodies are accepted: (apiVersion, kind, group dir). The first block
# is what kubectl's typed generators send (create <kind>, run, expose, autoscale); the second
# shares their message trees and is what client-go programs with protobuf enabled send.
ROOTS = [
    ("v1", "Namespace", "core/v1"),
    ("v1", "ConfigMap", "core/v1"),
    ("v1", "Secret", "core/v1"),
    ("v1", "ServiceAccount", "core/v1"),
    ("v1", "Service", "core/v1"),
    ("v1", "Pod", "core/v1"),
    ("v1", "ResourceQuota", "core/v1"),
    ("apps/v1", "Deployment", "apps/v1"),
    ("batch/v1", "Job", "batch/v1"),
    ("batch/v1", "CronJob", "batch/v1"),
    ("rbac.authorization.k8s.io/v1", "Role", "rbac/v1"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding", "rbac/v1"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole", "rbac/v1"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "rbac/v1"),
    ("scheduling.k8s.io/v1", "PriorityClass", "scheduling/v1"),
    ("policy/v1", "PodDisruptionBudget", "policy/v1"),
    ("networking.k8s.io/v1", "Ingress", "networking/v1"),
    ("autoscaling/v1", "HorizontalPodAutoscaler", "autoscaling/v1"),
    ("autoscaling/v2", "HorizontalPodAutoscaler", "autoscaling/v2"),
    ("authentication.k8s.io/v1", "TokenRequest", "authentication/v1"),  # kubectl create token

    ("v1", "Event", "core/v1"),
    ("v1", "LimitRange", "core/v1"),
    ("v1", "PersistentVolumeClaim", "core/v1"),
    ("v1", "Endpoints", "core/v1"),
    ("apps/v1", "StatefulSet", "apps/v1"),
    ("apps/v1", "DaemonSet", "apps/v1"),
    ("apps/v1", "ReplicaSet", "apps/v1"),
    ("apps/v1", "ControllerRevision", "apps/v1"),
    ("networking.k8s.io/v1", "NetworkPolicy", "networking/v1"),
    ("networking.k8s.io/v1", "IngressClass", "networking/v1"),
]

# Messages with their own JSON form (a MarshalJSON method in apimachinery): decoded by hand.
SPECIAL = {
    "k8s.io.apimachinery.pkg.apis.meta.v1.Time": "kTime",
    "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime": "kMicroTime",
    "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1": "kRawJson",
    "k8s.io.apimachinery.pkg.runtime.RawExtension": "kRawJson",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "kIntOrString",
    "k8s.io.apimachinery.pkg.api.resource.Quantity": "kQuantity",
}

# Proto scalar types the decoder reads (k8s.io/api uses no others; add one to both if needed).
# Messages with a JSON form of their own that the decoder does not read yet (k8s.io/api does not
# use them; CRD-style types such as Flux's do).
UNSUPPORTED = {"k8s.io.apimachinery.pkg.apis.meta.v1.Duration"}

SCALARS = {
    "string": "kString", "bytes": "kBytes", "bool": "kBool", "int32": "kInt32",
    "int64": "kInt64", "double": "kDouble",
}


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def parse_proto(path, package):
    """{fq message name: {number: (label, type, map_value_type or None)}}"""
    text = strip_comments(open(path).read())
    messages = {}
    for m in re.finditer(r"\bmessage\s+(\w+)\s*\{(.*?)\n\}", text, flags=re.S):
        fields = {}
        for line in m.group(2).split(";"):
            line = " ".join(line.split())
            if not line:
                continue
            f = re.fullmatch(r"(optional|repeated) ([\w.]+) (\w+) = (\d+)", line)
            if f:
                fields[int(f.group(4))] = (f.group(1), resolve(f.group(2), package), None)
                continue
            f = re.fullmatch(r"map ?< ?(\w+) ?, ?([\w.]+) ?> (\w+) = (\d+)", line)
            if f:
                if f.group(1) != "string":
                    sys.exit(f"{path}: {m.group(1)}: map key {f.group(1)} not supported")
                fields[int(f.group(4))] = ("map", "map", resolve(f.group(2), package))
                continue
            sys.exit(f"{path}: {m.group(1)}: cannot read field '{line}'")
        messages[package + "." + m.group(1)] = fields
    return messages


def resolve(type_name, package):
    if type_name in SCALARS:
        return type_name
    if type_name.startswith("."):
        return type_name[1:]
    if "." in type_name:
        return type_name
    return package + "." + type_name


def parse_go(paths, package):
    """{fq struct name: [(number or None, json name, omitempty, pointer, inline)]} in Go order."""
    structs = {}
    for path in paths:
        lines = open(path).read().split("\n")
        i = 0
        while i < len(lines):
            m = re.match(r"type (\w+) struct \{\s*$", lines[i])
            i += 1
            if not m:
                continue
            fields = []
            while i < len(lines) and lines[i] != "}":
                line = lines[i].strip()
                i += 1
                if not line or line.startswith("//"):
                    continue
                f = re.fullmatch(r"(\w+)\s+(\S+)\s+`(.*)`", line)
                embedded = False
                if not f:
                    f = re.fullmatch(r"(\*?[\w.]+)\s+`(.*)`", line)
                    embedded = True
                if not f:
                    continue  # a field without tags is not part of the API
                go_type = f.group(1) if embedded else f.group(2)
                tag = f.group(2) if embedded else f.group(3)
                js = re.search(r'json:"([^"]*)"', tag)
                pb = re.search(r'protobuf:"([^"]*)"', tag)
                if not pb or pb.group(1) == "-":
                    continue
                parts = (js.group(1) if js else "").split(",")
                name, opts = parts[0], parts[1:]
                if name == "-":
                    continue
                inline = embedded and name == ""
                fields.append((int(pb.group(1).split(",")[1]), name, "omitempty" in opts,
                               go_type.startswith("*"), inline))
            structs[package + "." + m.group(1)] = fields
    return structs


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    api, machinery, tag = sys.argv[1], sys.argv[2], sys.argv[3]
    protos, gos = {}, {}
    sources = [(os.path.join(api, d), p) for d, p in GROUPS] + [(os.path.join(machinery, META[0]), META[1])]
    for d, package in sources:
        protos.update(parse_proto(os.path.join(d, "generated.proto"), package))
        gos.update(parse_go([os.path.join(d, f) for f in sorted(os.listdir(d))
                             if f.endswith(".go") and not f.endswith("_test.go")
                             and not f.startswith("zz_") and f != "generated.pb.go"], package))

    order, index = [], {}

    def visit(name):
        if name in index or name in SPECIAL:
            return
        if name in UNSUPPORTED:
            sys.exit(f"message {name}: the decoder has no reader for it yet")
        if name not in protos or name not in gos:
            sys.exit(f"message {name}: no proto message or Go struct found")
        index[name] = len(order)
        order.append(name)
        for number, (label, typ, map_value) in sorted(protos[name].items()):
            for t in (typ, map_value):
                if t and t not in SCALARS and t != "map":
                    visit(t)

    pkg_of = dict(GROUPS)
    root_msgs = []
    for av, kind, d in ROOTS:
        name = pkg_of[d] + "." + kind
        visit(name)
        root_msgs.append((av, kind, name))

    # encoding/json flattens embedded structs; a JSON name must still appear once per object.
    def json_names(name):
        names = []
        for number, json_name, _, pointer, inline in gos[name]:
            if inline:
                if pointer:
                    sys.exit(f"{name}: embedded pointer field {number} is not supported")
                names += json_names(protos[name][number][1])
            else:
                names.append(json_name)
        return names

    for name in order:
        names = json_names(name)
        if len(names) != len(set(names)):
            sys.exit(f"{name}: a JSON name appears twice once embedded structs are flattened")

    def type_of(t):
        if t in SCALARS:
            return SCALARS[t]
        return SPECIAL.get(t, "kMessage")

    out = []
    out.append(f"// Generated by scripts/k8s_protobuf_schema.py from kubernetes/api and kubernetes/apimachinery")
    out.append(f"// {tag} (generated.proto + types.go). Do not edit: change the script's ROOTS and run it")
    out.append("// again. Field order is the Go struct order (= JSON order).")
    out.append('#include "apiserver/protobuf_schema.h"')
    out.append("")
    out.append("// One table row per line.")
    out.append("// clang-format off")
    out.append("namespace oc::apiserver::pb {")
    out.append("")
    out.append("namespace {")
    out.append("constexpr uint8_t R = kRepeated, P = kPointer, O = kOmitEmpty, I = kInline;")
    out.append("}  // namespace")
    out.append("")
    out.append("const Field kFields[] = {")
    spans = []
    total = 0
    for name in order:
        proto = protos[name]
        go = gos[name]
        seen = set()
        out.append(f"    // {name}")
        start = total
        for number, json_name, omitempty, pointer, inline in go:
            if number not in proto:
                sys.exit(f"{name}: Go field {json_name} has protobuf number {number} not in the proto")
            seen.add(number)
            label, typ, map_value = proto[number]
            flags = []
            if label == "repeated":
                flags.append("R")
            if pointer:
                flags.append("P")
            if omitempty:
                flags.append("O")
            if inline:
                flags.append("I")
            flag_text = " | ".join(flags) if flags else "0"
            if label == "map":
                vt = type_of(map_value)
                msg = index[map_value] if vt == "kMessage" else 0
                out.append(f'    {{{number}, "{json_name}", Type::kMap, {flag_text}, Type::{vt}, {msg}}},')
            else:
                t = type_of(typ)
                msg = index[typ] if t == "kMessage" else 0
                if inline and t != "kMessage":
                    sys.exit(f"{name}: inline field {number} is not a message")
                out.append(f'    {{{number}, "{json_name}", Type::{t}, {flag_text}, Type::kString, {msg}}},')
            total += 1
        missing = set(proto) - seen
        if missing:
            sys.exit(f"{name}: proto fields {sorted(missing)} have no Go field")
        spans.append((name, start, total - start))
    out.append("};")
    out.append("")
    out.append("const Message kMessages[] = {")
    for i, (name, start, count) in enumerate(spans):
        out.append(f'    {{"{name}", {start}, {count}}},  // {i}')
    out.append("};")
    out.append("")
    out.append("const Root kRoots[] = {")
    for av, kind, name in root_msgs:
        out.append(f'    {{"{av}", "{kind}", {index[name]}}},')
    out.append("};")
    out.append("")
    out.append("const size_t kFieldCount = sizeof(kFields) / sizeof(kFields[0]);")
    out.append("const size_t kMessageCount = sizeof(kMessages) / sizeof(kMessages[0]);")
    out.append("const size_t kRootCount = sizeof(kRoots) / sizeof(kRoots[0]);")
    out.append("")
    out.append("}  // namespace oc::apiserver::pb")
    out.append("// clang-format on")
    print("\n".join(out))
    print(f"{len(order)} messages, {total} fields, {len(root_msgs)} kinds", file=sys.stderr)


if __name__ == "__main__":
    main()
