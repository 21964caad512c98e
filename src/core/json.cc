#include "core/json.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstring>

#include "core/utf8.h"

namespace oc::core {

namespace {

// --- reading -----------------------------------------------------------------------------

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

class JsonReader {
 public:
  JsonReader(std::string_view text, const JsonParseOptions& opts) : s_(text), opts_(opts) {}

  Result<Node> run() {
    if (s_.size() > opts_.max_bytes) {
      return Error("document is " + std::to_string(s_.size()) + " bytes, over the limit of " +
                       std::to_string(opts_.max_bytes),
                   opts_.file);
    }
    // A UTF-8 byte order mark is tolerated.
    if (s_.size() >= 3 && s_.compare(0, 3, "\xEF\xBB\xBF") == 0) p_ = 3;
    Node root;
    skip_ws();
    if (p_ >= s_.size()) return fail("unexpected end of JSON input");
    if (!value(root, 0)) return std::move(err_);
    skip_ws();
    if (p_ < s_.size()) return fail("invalid character " + quote_char() + " after top-level value");
    return root;
  }

 private:
  Error fail(std::string msg) {
    int line = 1, col = 1;
    for (size_t i = 0; i < p_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        col = 1;
      } else if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) {
        ++col;
      }
    }
    return Error(std::move(msg), opts_.file, line, col);
  }
  bool error(std::string msg) {
    err_ = fail(std::move(msg));
    return false;
  }
  std::string quote_char() const {
    if (p_ >= s_.size()) return "EOF";
    unsigned char c = s_[p_];
    if (c == '\'') return "'\\''";
    if (c == '"') return "'\"'";
    if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "'\\x%02x'", c);
      return buf;
    }
    size_t n = utf8_valid_len(s_, p_);
    return "'" + std::string(s_.substr(p_, n ? n : 1)) + "'";
  }
  void skip_ws() {
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        ++p_;
      } else {
        break;
      }
    }
  }
  bool value(Node& out, int depth) {
    if (p_ >= s_.size()) return error("unexpected end of JSON input");
    char c = s_[p_];
    switch (c) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"': {
        std::string str;
        if (!string(str)) return false;
        out = Node::scalar(std::move(str), ScalarType::kString);
        return true;
      }
      case 't':
        return literal("true", out, ScalarType::kBool);
      case 'f':
        return literal("false", out, ScalarType::kBool);
      case 'n':
        return literal("null", out, ScalarType::kNull);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number(out);
        return error("invalid character " + quote_char() + " looking for beginning of value");
    }
  }

  bool literal(std::string_view word, Node& out, ScalarType type) {
    if (s_.compare(p_, word.size(), word) != 0) {
      size_t i = 0;
      while (i < word.size() && p_ + i < s_.size() && s_[p_ + i] == word[i]) ++i;
      p_ += i;
      if (p_ >= s_.size()) return error("unexpected end of JSON input");
      return error("invalid character " + quote_char() + " in literal " + std::string(word) +
                   " (expecting '" + word[i] + "')");
    }
    p_ += word.size();
    out = Node::scalar(type == ScalarType::kNull ? "" : std::string(word), type);
    return true;
  }

  bool number(Node& out) {
    size_t start = p_;
    bool is_float = false;
    if (s_[p_] == '-') ++p_;
    if (p_ >= s_.size()) return error("unexpected end of JSON input");
    if (s_[p_] == '0') {
      ++p_;
    } else if (s_[p_] >= '1' && s_[p_] <= '9') {
      while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') ++p_;
    } else {
      return error("invalid character " + quote_char() + " in numeric literal");
    }
    if (p_ < s_.size() && s_[p_] == '.') {
      is_float = true;
      ++p_;
      if (p_ >= s_.size()) return error("unexpected end of JSON input");
      if (!(s_[p_] >= '0' && s_[p_] <= '9')) {
        return error("invalid character " + quote_char() + " after decimal point in numeric literal");
      }
      while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') ++p_;
    }
    if (p_ < s_.size() && (s_[p_] == 'e' || s_[p_] == 'E')) {
      is_float = true;
      ++p_;
      if (p_ < s_.size() && (s_[p_] == '+' || s_[p_] == '-')) ++p_;
      if (p_ >= s_.size()) return error("unexpected end of JSON input");
      if (!(s_[p_] >= '0' && s_[p_] <= '9')) {
        return error("invalid character " + quote_char() + " in exponent of numeric literal");
      }
      while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') ++p_;
    }
    out = Node::scalar(std::string(s_.substr(start, p_ - start)),
                       is_float ? ScalarType::kFloat : ScalarType::kInt);
    return true;
  }

  static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool read_hex4(uint32_t& v) {
    if (p_ + 4 > s_.size()) {
      p_ = s_.size();
      return error("unexpected end of JSON input");
    }
    v = 0;
    for (int k = 0; k < 4; ++k) {
      int h = hexval(s_[p_]);
      if (h < 0) return error("invalid character " + quote_char() + " in \\u hexadecimal character escape");
      v = (v << 4) | uint32_t(h);
      ++p_;
    }
    return true;
  }

  bool string(std::string& out) {
    ++p_;  // opening quote
    for (;;) {
      // Copy the run of ordinary ASCII bytes in one go.
      size_t run = p_;
      while (run < s_.size()) {
        unsigned char c = s_[run];
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
        ++run;
      }
      out.append(s_.data() + p_, run - p_);
      p_ = run;
      if (p_ >= s_.size()) return error("unexpected end of JSON input");
      unsigned char c = s_[p_];
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c < 0x20) return error("invalid character " + quote_char() + " in string literal");
      if (c >= 0x80) {
        size_t n = utf8_valid_len(s_, p_);
        if (n == 0) {
          out += kReplacement;
          ++p_;
        } else {
          out.append(s_.data() + p_, n);
          p_ += n;
        }
        continue;
      }
      // Backslash escape.
      ++p_;
      if (p_ >= s_.size()) return error("unexpected end of JSON input");
      char e = s_[p_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!read_hex4(cp)) return false;
          if (cp >= 0xD800 && cp < 0xDC00) {
            // A surrogate pair, or U+FFFD when the low half is missing (Go's behaviour).
            if (p_ + 6 <= s_.size() && s_[p_] == '\\' && s_[p_ + 1] == 'u') {
              size_t save = p_;
              p_ += 2;
              uint32_t lo;
              if (!read_hex4(lo)) return false;
              if (lo >= 0xDC00 && lo < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
              } else {
                p_ = save;
                cp = 0xFFFD;
              }
            } else {
              cp = 0xFFFD;
            }
          } else if (cp >= 0xDC00 && cp < 0xE000) {
            cp = 0xFFFD;
          }
          utf8_append(out, cp);
          break;
        }
        default:
          --p_;
          return error("invalid character " + quote_char() + " in string escape code");
      }
    }
  }

  bool array(Node& out, int depth) {
    if (depth >= opts_.max_depth) {
      return error("document nested deeper than " + std::to_string(opts_.max_depth) + " levels");
    }
    ++p_;
    out = Node::sequence();
    skip_ws();
    if (p_ < s_.size() && s_[p_] == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_ws();
      Node item;
      if (!value(item, depth + 1)) return false;
      out.items().push_back(std::move(item));
      skip_ws();
      if (p_ >= s_.size()) return error("unexpected end of JSON input");
      if (s_[p_] == ',') {
        ++p_;
        continue;
      }
      if (s_[p_] == ']') {
        ++p_;
        return true;
      }
      return error("invalid character " + quote_char() + " after array element");
    }
  }

  bool object(Node& out, int depth) {
    if (depth >= opts_.max_depth) {
      return error("document nested deeper than " + std::to_string(opts_.max_depth) + " levels");
    }
    ++p_;
    out = Node::mapping();
    skip_ws();
    if (p_ < s_.size() && s_[p_] == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_ws();
      if (p_ >= s_.size()) return error("unexpected end of JSON input");
      if (s_[p_] != '"') {
        return error("invalid character " + quote_char() + " looking for beginning of object key string");
      }
      std::string key;
      if (!string(key)) return false;
      skip_ws();
      if (p_ >= s_.size()) return error("unexpected end of JSON input");
      if (s_[p_] != ':') return error("invalid character " + quote_char() + " after object key");
      ++p_;
      skip_ws();
      Node v;
      if (!value(v, depth + 1)) return false;
      out.entries().push_back(MapEntry{
          Node::scalar(std::move(key), ScalarType::kString),
          std::move(v)});
      skip_ws();
      if (p_ >= s_.size()) return error("unexpected end of JSON input");
      if (s_[p_] == ',') {
        ++p_;
        continue;
      }
      if (s_[p_] == '}') {
        ++p_;
        dedupe(out);
        return true;
      }
      return error("invalid character " + quote_char() + " after object key:value pair");
    }
  }

  // Go's decoder lets a repeated key overwrite the earlier value; keep the first position.
  static void dedupe(Node& obj) {
    auto& es = obj.entries();
    if (es.size() < 2) return;
    bool dup = false;
    if (es.size() <= 16) {
      for (size_t i = 1; i < es.size() && !dup; ++i) {
        for (size_t j = 0; j < i; ++j) {
          if (es[i].key.text() == es[j].key.text()) {
            dup = true;
            break;
          }
        }
      }
    } else {
      std::vector<std::string_view> keys;
      keys.reserve(es.size());
      for (const auto& e : es) keys.push_back(e.key.text());
      std::sort(keys.begin(), keys.end());
      dup = std::adjacent_find(keys.begin(), keys.end()) != keys.end();
    }
    if (!dup) return;
    std::vector<MapEntry> kept;
    for (auto& e : es) {
      auto it = std::find_if(kept.begin(), kept.end(),
                             [&](const MapEntry& k) { return k.key.text() == e.key.text(); });
      if (it != kept.end()) {
        it->value = std::move(e.value);
      } else {
        kept.push_back(std::move(e));
      }
    }
    es = std::move(kept);
  }

  std::string_view s_;
  const JsonParseOptions& opts_;
  size_t p_ = 0;
  Error err_;
};

