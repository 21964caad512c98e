// strconv's number parsing as Go programs (Sprig, cast, text/template) use it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace oc::helm {

// strconv.ParseInt(s, base, 64) / ParseUint: base 0 auto-detects 0x/0o/0b/leading-0 octal and
// allows '_' between digits; other bases take plain digits.
std::optional<int64_t> go_parse_int(std::string_view s, int base = 0);
std::optional<uint64_t> go_parse_uint(std::string_view s, int base = 0);
// strconv.ParseFloat(s, 64): decimal and hex floats, "Inf"/"Infinity"/"NaN" (any case, signed),
// underscores as Go literals allow. Out of range is an error (nullopt), as Go's ErrRange is.
std::optional<double> go_parse_float(std::string_view s);
// strconv.underscoreOK.
bool go_underscore_ok(std::string_view s);

// Go's int64(f) conversion of a float64 on amd64 (out of range gives INT64_MIN).
int64_t go_float_to_int64(double f);

}  // namespace oc::helm
