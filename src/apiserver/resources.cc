#include "apiserver/resources.h"

#include <algorithm>

#include "apiserver/objects.h"

namespace oc::apiserver {

namespace {

struct Builtin {
  const char* group;
  const char* version;
  const char* resource;
  const char* singular;
  const char* kind;
  bool namespaced;
  const char* short_names;  // comma-separated
  bool in_all;
  bool status;
  bool scale;
  bool generation;
};

// The built-in kinds platform manifests use (DESIGN issue 3), as kube-apiserver v1.32 serves
// them (names, short names, scope, subresources).
const Builtin kBuiltins[] = {
    {"", "v1", "namespaces", "namespace", "Namespace", false, "ns", false, true, false, false},
    {"", "v1", "configmaps", "configmap", "ConfigMap", true, "cm", false, false, false, false},
    {"", "v1", "secrets", "secret", "Secret", true, "", false, false, false, false},
    {"", "v1", "services", "service", "Service", true, "svc", true, true, false, false},
    {"", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, "sa", false, false,
     false, false},
    {"", "v1", "pods", "pod", "Pod", true, "po", true, true, false, false},
    {"", "v1", "events", "event", "Event", true, "ev", false, false, false, false},
    {"", "v1", "endpoints", "endpoints", "Endpoints", true, "ep", false, false, false, false},
    {"", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true,
     "pvc", false, true, false, false},
    {"", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", false, "pv", false,
     true, false, false},
    {"", "v1", "nodes", "node", "Node", false, "no", false, true, false, false},
    {"", "v1", "limitranges", "limitrange", "LimitRange", true, "limits", false, false, false,
     false},
    {"", "v1", "resourcequotas", "resourcequota", "ResourceQuota", true, "quota", false, true,
     false, false},
    {"apps", "v1", "deployments", "deployment", "Deployment", true, "deploy", true, true, true,
     true},
    {"apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, "rs", true, true, true, true},
    {"apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, "sts", true, true, true,
     true},
    {"apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, "ds", true, true, false, true},
    {"apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true, "",
     false, false, false, false},
    {"batch", "v1", "jobs", "job", "Job", true, "", true, true, false, true},
    {"batch", "v1", "cronjobs", "cronjob", "CronJob", true, "cj", true, true, false, true},
    {"autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler",
     "HorizontalPodAutoscaler", true, "hpa", true, true, false, true},
    {"policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true,
     "pdb", false, true, false, true},
    {"networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, "ing", false, true, false,
     true},
    {"networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", false, "",
     false, false, false, true},
    {"networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true,
     "netpol", false, false, false, true},
    {"discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, "", false,
     false, false, false},
    {"rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, "", false, false, false,
     false},
    {"rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, "",
     false, false, false, false},
    {"rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, "",
     false, false, false, false},
    {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
     "ClusterRoleBinding", false, "", false, false, false, false},
    {"coordination.k8s.io", "v1", "leases", "lease", "Lease", true, "", false, false, false,
     false},
    {"storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false, "sc", false,
     false, false, false},
    {"storage.k8s.io", "v1", "csidrivers", "csidriver", "CSIDriver", false, "", false, false,
     false, false},
    {"storage.k8s.io", "v1", "csinodes", "csinode", "CSINode", false, "", false, false, false,
     false},
    {"storage.k8s.io", "v1", "volumeattachments", "volumeattachment", "VolumeAttachment", false,
     "", false, true, false, false},
    {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
     "CustomResourceDefinition", false, "crd,crds", false, true, false, true},
    {"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations",
     "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", false, "", false, false,
     false, true},
    {"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations",
     "validatingwebhookconfiguration", "ValidatingWebhookConfiguration", false, "", false, false,
     false, true},
    {"apiregistration.k8s.io", "v1", "apiservices", "apiservice", "APIService", false, "", false,
     true, false, false},
    {"events.k8s.io", "v1", "events", "event", "Event", true, "ev", false, false, false, false},
    {"scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", false, "pc",
     false, false, false, false},
};

std::vector<std::string> split_csv(const char* s) {
  std::vector<std::string> out;
  std::string cur;
  for (const char* p = s; *p; ++p) {
    if (*p == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(*p);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}


}  // namespace

Registry::Registry() {
  for (const Builtin& b : kBuiltins) {
    ResourceInfo r;
    r.group = b.group;
    r.version = b.version;
    r.resource = b.resource;
    r.singular = b.singular;
    r.kind = b.kind;
    r.namespaced = b.namespaced;
    r.short_names = split_csv(b.short_names);
    if (b.in_all) r.categories = {"all"};
    r.status_subresource = b.status;
    r.scale_subresource = b.scale;
    r.generation = b.generation;
    if (r.scale_subresource) r.label_selector_path = ".status.selector";
    add(std::move(r));
  }
}

void Registry::add(ResourceInfo r) {
  for (auto& existing : resources_) {
    if (existing.group == r.group && existing.version == r.version &&
        existing.resource == r.resource) {
      existing = std::move(r);
      return;
    }
  }
  resources_.push_back(std::move(r));
}

std::optional<ResourceInfo> Registry::find(const std::string& group, const std::string& version,
                                           const std::string& resource) const {
  std::shared_lock<std::shared_mutex> lk(mu_);
  for (const auto& r : resources_) {
    if (r.group == group && r.version == version && r.resource == resource) return r;
  }
  return std::nullopt;
}

std::optional<ResourceInfo> Registry::find_kind(const std::string& group, const std::string& kind,
                                                const std::string& version) const {
  std::shared_lock<std::shared_mutex> lk(mu_);
  const ResourceInfo* best = nullptr;
  for (const auto& r : resources_) {
    if (r.group != group || r.kind != kind) continue;
    if (!version.empty() && r.version == version) return r;
    if (!best || r.storage_version) best = &r;
  }
  if (best) return *best;
  return std::nullopt;
}

std::optional<ResourceInfo> Registry::find_resource(const std::string& group,
                                                    const std::string& resource) const {
  std::shared_lock<std::shared_mutex> lk(mu_);
  const ResourceInfo* best = nullptr;
  for (const auto& r : resources_) {
    if (r.group != group || r.resource != resource) continue;
    if (!best || r.storage_version) best = &r;
  }
  if (best) return *best;
  return std::nullopt;
}

std::vector<ResourceInfo> Registry::all() const {
  std::shared_lock<std::shared_mutex> lk(mu_);
  return resources_;
}

std::vector<std::pair<std::string, std::vector<std::string>>> Registry::groups() const {
  std::shared_lock<std::shared_mutex> lk(mu_);
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& r : resources_) {
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return g.first == r.group; });
    if (it == out.end()) {
      out.push_back({r.group, {r.version}});
      continue;
    }
    auto& versions = it->second;
    if (std::find(versions.begin(), versions.end(), r.version) == versions.end()) {
      // The storage version is preferred and listed first.
      if (r.storage_version) {
        versions.insert(versions.begin(), r.version);
      } else {
        versions.push_back(r.version);
      }
    }
  }
  return out;
}

std::string Registry::register_crd(const core::Node& crd) {
  std::string name = text(crd, {"metadata", "name"});
  std::string group = text(crd, {"spec", "group"});
  std::string plural = text(crd, {"spec", "names", "plural"});
  std::string kind = text(crd, {"spec", "names", "kind"});
  std::string singular = text(crd, {"spec", "names", "singular"});
  std::string scope = text(crd, {"spec", "scope"});
  if (group.empty()) return "spec.group: Required value";
  if (plural.empty()) return "spec.names.plural: Required value";
  if (kind.empty()) return "spec.names.kind: Required value";
  if (name != plural + "." + group) {
    return "metadata.name: Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group";
  }
  if (scope != "Namespaced" && scope != "Cluster") {
    return "spec.scope: Unsupported value: \"" + scope + "\": supported values: \"Cluster\", \"Namespaced\"";
  }
  const core::Node* versions = at(crd, {"spec", "versions"});
  if (!versions || !versions->is_sequence() || versions->empty()) {
    return "spec.versions: Invalid value: must have exactly one version marked as storage version";
  }
  std::vector<ResourceInfo> defs;
  int storage_count = 0;
  for (const auto& v : versions->items()) {
    ResourceInfo r;
    r.group = group;
    r.version = text(v, {"name"});
    r.resource = plural;
    r.singular = singular.empty() ? kind : singular;
    std::transform(r.singular.begin(), r.singular.end(), r.singular.begin(), ::tolower);
    r.kind = kind;
    r.namespaced = scope == "Namespaced";
    r.custom = true;
    r.generation = true;
    if (const core::Node* sn = at(crd, {"spec", "names", "shortNames"}); sn && sn->is_sequence()) {
      for (const auto& s : sn->items()) r.short_names.push_back(s.text());
    }
    if (const core::Node* c = at(crd, {"spec", "names", "categories"}); c && c->is_sequence()) {
      for (const auto& s : c->items()) r.categories.push_back(s.text());
    }
    bool served = text(v, {"served"}) != "false";
    r.storage_version = text(v, {"storage"}) == "true";
    if (r.storage_version) ++storage_count;
    if (at(v, {"subresources", "status"})) r.status_subresource = true;
    if (const core::Node* sc = at(v, {"subresources", "scale"})) {
      r.scale_subresource = true;
      r.spec_replicas_path = text(*sc, {"specReplicasPath"});
      r.status_replicas_path = text(*sc, {"statusReplicasPath"});
      r.label_selector_path = text(*sc, {"labelSelectorPath"});
    }
    if (const core::Node* s = at(v, {"schema", "openAPIV3Schema"})) {
      r.schema = std::make_shared<const core::Node>(*s);
    }
    if (const core::Node* cols = at(v, {"additionalPrinterColumns"}); cols && cols->is_sequence()) {
      for (const auto& c : cols->items()) {
        PrinterColumn pc;
        pc.name = text(c, {"name"});
        pc.type = text(c, {"type"});
        pc.json_path = text(c, {"jsonPath"});
        std::string prio = text(c, {"priority"});
        pc.priority = prio.empty() ? 0 : std::atoi(prio.c_str());
        r.columns.push_back(std::move(pc));
      }
    }
    if (r.version.empty()) return "spec.versions[].name: Required value";
    if (served) defs.push_back(std::move(r));
  }
  if (storage_count != 1) {
    return "spec.versions: Invalid value: must have exactly one version marked as storage version";
  }
  std::unique_lock<std::shared_mutex> lk(mu_);
  // Replace what this CRD registered before.
  if (auto it = crds_.find(name); it != crds_.end()) remove_custom(it->second.first, it->second.second);
  for (auto& r : defs) add(std::move(r));
  crds_[name] = {group, plural};
  return "";
}

void Registry::remove_custom(const std::string& group, const std::string& plural) {
  resources_.erase(std::remove_if(resources_.begin(), resources_.end(),
                                  [&](const ResourceInfo& r) {
                                    return r.custom && r.group == group && r.resource == plural;
                                  }),
                   resources_.end());
}

void Registry::unregister_crd(const std::string& name) {
  std::unique_lock<std::shared_mutex> lk(mu_);
  auto it = crds_.find(name);
  if (it == crds_.end()) return;
  remove_custom(it->second.first, it->second.second);
  crds_.erase(it);
}

}  // namespace oc::apiserver