// --- writing -----------------------------------------------------------------------------

class JsonWriter {
 public:
  JsonWriter(std::string& out, const JsonStyle& st) : out_(out), st_(st) {}

  Status value(const Node& n, int depth) {
    if (depth > 100000) return Error("document nested too deeply");
    switch (n.kind()) {
      case NodeKind::kScalar:
        return scalar(n);
      case NodeKind::kSequence: {
        if (n.items().empty()) {
          out_ += "[]";
          return Status();
        }
        out_.push_back('[');
        bool first = true;
        for (const auto& item : n.items()) {
          if (!first) out_.push_back(',');
          first = false;
          newline(depth + 1);
          if (Status s = value(item, depth + 1); !s.ok()) return s;
        }
        newline(depth);
        out_.push_back(']');
        return Status();
      }
      case NodeKind::kMapping: {
        if (n.entries().empty()) {
          out_ += "{}";
          return Status();
        }
        std::vector<std::pair<std::string, const Node*>> keyed;
        keyed.reserve(n.entries().size());
        for (const auto& e : n.entries()) {
          if (!e.key.is_scalar()) {
            return Error("JSON object keys must be strings; found a " +
                             std::string(e.key.is_mapping() ? "mapping" : "sequence") + " key",
                         "", int(e.key.mark().line), int(e.key.mark().column));
          }
          std::string k = e.key.text();
          if (e.key.is_null()) k = "";
          keyed.emplace_back(std::move(k), &e.value);
        }
        if (st_.sort_keys) {
          std::stable_sort(keyed.begin(), keyed.end(),
                           [](const auto& a, const auto& b) { return a.first < b.first; });
        }
        out_.push_back('{');
        bool first = true;
        for (const auto& [k, v] : keyed) {
          if (!first) out_.push_back(',');
          first = false;
          newline(depth + 1);
          append_json_string(out_, k, st_.escape_html);
          out_.push_back(':');
          if (!st_.indent.empty()) out_.push_back(' ');
          if (Status s = value(*v, depth + 1); !s.ok()) return s;
        }
        newline(depth);
        out_.push_back('}');
        return Status();
      }
    }
    return Status();
  }

