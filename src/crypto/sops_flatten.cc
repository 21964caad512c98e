// sops's metadata flattening for dotenv and INI (getsops/sops stores/flatten.go).
#include <algorithm>
#include <climits>
#include <map>
#include <memory>
#include <set>

#include "crypto/sops_formats.h"

namespace oc::crypto::sops::formats {

namespace {

constexpr std::string_view kMapSep = "__map_";
constexpr std::string_view kListSep = "__list_";

core::Status descend(const Value& v, const std::string& key, Branch& out,
                     std::set<std::string>& seen);

core::Status descend_map(const std::vector<Item>& items, const std::string& prefix, Branch& out,
                         std::set<std::string>& seen) {
  for (const Item& it : items) {
    if (it.key.is_comment()) continue;
    if (it.key.kind != Kind::kString) return core::Error("found a non-string key when flattening");
    if (auto s = descend(it.value, prefix + it.key.text, out, seen); !s.ok()) return s;
  }
  return {};
}

core::Status descend(const Value& v, const std::string& key, Branch& out,
                     std::set<std::string>& seen) {
  if (v.kind == Kind::kMap) return descend_map(v.map, key + std::string(kMapSep), out, seen);
  if (v.kind == Kind::kList) {
    size_t i = 0;
    for (const Value& e : v.list) {
      if (e.is_comment()) continue;
      if (auto s = descend(e, key + std::string(kListSep) + std::to_string(i), out, seen); !s.ok())
        return s;
      ++i;
    }
    return {};
  }
  if (!seen.insert(key).second)
    return core::Error("found key collision \"" + key + "\" while flattening");
  out.push_back(Item{Value::str(key), v});
  return {};
}

struct Token {
  bool is_list = false;
  std::string key;
  long index = 0;
};

std::vector<Token> tokenize(std::string_view path) {
  std::vector<Token> tokens;
  enum { kNormal, kMap, kList } state = kNormal;
  size_t last = 0, i = 0;
  auto finish = [&] {
    Token t;
    if (state == kList) {
      t.is_list = true;
      std::string num(path.substr(last + kListSep.size(), i - last - kListSep.size()));
      char* end = nullptr;
      long n = std::strtol(num.c_str(), &end, 10);
      t.index = (num.empty() || *end) ? 0 : n;  // Go ignores the Atoi error: 0
    } else {
      size_t skip = state == kMap ? kMapSep.size() : 0;
      t.key = std::string(path.substr(last + skip, i - last - skip));
    }
    last = i;
    tokens.push_back(std::move(t));
  };
  while (i < path.size()) {
    if (path.substr(i, kMapSep.size()) == kMapSep) {
      finish();
      state = kMap;
      i += kMapSep.size();
    } else if (path.substr(i, kListSep.size()) == kListSep) {
      finish();
      state = kList;
      i += kListSep.size();
    } else {
      ++i;
    }
  }
  finish();
  return tokens;
}

struct TNode {
  const Value* value = nullptr;
  std::map<std::string, std::unique_ptr<TNode>> keys;
  std::map<long, std::unique_ptr<TNode>> indices;
};

core::Result<Value> convert(const TNode& n) {
  int kinds = int(n.value != nullptr) + int(!n.keys.empty()) + int(!n.indices.empty());
  if (kinds > 1) return core::Error("type mismatch");
  if (kinds == 0) return Value::mapping();
  if (n.value) return *n.value;
  if (!n.keys.empty()) {
    Value m = Value::mapping();
    for (const auto& [k, child] : n.keys) {  // std::map: sorted like sort.Strings
      auto v = convert(*child);
      if (!v.ok()) return v;
      m.map.push_back(Item{Value::str(k), std::move(*v)});
    }
    return m;
  }
  // Indices run 0 … size-1. (An index of LONG_MAX, which Go's Atoi gives for any huge number,
  // must not overflow here: found by fuzzing.)
  if (n.indices.begin()->first != 0 || size_t(n.indices.rbegin()->first) != n.indices.size() - 1) {
    return core::Error("incomplete list");
  }
  Value l = Value::sequence();
  for (const auto& [i, child] : n.indices) {
    auto v = convert(*child);
    if (!v.ok()) return v;
    l.list.push_back(std::move(*v));
  }
  return l;
}

}  // namespace

core::Result<Branch> flatten(const Branch& b, const std::string& prefix) {
  Branch out;
  std::set<std::string> seen;
  if (auto s = descend_map(b, prefix, out, seen); !s.ok()) return s.error();
  return out;
}

core::Result<Branch> unflatten(const Branch& b) {
  TNode root;
  for (const Item& it : b) {
    if (it.key.is_comment()) continue;
    if (it.key.kind != Kind::kString)
      return core::Error("found a non-string key when unflattening");
    TNode* n = &root;
    for (const Token& t : tokenize(it.key.text)) {
      auto& slot = t.is_list ? n->indices[t.index] : n->keys[t.key];
      if (!slot) slot = std::make_unique<TNode>();
      n = slot.get();
    }
    if (n->value)
      return core::Error("error while unflattening \"" + it.key.text + "\": duplicate value");
    n->value = &it.value;
  }
  auto v = convert(root);
  if (!v.ok()) return core::Error("error while unflattening: " + v.error().message);
  if (v->kind != Kind::kMap) return core::Error("error while unflattening: cannot find root");
  return std::move(v->map);
}

}  // namespace oc::crypto::sops::formats
