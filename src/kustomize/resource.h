// A resource during a build, and the ordered set of them (kustomize's Resource and ResMap).
//
// kustomize keeps its build bookkeeping (previous names, prefixes, hash requests, generator
// behaviour) in `internal.config.kubernetes.io/*` annotations on the object and re-parses them
// on every lookup, which is much of why it is slow. We keep the same facts in typed fields
// next to the object. The one visible trace of kustomize's way — every object's annotations
// are rewritten at the end (values become strings, an empty map disappears) — is reproduced by
// finish_build_annotations().
//
// Thread safety: plain values; a build owns its resources.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/node.h"
#include "kustomize/openapi.h"
#include "kustomize/resid.h"

namespace oc::kustomize {

// A generated object's `behavior` (kNone: not made by a generator, so kustomize records none).
enum class Behavior { kNone, kUnspecified, kCreate, kMerge, kReplace };

// A map key kustomize's code adds (FieldSetter, SetField, SetLabels…): an untagged plain
// scalar. Unlike keys read from YAML (tagged !!str when parsed), kustomize's output step reads
// it back by its text, so a created key such as "true" or "1" makes kustomize fail
// ("json: unsupported type"); check_created_keys() reproduces that.
core::Node created_key(std::string_view text);
// yaml.FieldSetter / SetField on a mapping: replaces the value of `key` (keeping the key as it
// is) or appends it with a created key.
void set_entry(core::Node& map, std::string_view key, core::Node value);
// The failure kustomize hits on created keys that YAML 1.2 reads as non-strings.
core::Status check_created_keys(const core::Node& obj);

// A previous identity: kind, name and the effective namespace at the time (the current
// group/version apply, as in utils.PrevIds).
struct PrevId {
  std::string kind;
  std::string name;
  std::string ns;
};

// Where a resource came from, for `buildMetadata: [originAnnotations, transformerAnnotations]`
// (api/resource/origin.go): a file path, or the plugin that generated or transformed it.
struct Origin {
  std::string path;
  std::string repo;
  std::string ref;
  std::string configured_in;
  std::string by_api_version;
  std::string by_kind;
  std::string by_name;
  std::string by_namespace;

  // Origin.Append: the path joined onto this origin's path.
  Origin append(const std::string& p) const;
  // A builtin plugin configured in `kust_file` (relative to this origin's path).
  Origin configured_by(const std::string& kust_file_name, const std::string& kind) const;
  // The annotation value kyaml writes (yaml.v3, indent 2, compact sequences).
  core::Node to_node() const;
};

class Resource {
 public:
  Resource() = default;
  explicit Resource(core::Node object) : obj(std::move(object)) {}

  core::Node obj;
  std::vector<PrevId> prev_ids;
  std::vector<std::string> prefixes;
  std::vector<std::string> suffixes;
  bool needs_hash = false;
  Behavior behavior = Behavior::kNone;
  // For patches: whether the patch may rename / re-kind its target (patch options).
  bool allow_name_change = false;
  bool allow_kind_change = false;
  // Names of vars whose objref selected this resource (types.Var), in order.
  std::vector<std::string> ref_var_names;
  // buildMetadata tracking (only kept when the build asks for it).
  std::optional<Origin> origin;
  std::vector<Origin> transformations;

  // --- reading --------------------------------------------------------------------------------
  std::string_view api_version() const;
  std::string_view kind() const;
  std::string_view name() const;
  std::string_view ns() const;
  Gvk gvk() const;
  ResId cur_id(const OpenApiSchema& schema) const;
  // The identity at load time (the first previous id, else the current one).
  ResId org_id(const OpenApiSchema& schema) const;
  // Previous identities as ResIds (never cluster-scoped, as kustomize builds them).
  std::vector<ResId> prev_res_ids() const;
  // IsNilOrEmpty: deleted (null) or an empty mapping.
  bool empty() const;

  // metadata.labels / metadata.annotations as strings (GetLabels / GetAnnotations: non-string
  // values give their text).
  std::vector<std::pair<std::string, std::string>> labels() const;
  std::vector<std::pair<std::string, std::string>> annotations() const;

