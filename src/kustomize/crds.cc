#include "kustomize/crds.h"

#include "core/json.h"
#include "core/scalar.h"
#include "core/yaml.h"

namespace oc::kustomize {

using core::Error;
using core::Node;
using core::Status;

namespace {

// Go's encoding/json field matching is case-insensitive: "Schema" or "schema".
const Node* find_fold(const Node& m, std::string_view key) {
  if (!m.is_mapping()) return nullptr;
  if (const Node* n = m.find(key)) return n;
  for (const auto& e : m.entries()) {
    const std::string& k = e.key.text();
    if (k.size() != key.size()) continue;
    bool eq = true;
    for (size_t i = 0; i < k.size() && eq; ++i) eq = std::tolower(k[i]) == std::tolower(key[i]);
    if (eq) return &e.value;
  }
  return nullptr;
}

const Node* properties(const Node& defs, const std::string& type) {
  const Node* def = defs.find(type);
  const Node* schema = def ? find_fold(*def, "Schema") : nullptr;
  const Node* props = schema ? schema->find("properties") : nullptr;
  return props && props->is_mapping() ? props : nullptr;
}

std::string join(const std::vector<std::string>& path, const std::string& last) {
  std::string out;
  for (const auto& p : path) out += p + "/";
  return out + last;
}

Status load_type(TransformerConfig& tc, const Gvk& gvk, const Node& defs, const std::string& type,
                 std::vector<std::string> path, int depth) {
  const Node* props = properties(defs, type);
  if (props == nullptr || depth > 64) return {};
  for (const auto& e : props->entries()) {
    const std::string& name = e.key.text();
    const Node& p = e.value;
    auto ext = [&](std::string_view k) -> const Node* {
      const Node* v = p.is_mapping() ? p.find(k) : nullptr;
      return v && v->is_scalar() && v->type() == core::ScalarType::kString ? v : nullptr;
    };
    FieldSpec fs{gvk, join(path, name), false};
    if (ext("x-kubernetes-annotation")) {
      if (Status s = merge_field_specs(tc.common_annotations, {fs}); !s.ok()) return s;
    }
    if (ext("x-kubernetes-label-selector")) {
      if (Status s = merge_field_specs(tc.common_labels, {fs}); !s.ok()) return s;
    }
    if (ext("x-kubernetes-identity")) {
      if (Status s = merge_field_specs(tc.name_prefix, {fs}); !s.ok()) return s;
    }
    const Node* version = ext("x-kubernetes-object-ref-api-version");
    const Node* kind = ext("x-kubernetes-object-ref-kind");
    if (version && kind) {
      const Node* key = ext("x-kubernetes-object-ref-name-key");
      std::vector<std::string> sub = path;
      sub.push_back(name);
      NameBackReference ref{Gvk{"", version->text(), kind->text()},
                            {FieldSpec{gvk, join(sub, key ? key->text() : "name"), false}}};
      TransformerConfig one;
      one.name_reference.push_back(ref);
      if (Status s = tc.merge(one); !s.ok()) return s;
    }
    if (const Node* ref = p.is_mapping() ? p.find("$ref") : nullptr; ref && !ref->text().empty()) {
      std::vector<std::string> sub = path;
      sub.push_back(name);
      if (Status s = load_type(tc, gvk, defs, ref->text(), sub, depth + 1); !s.ok()) return s;
    }
  }
  return {};
}

}  // namespace

core::Result<TransformerConfig> load_crd_config(const Loader& ldr, const std::vector<Entry>& paths,
                                                const std::string& kust_file) {
  TransformerConfig tc;
  for (const auto& e : paths) {
    auto text = ldr.load(e.value);
    if (!text.ok()) {
      return Error("crds: " + text.error().message, kust_file, static_cast<int>(e.mark.line),
                   static_cast<int>(e.mark.column));
    }
    std::string file = ldr.display_path(e.value);
    Node defs;
    if (!text->empty() && (*text)[0] == '{') {
      core::JsonParseOptions jo;
      jo.file = file;
      auto j = core::parse_json(*text, jo);
      if (!j.ok()) return j.error();
      defs = std::move(*j);
    } else {
      core::ParseOptions po;
      po.file = file;
      po.comments = false;
      auto y = core::parse_yaml(*text, po);
      if (!y.ok()) return y.error();
      auto m = core::to_json_model(*y, core::Schema::kYaml11);
      if (!m.ok()) return m.error().in_file(file);
      defs = std::move(*m);
    }
    if (!defs.is_mapping()) {
      return Error("unable to parse open API definition from '" + e.value + "'", file);
    }
    for (const auto& d : defs.entries()) {
      const Node* props = properties(defs, d.key.text());
      if (!props || !props->find("kind") || !props->find("apiVersion") ||
          !props->find("metadata")) {
        continue;
      }
      std::string type = d.key.text();
      size_t dot = type.rfind('.');
      Gvk gvk{"", "", dot == std::string::npos ? type : type.substr(dot + 1)};
      TransformerConfig one;
      if (Status s = load_type(one, gvk, defs, type, {}, 0); !s.ok())
        return s.error().in_file(file);
      if (Status s = tc.merge(one); !s.ok()) return s.error().in_file(file);
    }
  }
  return tc;
}

}  // namespace oc::kustomize
