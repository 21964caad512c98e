// The Helm rendering engine's API: a loaded chart + user values + capabilities → every
// rendered template, and the manifests, hooks, notes and CRDs `helm template` and the Helm
// controller work with.
//
// Thread safety: render() may be called concurrently on the same Chart (it only reads the
// chart and its parse cache, which is locked). Nothing is global or mutable across calls.
// Templates run on a thread render() starts for the call, with a stack of
// limits.max_stack_bytes plus headroom (any caller thread will do); a LookupFn is called there.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/node.h"
#include "helm/chart.h"
#include "helm/template_exec.h"

namespace oc::helm {

struct Capabilities {
  std::string kube_version = "v1.31.0";
  // group/version and group/version/Kind entries .Capabilities.APIVersions.Has accepts.
  std::vector<std::string> api_versions = default_api_versions();
  std::string helm_version = "v3.16.0";
  std::string go_version = "go1.22";

  // The helm oracle's DefaultAPIVersions (tools/helm-oracle/chart.go).
  static std::vector<std::string> default_api_versions();
};

struct ReleaseInfo {
  std::string name = "release-name";
  std::string ns = "default";
  int revision = 1;
  bool is_install = true;
  bool is_upgrade = false;
};

struct RenderOptions {
  ReleaseInfo release;
  Capabilities capabilities;
  bool strict = false;  // missingkey=error
  ExecLimits limits;
  LookupFn lookup;  // empty: lookup returns an empty map (offline)
  // Split the rendered templates into manifests and hooks in install order (parses each YAML
  // document, as Helm's releaseutil does). Off when only `templates` is wanted (what the helm
  // oracle prints): then rendered text that is not valid YAML is not an error either.
  bool split_manifests = true;
};

// A rendered template file split into its YAML documents, as Helm's releaseutil does.
struct Manifest {
  std::string source;   // "<chart>/templates/<file>"
  std::string content;  // one YAML document, without the "---" separator
  std::string kind;
  std::string name;
};

struct Hook {
  Manifest manifest;
  std::vector<std::string> events;  // pre-install, post-install, …
  int weight = 0;
  std::vector<std::string> delete_policies;
};

struct RenderResult {
  // Every rendered template (partials and NOTES.txt left out), by full name; what the helm
  // oracle prints and what --output templates-json shows.
  std::map<std::string, std::string> templates;
  std::string notes;                // the root chart's NOTES.txt, rendered
  std::vector<Manifest> manifests;  // non-hook documents in install order (split_manifests)
  std::vector<Hook> hooks;          // hook documents in install order (split_manifests)
  std::vector<ChartFile> crds;      // crds/ of the chart and enabled subcharts, not templated
};

// Renders a chart. `user_values` is a tree whose scalar types are Go's (see
// merge_value_sources): kInt → int64, kFloat → float64.
core::Result<RenderResult> render(const Chart& chart, const core::Node& user_values,
                                  const RenderOptions& opts = {});

// Renders one template text the way the helm oracle's `tpl` mode does: named "tpl", with
// .Values = `values` and a test chart (name "test", version 0.1.0). Errors carry Go's text.
core::Result<std::string> render_template_text(std::string_view text, const core::Node& values,
                                               const RenderOptions& opts = {});

// Helm's manifest stream for `helm template`: CRDs are not included; each document headed by
// "---\n# Source: <path>\n", manifests then hooks, in install order.
std::string manifest_stream(const RenderResult& r, bool include_crds = false);

}  // namespace oc::helm
