// Reading resources from YAML text the way kustomize's resource factory does
// (api/resource/factory.go RNodesFromBytes, kyaml/kio ByteReader).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/node.h"

namespace oc::kustomize {

// The objects in a YAML stream: empty documents skipped; every object needs `kind` and
// (unless the kind ends in "List") `metadata.name`; `kind: List` with `items` is unwrapped
// (a lone List document in place, other *List kinds after the file's other objects, as
// kustomize does). Errors name `file` and the position.
core::Result<std::vector<core::Node>> read_resources(std::string_view text,
                                                     const std::string& file);

}  // namespace oc::kustomize
