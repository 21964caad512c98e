// JSON reading and writing on the same Node tree as YAML.
//
// The reader is our own: JSON is small enough that a direct recursive-descent parser into
// Node beats a library's DOM plus a conversion (measured in bench/RESULTS.md), and it reports
// Go-style messages with file:line:column.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/node.h"
#include "core/scalar.h"

namespace oc::core {

struct JsonParseOptions {
  std::string file;
  size_t max_bytes = size_t(256) << 20;
  int max_depth = 1000;
};

// Parses one JSON value (surrounding whitespace allowed). Strings become kString scalars
// (invalid UTF-8 replaced by U+FFFD, as Go does), numbers kInt/kFloat with their source text,
// true/false kBool, null kNull. A repeated object key keeps the last value, as Go's decoder.
Result<Node> parse_json(std::string_view text, const JsonParseOptions& opts = {});

struct JsonStyle {
  // Indent unit; empty writes compact JSON.
  std::string indent;
  // Sort object keys bytewise, as encoding/json does for maps.
  bool sort_keys = false;
  // Escape <, > and & as \u003c, \u003e, \u0026 (encoding/json's default).
  bool escape_html = true;
  // Typing rules for plain YAML scalars that reach the writer unresolved.
  Schema schema = Schema::kYaml12;
};

// Writes `node` as JSON the way encoding/json writes the equivalent Go value. Fails on NaN or
// infinite numbers and on non-scalar mapping keys.
Result<std::string> write_json(const Node& node, const JsonStyle& style = {});
Status append_json(std::string& out, const Node& node, const JsonStyle& style = {});

// Appends `s` as a JSON string literal with encoding/json's escaping.
void append_json_string(std::string& out, std::string_view s, bool escape_html = true);

}  // namespace oc::core
