// Output order (api/internal/builtins/SortOrderTransformer.go, api/krusty/kustomizer.go
// applySortOrder): `sortOptions` in the kustomization wins over the caller's choice; "legacy"
// sorts by kind rank (orderFirst … others … orderLast), then group/version/kind, then
// namespace and name; "fifo" keeps input order.
#pragma once

#include <optional>

#include "core/error.h"
#include "kustomize/kustomization.h"
#include "kustomize/kustomize.h"
#include "kustomize/resource.h"

namespace oc::kustomize {

core::Status apply_sort_order(ResMap& m, const std::optional<SortOptions>& options,
                              Reorder reorder);

}  // namespace oc::kustomize
