// Generator name hashes (api/hasher/hasher.go, api/internal/builtins/HashTransformer.go).
//
// The hash is sha256 over Go's json.Marshal of
//   ConfigMap: {"binaryData"?, "data", "kind", "name"}
//   Secret:    {"data", "kind", "name", "stringData"?, "type"}
// where "name" is always "" — kustomize looks the name up as a field literally called
// "metadata/name" (research/kustomize-helm.md §A.1.4) — then the first 10 hex digits with
// 0→g 1→h 3→k a→m e→t.
#include <openssl/evp.h>

#include "core/json.h"
#include "core/scalar.h"
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Error;
using core::Node;

namespace {

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4]);
    out.push_back(hex[md[i] & 15]);
  }
  return out;
}

// getNodeValues for one top-level field: "" when missing, the text of a scalar, the JSON
// value of a mapping (null for anything that is not an object).
core::Result<Node> node_value(const Node& obj, std::string_view key, bool* is_map) {
  const Node* v = obj.is_mapping() ? obj.find(key) : nullptr;
  *is_map = false;
  if (v == nullptr) return Node::string("");
  if (v->is_scalar()) return Node::string(v->text());
  if (!v->is_mapping()) return Node::null();
  *is_map = true;
  return core::to_json_model(*v, core::Schema::kYaml12);
}

core::JsonStyle sorted_json() {
  core::JsonStyle s;
  s.sort_keys = true;  // Go marshals maps with sorted keys, HTML-escaped
  return s;
}

}  // namespace

core::Result<std::string> generator_hash(const Node& obj) {
  const Node* kind_node = obj.is_mapping() ? obj.find("kind") : nullptr;
  std::string kind = kind_node && kind_node->is_scalar() ? kind_node->text() : "";
  Node m = Node::mapping();
  bool is_map = false;
  if (kind == "ConfigMap" || kind == "Secret") {
    m.set("kind", Node::string(kind));
    m.set("name", Node::string(""));
    auto data = node_value(obj, "data", &is_map);
    if (!data.ok()) return data.error();
    m.set("data", std::move(*data));
    const char* extra = kind == "ConfigMap" ? "binaryData" : "stringData";
    auto ev = node_value(obj, extra, &is_map);
    if (!ev.ok()) return ev.error();
    if (is_map) m.set(extra, std::move(*ev));
    if (kind == "Secret") {
      auto t = node_value(obj, "type", &is_map);
      if (!t.ok()) return t.error();
      m.set("type", std::move(*t));
    }
  } else {
    // kustomize marshals the yaml.Node structure itself here (only reachable through generator
    // plugins, which we do not run); hash the object instead.
    auto model = core::to_json_model(obj, core::Schema::kYaml12);
    if (!model.ok()) return model.error();
    m = std::move(*model);
  }
  auto json = core::write_json(m, sorted_json());
  if (!json.ok()) return json.error();
  std::string h = sha256_hex(*json).substr(0, 10);
  for (char& c : h) {
    switch (c) {
      case '0':
        c = 'g';
        break;
      case '1':
        c = 'h';
        break;
      case '3':
        c = 'k';
        break;
      case 'a':
        c = 'm';
        break;
      case 'e':
        c = 't';
        break;
      default:
        break;
    }
  }
  return h;
}

core::Status add_hash_suffixes(ResMap& m) {
  for (auto& r : m.list()) {
    if (!r->needs_hash) continue;
    auto h = generator_hash(r->obj);
    if (!h.ok()) return h.error();
    r->store_previous_id(m.schema());
    r->set_name(std::string(r->name()) + "-" + *h);
  }
  m.invalidate();
  return {};
}

}  // namespace oc::kustomize