 private:
  void newline(int depth) {
    if (st_.indent.empty()) return;
    out_.push_back('\n');
    for (int i = 0; i < depth; ++i) out_ += st_.indent;
  }

  Status scalar(const Node& n) {
    auto r = resolve(n, st_.schema);
    if (!r.ok()) return Error(r.error().message, "", int(n.mark().line), int(n.mark().column));
    const Scalar& s = *r;
    switch (s.type) {
      case Scalar::Type::kNull:
        out_ += "null";
        break;
      case Scalar::Type::kBool:
        out_ += s.b ? "true" : "false";
        break;
      case Scalar::Type::kInt:
        out_ += std::to_string(s.i);
        break;
      case Scalar::Type::kUint:
        out_ += std::to_string(s.u);
        break;
      case Scalar::Type::kFloat: {
        auto f = json_format_float(s.f);
        if (!f.ok()) return Error(f.error().message, "", int(n.mark().line), int(n.mark().column));
        out_ += *f;
        break;
      }
      case Scalar::Type::kString:
      case Scalar::Type::kTimestamp:
        append_json_string(out_, s.s, st_.escape_html);
        break;
    }
    return Status();
  }

  std::string& out_;
  const JsonStyle& st_;
};

}  // namespace

namespace {
// Bytes that end a run copied as is: control characters, '"', '\\', non-ASCII (checked as
// UTF-8), and with escape_html '<', '>', '&'. Helm's JSON output escapes megabytes of rendered
// manifests, a newline every few dozen bytes: runs are found 16 bytes at a time.
struct JsonSpecialBytes {
  bool plain[256] = {};
  bool html[256] = {};
  constexpr JsonSpecialBytes() {
    for (int c = 0; c < 256; ++c) {
      plain[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
      html[c] = plain[c] || c == '<' || c == '>' || c == '&';
    }
  }
};
constexpr JsonSpecialBytes kJsonSpecial;

// The index of the first special byte at or after i, or s.size().
size_t next_json_special(std::string_view s, size_t i, bool escape_html) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i lt = _mm_set1_epi8('<');
  const __m128i gt = _mm_set1_epi8('>');
  const __m128i amp = _mm_set1_epi8('&');
  for (; i + 16 <= s.size(); i += 16) {
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // A signed compare: bytes >= 0x80 are negative, so "< 0x20" also catches non-ASCII.
    __m128i m = _mm_or_si128(_mm_cmplt_epi8(b, space),
                             _mm_or_si128(_mm_cmpeq_epi8(b, quote), _mm_cmpeq_epi8(b, backslash)));
    if (escape_html) {
      m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(b, lt),
                                       _mm_or_si128(_mm_cmpeq_epi8(b, gt), _mm_cmpeq_epi8(b, amp))));
    }
    if (int mask = _mm_movemask_epi8(m)) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  const bool* special = escape_html ? kJsonSpecial.html : kJsonSpecial.plain;
  while (i < s.size() && !special[static_cast<unsigned char>(s[i])]) ++i;
  return i;
}
}  // namespace

