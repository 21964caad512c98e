#include "crypto/age_format.h"

#include "core/base64.h"
#include "crypto/base64.h"

namespace oc::crypto::age {

namespace {

// Whole headers are small (a hybrid stanza is ~1.5 KB); this bounds hostile input.
constexpr size_t kMaxLine = size_t(1) << 20;
constexpr size_t kColumnsPerLine = 64;
constexpr size_t kBytesPerLine = kColumnsPerLine / 4 * 3;

core::Error header_error(std::string msg) {
  return core::Error("parsing age header: " + msg);
}

// Go's strings.Split(line without its "\n", " ").
std::vector<std::string> split_args(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  std::vector<std::string> parts;
  size_t p = 0;
  for (;;) {
    size_t sp = line.find(' ', p);
    parts.emplace_back(
        line.substr(p, sp == std::string_view::npos ? std::string_view::npos : sp - p));
    if (sp == std::string_view::npos) break;
    p = sp + 1;
  }
  return parts;
}

bool valid_arg(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c < 33 || c > 126) return false;
  }
  return true;
}

std::string quoted(std::string_view line) {
  std::string q = "\"";
  for (unsigned char c : line.substr(0, 80)) {
    if (c == '\n')
      q += "\\n";
    else if (c == '\r')
      q += "\\r";
    else if (c < 32 || c > 126)
      q += '?';
    else
      q += char(c);
  }
  return q + (line.size() > 80 ? "…\"" : "\"");
}

core::Result<std::string> read_full_line(BufferedSource& in) {
  auto line = in.read_line(kMaxLine);
  if (!line.ok()) return line.error();
  if (line->empty() || line->back() != '\n') return header_error("unexpected end of header");
  return line;
}

core::Result<Stanza> read_stanza(BufferedSource& in) {
  auto line = read_full_line(in);
  if (!line.ok()) return line.error();
  if (line->rfind("->", 0) != 0)
    return header_error("malformed stanza opening line: " + quoted(*line));
  auto parts = split_args(*line);
  if (parts[0] != "->" || parts.size() < 2)
    return header_error("malformed stanza: " + quoted(*line));
  for (size_t i = 1; i < parts.size(); ++i) {
    if (!valid_arg(parts[i])) return header_error("malformed stanza: " + quoted(*line));
  }
  Stanza s;
  s.type = parts[1];
  s.args.assign(parts.begin() + 2, parts.end());
  for (;;) {
    auto body = read_full_line(in);
    if (!body.ok()) return body.error();
    std::string_view text(*body);
    text.remove_suffix(1);
    uint8_t buf[kBytesPerLine + 3];
    std::optional<size_t> n;
    if (text.size() <= kColumnsPerLine + 4) n = base64::decode_strict(text, false, buf);
    if (!n) {
      if (text.rfind("---", 0) == 0 || text.rfind("->", 0) == 0) {
        return header_error("malformed body line " + quoted(*body) +
                            ": stanza ended without a short line");
      }
      return header_error("malformed body line " + quoted(*body));
    }
    if (*n > kBytesPerLine)
      return header_error("malformed body line " + quoted(*body) + ": too long");
    s.body.append(reinterpret_cast<const char*>(buf), *n);
    if (*n < kBytesPerLine) return s;  // a body always ends with a short line
  }
}

void append_wrapped(std::string& out, std::string_view body) {
  std::string b64 = core::base64_encode(body, core::Base64::kRawStd);
  for (size_t i = 0; i < b64.size(); i += kColumnsPerLine) {
    out.append(b64, i, kColumnsPerLine);
    if (i + kColumnsPerLine <= b64.size()) out.push_back('\n');
  }
  out.push_back('\n');
}

}  // namespace

core::Result<Header> parse_header(BufferedSource& in) {
  auto intro = in.read_line(kIntro.size());
  if (!intro.ok()) return header_error("unexpected intro");
  if (intro->empty()) return header_error("file is empty");
  if (*intro != kIntro) return header_error("unexpected intro: " + quoted(*intro));
  Header h;
  size_t total = kIntro.size();
  for (;;) {
    auto peek = in.peek(3);
    if (!peek.ok()) return peek.error();
    if (peek->size() < 3) return header_error("unexpected end of header");
    if (*peek == "---") {
      auto line = read_full_line(in);
      if (!line.ok()) return line.error();
      auto parts = split_args(*line);
      if (parts[0] != "---" || parts.size() != 2) {
        return header_error("malformed closing line: " + quoted(*line));
      }
      auto mac = parts[1].size() <= 64 ? base64::decode_strict(parts[1], false) : std::nullopt;
      if (!mac || mac->size() != 32)
        return header_error("malformed closing line: " + quoted(*line));
      h.mac = std::move(*mac);
      return h;
    }
    auto s = read_stanza(in);
    if (!s.ok()) return s.error();
    total += s->body.size() + s->type.size();
    for (const auto& a : s->args) total += a.size();
    if (total > (size_t(16) << 20)) return header_error("header too large");
    h.stanzas.push_back(std::move(*s));
  }
}

std::string marshal_without_mac(const Header& h) {
  std::string out(kIntro);
  for (const Stanza& s : h.stanzas) {
    out += "-> ";
    out += s.type;
    for (const auto& a : s.args) {
      out += ' ';
      out += a;
    }
    out += '\n';
    append_wrapped(out, s.body);
  }
  out += "---";
  return out;
}

std::string marshal(const Header& h) {
  std::string out = marshal_without_mac(h);
  out += ' ';
  out += core::base64_encode(h.mac, core::Base64::kRawStd);
  out += '\n';
  return out;
}

}  // namespace oc::crypto::age
