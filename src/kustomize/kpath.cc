#include "kustomize/kpath.h"

#include <charconv>

#include "kustomize/fieldspec.h"
#include "kustomize/regex.h"
#include "kustomize/resource.h"

namespace oc::kustomize {

using core::Error;
using core::Node;

namespace {

bool is_list_index(std::string_view p) {
  return p.size() >= 2 && p.front() == '[' && p.back() == ']';
}

std::optional<long> atoi_go(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  long v = 0;
  auto [p, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v);
  if (i == s.size() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return s[0] == '-' ? -v : v;
}

bool is_idx_number(std::string_view p) {
  auto v = atoi_go(p);
  return v && *v >= 0;
}

core::Result<std::pair<std::string, std::string>> split_index(std::string_view p) {
  if (p.back() == ']') p.remove_suffix(1);
  if (p.front() == '[') p.remove_prefix(1);
  size_t eq = p.find('=');
  if (eq == std::string_view::npos) {
    return Error("list path element must contain fieldName=fieldValue for element to match");
  }
  return std::make_pair(std::string(p.substr(0, eq)), std::string(p.substr(eq + 1)));
}

Node* last_field(Node& m, std::string_view name) {
  Node* found = nullptr;
  for (auto& e : m.entries()) {
    if (e.key.is_scalar() && e.key.text() == name) found = &e.value;
  }
  return found;
}

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

Node empty_of(PathCreate kind) {
  switch (kind) {
    case PathCreate::kMapping:
      return Node::mapping();
    case PathCreate::kSequence:
      return Node::sequence();
    default:
      return Node::scalar("", core::ScalarType::kUnresolved);
  }
}

// getPathPartKind.
PathCreate part_kind(std::string_view next, PathCreate dflt) {
  if (next.empty()) return dflt;
  if (is_list_index(next) || is_idx_number(next)) return PathCreate::kSequence;
  return PathCreate::kMapping;
}

core::Status match(Node& rn, const std::vector<std::string>& path, size_t i, PathCreate create,
                   std::vector<Node*>& out) {
  if (i == path.size()) {
    out.push_back(&rn);
    return {};
  }
  const std::string& part = path[i];
  std::string next = i + 1 < path.size() ? path[i + 1] : "";
  if (is_idx_number(part)) {
    if (!rn.is_sequence()) return Error("wrong node kind: expected a list at '" + part + "'");
    size_t idx = static_cast<size_t>(*atoi_go(part));
    if (rn.items().size() == idx && create != PathCreate::kNone) {
      rn.items().push_back(empty_of(part_kind(next, create)));
    }
    if (rn.items().size() < idx + 1) {
      return Error("index " + part + " specified but only " + std::to_string(rn.items().size()) +
                   " elements found");
    }
    return match(rn.items()[idx], path, i + 1, create, out);
  }
  if (is_list_index(part)) {
    auto kv = split_index(part);
    if (!kv.ok()) return kv.error();
    auto re = Regex::compile(kv->second);
    if (!re.ok()) return re.error();
    if (!rn.is_sequence()) return Error("wrong node kind: expected a list at '" + part + "'");
    size_t before = out.size();
    for (auto& elem : rn.items()) {
      if (kv->first.empty()) {
        if (elem.is_scalar() && re->matches(trim(elem.text()))) out.push_back(&elem);
        continue;
      }
      if (!elem.is_mapping()) continue;
      Node* v = last_field(elem, kv->first);
      if (v == nullptr || !v->is_scalar() || !re->matches(trim(v->text()))) continue;
      if (auto s = match(elem, path, i + 1, create, out); !s.ok()) return s;
    }
    if (out.size() > before || create == PathCreate::kNone) return {};
    Node elem = kv->first.empty() ? Node::scalar(kv->second, core::ScalarType::kUnresolved)
                                  : Node::mapping();
    if (!kv->first.empty()) {
      elem.entries().push_back(core::MapEntry{
          created_key(kv->first), Node::scalar(kv->second, core::ScalarType::kUnresolved)});
    }
    rn.items().push_back(std::move(elem));
    return match(rn, path, i, create, out);
  }
  if (part == "*") {
    if (!rn.is_sequence()) return Error("wrong node kind: expected a list for '*'");
    for (auto& elem : rn.items()) {
      if (auto s = match(elem, path, i + 1, create, out); !s.ok()) return s;
    }
    return {};
  }
  if (rn.is_null()) return {};
  if (!rn.is_mapping()) return Error("wrong node kind: expected a mapping at '" + part + "'");
  Node* f = last_field(rn, part);
  if (f == nullptr) {
    if (create == PathCreate::kNone) return {};
    rn.entries().push_back(core::MapEntry{created_key(part), empty_of(part_kind(next, create))});
    f = &rn.entries().back().value;
  }
  return match(*f, path, i + 1, create, out);
}

}  // namespace

std::vector<std::string> split_dotted_path(std::string_view path) {
  std::vector<std::string> split;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string part(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (!split.empty() && !split.back().empty() && split.back().back() == '\\') {
      split.back().back() = '.';
      split.back() += part;
    } else {
      split.push_back(std::move(part));
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (split.size() > 1 && split[0].empty()) split.erase(split.begin());
  std::vector<std::string> out;
  for (size_t i = 0; i < split.size(); ++i) {
    const std::string& e = split[i];
    if (!e.empty() && e.front() == '[' && e.back() != ']') {
      std::string joined = e;
      while (i + 1 < split.size()) {
        ++i;
        joined += "." + split[i];
        if (!split[i].empty() && split[i].back() == ']') break;
      }
      if (joined.find('=') != std::string::npos) {
        out.push_back(joined);
      } else {
        size_t b = joined.find_first_not_of("[]"), en = joined.find_last_not_of("[]");
        out.push_back(b == std::string::npos ? "" : joined.substr(b, en - b + 1));
      }
    } else {
      out.push_back(e);
    }
  }
  return out;
}

core::Result<Node*> path_get(Node& root, const std::vector<std::string>& raw) {
  Node* cur = &root;
  for (const auto& p0 : raw) {
    std::string p = trim(p0);
    if (p.empty()) continue;
    if (cur == nullptr || cur->is_null()) return static_cast<Node*>(nullptr);
    if (auto idx = atoi_go(p)) {
      if (*idx < 0) return Error("array index " + p + " cannot be negative");
      if (!cur->is_sequence()) return Error("wrong node kind: expected a list at '" + p + "'");
      if (static_cast<size_t>(*idx) >= cur->items().size()) return static_cast<Node*>(nullptr);
      cur = &cur->items()[*idx];
    } else if (p == "-") {
      if (!cur->is_sequence()) return Error("wrong node kind: expected a list at '-'");
      if (cur->items().empty()) return static_cast<Node*>(nullptr);
      cur = &cur->items().back();
    } else if (p == "*") {
      return Error("wildcard is not supported in PathGetter");
    } else if (is_list_index(p)) {
      auto kv = split_index(p);
      if (!kv.ok()) return kv.error();
      if (!cur->is_sequence()) return Error("wrong node kind: expected a list at '" + p + "'");
      Node* found = nullptr;
      for (auto& elem : cur->items()) {
        if (kv->first.empty()) {
          if (elem.is_scalar() && elem.text() == kv->second) found = &elem;
        } else if (elem.is_mapping()) {
          Node* f = last_field(elem, kv->first);
          if (f && f->is_scalar() && f->text() == kv->second) found = &elem;
        }
        if (found) break;
      }
      cur = found;
    } else {
      if (!cur->is_mapping()) return Error("wrong node kind: expected a mapping at '" + p + "'");
      cur = last_field(*cur, p);
    }
  }
  return cur;
}

core::Result<std::vector<Node*>> path_match(Node& root, const std::vector<std::string>& path,
                                            PathCreate create) {
  std::vector<Node*> out;
  if (auto s = match(root, path, 0, create, out); !s.ok()) return s.error();
  return out;
}

}  // namespace oc::kustomize
