// The drift report `opencenter diff kustomization` prints for an object that would change: what
// `flux diff` prints, which is homeport/dyff's human report (v1.10.2, as flux2 pins it) without
// its banner and colours:
//
//   spec.replicas
//   ± value change
//   - 3
//   + 1
//
// Paths are dot-style; lists of maps with a unique `name`, `key` or `id` (or, past three
// entries, another unique string field) are matched by that value, other lists entry by entry.
// Written from dyff's documented behaviour; see docs/operator-verbs.md for what is left out
// (X.509 certificate summaries, rename detection).
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "core/node.h"

namespace oc::controllers::verbs {

// The report for `from` (live) → `to` (desired), both JSON-model objects. Empty when they are
// equal; otherwise every difference as "\n<path>\n<details>" and one final "\n". Side-by-side
// blocks are used up to `terminal_width` columns, as dyff does (80 when not on a terminal).
std::string dyff_report(const core::Node& from, const core::Node& to, int terminal_width = 80);

// Flux's Secret masking before a diff (fluxcd/pkg ssa SanitizeUnstructuredData): data values
// that differ become "*** (before)" / "*** (after)", all others "***".
void mask_secret_data(core::Node& live, core::Node& desired);

}  // namespace oc::controllers::verbs
