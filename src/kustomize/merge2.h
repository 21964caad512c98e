// Strategic-merge patching as kustomize v5 does it: kyaml's merge2 walker with
// ListIncreaseDirection=Prepend (api/filters/patchstrategicmerge), not apimachinery's SMP.
//
// - Maps merge key by key; a patch value of null deletes the key; `$patch: delete|replace|merge`
//   in a map applies to that map.
// - A list merges by key only when the OpenAPI schema gives the field a patch strategy with
//   "merge" (merge key, or x-kubernetes-list-map-keys); patch elements come first, then the
//   remaining original elements. Other lists (and every list of an unknown kind) are replaced.
// - `$setElementOrder`, `$retainKeys` and `$deleteFromPrimitiveList` are not understood and stay
//   in the output as ordinary keys, as in kustomize.
// - A field holding a plain `null` in the original survives; an empty value (`key:`) does not.
#pragma once

#include "core/error.h"
#include "core/node.h"
#include "kustomize/openapi.h"

namespace oc::kustomize {

// Merges `patch` into `dest`. Returns false when the patch deletes the whole object
// (`$patch: delete` at the top). On error `dest` may be partly merged; callers discard it.
core::Result<bool> strategic_merge(core::Node& dest, const core::Node& patch,
                                   const OpenApiSchema& schema);

}  // namespace oc::kustomize
