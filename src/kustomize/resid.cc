#include "kustomize/resid.h"

#include <array>

namespace oc::kustomize {

Gvk Gvk::from_api_version(std::string_view api_version, std::string_view kind) {
  Gvk g;
  size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) {
    g.version = api_version;
  } else {
    g.group = api_version.substr(0, slash);
    g.version = api_version.substr(slash + 1);
  }
  g.kind = kind;
  return g;
}

std::string Gvk::api_version() const {
  return group.empty() ? version : group + "/" + version;
}

std::string Gvk::to_string() const {
  return (kind.empty() ? "[noKind]" : kind) + "." + (version.empty() ? "[noVer]" : version) + "." +
         (group.empty() ? "[noGrp]" : group);
}

bool Gvk::is_selected_by(const Gvk& s) const {
  return (s.group.empty() || s.group == group) && (s.version.empty() || s.version == version) &&
         (s.kind.empty() || s.kind == kind);
}

namespace {

// resid/gvk.go orderFirst / orderLast.
constexpr std::array<std::string_view, 22> kOrderFirst = {"Namespace",
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
constexpr std::array<std::string_view, 2> kOrderLast = {"MutatingWebhookConfiguration",
                                                        "ValidatingWebhookConfiguration"};

int type_order(std::string_view kind) {
  for (size_t i = 0; i < kOrderFirst.size(); ++i) {
    if (kOrderFirst[i] == kind) return -static_cast<int>(kOrderFirst.size()) + static_cast<int>(i);
  }
  for (size_t i = 0; i < kOrderLast.size(); ++i) {
    if (kOrderLast[i] == kind) return 1 + static_cast<int>(i);
  }
  return 0;
}

std::string stable_sort_string(const Gvk& g) {
  return (g.group.empty() ? "~G" : g.group) + "_" + (g.version.empty() ? "~V" : g.version) + "_" +
         (g.kind.empty() ? "~K" : g.kind);
}

}  // namespace

bool Gvk::legacy_less(const Gvk& o) const {
  int a = type_order(kind), b = type_order(o.kind);
  if (a != b) return a < b;
  return stable_sort_string(*this) < stable_sort_string(o);
}

std::string_view ResId::effective_namespace() const {
  if (cluster_scoped) return kNotNamespaceable;
  if (ns.empty() || ns == "default") return "default";
  return ns;
}

bool ResId::is_selected_by(const ResId& s) const {
  return (s.name.empty() || s.name == name) &&
         (s.ns.empty() || s.effective_namespace() == effective_namespace()) &&
         gvk.is_selected_by(s.gvk);
}

std::string ResId::to_string() const {
  return gvk.to_string() + "/" + (name.empty() ? "[noName]" : name) + "." +
         (ns.empty() ? "[noNs]" : ns);
}

std::string ResId::key() const {
  std::string k;
  std::string_view ens = effective_namespace();
  k.reserve(gvk.group.size() + gvk.version.size() + gvk.kind.size() + name.size() + ens.size() + 4);
  k.append(gvk.group).push_back('\x1f');
  k.append(gvk.version).push_back('\x1f');
  k.append(gvk.kind).push_back('\x1f');
  k.append(name).push_back('\x1f');
  k.append(ens);
  return k;
}

}  // namespace oc::kustomize
