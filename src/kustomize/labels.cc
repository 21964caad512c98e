// LabelTransformer and AnnotationsTransformer (api/filters/labels, api/filters/annotations):
// every pair is set at every matching field spec, creating the maps where a spec says so.
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Node;
using core::Status;

namespace {

Status set_pairs(ResMap& m, const StringMap& pairs, const std::vector<FieldSpec>& fss) {
  if (pairs.empty()) return {};
  const OpenApiSchema& schema = m.schema();
  for (auto& rp : m.list()) {
    Resource& r = *rp;
    Gvk gvk = r.gvk();
    for (const auto& kv : pairs) {  // sorted, as yaml.SortedMapKeys
      SetFn set = [&kv](Node& field) -> Status {
        if (field.is_null()) field = Node::mapping();
        if (!field.is_mapping()) return core::Error("wrong node kind: expected a mapping");
        set_entry(field, kv.first, Node::string(kv.second));
        return {};
      };
      for (const auto& fs : fss) {
        if (Status s = apply_field_spec(r.obj, gvk, fs, CreateKind::kMapping, set); !s.ok()) {
          return core::Error("considering field '" + fs.path + "' of object " +
                             r.cur_id(schema).to_string() + ": " + s.error().message);
        }
      }
    }
  }
  return {};
}

}  // namespace

Status transform_labels(ResMap& m, const StringMap& labels, const std::vector<FieldSpec>& fss) {
  return set_pairs(m, labels, fss);
}

Status transform_annotations(ResMap& m, const StringMap& annotations,
                             const std::vector<FieldSpec>& fss) {
  return set_pairs(m, annotations, fss);
}

}  // namespace oc::kustomize
