// Small helpers for tests that build charts on disk.
#pragma once

#include <map>
#include <string>

#include "helm/chart.h"
#include "helm/render.h"
#include "helm/values.h"
#include "support/process.h"

namespace oc::helm::testing {

// Writes `files` (path → content) under a fresh directory and returns the chart root.
inline std::string write_chart(const test::TempDir& dir,
                               const std::map<std::string, std::string>& files,
                               const std::string& root = "chart") {
  for (const auto& [path, content] : files) dir.write(root + "/" + path, content);
  return dir.file(root);
}

inline std::string chart_yaml(const std::string& name, const std::string& extra = "") {
  return "apiVersion: v2\nname: " + name + "\nversion: 0.1.0\n" + extra;
}

// Loads and renders a chart directory with values given as YAML text.
inline core::Result<RenderResult> render_dir(const std::string& path,
                                             const std::string& values_yaml = "",
                                             const RenderOptions& opts = {}) {
  auto chart = load_chart(path);
  if (!chart.ok()) return chart.error();
  auto values = parse_values_yaml(values_yaml);
  if (!values.ok()) return values.error();
  return render(**chart, *values, opts);
}

}  // namespace oc::helm::testing
