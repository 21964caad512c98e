// libFuzzer target for the YAML reader and writer. Besides "no crash, no leak", it checks the
// round-trip property: whatever parses, written back in each style, parses to an equal tree.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/scalar.h"
#include "core/yaml.h"

using namespace oc::core;

static void check(bool ok, const char* what, std::string_view out) {
  if (ok) return;
  std::fprintf(stderr, "round-trip property failed: %s\n--- written:\n%.*s\n", what,
               int(out.size()), out.data());
  std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseOptions opts;
  opts.max_depth = 64;
  opts.max_alias_nodes = 10000;
  auto docs = parse_yaml_stream(text, opts);
  if (!docs.ok()) return 0;
  for (const YamlStyle& style : {YamlStyle(), YamlStyle::sops()}) {
    std::string out = write_yaml_stream(*docs, style);
    ParseOptions again_opts = opts;
    again_opts.allow_duplicate_keys = true;
    auto again = parse_yaml_stream(out, again_opts);
    std::string why = again.ok() ? "" : "reparse: " + again.error().to_string();
    check(again.ok(), why.c_str(), out);
    check(again->size() == docs->size(), "document count", out);
    for (size_t i = 0; i < docs->size(); ++i) check((*docs)[i] == (*again)[i], "equal tree", out);
  }
  for (const Node& d : *docs) {
    auto model = to_json_model(d, Schema::kYaml12);
    if (model.ok()) {
      std::string out = write_yaml(*model, YamlStyle::kustomize());
      auto again = parse_yaml(out);
      check(again.ok(), "canonical form parses", out);
    }
    (void)to_json_model(d, Schema::kYaml11);
  }
  return 0;
}
