// The Go objects Helm puts in front of templates: .Chart (chart metadata plus IsRoot),
// .Capabilities (with KubeVersion, APIVersions.Has, HelmVersion), as the helm oracle builds
// them (field order, fmt and JSON forms).
#pragma once

#include <string>
#include <vector>

#include "helm/chart.h"
#include "helm/go_value.h"

namespace oc::helm {

struct CapabilitiesInfo {
  std::string kube_version = "v1.31.0";
  std::string kube_major = "1", kube_minor = "31";
  std::vector<std::string> api_versions;
  std::string helm_version = "v3.16.0";
  std::string go_version = "go1.22";
};

Value make_chart_value(const ChartMetadata& md, const std::string& name, bool is_root);
Value make_capabilities_value(const CapabilitiesInfo& caps);

}  // namespace oc::helm
