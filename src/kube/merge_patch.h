// JSON merge patch (RFC 7386): what `kubectl patch --type=merge`, label/annotate and scale send,
// and how custom resources are patched.
#pragma once

#include "core/node.h"

namespace oc::kube {

// Applies `patch` to `target` in place: mappings merge key by key, null deletes a key,
// anything else replaces.
void apply_merge_patch(core::Node& target, const core::Node& patch);

// The merge patch that turns `from` into `to` (null for removed keys).
core::Node create_merge_patch(const core::Node& from, const core::Node& to);

}  // namespace oc::kube
