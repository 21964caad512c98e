// PrefixTransformer and SuffixTransformer (api/internal/builtins/{Prefix,Suffix}Transformer.go).
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Node;
using core::Status;

namespace {

// prefixFieldSpecsToSkip: these kinds keep their names.
bool skipped(const ResId& id) {
  const Gvk skip[] = {{"", "", "CustomResourceDefinition"},
                      {"apiregistration.k8s.io", "", "APIService"},
                      {"", "", "Namespace"}};
  for (const auto& g : skip) {
    if (id.gvk.is_selected_by(g)) return true;
  }
  return false;
}

Status transform_affix(ResMap& m, const std::string& affix, const std::vector<FieldSpec>& fss,
                       bool suffix) {
  const OpenApiSchema& schema = m.schema();
  for (auto& rp : m.list()) {
    Resource& r = *rp;
    ResId id = r.org_id(schema);
    if (skipped(id)) continue;
    for (const auto& fs : fss) {
      if (!id.gvk.is_selected_by(fs.gvk)) continue;
      if (fs.path == "metadata/name") {
        if (suffix) {
          r.add_suffix(affix);
        } else {
          r.add_prefix(affix);
        }
        if (!affix.empty()) r.store_previous_id(schema);
      }
      SetFn set = [&](Node& field) -> Status {
        std::string v = field.is_scalar() ? field.text() : std::string();
        field = Node::string(suffix ? v + affix : affix + v);
        return {};
      };
      if (Status s = apply_field_spec(r.obj, r.gvk(), fs, CreateKind::kScalar, set); !s.ok()) {
        return core::Error("considering field '" + fs.path + "' of object " +
                           r.cur_id(schema).to_string() + ": " + s.error().message);
      }
    }
  }
  m.invalidate();
  return {};
}

}  // namespace

Status transform_name_prefix(ResMap& m, const std::string& prefix,
                             const std::vector<FieldSpec>& fss) {
  return transform_affix(m, prefix, fss, false);
}

Status transform_name_suffix(ResMap& m, const std::string& suffix,
                             const std::vector<FieldSpec>& fss) {
  return transform_affix(m, suffix, fss, true);
}

}  // namespace oc::kustomize
