// YAML reading (libyaml underneath, plus comment recovery) and writing (our own emitter that
// reproduces go-yaml's output byte for byte, with comments).
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/node.h"

namespace oc::core {

struct ParseOptions {
  // Named in error messages ("file:line:column: …").
  std::string file;
  // Hostile-input bounds: a clear error instead of a crash or unbounded memory.
  size_t max_bytes = size_t(256) << 20;
  int max_depth = 1000;
  // Nodes created by expanding aliases may not exceed this many, nor 10× the nodes written
  // out in the source ("billion laughs").
  size_t max_alias_nodes = 1'000'000;
  // Attach comments to nodes (costs a little time; turn off for machine-written input).
  bool comments = true;
  // Duplicate keys in a mapping: an error (kyaml, sops) or the last one wins (go-yaml v2).
  bool allow_duplicate_keys = false;
};

// Parses a stream of YAML documents. An empty stream gives no documents; an empty document
// between `---` markers gives a null node.
Result<std::vector<Node>> parse_yaml_stream(std::string_view text, const ParseOptions& opts = {});

// Parses exactly one document (empty input gives a null node).
Result<Node> parse_yaml(std::string_view text, const ParseOptions& opts = {});

struct YamlStyle {
  // Spaces per level (2–9).
  int indent = 2;
  // false: `key:\n- a` (go-yaml v2, kubectl, kustomize); true: `key:\n  - a` (go-yaml v3).
  bool indent_sequences = false;
  // Long plain and quoted scalars fold after this column, like go-yaml v2; < 0 never folds.
  int width = 80;
  // Order mapping keys the way go-yaml v2 sorts map keys (`b9` before `b10`).
  bool sort_keys = false;
  // Write comments attached to nodes.
  bool comments = true;
  // Ignore source styles and tags: choose each scalar's style from its value the way go-yaml v2
  // marshals Go values (see to_json_model). false: keep the source's styles where valid.
  bool canonical = false;

  // What `kustomize build` and sigs.k8s.io/yaml write.
  static YamlStyle kustomize() {
    YamlStyle s;
    s.sort_keys = true;
    s.comments = false;
    s.canonical = true;
    return s;
  }
  // What sops writes (go-yaml v3, indent 4, no folding).
  static YamlStyle sops() {
    YamlStyle s;
    s.indent = 4;
    s.indent_sequences = true;
    s.width = -1;
    return s;
  }
};

// Writes one document, ending with a newline. Never fails: strings that are not valid UTF-8
// are written as `!!binary` base64 like go-yaml does.
std::string write_yaml(const Node& doc, const YamlStyle& style = {});
void append_yaml(std::string& out, const Node& doc, const YamlStyle& style = {});

// Writes documents separated by "---\n" (no leading separator), as kustomize joins resources.
std::string write_yaml_stream(const std::vector<Node>& docs, const YamlStyle& style = {});

// Writes the node as YAML (for diagnostics and test failure messages).
std::ostream& operator<<(std::ostream& os, const Node& node);

// go-yaml v2's map key order for two string keys (natural order: `a9` < `a10`).
bool yaml_v2_key_less(std::string_view a, std::string_view b);

}  // namespace oc::core
