// Path helpers with Go's path/filepath semantics ('/'-separated), which kustomize's loader uses.
#pragma once

#include <string>
#include <string_view>

namespace oc::kustomize {

// filepath.Clean: removes "." and "x/.." elements and repeated slashes; "" → ".".
std::string clean_path(std::string_view path);
// filepath.Join of two elements, cleaned.
std::string join_path(std::string_view a, std::string_view b);
// filepath.Dir and filepath.Base.
std::string dir_name(std::string_view path);
std::string base_name(std::string_view path);
inline bool is_abs(std::string_view path) {
  return !path.empty() && path[0] == '/';
}
// Whether `path` equals `dir` or lies below it (both cleaned and absolute).
bool path_within(std::string_view path, std::string_view dir);
// `path` relative to `base` when below it ("a/b"), else `path` unchanged.
std::string relative_to(std::string_view path, std::string_view base);

}  // namespace oc::kustomize
