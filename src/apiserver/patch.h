// The PATCH types kube-apiserver accepts, and server-side apply.
//
// Field ownership is tracked as kube does it in FieldsV1, with one simplification documented in
// docs/apiserver.md: lists are atomic (owned and replaced as a whole), maps are granular.
#pragma once

#include <string>

#include "apiserver/resources.h"
#include "core/node.h"

namespace oc::apiserver {

struct PatchResult {
  std::string error;            // empty on success
  bool unprocessable = false;   // 422 rather than 400
  std::string conflict_causes;  // SSA conflicts: details.causes JSON (409)
};

// RFC 7386 merge patch.
PatchResult merge_patch(core::Node& obj, const core::Node& patch);
// RFC 6902 JSON patch (an array of operations).
PatchResult json_patch(core::Node& obj, const core::Node& ops);
// Strategic merge patch for built-in kinds: lists merged by their patch merge key
// (containers by name, ports by containerPort, …) and the directives `$patch`,
// `$setElementOrder/…`, `$deleteFromPrimitiveList/…`, `$retainKeys`.
PatchResult strategic_merge_patch(const ResourceInfo& r, core::Node& obj, const core::Node& patch);

// Server-side apply of `applied` by `manager` onto `live` (which holds the result). Fails with
// conflicts when another manager owns a field the apply changes, unless `force`.
PatchResult server_side_apply(const ResourceInfo& r, core::Node& live, const core::Node& applied,
                              const std::string& manager, bool force,
                              const std::string& subresource);

// FieldsV1 of an applied configuration.
core::Node applied_fields(const core::Node& applied);
// A managedFields entry for an Apply by `manager`.
core::Node apply_entry(const std::string& manager, const std::string& api_version,
                       const core::Node& fields);

}  // namespace oc::apiserver
