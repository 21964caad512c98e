// Resource identity as kustomize tracks it (kyaml/resid): group/version/kind, name, namespace,
// with cluster-scoped kinds living in no namespace and "" meaning "default".
#pragma once

#include <string>
#include <string_view>

namespace oc::kustomize {

class OpenApiSchema;

struct Gvk {
  std::string group;
  std::string version;
  std::string kind;

  // "apps/v1" → {apps, v1}; "v1" → {"", v1}.
  static Gvk from_api_version(std::string_view api_version, std::string_view kind);
  std::string api_version() const;
  // "Kind.version.group" with [noKind]/[noVer]/[noGrp] for empty parts (resid.Gvk.String).
  std::string to_string() const;
  // resid.Gvk.IsSelected: every non-empty field of `selector` equals ours.
  bool is_selected_by(const Gvk& selector) const;
  // The legacy kind order of `kustomize build` (resid.Gvk.IsLessThan).
  bool legacy_less(const Gvk& other) const;
  bool operator==(const Gvk& o) const {
    return group == o.group && version == o.version && kind == o.kind;
  }
};

// The namespace cluster-scoped objects are placed in (resid.TotallyNotANamespace).
inline constexpr std::string_view kNotNamespaceable = "_non_namespaceable_";

struct ResId {
  Gvk gvk;
  std::string name;
  std::string ns;
  bool cluster_scoped = false;

  // "_non_namespaceable_" for cluster-scoped kinds, "default" for "" and "default".
  std::string_view effective_namespace() const;
  // resid.ResId.Equals: same G/V/K, name and effective namespace.
  bool equals(const ResId& o) const {
    return name == o.name && gvk == o.gvk && effective_namespace() == o.effective_namespace();
  }
  // resid.ResId.IsSelectedBy (selector fields "" match anything).
  bool is_selected_by(const ResId& selector) const;
  // "Kind.version.group/name.namespace" with [noNs]/[noName] (resid.ResId.String).
  std::string to_string() const;
  // A hash key with the same equality as equals().
  std::string key() const;
};

}  // namespace oc::kustomize