void append_json_string(std::string& out, std::string_view s, bool escape_html) {
  static const char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + s.size() / 16 + 2);
  out.push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    size_t run = next_json_special(s, i, escape_html);
    out.append(s.data() + i, run - i);
    i = run;
    if (i >= s.size()) break;
    unsigned char c = s[i];
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
      }
      ++i;
      continue;
    }
    size_t n = utf8_valid_len(s, i);
    if (n == 0) {
      out += "\\ufffd";
      ++i;
      continue;
    }
    // U+2028 and U+2029 are escaped for JavaScript's sake, as encoding/json does.
    if (n == 3 && uint8_t(s[i]) == 0xE2 && uint8_t(s[i + 1]) == 0x80 &&
        (uint8_t(s[i + 2]) == 0xA8 || uint8_t(s[i + 2]) == 0xA9)) {
      out += uint8_t(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.data() + i, n);
    }
    i += n;
  }
  out.push_back('"');
}

Result<Node> parse_json(std::string_view text, const JsonParseOptions& opts) {
  JsonReader r(text, opts);
  return r.run();
}

Status append_json(std::string& out, const Node& node, const JsonStyle& style) {
  JsonWriter w(out, style);
  return w.value(node, 0);
}

Result<std::string> write_json(const Node& node, const JsonStyle& style) {
  std::string out;
  if (Status s = append_json(out, node, style); !s.ok()) return s.error();
  return out;
}

}  // namespace oc::core
