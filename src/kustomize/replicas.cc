// ReplicaCountTransformer (api/internal/builtins/ReplicaCountTransformer.go): sets the count
// on every resource whose name (original or current) is the replica's name and whose kind has
// a replicas field spec; naming nothing is an error.
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Node;
using core::Status;

Status transform_replicas(ResMap& m, const Replica& replica, const std::vector<FieldSpec>& fss) {
  const OpenApiSchema& schema = m.schema();
  bool found = false;
  for (const auto& fs : fss) {
    for (auto& rp : m.list()) {
      Resource& r = *rp;
      bool match = false;
      std::vector<ResId> ids = r.prev_res_ids();
      ids.push_back(r.cur_id(schema));
      for (const auto& id : ids) {
        if (id.name == replica.name && id.gvk.is_selected_by(fs.gvk)) {
          match = true;
          break;
        }
      }
      if (!match) continue;
      found = true;
      SetFn set = [&replica](Node& field) -> Status {
        field = Node::integer(replica.count);
        return {};
      };
      if (Status s = apply_field_spec(r.obj, r.gvk(), fs, CreateKind::kScalar, set); !s.ok()) {
        return s;
      }
    }
  }
  if (!found) {
    std::string gvks;
    for (size_t i = 0; i < fss.size(); ++i) gvks += (i ? " " : "") + fss[i].gvk.to_string();
    return core::Error("resource with name " + replica.name +
                       " does not match a config with the following GVK [" + gvks + "]");
  }
  return {};
}

}  // namespace oc::kustomize
