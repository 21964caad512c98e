// libFuzzer target for the Go text/template engine (src/helm): any input must parse or fail with
// Go's error shape, in bounded time and memory, and never crash:
//   - a parse error reads "template: tpl:LINE: …" and its position lies inside the input;
//   - parsing is deterministic (a second parse gives the same trees or the same error);
//   - input that parses is executed with tight limits (steps, output, collections) against a
//     small values tree; it renders or fails, and the output respects the limit.
// Key generation and password hashing are left out of execution (inputs naming them are only
// parsed): one RSA key takes seconds under ASan and says nothing about the template engine.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "helm/funcs.h"
#include "helm/render.h"
#include "helm/template_parser.h"
#include "helm/values.h"

using namespace oc::helm;

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "gotemplate property failed: %s\n  detail: %s\n", what, detail.c_str());
  std::abort();
}

bool names_slow_function(std::string_view text) {
  for (std::string_view f : {"genPrivateKey", "genCA", "genSelfSignedCert", "genSignedCert",
                             "bcrypt", "htpasswd", "derivePassword"}) {
    if (text.find(f) != std::string_view::npos) return true;
  }
  return false;
}

const oc::core::Node& values() {
  static const oc::core::Node v = [] {
    auto r = parse_values_yaml(
        "a: 1\nf: 1.5\ns: str\nu: \"ünï\"\nb: true\nn: null\nl: [x, 2, {k: v}]\n"
        "m: {d: e, z: [1, 2]}\nt: '{{ .Values.s }}'\n");
    if (!r.ok()) fail("values do not parse", r.error().message);
    return *r;
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto src = std::make_shared<const std::string>(text);
  auto first = parse_template("tpl", src, helm_func_table());
  auto second = parse_template("tpl", src, helm_func_table());
  if (first.ok() != second.ok()) fail("parsing is not deterministic", std::string(text));
  if (!first.ok()) {
    const auto& e = first.error();
    if (e.message != second.error().message) fail("parse error differs between runs", e.message);
    if (e.message.rfind("template: tpl:", 0) != 0)
      fail("parse error without Go's prefix", e.message);
    if (e.file != "tpl" || e.line < 1 || e.column < 1)
      fail("parse error without a position", e.message);
    // The line is that of the token the parser stopped at, which may be one past the last
    // newline (an unclosed action at EOF).
    size_t lines = 1;
    for (char c : text) lines += c == '\n';
    if (static_cast<size_t>(e.line) > lines) fail("parse error line past the input", e.message);
    return 0;
  }
  if (first->size() != second->size()) fail("parsing gives different template sets", "");

  if (names_slow_function(text)) return 0;
  RenderOptions opts;
  opts.limits.max_steps = 200'000;
  opts.limits.max_output_bytes = 1 << 20;
  opts.limits.max_collection = 100'000;
  auto out = render_template_text(text, values(), opts);
  if (out.ok() && out->size() > opts.limits.max_output_bytes) {
    fail("output larger than the limit", std::to_string(out->size()));
  }
  if (!out.ok() && out.error().message.empty()) fail("execution error without a message", "");
  return 0;
}
