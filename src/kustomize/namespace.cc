// NamespaceTransformer (api/builtins/NamespaceTransformer.go, api/filters/namespace).
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Node;
using core::Status;

namespace {

bool is_role_binding(std::string_view kind) {
  return kind == "RoleBinding" || kind == "ClusterRoleBinding";
}

Status apply_namespace(Resource& r, const std::string& ns, const std::vector<FieldSpec>& all,
                       const OpenApiSchema& schema) {
  std::string api_version(r.api_version());
  Gvk gvk = r.gvk();
  // removeUnneededMetaFieldSpecs: metadata/namespace is handled below; metadata/name (the
  // Namespace kind) only for core v1 objects.
  std::vector<FieldSpec> fss;
  for (const auto& fs : all) {
    if (fs.path == "metadata/namespace") continue;
    if (api_version != "v1" && fs.path == "metadata/name") continue;
    fss.push_back(fs);
  }
  SetFn set = [&ns](Node& field) -> Status {
    field = Node::string(ns);
    return {};
  };
  // metaNamespaceHack: every object not known to be cluster-scoped gets metadata.namespace.
  if (!schema.is_cluster_scoped(api_version, gvk.kind)) {
    FieldSpec meta{{}, "metadata/namespace", true};
    if (Status s = apply_field_spec(r.obj, gvk, meta, CreateKind::kScalar, set); !s.ok()) return s;
  }
  if (is_role_binding(gvk.kind)) {
    std::vector<FieldSpec> kept;
    for (auto& fs : fss) {
      if (is_role_binding(fs.gvk.kind) && fs.path == "subjects/namespace") continue;
      kept.push_back(fs);
    }
    fss = std::move(kept);
    // roleBindingHack, defaultOnly: subjects named "default" move to the namespace.
    Node* subjects = r.obj.find("subjects");
    if (subjects && subjects->is_sequence()) {
      for (auto& subj : subjects->items()) {
        if (!subj.is_mapping()) continue;
        const Node* name = subj.find("name");
        if (name && name->is_scalar() && !name->is_null() && name->text() == "default") {
          subj.set("namespace", Node::string(ns));
        }
      }
    }
  }
  for (const auto& fs : fss) {
    if (Status s = apply_field_spec(r.obj, gvk, fs, CreateKind::kScalar, set); !s.ok()) {
      return core::Error("namespace transformation failed: considering field '" + fs.path +
                         "' of object " + r.cur_id(schema).to_string() + ": " + s.error().message);
    }
  }
  return {};
}

}  // namespace

Status transform_namespace(ResMap& m, const std::string& ns, const std::vector<FieldSpec>& fss) {
  if (ns.empty()) return {};
  const OpenApiSchema& schema = m.schema();
  for (auto& r : m.list()) {
    if (r->empty()) continue;
    r->store_previous_id(schema);
    if (Status s = apply_namespace(*r, ns, fss, schema); !s.ok()) return s;
  }
  m.invalidate();
  // Two objects that now share an id are a conflict.
  for (auto& r : m.list()) {
    if (r->empty()) continue;
    if (m.by_current_id(r->cur_id(schema)).size() != 1) {
      return core::Error("namespace transformation produces ID conflict: " +
                         r->cur_id(schema).to_string());
    }
  }
  return {};
}

}  // namespace oc::kustomize
