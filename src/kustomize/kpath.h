// kyaml's dotted field paths, as vars and replacements use them:
// "spec.containers.[name=app].image", "spec.ports.0.port", "metadata.labels.*" (kyaml/yaml
// PathGetter and PathMatcher).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/node.h"

namespace oc::kustomize {

// utils.SmarterPathSplitter(path, "."): keeps "[name=a.b]" together.
std::vector<std::string> split_dotted_path(std::string_view path);

// yaml.Lookup (PathGetter without create): the node at the path, or nullptr. Numbers index
// lists ("-" is the last element), "[k=v]" picks the first element whose k is exactly v.
core::Result<core::Node*> path_get(core::Node& root, const std::vector<std::string>& path);

// What PathMatcher may create on the way (its Create kind); kNone creates nothing.
enum class PathCreate { kNone, kScalar, kMapping, kSequence };

// yaml.PathMatcher: every node the path reaches. "*" matches every element of a list, and
// "[k=re]" every element whose k matches the (unanchored) regex re.
core::Result<std::vector<core::Node*>> path_match(core::Node& root,
                                                  const std::vector<std::string>& path,
                                                  PathCreate create);

}  // namespace oc::kustomize
