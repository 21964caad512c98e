// Go's fmt package over template values: Sprint, Sprintln, Sprintf with Go's verbs, flags,
// widths, error forms (%!d(string=x), %!(EXTRA …), %!v(MISSING)) and %v layouts
// (map[a:1 b:2], [1 2], {f1 f2}, <nil>, 1.234567e+06).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "helm/go_value.h"

namespace oc::helm {

// fmt.Sprint(args...): spaces between operands when neither is a string.
void go_sprint(std::string& out, std::span<const Value> args);
// fmt.Sprintln(args...): spaces between all operands, then a newline.
void go_sprintln(std::string& out, std::span<const Value> args);
// fmt.Sprintf(format, args...).
void go_sprintf(std::string& out, std::string_view format, std::span<const Value> args);
// fmt.Sprint(v) for one value, appending at most `max_bytes`.
void go_print_value(std::string& out, const Value& v, size_t max_bytes = kMaxPrintBytes);

// The print functions throw FuncError when a value is nested deeper than kMaxValueDepth (a map
// that contains itself: Go overflows its stack) or prints to more than kMaxPrintBytes (or
// `max_bytes`).

}  // namespace oc::helm
