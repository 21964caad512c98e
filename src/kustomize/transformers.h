// kustomize's built-in transformers, one file each, applied by build.cc in kustomize's order
// (api/internal/target/kusttarget_configplugin.go). Each works on the whole resource set.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "kustomize/fieldspec.h"
#include "kustomize/kustomization.h"
#include "kustomize/loader.h"
#include "kustomize/resource.h"

namespace oc::kustomize {

// namespace.cc — NamespaceTransformer (setRoleBindingSubjects: defaultOnly).
core::Status transform_namespace(ResMap& m, const std::string& ns,
                                 const std::vector<FieldSpec>& fss);

// name_prefix.cc — PrefixTransformer / SuffixTransformer.
core::Status transform_name_prefix(ResMap& m, const std::string& prefix,
                                   const std::vector<FieldSpec>& fss);
core::Status transform_name_suffix(ResMap& m, const std::string& suffix,
                                   const std::vector<FieldSpec>& fss);

// labels.cc — LabelTransformer and AnnotationsTransformer: set each pair at every field spec
// (creating the maps where the spec says so).
core::Status transform_labels(ResMap& m, const StringMap& labels,
                              const std::vector<FieldSpec>& fss);
core::Status transform_annotations(ResMap& m, const StringMap& annotations,
                                   const std::vector<FieldSpec>& fss);

// images.cc — ImageTagTransformer (the field-spec pass and kustomize's legacy pass over every
// `containers`/`initContainers` list).
core::Status transform_images(ResMap& m, const Image& image, const std::vector<FieldSpec>& fss);

// replicas.cc — ReplicaCountTransformer.
core::Status transform_replicas(ResMap& m, const Replica& replica,
                                const std::vector<FieldSpec>& fss);

// patches.cc — PatchStrategicMergeTransformer, PatchTransformer, PatchJson6902Transformer.
core::Status transform_patches_strategic_merge(ResMap& m, const Loader& ldr,
                                               const std::vector<Entry>& patches,
                                               const std::string& kust_file);
core::Status transform_patch(ResMap& m, const Loader& ldr, const Patch& patch,
                             const std::string& kust_file);
core::Status transform_patch_json6902(ResMap& m, const Loader& ldr, const Patch& patch,
                                      const std::string& kust_file);

// replacements.cc — ReplacementTransformer.
core::Status transform_replacements(ResMap& m, const Loader& ldr,
                                    const std::vector<ReplacementField>& replacements,
                                    const std::string& kust_file);

// name_hash.cc — HashTransformer: appends the content hash to generated names.
core::Status add_hash_suffixes(ResMap& m);
// The suffix kustomize computes for a ConfigMap or Secret ("4h2mbtbbt6").
core::Result<std::string> generator_hash(const core::Node& obj);

// name_reference.cc — nameReferenceTransformer (FixBackReferences).
core::Status fix_name_references(ResMap& m, const std::vector<NameBackReference>& refs);

// vars.cc — refVarTransformer (ResolveVars), after name references.
struct VarSet;
core::Status resolve_vars(ResMap& m, const std::vector<Var>& vars,
                          const std::vector<FieldSpec>& var_reference,
                          std::vector<std::string>* unused);

// Selecting resources (resWrangler.Select): G/V/K/name/namespace regexes against the original
// or current id, label and annotation selectors.
core::Result<std::vector<Resource*>> select_resources(ResMap& m, const Selector& s);

}  // namespace oc::kustomize
