// Flux's postBuild variable substitution: the `${...}` expansion of fluxcd/pkg `envsubst` (a
// fork of drone/envsubst) that kustomize-controller runs on each resource's YAML text
// (fluxcd/pkg kustomize/kustomize_varsub.go; research/flux.md §2.5).
//
// Only the braced form is expanded; a bare `$var` stays as written and `$${var}` gives the
// literal `${var}`. Operators: ${#v} ${v^} ${v^^} ${v,} ${v,,} ${v:n} ${v:n:len} ${v#p} ${v##p}
// ${v%p} ${v%%p} ${v-d} ${v:-d} ${v=d} ${v:=d} ${v/p/r} ${v//p/r} ${v/#p/r} ${v/%p/r}, with
// Flux's quirks kept (every default operator, `=` included, falls back when the value is
// empty; the `-` form without a colon is a parse error, as in Go). Lengths and offsets count
// bytes and case mapping uses Go's Unicode tables, like the Go code.
//
// Errors carry the Go error text ("bad substitution", `variable not set (strict mode): "x"`)
// and, in line/column, the position of the `${` they concern. kustomize-controller wraps the
// text as "envsubst error: variable substitution failed: <text>".
//
// Thread safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/error.h"

namespace oc::kube {

struct SubstituteOptions {
  // Flux's StrictPostBuildSubstitutions (on by default since kustomize-controller v1.9): a
  // variable that is not in `vars` is an error unless a default operator handles it. When
  // off, missing variables read as empty strings.
  bool strict = true;
};

// Expressions nested deeper than this (`${a:-${b:-...}}`) are refused; Go has no limit.
inline constexpr int kMaxSubstitutionNesting = 64;

// Substitutes every `${...}` in `text` with values from `vars`.
core::Result<std::string> envsubst(std::string_view text,
                                   const std::map<std::string, std::string>& vars,
                                   const SubstituteOptions& options = {});

// Whether `name` can be a substitution variable: ^[_[:alpha:]][_[:alpha:][:digit:]]*$ (ASCII
// classes, as Go's regexp reads them). kustomize-controller checks every name before
// substituting and fails with "'<name>' var name is invalid, must match '<regex>'".
bool valid_var_name(std::string_view name);

// The parse tree of `text`, for tests and debugging: text as "text", an expression as
// ${param|op|arg|arg...} with args in the same notation, concatenated.
core::Result<std::string> envsubst_parse_tree(std::string_view text);

}  // namespace oc::kube
