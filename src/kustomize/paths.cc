#include "kustomize/paths.h"

#include <vector>

namespace oc::kustomize {

std::string clean_path(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part.empty() || part == ".") {
      // skip
    } else if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out.push_back('/');
    out.append(parts[k]);
  }
  return out.empty() ? "." : out;
}

std::string join_path(std::string_view a, std::string_view b) {
  if (a.empty()) return clean_path(b);
  if (b.empty()) return clean_path(a);
  std::string s(a);
  s.push_back('/');
  s.append(b);
  return clean_path(s);
}

std::string dir_name(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  return clean_path(path.substr(0, slash + 1));
}

std::string base_name(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash != std::string_view::npos && path.size() > 1) path.remove_prefix(slash + 1);
  return path.empty() ? "." : std::string(path);
}

bool path_within(std::string_view path, std::string_view dir) {
  if (dir == "/") return !path.empty() && path[0] == '/';
  return path == dir ||
         (path.size() > dir.size() && path.substr(0, dir.size()) == dir && path[dir.size()] == '/');
}

std::string relative_to(std::string_view path, std::string_view base) {
  if (base == "." || base.empty()) return std::string(path);
  if (path == base) return ".";
  if (path_within(path, base)) return std::string(path.substr(base == "/" ? 1 : base.size() + 1));
  return std::string(path);
}

}  // namespace oc::kustomize
