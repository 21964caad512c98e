// Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), decoded into the
// same JSON document tree the JSON path produces, so the rest of the API server never sees
// protobuf. kubectl's typed generators (`kubectl create configmap|deployment|…`, `run`,
// `expose`) send nothing else.
//
// A body is the 4-byte magic "k8s\0" followed by a runtime.Unknown message whose typeMeta names
// the kind and whose raw field holds the object's message. The result is what Go's
// encoding/json writes for the decoded struct: fields in struct order, `omitempty` applied,
// pointer fields only when set, `"creationTimestamp": null` for a zero time, map keys sorted.
//
// Refused with Error::code 415: a kind outside the schema tables (protobuf_schema.cc), a field
// number the tables do not know (nothing is dropped silently), a compressed or otherwise typed
// envelope, embedded raw objects that are not JSON. Refused with 400: malformed wire data
// (truncated, wrong wire type, nesting deeper than 64 messages, output too large), values Go
// would reject (a bad quantity, an impossible IntOrString, a time outside years 0–9999).
//
// Thread safety: the functions are pure.
#pragma once

#include <string_view>

#include "core/error.h"
#include "core/node.h"

namespace oc::apiserver {

// Whether a Content-Type names the Kubernetes protobuf encoding (parameters ignored).
bool is_kube_protobuf(std::string_view content_type);

// Decodes a whole request body ("k8s\0" + runtime.Unknown).
core::Result<core::Node> decode_kube_protobuf(std::string_view body);

}  // namespace oc::apiserver
