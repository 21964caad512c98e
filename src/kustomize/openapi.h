// The OpenAPI schema kustomize consults (kyaml/openapi): which kinds are cluster-scoped, and
// for strategic-merge patches which lists merge by key. The default is the Kubernetes v1.21.2
// schema kustomize v5.5 bundles (generated into openapi_v1212.inc by gen_openapi.py); a
// kustomization may name its own (`openapi: {path: schema.json}`), which then replaces it.
//
// The builtin schema answers is_cluster_scoped() from its small scope table and parses the
// structural part (228 KB of JSON, ~10 ms) only on the first for_type(), i.e. when a build has a
// strategic-merge patch — kyaml's precomputed scope table serves the same purpose.
//
// Thread safety: immutable after construction; builtin() and its structural part are each
// built once, on first use.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "core/node.h"

namespace oc::kustomize {

// One schema (a definition or an inline property schema) with $refs resolved.
struct SchemaNode {
  bool is_array = false;                   // type: [array]
  std::string patch_strategy;              // x-kubernetes-patch-strategy
  std::string merge_key;                   // x-kubernetes-patch-merge-key
  std::vector<std::string> list_map_keys;  // x-kubernetes-list-map-keys
  std::unordered_map<std::string, const SchemaNode*> properties;
  const SchemaNode* additional = nullptr;  // additionalProperties schema
  const SchemaNode* items = nullptr;

  // ResourceSchema.Field: the property, else additionalProperties, else nullptr.
  const SchemaNode* field(std::string_view name) const;
  // ResourceSchema.Elements: the item schema of an array, else nullptr.
  const SchemaNode* elements() const { return is_array ? items : nullptr; }
  // schema.IsAssociative: the patch strategy includes "merge".
  bool has_merge_strategy() const;
  // PatchStrategyAndKeyList's keys: list-map-keys when present, else the merge key.
  std::vector<std::string> merge_keys() const;
};

class OpenApiSchema {
 public:
  // kustomize's bundled Kubernetes v1.21.2 schema.
  static const OpenApiSchema& builtin();
  // A schema document (swagger 2.0 JSON or YAML, as parsed into a Node).
  static core::Result<std::shared_ptr<const OpenApiSchema>> parse(const core::Node& doc);

  // The schema of a resource type (by x-kubernetes-group-version-kind), or nullptr.
  const SchemaNode* for_type(std::string_view api_version, std::string_view kind) const;
  // openapi.IsCertainlyClusterScoped: known to the schema and not namespaced. Unknown kinds
  // (custom resources) are namespaced.
  bool is_cluster_scoped(std::string_view api_version, std::string_view kind) const;

 private:
  core::Status load(const core::Node& doc);
  const SchemaNode* build(const core::Node& s);
  // The builtin schema with its structural part (builtin() itself holds only the scopes).
  static const OpenApiSchema& builtin_structure();

  bool scopes_only_ = false;  // builtin(): for_type() asks builtin_structure()

  std::deque<SchemaNode> nodes_;
  std::unordered_map<std::string, const SchemaNode*> definitions_;
  // Inline schemas whose $ref is resolved once every definition exists.
  std::vector<std::pair<SchemaNode*, std::string>> pending_refs_;
  std::map<std::string, const SchemaNode*, std::less<>> by_type_;  // "apiVersion kind"
  std::map<std::string, bool, std::less<>> namespaced_;            // "apiVersion kind"
};

}  // namespace oc::kustomize
