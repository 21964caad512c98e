// The tables the protobuf decoder walks: per message, its fields in Go struct order (the order
// encoding/json writes them) with the protobuf field number, JSON name and what Go's JSON form
// of the field looks like. The data is generated (protobuf_schema.cc, by
// scripts/k8s_protobuf_schema.py) from k8s.io/api and k8s.io/apimachinery's generated.proto and
// types.go; only the decoder includes this header.
#pragma once

#include <cstddef>
#include <cstdint>

namespace oc::apiserver::pb {

enum class Type : uint8_t {
  kString,
  kBytes,  // base64 in JSON
  kBool,
  kInt32,
  kInt64,
  kDouble,
  kMessage,      // Field::message
  kMap,          // map<string, Field::map_value>; entries are {key = 1, value = 2}
  kTime,         // metav1.Time {seconds = 1, nanos = 2} → RFC 3339 seconds, null when zero
  kMicroTime,    // metav1.MicroTime → RFC 3339 with microseconds
  kIntOrString,  // intstr.IntOrString {type = 1, intVal = 2, strVal = 3}
  kQuantity,     // resource.Quantity {string = 1}
  kRawJson,      // runtime.RawExtension / metav1.FieldsV1 {raw = 1}: embedded JSON
};

enum FieldFlag : uint8_t {
  kRepeated = 1,
  kPointer = 2,    // a Go pointer: written when present on the wire, even if zero
  kOmitEmpty = 4,  // `json:",omitempty"`: a zero scalar, empty list or map is left out
  kInline = 8,     // an embedded struct: its fields are written into the parent object
};

struct Field {
  uint32_t number;
  const char* json;  // "" for kInline
  Type type;
  uint8_t flags;
  Type map_value;    // for kMap
  uint16_t message;  // index into kMessages for kMessage (and kMap with kMessage values)
};

struct Message {
  const char* name;  // fully qualified proto name, for error messages
  uint16_t first;    // index into kFields
  uint16_t count;
};

// A kind whose protobuf body is accepted, by the runtime.Unknown envelope's typeMeta.
struct Root {
  const char* api_version;
  const char* kind;
  uint16_t message;
};

extern const Field kFields[];
extern const Message kMessages[];
extern const Root kRoots[];
extern const size_t kFieldCount;
extern const size_t kMessageCount;
extern const size_t kRootCount;

}  // namespace oc::apiserver::pb
