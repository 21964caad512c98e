// Helm's values: how user values are assembled (-f files, --set-json, --set, --set-string, in
// Helm's order and with its typing) and how they are coalesced with chart defaults
// (pkg/chartutil/coalesce.go, dependencies.go).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/node.h"
#include "helm/chart.h"
#include "helm/go_value.h"

namespace oc::helm {

// A values file as sigs.k8s.io/yaml reads it into map[string]interface{}: every number a
// float64 (kFloat scalars in the result). Empty or null documents give an empty mapping.
core::Result<core::Node> parse_values_yaml(std::string_view text, const std::string& file = "");

// User values in the order `helm template` applies them.
struct ValueSources {
  std::vector<core::Node> files;        // parsed -f files, in order (see parse_values_yaml)
  std::vector<std::string> set_json;    // --set-json key=json,…
  std::vector<std::string> set;         // --set key=val,… (ints become int64)
  std::vector<std::string> set_string;  // --set-string key=val,…
};

// The merged user values as a tree whose scalars carry their Go type: kInt = int64,
// kFloat = float64, kString, kBool, kNull.
core::Result<core::Node> merge_value_sources(const ValueSources& sources);

// One --set style line parsed into `dest` (Helm's strvals.ParseInto / ParseIntoString /
// ParseJSON). `dest` must be a map value.
core::Status strvals_parse_into(std::string_view line, Value& dest, bool as_string);
core::Status strvals_parse_json(std::string_view line, Value& dest);

// A user-values tree (see merge_value_sources) as template values.
Value user_values_to_value(const core::Node& node);
// Template values back to a tree with Go types kept (for tests and release records).
core::Result<core::Node> value_to_typed_node(const Value& v);

// --- charts as rendered: dependencies resolved against values ---------------------------------

// A chart in the render tree: aliases applied, disabled subcharts removed.
struct ChartNode {
  const Chart* chart = nullptr;
  std::string name;  // metadata name, or the alias
  const ChartNode* parent = nullptr;
  std::vector<std::unique_ptr<ChartNode>> deps;
  // Chart defaults after import-values (null: the chart's own values.yaml).
  std::shared_ptr<core::Node> imported_values;

  bool is_root() const { return parent == nullptr; }
  // "<root>/charts/<sub>/…" as Helm names template paths.
  std::string full_path() const;
  // The chart's default values as a fresh map[string]interface{}.
  Value default_values() const;
};

// Helm's ProcessDependencies: conditions, tags, aliases and import-values, recursively.
core::Result<std::unique_ptr<ChartNode>> process_dependencies(const Chart& chart,
                                                              const Value& user);

// Helm's CoalesceValues(chart, user): chart defaults under user values, subcharts and globals.
// `user` is not modified (it is deep-copied first).
core::Result<Value> coalesce_values(const ChartNode& chart, const Value& user);

}  // namespace oc::helm
