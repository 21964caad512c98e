// The sops dotenv store (getsops/sops stores/dotenv/store.go): KEY=VALUE lines split at the
// first '=', no trimming and no quotes, "\n" escapes for newlines, '#' lines as comments.
#include "core/scalar.h"
#include "crypto/sops_formats.h"

namespace oc::crypto::sops::formats {

namespace {

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  size_t p = 0;
  for (;;) {
    size_t q = s.find(from, p);
    if (q == std::string_view::npos) break;
    out.append(s, p, q - p);
    out += to;
    p = q + from.size();
  }
  out.append(s, p);
  return out;
}

}  // namespace

std::string val_to_string(const Value& v) {
  switch (v.kind) {
    case Kind::kFloat: {
      std::string s = core::go_format_float(v.f, 'G', -1);
      if (s.find('.') == std::string::npos && s.find('E') == std::string::npos) {
        s = core::go_format_float(v.f, 'f', 1);
      }
      return s;
    }
    case Kind::kBool:
      return v.b ? "true" : "false";
    case Kind::kNull:
      return "<nil>";
    default:
      return to_bytes(v);
  }
}

core::Result<Branch> dotenv_load(std::string_view text, const std::string& file) {
  Branch b;
  size_t n = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++n;
    if (line.empty()) continue;
    if (line[0] == '#') {
      b.push_back(Item{Value::comment(std::string(line.substr(1))), Value()});
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return core::Error("invalid dotenv line (expected KEY=VALUE)", file, int(n));
    }
    b.push_back(Item{Value::str(std::string(line.substr(0, eq))),
                     Value::str(replace_all(line.substr(eq + 1), "\\n", "\n"))});
  }
  return b;
}

core::Result<std::string> dotenv_emit(const Branch& branch) {
  std::string out;
  for (const Item& it : branch) {
    if (it.value.kind == Kind::kMap || it.value.kind == Kind::kList) {
      return core::Error("cannot use complex value in dotenv file; offending key " +
                         to_bytes(it.key));
    }
    if (it.key.is_comment()) {
      out += "#" + it.key.text + "\n";
      continue;
    }
    std::string value = it.value.kind == Kind::kString ? replace_all(it.value.text, "\n", "\\n")
                                                       : val_to_string(it.value);
    out += to_bytes(it.key) + "=" + value + "\n";
  }
  return out;
}

}  // namespace oc::crypto::sops::formats
