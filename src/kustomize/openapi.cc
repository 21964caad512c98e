#include "kustomize/openapi.h"

#include <string>

#include "core/json.h"

namespace oc::kustomize {

namespace {

#include "kustomize/openapi_v1212.inc"

std::string builtin_text() {
  std::string text;
  for (const char* chunk : kBuiltinSchemaChunks) text += chunk;
  return text;
}

std::string type_key(std::string_view api_version, std::string_view kind) {
  std::string k(api_version);
  k.push_back(' ');
  k.append(kind);
  return k;
}

const core::Node* get(const core::Node& m, std::string_view key) {
  return m.is_mapping() ? m.find(key) : nullptr;
}

std::string text_of(const core::Node* n) {
  return n && n->is_scalar() ? n->text() : "";
}

}  // namespace

const SchemaNode* SchemaNode::field(std::string_view name) const {
  auto it = properties.find(std::string(name));
  if (it != properties.end()) return it->second;
  return additional;
}

bool SchemaNode::has_merge_strategy() const {
  std::string_view s = patch_strategy;
  while (!s.empty()) {
    size_t comma = s.find(',');
    if (s.substr(0, comma) == "merge") return true;
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return false;
}

std::vector<std::string> SchemaNode::merge_keys() const {
  if (patch_strategy.empty()) return {};
  if (!list_map_keys.empty()) return list_map_keys;
  if (!merge_key.empty()) return {merge_key};
  return {};
}

const SchemaNode* OpenApiSchema::build(const core::Node& s) {
  nodes_.emplace_back();
  SchemaNode* node = &nodes_.back();
  if (!s.is_mapping()) return node;
  if (const core::Node* ref = get(s, "$ref")) {
    pending_refs_.emplace_back(node, text_of(ref));
    return node;
  }
  const core::Node* type = get(s, "type");
  if (type) {
    node->is_array = type->is_scalar() ? type->text() == "array"
                                       : (type->is_sequence() && type->items().size() == 1 &&
                                          type->items()[0].text() == "array");
  }
  node->patch_strategy = text_of(get(s, "x-kubernetes-patch-strategy"));
  node->merge_key = text_of(get(s, "x-kubernetes-patch-merge-key"));
  if (const core::Node* keys = get(s, "x-kubernetes-list-map-keys"); keys && keys->is_sequence()) {
    for (const auto& k : keys->items()) node->list_map_keys.push_back(k.text());
  }
  if (const core::Node* props = get(s, "properties"); props && props->is_mapping()) {
    for (const auto& e : props->entries()) node->properties[e.key.text()] = build(e.value);
  }
  if (const core::Node* add = get(s, "additionalProperties"); add && add->is_mapping()) {
    node->additional = build(*add);
  }
  if (const core::Node* items = get(s, "items"); items && items->is_mapping()) {
    node->items = build(*items);
  }
  return node;
}

core::Status OpenApiSchema::load(const core::Node& doc) {
  const core::Node* defs = get(doc, "definitions");
  if (defs == nullptr || !defs->is_mapping()) {
    return core::Error("the OpenAPI schema has no 'definitions'");
  }
  for (const auto& e : defs->entries()) {
    const SchemaNode* n = build(e.value);
    definitions_[e.key.text()] = n;
    const core::Node* gvks = get(e.value, "x-kubernetes-group-version-kind");
    if (gvks == nullptr) continue;
    auto add_gvk = [&](const core::Node& g) {
      std::string group = text_of(get(g, "group")), version = text_of(get(g, "version"));
      std::string api = group.empty() ? version : group + "/" + version;
      by_type_[type_key(api, text_of(get(g, "kind")))] = n;
    };
    if (gvks->is_sequence()) {
      for (const auto& g : gvks->items()) add_gvk(g);
    } else if (gvks->is_mapping()) {
      add_gvk(*gvks);
    }
  }
  // A $ref names "#/definitions/<name>"; the referring node takes the definition's content.
  // kyaml resolves refs repeatedly (a definition may itself be a $ref); so do we, bounded.
  for (int round = 0; round < 8 && !pending_refs_.empty(); ++round) {
    std::vector<std::pair<SchemaNode*, std::string>> next;
    for (auto& [node, ref] : pending_refs_) {
      std::string name = ref.rfind("#/definitions/", 0) == 0 ? ref.substr(14) : ref;
      auto it = definitions_.find(name);
      if (it == definitions_.end()) continue;  // unresolvable: behaves as "no schema"
      bool target_pending = false;
      for (auto& [n2, r2] : pending_refs_) target_pending |= (n2 == it->second);
      if (target_pending && it->second != node) {
        next.emplace_back(node, ref);
        continue;
      }
      *node = *it->second;
    }
    pending_refs_ = std::move(next);
  }
  pending_refs_.clear();
  // Namespaced kinds: the builtin table carries them; a custom schema's API paths decide as
  // kyaml's findNamespaceability does.
  if (const core::Node* ns = get(doc, "x-namespaced"); ns && ns->is_mapping()) {
    for (const auto& e : ns->entries()) namespaced_[e.key.text()] = e.value.text() == "true";
  }
  if (const core::Node* paths = get(doc, "paths"); paths && paths->is_mapping()) {
    for (const auto& e : paths->entries()) {
      const core::Node* g = get(e.value, "get");
      const core::Node* gvk = g ? get(*g, "x-kubernetes-group-version-kind") : nullptr;
      if (gvk == nullptr || !gvk->is_mapping()) continue;
      std::string group = text_of(get(*gvk, "group")), version = text_of(get(*gvk, "version"));
      std::string key =
          type_key(group.empty() ? version : group + "/" + version, text_of(get(*gvk, "kind")));
      if (e.key.text().find("namespaces/{namespace}") != std::string::npos) {
        namespaced_[key] = true;
      } else {
        namespaced_.emplace(key, false);
      }
    }
  }
  return {};
}

const OpenApiSchema& OpenApiSchema::builtin() {
  static const OpenApiSchema* schema = [] {
    // gen_openapi.py writes the scope table as the document's last member, a flat object:
    // {"definitions":{…},"x-namespaced":{"apps/v1 Deployment":true,…}}.
    std::string text = builtin_text();
    constexpr std::string_view kMember = "\"x-namespaced\":";
    size_t at = text.rfind(kMember), end = text.rfind('}');
    auto* s = new OpenApiSchema();
    s->scopes_only_ = true;
    if (at == std::string::npos || end == std::string::npos || end < at) return s;
    auto table = core::parse_json(std::string_view(text).substr(at + kMember.size(),
                                                               end - at - kMember.size()));
    if (table.ok() && table->is_mapping()) {
      for (const auto& e : table->entries()) {
        s->namespaced_[e.key.text()] = e.value.text() == "true";
      }
    }
    return s;
  }();
  return *schema;
}

const OpenApiSchema& OpenApiSchema::builtin_structure() {
  static const OpenApiSchema* schema = [] {
    auto doc = core::parse_json(builtin_text());
    auto* s = new OpenApiSchema();
    if (doc.ok()) (void)s->load(*doc);
    return s;
  }();
  return *schema;
}

core::Result<std::shared_ptr<const OpenApiSchema>> OpenApiSchema::parse(const core::Node& doc) {
  auto s = std::shared_ptr<OpenApiSchema>(new OpenApiSchema());
  if (core::Status st = s->load(doc); !st.ok()) return st.error();
  return std::shared_ptr<const OpenApiSchema>(std::move(s));
}

const SchemaNode* OpenApiSchema::for_type(std::string_view api_version,
                                          std::string_view kind) const {
  if (scopes_only_) return builtin_structure().for_type(api_version, kind);
  auto it = by_type_.find(type_key(api_version, kind));
  return it == by_type_.end() ? nullptr : it->second;
}

bool OpenApiSchema::is_cluster_scoped(std::string_view api_version, std::string_view kind) const {
  auto it = namespaced_.find(type_key(api_version, kind));
  return it != namespaced_.end() && !it->second;
}

}  // namespace oc::kustomize