  // --- writing --------------------------------------------------------------------------------
  void set_name(std::string_view name);
  // "" removes metadata.namespace (RNode.SetNamespace).
  void set_namespace(std::string_view ns);
  void set_kind(std::string_view kind);
  void set_api_version(std::string_view api_version);
  // Replaces metadata.labels / metadata.annotations with `m` (keys sorted, string values);
  // an empty map removes the field (RNode.SetLabels / SetAnnotations).
  void set_labels(const std::vector<std::pair<std::string, std::string>>& m);
  void set_annotations(const std::vector<std::pair<std::string, std::string>>& m);

  // StorePreviousId: remembers the current identity.
  void store_previous_id(const OpenApiSchema& schema);
  void add_prefix(const std::string& p);
  void add_suffix(const std::string& s);
  // PrefixesSuffixesEquals (resource.go): used to pick among name-reference candidates.
  bool prefixes_suffixes_equal(const Resource& other, bool allow_empty) const;

  // kustomize's bookkeeping lives in the object's annotations, where patches see it: a patch
  // that replaces or nulls metadata.annotations drops it (the object loses its previous names,
  // hash request, origin…), and a JSON patch can add to an annotations map that only the
  // bookkeeping created. Around a patch, expose_build_annotations() writes the bookkeeping
  // there as kustomize holds it, and absorb_build_annotations() reads back what the patch
  // left and removes it again. `token` is what expose returned.
  struct Exposed {
    bool created_map = false;
    std::vector<std::pair<std::string, std::string>> written;
  };
  Exposed expose_build_annotations();
  core::Status absorb_build_annotations(const Exposed& token);

  // What RemoveBuildAnnotations, RemoveOriginAnnotations and RemoveTransformerAnnotations do
  // at the end of a build (see the file comment), with the origin / transformation
  // annotations written when asked for.
  void finish_build_annotations(bool origin_annotations, bool transformer_annotations);
};

using ResourcePtr = std::unique_ptr<Resource>;

// The schema in effect for a build. kustomize keeps it in a global that a kustomization's
// `openapi:` field may set part-way through a build; we keep it per build, in one place every
// ResMap of the build refers to.
struct SchemaRef {
  const OpenApiSchema* schema = &OpenApiSchema::builtin();
};

// The resources of a build in order (resWrangler), with lookups by identity that are indexed
// instead of scanning the list for every query.
class ResMap {
 public:
  explicit ResMap(const SchemaRef* schema) : schema_(schema) {}

  const OpenApiSchema& schema() const { return *schema_->schema; }

  size_t size() const { return list_.size(); }
  bool empty() const { return list_.empty(); }
  Resource& operator[](size_t i) { return *list_[i]; }
  const Resource& operator[](size_t i) const { return *list_[i]; }
  std::vector<ResourcePtr>& list() { return list_; }
  const std::vector<ResourcePtr>& list() const { return list_; }

  // Append: an error when a resource with the same current id exists.
  core::Status append(ResourcePtr r);
  core::Status append_all(ResMap&& other);
  // Resources whose current id equals `id`.
  std::vector<Resource*> by_current_id(const ResId& id);
  // Resources with any id (previous or current) equal to `id` (GetMatchingResourcesByAnyId).
  std::vector<Resource*> by_any_id(const ResId& id);
  size_t index_of(const Resource* r) const;
  // Drops deleted/empty resources (DropEmpties).
  void drop_empties();
  // Call after changing any resource's identity or the list itself.
  void invalidate() {
    cur_index_valid_ = false;
    any_index_valid_ = false;
  }

 private:
  void build_cur_index();
  void build_any_index();

  const SchemaRef* schema_;
  std::vector<ResourcePtr> list_;
  std::unordered_multimap<std::string, Resource*> cur_index_;
  std::unordered_multimap<std::string, Resource*> any_index_;
  bool cur_index_valid_ = false;
  bool any_index_valid_ = false;
};

}  // namespace oc::kustomize
