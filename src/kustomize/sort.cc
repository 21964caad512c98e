#include "kustomize/sort.h"

#include <algorithm>
#include <unordered_map>

namespace oc::kustomize {

namespace {

const std::vector<std::string>& default_order_first() {
  static const std::vector<std::string> v = {"Namespace",
                                             "ResourceQuota",
                                             "StorageClass",
                                             "CustomResourceDefinition",
                                             "ServiceAccount",
                                             "PodSecurityPolicy",
                                             "Role",
                                             "ClusterRole",
                                             "RoleBinding",
                                             "ClusterRoleBinding",
                                             "ConfigMap",
                                             "Secret",
                                             "Endpoints",
                                             "Service",
                                             "LimitRange",
                                             "PriorityClass",
                                             "PersistentVolume",
                                             "PersistentVolumeClaim",
                                             "Deployment",
                                             "StatefulSet",
                                             "CronJob",
                                             "PodDisruptionBudget"};
  return v;
}

const std::vector<std::string>& default_order_last() {
  static const std::vector<std::string> v = {"MutatingWebhookConfiguration",
                                             "ValidatingWebhookConfiguration"};
  return v;
}

std::string gvk_sort_string(const Gvk& g) {
  return (g.group.empty() ? "~G" : g.group) + "_" + (g.version.empty() ? "~V" : g.version) + "_" +
         (g.kind.empty() ? "~K" : g.kind);
}

std::string id_sort_string(const ResId& id) {
  return id.gvk.to_string() + "|" + (id.ns.empty() ? "~X" : id.ns) + "|" +
         (id.name.empty() ? "~N" : id.name);
}

void legacy_sort(ResMap& m, const std::vector<std::string>& first,
                 const std::vector<std::string>& last) {
  std::unordered_map<std::string, int> order;
  for (size_t i = 0; i < first.size(); ++i) {
    order[first[i]] = -static_cast<int>(first.size()) + static_cast<int>(i);
  }
  for (size_t i = 0; i < last.size(); ++i) order[last[i]] = 1 + static_cast<int>(i);
  struct Key {
    int rank;
    std::string gvk;
    std::string id;
    bool is_namespace;
    bool no_group;
    ResourcePtr r;
  };
  std::vector<Key> keys;
  keys.reserve(m.size());
  for (auto& r : m.list()) {
    ResId id = r->cur_id(m.schema());
    auto it = order.find(id.gvk.kind);
    keys.push_back(Key{it == order.end() ? 0 : it->second, gvk_sort_string(id.gvk),
                       id_sort_string(id), id.gvk.kind == "Namespace", id.gvk.group.empty(),
                       std::move(r)});
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.gvk != b.gvk) {
      if (a.rank != b.rank) return a.rank < b.rank;
      // gvkLessThan: two Namespace kinds where one has no group compare reversed.
      if (a.is_namespace && b.is_namespace && (a.no_group || b.no_group)) return a.gvk > b.gvk;
      return a.gvk < b.gvk;
    }
    return a.id < b.id;
  });
  m.list().clear();
  for (auto& k : keys) m.list().push_back(std::move(k.r));
  m.invalidate();
}

}  // namespace

core::Status apply_sort_order(ResMap& m, const std::optional<SortOptions>& options,
                              Reorder reorder) {
  if (options) {
    std::string order = options->order.empty() ? "fifo" : options->order;
    if (order != "fifo" && order != "legacy") {
      return core::Error("the field 'sortOptions.order' must be one of [fifo, legacy]");
    }
    if (order == "fifo" && options->has_legacy_options) {
      return core::Error(
          "the field 'sortOptions.legacySortOptions' is set but the selected sort order is "
          "'fifo', not 'legacy'");
    }
    if (order == "legacy") {
      if (options->has_legacy_options) {
        legacy_sort(m, options->order_first, options->order_last);
      } else {
        legacy_sort(m, default_order_first(), default_order_last());
      }
    }
    return {};
  }
  if (reorder == Reorder::kLegacy) legacy_sort(m, default_order_first(), default_order_last());
  return {};
}

}  // namespace oc::kustomize
