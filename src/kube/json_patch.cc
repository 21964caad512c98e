// RFC 6902 with evanphx/json-patch v4 semantics (see json_patch.h).
#include "kube/json_patch.h"

#include <charconv>

#include "core/json.h"

namespace oc::kube {

namespace {

using core::Error;
using core::Node;

// RFC 6901: "~1" → "/", then "~0" → "~".
std::string decode_token(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '~' && i + 1 < t.size() && (t[i + 1] == '0' || t[i + 1] == '1')) {
      out.push_back(t[i + 1] == '1' ? '/' : '~');
      ++i;
    } else {
      out.push_back(t[i]);
    }
  }
  return out;
}

std::vector<std::string> split_pointer(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    parts.emplace_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

// Go's strconv.Atoi: optional sign, decimal digits, no spaces.
std::optional<long long> atoi_go(std::string_view s) {
  if (s.empty()) return std::nullopt;
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (i == s.size()) return std::nullopt;
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data() + i, s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return s[0] == '-' ? -v : v;
}

// The container holding the last token of `path`, and that token (evanphx findObject).
struct Target {
  Node* container = nullptr;
  std::string key;
};

Target find_object(Node& doc, std::string_view path) {
  std::vector<std::string> split = split_pointer(path);
  if (split.size() < 2) return {};
  Node* cur = &doc;
  for (size_t i = 1; i + 1 < split.size(); ++i) {
    std::string token = decode_token(split[i]);
    Node* next = nullptr;
    if (cur->is_mapping()) {
      next = cur->find(token);
    } else if (cur->is_sequence()) {
      auto idx = atoi_go(token);
      if (!idx || *idx < 0 || *idx >= static_cast<long long>(cur->items().size())) return {};
      next = &cur->items()[*idx];
    }
    if (next == nullptr || !(next->is_mapping() || next->is_sequence())) return {};
    cur = next;
  }
  return {cur, decode_token(split.back())};
}

Error invalid_index(long long idx) {
  return Error("Unable to access invalid index: " + std::to_string(idx) +
               ": invalid index referenced");
}

core::Result<size_t> array_index(const Node& seq, const std::string& key, bool for_add) {
  auto idx = atoi_go(key);
  if (!idx) return Error("value was not a proper array index: '" + key + "'");
  long long n = static_cast<long long>(seq.items().size()) + (for_add ? 1 : 0);
  if (*idx >= n || *idx < -n) return invalid_index(*idx);
  return static_cast<size_t>(*idx < 0 ? *idx + n : *idx);
}

// The value at container[key], or nullptr when an object lacks the member.
core::Result<Node*> get(Node& con, const std::string& key) {
  if (con.is_mapping()) return con.find(key);
  auto idx = atoi_go(key);
  if (!idx) return Error("value was not a proper array index: '" + key + "'");
  if (*idx < 0 || *idx >= static_cast<long long>(con.items().size())) return invalid_index(*idx);
  return &con.items()[*idx];
}

core::Status add(Node& con, const std::string& key, Node value) {
  if (con.is_mapping()) {
    con.set(key, std::move(value));
    return {};
  }
  auto& items = con.items();
  if (key == "-") {
    items.push_back(std::move(value));
    return {};
  }
  auto idx = array_index(con, key, true);
  if (!idx.ok()) return idx.error();
  items.insert(items.begin() + static_cast<long>(*idx), std::move(value));
  return {};
}

core::Status remove(Node& con, const std::string& key) {
  if (con.is_mapping()) {
    if (!con.erase(key))
      return Error("Unable to remove nonexistent key: " + key + ": missing value");
    return {};
  }
  auto idx = array_index(con, key, false);
  if (!idx.ok()) return idx.error();
  con.items().erase(con.items().begin() + static_cast<long>(*idx));
  return {};
}

std::string canonical(const Node& n) {
  core::JsonStyle style;
  style.sort_keys = true;
  auto j = core::write_json(n, style);
  return j.ok() ? *j : std::string();
}

// evanphx lazyNode.equal: objects compare only the members of `doc_value`.
bool test_equal(const Node& doc_value, const Node& want) {
  if (doc_value.is_mapping()) {
    if (!want.is_mapping()) return false;
    for (const auto& e : doc_value.entries()) {
      const Node* other = want.find(e.key.text());
      if (other == nullptr) return false;
      if (e.value.is_null() && other->is_null()) continue;
      if (!test_equal(e.value, *other)) return false;
    }
    return true;
  }
  if (doc_value.is_sequence()) {
    if (!want.is_sequence() || want.items().size() != doc_value.items().size()) return false;
    for (size_t i = 0; i < doc_value.items().size(); ++i) {
      if (!test_equal(doc_value.items()[i], want.items()[i])) return false;
    }
    return true;
  }
  return canonical(doc_value) == canonical(want);
}

core::Status apply_one(Node& doc, const JsonPatchOperation& op) {
  auto missing = [&](const std::string& what, const std::string& path) {
    return Error(op.op + " operation does not apply: doc is missing " + what + ": \"" + path +
                 "\"");
  };
  Node value = op.value ? *op.value : Node::null();
  if (op.op == "add") {
    Target t = find_object(doc, op.path);
    if (!t.container) return missing("path", op.path);
    return add(*t.container, t.key, std::move(value));
  }
  if (op.op == "remove") {
    Target t = find_object(doc, op.path);
    if (!t.container) return missing("path", op.path);
    return remove(*t.container, t.key);
  }
  if (op.op == "replace") {
    Target t = find_object(doc, op.path);
    if (!t.container) return missing("path", op.path);
    auto cur = get(*t.container, t.key);
    if (!cur.ok()) return missing("key", op.path);
    if (t.container->is_mapping()) {
      t.container->set(t.key, std::move(value));  // v4: a missing member is added
    } else {
      **cur = std::move(value);
    }
    return {};
  }
  if (op.op == "move" || op.op == "copy") {
    Target from = find_object(doc, op.from);
    if (!from.container) return missing("from path", op.from);
    auto val = get(*from.container, from.key);
    if (!val.ok()) return val.error();
    Node moved = *val ? **val : Node::null();
    if (op.op == "move") {
      if (auto s = remove(*from.container, from.key); !s.ok()) return s;
    }
    Target to = find_object(doc, op.path);
    if (!to.container) return missing("destination path", op.path);
    return add(*to.container, to.key, std::move(moved));
  }
  if (op.op == "test") {
    Target t = find_object(doc, op.path);
    if (!t.container) return missing("path", op.path);
    auto cur = get(*t.container, t.key);
    if (!cur.ok()) return cur.error();
    bool ok = (*cur == nullptr || (*cur)->is_null()) ? value.is_null()
                                                     : !value.is_null() && test_equal(**cur, value);
    if (!ok) return Error("testing value " + op.path + " failed: test failed");
    return {};
  }
  return Error("Unexpected kind: " + op.op);
}

}  // namespace

