// `opencenter helm template [NAME] CHART …`: what `helm template` prints (a manifest stream
// with "# Source:" headers in install order, hooks last), or with --output templates-json the
// helm oracle's JSON object of every rendered template.
#include <algorithm>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "core/file.h"
#include "core/heap.h"
#include "core/json.h"
#include "helm/chart.h"
#include "helm/render.h"
#include "helm/values.h"

namespace oc::cli {

namespace {

int run_template(const Args& args, const Io& io) {
  const auto& pos = args.list("ARGS");
  if (pos.empty() || pos.size() > 2) {
    io.err << "opencenter: error: expected [NAME] CHART\n";
    return kExitUsage;
  }
  helm::RenderOptions opts;
  std::string chart_path = pos.back();
  if (pos.size() == 2) opts.release.name = pos.front();
  if (args.given("namespace")) opts.release.ns = args.get("namespace");
  if (args.given("kube-version")) {
    std::string v = args.get("kube-version");
    if (!v.empty() && v[0] != 'v') v = "v" + v;
    // "1.31" means 1.31.0, as Helm's semver parsing reads it.
    if (std::count(v.begin(), v.end(), '.') == 1) v += ".0";
    opts.capabilities.kube_version = v;
  }
  for (const auto& a : args.list("api-versions")) {
    std::stringstream ss(a);
    std::string part;
    while (std::getline(ss, part, ',')) {
      if (!part.empty()) opts.capabilities.api_versions.push_back(part);
    }
  }

  helm::ValueSources sources;
  for (const auto& f : args.list("values")) {
    auto text = core::read_file(f);
    if (!text.ok()) return io.fail(text.error().to_string());
    auto v = helm::parse_values_yaml(*text, f);
    if (!v.ok()) return io.fail("failed to parse " + f + ": " + v.error().message);
    sources.files.push_back(std::move(*v));
  }
  sources.set_json = args.list("set-json");
  sources.set = args.list("set");
  sources.set_string = args.list("set-string");
  auto values = helm::merge_value_sources(sources);
  if (!values.ok()) return io.fail(values.error().message);

  const bool templates_json = args.get("output") == "templates-json";
  opts.split_manifests = !templates_json;
  auto chart = helm::load_chart(chart_path);
  if (!chart.ok()) return io.fail(chart.error().to_string());
  auto rendered = helm::render(**chart, *values, opts);
  if (!rendered.ok()) return io.fail(rendered.error().message);
  // Written out below, then left to the end of the process (core/heap.h).
  auto result = std::make_shared<helm::RenderResult>(std::move(*rendered));
  core::release_at_exit(result);
  core::release_at_exit(*chart);
  core::release_at_exit(std::make_shared<core::Node>(std::move(*values)));

  if (templates_json) {
    // What the helm oracle prints: encoding/json of map[string]string (keys sorted bytewise,
    // SetIndent("", "  "), SetEscapeHTML(false)), written entry by entry so a large chart's
    // output (kyverno: 4.7 MB) is not copied into a tree and a string first.
    if (result->templates.empty()) {
      io.out << "{}\n";
      return kExitOk;
    }
    std::string buf = "{\n";
    bool first = true;
    for (const auto& [k, v] : result->templates) {
      buf.reserve(k.size() + v.size() + v.size() / 8 + 16);
      if (!first) buf += ",\n";
      first = false;
      buf += "  ";
      core::append_json_string(buf, k, false);
      buf += ": ";
      core::append_json_string(buf, v, false);
      io.out << buf;
      buf.clear();
    }
    io.out << "\n}\n";
    return kExitOk;
  }
  io.out << helm::manifest_stream(*result, args.flag("include-crds"));
  return kExitOk;
}

}  // namespace

void register_helm_commands(Registry& r) {
  Command tpl;
  tpl.path = {"helm", "template"};
  tpl.summary = "Render a Helm chart locally (output like `helm template`)";
  tpl.description =
      "Renders CHART (a directory or a .tgz) with its values and the given overrides, in Helm's "
      "order: -f files, then --set-json, --set, --set-string. Prints the manifests in install "
      "order with '# Source:' headers, hooks last; nothing is printed when rendering fails.";
  tpl.flags = {
      {"-f,--values",
       "Values file (YAML); repeatable, later files win",
       Flag::Kind::kStrings,
       "",
       {}},
      {"--set", "Set values (key=val,…; numbers become int64)", Flag::Kind::kStrings, "", {}},
      {"--set-string", "Set STRING values (key=val,…)", Flag::Kind::kStrings, "", {}},
      {"--set-json", "Set JSON values (key=json,…)", Flag::Kind::kStrings, "", {}},
      {"-n,--namespace", "Release namespace", Flag::Kind::kString, "default", {}},
      {"--kube-version",
       "Kubernetes version for .Capabilities",
       Flag::Kind::kString,
       "v1.31.0",
       {}},
      {"-a,--api-versions",
       "Extra API versions for .Capabilities.APIVersions; repeatable",
       Flag::Kind::kStrings,
       "",
       {}},
      {"--include-crds", "Print the charts' crds/ files first", Flag::Kind::kBool, "", {}},
  };
  tpl.args = {{"ARGS", "[NAME] CHART", true, true}};
  tpl.output_flag = true;
  tpl.output_choices = {"manifest", "templates-json"};
  tpl.run = run_template;
  r.add(std::move(tpl));
}

}  // namespace oc::cli
