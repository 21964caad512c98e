// libFuzzer target for Flux's postBuild substitution (src/kube/envsubst.h): any input must
// substitute or fail cleanly, in bounded time and memory, and the outcomes must be consistent:
//   - a parse error is the same in both modes and in envsubst_parse_tree;
//   - after a successful parse, non-strict mode fails only with Go's substring panic;
//   - strict mode fails wherever non-strict fails, otherwise only on a missing variable;
//   - text without `$` (and without NUL, which ends the input in Go) comes back unchanged.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "kube/envsubst.h"

using namespace oc::kube;

static void fail(const char* what, std::string_view input, const std::string& detail) {
  std::fprintf(stderr, "envsubst property failed: %s\n  detail: %s\n  input size: %zu\n", what,
               detail.c_str(), input.size());
  std::abort();
}

static bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Short values keep the glob trims (O(value² · pattern)) cheap; names cover ASCII, Unicode
  // and digit-first identifiers.
  static const std::map<std::string, std::string> vars = {
      {"a", "abcABC123ABCabc"}, {"b", ""},  {"path", "/home/x/a.tar.gz"}, {"u", "ÉCOLE straße ǆ"},
      {"é", "ünï"},             {"n", "-3"}, {"bad", "x\xFFy"},           {"1", "1"}};

  auto tree = envsubst_parse_tree(text);
  auto loose = envsubst(text, vars, {.strict = false});
  auto strict = envsubst(text, vars, {.strict = true});

  if (!tree.ok()) {
    if (loose.ok() || loose.error().message != tree.error().message) {
      fail("parse error differs between parse_tree and envsubst", text, tree.error().message);
    }
    if (strict.ok() || strict.error().message != tree.error().message) {
      fail("parse error differs between modes", text, tree.error().message);
    }
    return 0;
  }
  if (!loose.ok() &&
      !starts_with(loose.error().message, "runtime error: slice bounds out of range")) {
    fail("non-strict evaluation failed after a clean parse", text, loose.error().message);
  }
  if (!loose.ok() && strict.ok()) fail("strict mode succeeded where non-strict failed", text, "");
  if (loose.ok() && !strict.ok() &&
      !starts_with(strict.error().message, "variable not set (strict mode): \"")) {
    fail("strict mode failed for another reason", text, strict.error().message);
  }
  if (text.find('$') == std::string_view::npos && text.find('\0') == std::string_view::npos) {
    if (!loose.ok() || *loose != text) fail("text without $ changed", text, "");
  }
  return 0;
}
