// The JSONPath subset Kubernetes uses in CRD printer columns and `kubectl -o jsonpath`:
// `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[*]`, and filters `[?(@.type=="Ready")]` (==, !=).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/node.h"

namespace oc::kube {

// The nodes `path` selects in `root` (empty when nothing matches). Fails on syntax errors.
core::Result<std::vector<const core::Node*>> jsonpath(const core::Node& root, std::string_view path);

// The first match as printable text (scalars as written; collections as JSON), or "".
std::string jsonpath_text(const core::Node& root, std::string_view path);

}  // namespace oc::kube
