// Scalar typing rules and Go-compatible number formatting.
//
// The references disagree on what a plain YAML scalar means, so a reader names the rules it
// follows (research/kustomize-helm.md, appendix):
//   kYaml11  go-yaml v2, as used by sigs.k8s.io/yaml (Kubernetes clients, Helm values):
//            y/n/yes/no/on/off are booleans, 0777 is octal, timestamps stay strings.
//   kYaml12  go-yaml v3, as used by kustomize's kyaml and by sops: only true/false are
//            booleans, 0o17 and 0777 are octal, unquoted timestamps are timestamps.
// Both resolve ints that overflow int64 to uint64 and then to float64, as Go does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/node.h"

namespace oc::core {

enum class Schema { kYaml11, kYaml12 };

// A scalar's value under a schema.
struct Scalar {
  enum class Type { kNull, kBool, kInt, kUint, kFloat, kString, kTimestamp };
  Type type = Type::kNull;
  bool b = false;
  int64_t i = 0;
  uint64_t u = 0;
  double f = 0;
  // kString: the text. kTimestamp: RFC 3339 with nanoseconds, as Go's time.Time marshals to
  // JSON ("2001-12-14T00:00:00Z").
  std::string s;
};

// Resolves a scalar node under `schema`. Explicit types (quoted, JSON, built in code) are
// returned as they are; explicit standard tags (!!str, !!int, …) are honoured; other tags
// resolve as strings. Fails only for a tag the text cannot satisfy (`!!int abc`).
Result<Scalar> resolve(const Node& scalar, Schema schema);

// The same for bare plain text (no tag, not quoted).
Scalar resolve_plain(std::string_view text, Schema schema);

// True when `text`, written plain, would be read back as something other than a string by
// go-yaml v2, or is a YAML 1.1 base-60 number. This is when go-yaml v2 (and kustomize's output)
// quotes a string.
bool needs_quotes_yaml11(std::string_view text);

// True when `text`, written plain, would not read back as a string under either schema (or
// is a YAML 1.1 boolean word like `on`, which go-yaml v3 also quotes on output).
bool needs_quotes_any_schema(std::string_view text);

// --- Go number formatting ------------------------------------------------------------------
// strconv.FormatFloat(v, fmt, prec, 64) for fmt in {'e','E','f','g','G'}; prec -1 = shortest.
std::string go_format_float(double v, char fmt = 'g', int prec = -1);
// strconv.FormatFloat(v, 'g', -1, 32): the value rounded to float32 first.
std::string go_format_float32(double v);
// encoding/json's float64 encoding ('f' unless the exponent is < -6 or >= 21, then 'e' with
// a one-digit negative exponent). Fails for NaN and infinities like json.Marshal.
Result<std::string> json_format_float(double v);

// strconv.ParseInt(s, 0, 64) / ParseUint(s, 0, 64) without underscores: decimal, 0x, 0o, 0b,
// and leading-zero octal.
std::optional<int64_t> go_parse_int(std::string_view s);
std::optional<uint64_t> go_parse_uint(std::string_view s);
// strconv.ParseFloat(s, 64) for decimal input (what YAML resolution reaches); rejects
// overflow to infinity like Go (ErrRange).
std::optional<double> go_parse_float(std::string_view s);

// --- JSON model ------------------------------------------------------------------------------
// The tree a Go program sees after decoding YAML into interface{} and encoding it as JSON:
// every scalar gets its exact type (kNull, kBool, kInt, kFloat, kString) and canonical text
// (`0x10` → 16, `1e3` → 1000, `1.50` → 1.5, timestamps → RFC 3339 strings), non-string keys
// become strings as the schema's decoder makes them, and `<<` merge keys are applied. This is
// what kustomize writes (kYaml12) and what Helm values are (kYaml11). Fails on NaN/Inf and on
// non-scalar keys, naming the node's position.
Result<Node> to_json_model(const Node& node, Schema schema);

}  // namespace oc::core
