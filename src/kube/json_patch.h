// JSON patch (RFC 6902) on the document tree, with the semantics of evanphx/json-patch v4 —
// the library kubectl, the API server and kustomize's patchesJson6902 use — including its
// departures from the RFC:
//   - `replace` of a missing object member adds it (v4 only checks that the parent exists);
//   - array indices may be negative (counted from the end; -1 is the last element, and for
//     `add` -1 appends);
//   - `test` on an object only compares the members the document has.
//
// Thread safety: pure functions on values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/node.h"

namespace oc::kube {

struct JsonPatchOperation {
  std::string op;    // add, remove, replace, move, copy, test
  std::string path;  // JSON pointer
  std::string from;  // move, copy
  std::optional<core::Node> value;
};

// Reads a patch from a sequence of operation mappings (as parsed from JSON or YAML; scalars
// should already be typed, e.g. by core::to_json_model). Errors name the operation's index.
core::Result<std::vector<JsonPatchOperation>> parse_json_patch(const core::Node& ops);

// Applies the operations in order to `doc` (a JSON-model tree). On error `doc` is left
// unchanged and the error says which operation failed and why.
core::Status apply_json_patch(core::Node& doc, const std::vector<JsonPatchOperation>& ops);

}  // namespace oc::kube
