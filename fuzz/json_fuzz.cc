// libFuzzer target for the JSON reader and writer: no crash, no leak, and whatever parses is
// written back and parses to an equal tree.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/json.h"

using namespace oc::core;

static void fail(const char* what, const std::string& text) {
  std::fprintf(stderr, "JSON round-trip property failed: %s\n--- written:\n%s\n", what,
               text.c_str());
  std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  JsonParseOptions opts;
  opts.max_depth = 128;
  auto doc = parse_json(text, opts);
  if (!doc.ok()) return 0;
  for (const char* indent : {"", "  "}) {
    JsonStyle st;
    st.indent = indent;
    auto out = write_json(*doc, st);
    if (!out.ok()) continue;  // numbers beyond float64 range have no JSON form
    // Writing reaches a fixed point after one round: numbers are written canonically
    // (1.50 → 1.5, and a float -0 reads back as the integer 0).
    auto again = parse_json(*out, opts);
    if (!again.ok()) fail("written JSON does not parse", *out);
    auto out2 = write_json(*again, st);
    if (!out2.ok()) fail("re-read JSON cannot be written", *out);
    auto again2 = parse_json(*out2, opts);
    if (!again2.ok()) fail("second write does not parse", *out2);
    auto out3 = write_json(*again2, st);
    if (!out3.ok() || *out3 != *out2) fail("writing is not stable", *out2);
  }
  return 0;
}
