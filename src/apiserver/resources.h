// The resources the API server serves: the built-in kinds platform manifests use, plus every
// CustomResourceDefinition registered at run time.
//
// Thread safety: Registry is internally locked; lookups return copies.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "core/node.h"

namespace oc::apiserver {

struct PrinterColumn {
  std::string name;
  std::string type;  // string, integer, number, boolean, date
  std::string json_path;
  int priority = 0;
};

struct ResourceInfo {
  std::string group;    // "" for core
  std::string version;  // "v1"
  std::string resource; // plural: "deployments"
  std::string singular; // "deployment"
  std::string kind;     // "Deployment"
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;  // "all"
  bool status_subresource = false;
  bool scale_subresource = false;
  // Scale subresource paths (CRDs); built-ins use .spec.replicas/.status.replicas.
  std::string spec_replicas_path = ".spec.replicas";
  std::string status_replicas_path = ".status.replicas";
  std::string label_selector_path;
  // metadata.generation is kept and bumped on changes outside metadata and status.
  bool generation = false;
  // Versions served for this group/resource (CRDs may serve several); the storage version.
  bool storage_version = true;
  // From a CRD: its schema for defaults and pruning (null for built-ins).
  std::shared_ptr<const core::Node> schema;
  bool preserve_unknown_fields = true;
  std::vector<PrinterColumn> columns;
  bool custom = false;  // defined by a CRD

  std::string group_version() const { return group.empty() ? version : group + "/" + version; }
};

class Registry {
 public:
  // The built-in resources.
  Registry();

  // Finds a resource by group, version and plural name (or "name/subresource" is not handled
  // here: callers split the subresource off first).
  std::optional<ResourceInfo> find(const std::string& group, const std::string& version,
                                   const std::string& resource) const;
  // Finds by group and kind, any served version (preferring `version` when given).
  std::optional<ResourceInfo> find_kind(const std::string& group, const std::string& kind,
                                        const std::string& version = "") const;
  // Finds by group and plural name, preferring the storage version.
  std::optional<ResourceInfo> find_resource(const std::string& group,
                                            const std::string& resource) const;
  // Every resource, in a stable order.
  std::vector<ResourceInfo> all() const;
  // Group versions in discovery order: each group once with its versions, preferred first.
  std::vector<std::pair<std::string, std::vector<std::string>>> groups() const;

  // Registers (or replaces) the resources a CRD defines; returns an error message for an
  // invalid definition (empty when accepted).
  std::string register_crd(const core::Node& crd);
  // Removes the resources of the CRD with this name ("<plural>.<group>").
  void unregister_crd(const std::string& name);

 private:
  void add(ResourceInfo r);
  // Drops the custom resources of (group, plural); the caller holds mu_.
  void remove_custom(const std::string& group, const std::string& plural);
  mutable std::shared_mutex mu_;
  std::vector<ResourceInfo> resources_;
  // CRD name → (group, plural) it registered.
  std::map<std::string, std::pair<std::string, std::string>> crds_;
};

}  // namespace oc::apiserver