core::Result<std::vector<JsonPatchOperation>> parse_json_patch(const Node& ops) {
  if (!ops.is_sequence()) {
    return Error("a JSON patch must be a list of operations", "", ops.mark().line,
                 ops.mark().column);
  }
  std::vector<JsonPatchOperation> out;
  for (size_t i = 0; i < ops.items().size(); ++i) {
    const Node& item = ops.items()[i];
    auto fail = [&](const std::string& why) {
      return Error("operation " + std::to_string(i) + ": " + why, "", item.mark().line,
                   item.mark().column);
    };
    if (!item.is_mapping()) return fail("expected a mapping");
    JsonPatchOperation op;
    for (const auto& e : item.entries()) {
      const std::string& k = e.key.text();
      auto str = [&](std::string& dst) -> core::Status {
        if (e.value.is_null()) return {};
        if (!e.value.is_scalar() || e.value.type() != core::ScalarType::kString) {
          return fail("'" + k + "' must be a string");
        }
        dst = e.value.text();
        return {};
      };
      core::Status s;
      if (k == "op") {
        s = str(op.op);
      } else if (k == "path") {
        s = str(op.path);
      } else if (k == "from") {
        s = str(op.from);
      } else if (k == "value") {
        op.value = e.value;
      }
      if (!s.ok()) return s.error();
    }
    if (op.op.empty()) op.op = "unknown";
    if (op.op != "add" && op.op != "remove" && op.op != "replace" && op.op != "move" &&
        op.op != "copy" && op.op != "test") {
      return fail("Unexpected kind: " + op.op);
    }
    out.push_back(std::move(op));
  }
  return out;
}

core::Status apply_json_patch(Node& doc, const std::vector<JsonPatchOperation>& ops) {
  Node work = doc;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (auto s = apply_one(work, ops[i]); !s.ok()) return s;
  }
  doc = std::move(work);
  return {};
}

}  // namespace oc::kube
