// Field specs: how kustomize's built-in transformers find the fields they change
// (api/filters/fieldspec), and the transformer configuration that lists them per transformer
// (api/internal/plugins/builtinconfig: the defaults plus `configurations:` and `crds:`).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/node.h"
#include "kustomize/kustomization.h"

namespace oc::kustomize {

// What to create when a field on the path is missing (fieldspec.Filter's CreateKind).
enum class CreateKind { kNone, kScalar, kMapping };

using SetFn = std::function<core::Status(core::Node& field)>;

// Applies `set` to every field `fs.path` reaches in `obj` ("spec/containers[]/image"; lists on
// the way are walked element by element), when `gvk` matches the spec. Missing fields are
// created when the spec says `create` and `create_kind` allows it. Errors name the field and
// the object.
core::Status apply_field_spec(core::Node& obj, const Gvk& gvk, const FieldSpec& fs,
                              CreateKind create_kind, const SetFn& set);

// Splits "a/b\/c" at unescaped slashes (kyaml utils.PathSplitter).
std::vector<std::string> split_field_path(std::string_view path);

struct NameBackReference {
  Gvk gvk;  // the referenced kind
  std::vector<FieldSpec> referrers;
};

struct TransformerConfig {
  std::vector<FieldSpec> name_prefix;
  std::vector<FieldSpec> name_suffix;
  std::vector<FieldSpec> name_space;
  std::vector<FieldSpec> common_labels;
  std::vector<FieldSpec> labels;
  std::vector<FieldSpec> template_labels;
  std::vector<FieldSpec> common_annotations;
  std::vector<NameBackReference> name_reference;
  std::vector<FieldSpec> var_reference;
  std::vector<FieldSpec> images;
  std::vector<FieldSpec> replicas;

  // kustomize's defaults (builtinpluginconsts).
  static const TransformerConfig& defaults();
  // TransformerConfig.Merge: union of field specs (a spec already present with a different
  // `create` is an error), name references merged per kind, then each list sorted by kind.
  core::Status merge(const TransformerConfig& other);
};

// A transformer configuration file (`configurations:` entries), strict about unknown fields.
core::Result<TransformerConfig> parse_transformer_config(std::string_view text,
                                                         const std::string& file);

// FsSlice.MergeOne / MergeAll.
core::Status merge_field_specs(std::vector<FieldSpec>& into, const std::vector<FieldSpec>& add);

}  // namespace oc::kustomize
