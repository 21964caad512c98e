// kustomization.yaml as a typed struct (kustomize api/types/kustomization.go).
//
// Decoding follows kustomize: the file is read with YAML 1.1 typing (sigs.k8s.io/yaml), field
// names match case-insensitively like Go's encoding/json, unknown fields are errors, null means
// "not set". Deprecated fields are folded in as kustomize's FixKustomization does (`bases` into
// `resources`, `imageTags` into `images`, `env` into `envs`). Errors carry file:line:column.
//
// Thread safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/node.h"
#include "kustomize/resid.h"

namespace oc::kustomize {

// A string from the file with where it was written, for error messages.
struct Entry {
  std::string value;
  core::Mark mark;
};

using StringMap = std::map<std::string, std::string>;

// types.FieldSpec: which field of which kinds a transformer touches.
struct FieldSpec {
  Gvk gvk;
  std::string path;
  bool create = false;
};

// types.Selector: G/V/K/name/namespace are anchored RE2 regexes; "" matches anything.
struct Selector {
  Gvk gvk;
  std::string name;
  std::string ns;
  std::string annotation_selector;
  std::string label_selector;
};

struct Patch {
  std::string path;
  std::string patch;
  std::optional<Selector> target;
  std::map<std::string, bool> options;
  core::Mark mark;
};

struct Image {
  std::string name;
  std::string new_name;
  std::string tag_suffix;
  std::string new_tag;
  std::string digest;
};

struct Replica {
  std::string name;
  int64_t count = 0;
};

struct GeneratorOptions {
  StringMap labels;
  StringMap annotations;
  bool disable_name_suffix_hash = false;
  bool immutable = false;
};

// ConfigMapArgs / SecretArgs (GeneratorArgs + KvPairSources, SecretArgs.Type).
struct GeneratorArgs {
  std::string ns;
  std::string name;
  std::string behavior;
  std::vector<std::string> literals;
  std::vector<std::string> files;
  std::vector<std::string> envs;
  std::optional<GeneratorOptions> options;
  std::string type;  // secrets only
  core::Mark mark;
};

struct Label {
  StringMap pairs;
  bool include_selectors = false;
  bool include_templates = false;
  std::vector<FieldSpec> fields;
};

// types.Var: `$(NAME)` resolves to `fieldref.fieldPath` of the object `objref`.
struct Var {
  std::string name;
  Gvk gvk;  // from objref apiVersion or group/version, and kind
  std::string obj_name;
  std::string obj_namespace;
  std::string field_path;  // default metadata.name
};

struct FieldOptions {
  std::string delimiter;
  int64_t index = 0;
  std::string encoding;
  bool create = false;
};

struct ReplacementSource {
  Gvk gvk;
  std::string name;
  std::string ns;
  std::string field_path;
  std::optional<FieldOptions> options;
};

struct ReplacementTarget {
  std::optional<Selector> select;
  std::vector<Selector> reject;
  std::vector<std::string> field_paths;
  std::optional<FieldOptions> options;
};

struct Replacement {
  std::optional<ReplacementSource> source;
  std::vector<ReplacementTarget> targets;
  core::Mark mark;
};

// types.ReplacementField: inline, or `path:` to a file holding a list of replacements.
struct ReplacementField {
  Replacement replacement;
  std::string path;
};

struct SortOptions {
  std::string order;  // "legacy" or "fifo"
  bool has_legacy_options = false;
  std::vector<std::string> order_first;
  std::vector<std::string> order_last;
};

struct Kustomization {
  std::string api_version;
  std::string kind;
  std::map<std::string, std::string> openapi;
  std::string name_prefix;
  std::string name_suffix;
  std::string ns;
  StringMap common_labels;
  bool has_common_labels = false;
  std::vector<Label> labels;
  StringMap common_annotations;
  std::vector<Entry> patches_strategic_merge;
  std::vector<Patch> patches_json6902;
  std::vector<Patch> patches;
  std::vector<Image> images;
  std::vector<ReplacementField> replacements;
  std::vector<Replica> replicas;
  std::vector<Var> vars;
  std::optional<SortOptions> sort_options;
  std::vector<Entry> resources;  // includes `bases`
  std::vector<Entry> components;
  std::vector<Entry> crds;
  std::vector<GeneratorArgs> config_map_generator;
  std::vector<GeneratorArgs> secret_generator;
  core::Mark helm_charts;  // set (line > 0) when helmCharts/helmChartInflationGenerator is used
  std::optional<GeneratorOptions> generator_options;
  std::vector<Entry> configurations;
  std::vector<Entry> generators;
  std::vector<Entry> transformers;
  std::vector<Entry> validators;
  std::vector<std::string> build_metadata;

  bool is_component() const { return kind == "Component"; }
};

struct ParsedKustomization {
  Kustomization k;
  // "# Warning: 'commonLabels' is deprecated…" lines, as kustomize prints them.
  std::vector<std::string> warnings;
};

// Parses the text of a kustomization file named `file` (used in error messages).
core::Result<ParsedKustomization> parse_kustomization(std::string_view text,
                                                      const std::string& file);

// The kustomization file names kustomize recognises, in its lookup order.
inline constexpr std::string_view kKustomizationFileNames[] = {
    "kustomization.yaml", "kustomization.yml", "Kustomization"};

}  // namespace oc::kustomize
