#include "helm/go_unicode.h"

namespace oc::helm {

namespace {

struct RuneRange {
  uint32_t lo, hi;
};
struct CaseRange {
  uint32_t lo, hi;
  int32_t delta[3];  // upper, lower, title
};

#include "helm/go_unicode_tables.inc"

constexpr int32_t kUpperLower = 0x110000;  // unicode.UpperLower (MaxRune + 1)

template <size_t N>
bool in_table(const RuneRange (&t)[N], uint32_t r) {
  size_t lo = 0, hi = N;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (r < t[mid].lo) {
      hi = mid;
    } else if (r > t[mid].hi) {
      lo = mid + 1;
    } else {
      return true;
    }
  }
  return false;
}

// unicode.to(_case, r, CaseRanges)
uint32_t to_case(int which, uint32_t r) {
  if (r > 0x10FFFF) return kRuneError;
  size_t lo = 0, hi = sizeof(kGoCaseRanges) / sizeof(kGoCaseRanges[0]);
  while (lo < hi) {
    size_t m = lo + (hi - lo) / 2;
    const CaseRange& cr = kGoCaseRanges[m];
    if (cr.lo <= r && r <= cr.hi) {
      int32_t delta = cr.delta[which];
      if (delta == kUpperLower) {
        // UpperLower: alternating pairs starting at lo; upper is even offset, lower odd.
        // Go: return CaseRange.Lo + ((r-Lo)&^1 | _case&1) with _case 0=upper 1=lower 2=title.
        return cr.lo + (((r - cr.lo) & ~1u) | static_cast<uint32_t>(which & 1));
      }
      return static_cast<uint32_t>(static_cast<int32_t>(r) + delta);
    }
    if (r < cr.lo) {
      hi = m;
    } else {
      lo = m + 1;
    }
  }
  return r;
}

const char kLowerHex[] = "0123456789abcdef";

}  // namespace

uint32_t decode_rune(std::string_view s, size_t i, size_t* width) {
  if (i >= s.size()) {
    *width = 0;
    return kRuneError;
  }
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) {
    *width = 1;
    return c;
  }
  size_t n = s.size() - i;
  auto cont = [&](size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) {
    if (n >= 2 && cont(i + 1)) {
      *width = 2;
      return (uint32_t(c & 0x1F) << 6) | (b(i + 1) & 0x3F);
    }
  } else if (c >= 0xE0 && c <= 0xEF) {
    if (n >= 3 && cont(i + 1) && cont(i + 2)) {
      unsigned char c1 = b(i + 1);
      bool ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 > 0x9F);
      if (ok) {
        *width = 3;
        return (uint32_t(c & 0x0F) << 12) | (uint32_t(c1 & 0x3F) << 6) | (b(i + 2) & 0x3F);
      }
    }
  } else if (c >= 0xF0 && c <= 0xF4) {
    if (n >= 4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      unsigned char c1 = b(i + 1);
      bool ok = !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 > 0x8F);
      if (ok) {
        *width = 4;
        return (uint32_t(c & 0x07) << 18) | (uint32_t(c1 & 0x3F) << 12) |
               (uint32_t(b(i + 2) & 0x3F) << 6) | (b(i + 3) & 0x3F);
      }
    }
  }
  *width = 1;
  return kRuneError;
}

uint32_t decode_last_rune(std::string_view s, size_t end, size_t* width) {
  if (end == 0) {
    *width = 0;
    return kRuneError;
  }
  size_t start = end - 1;
  if (static_cast<unsigned char>(s[start]) < 0x80) {
    *width = 1;
    return static_cast<unsigned char>(s[start]);
  }
  size_t lim = end >= 4 ? end - 4 : 0;
  while (start > lim && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  size_t w = 0;
  uint32_t r = decode_rune(s.substr(0, end), start, &w);
  if (start + w != end) {
    *width = 1;
    return kRuneError;
  }
  *width = w;
  return r;
}

void append_rune(std::string& out, uint32_t r) {
  if ((r >= 0xD800 && r <= 0xDFFF) || r > 0x10FFFF) r = kRuneError;
  if (r < 0x80) {
    out.push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (r >> 6)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (r >> 12)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (r >> 18)));
    out.push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

size_t rune_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    decode_rune(s, i, &w);
    i += w;
    ++n;
  }
  return n;
}

bool go_is_letter(uint32_t r) {
  if (r < 0x80) return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
  return in_table(kGoLetter, r);
}
bool go_is_digit(uint32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  return in_table(kGoDigit, r);
}
bool go_is_space(uint32_t r) {
  return in_table(kGoSpace, r);
}
bool go_is_upper(uint32_t r) {
  if (r < 0x80) return r >= 'A' && r <= 'Z';
  return in_table(kGoUpper, r);
}
bool go_is_lower(uint32_t r) {
  if (r < 0x80) return r >= 'a' && r <= 'z';
  return in_table(kGoLower, r);
}
bool go_is_title(uint32_t r) {
  return in_table(kGoTitle, r);
}
bool go_is_punct(uint32_t r) {
  return in_table(kGoPunct, r);
}
bool go_is_mark(uint32_t r) {
  return in_table(kGoMark, r);
}
bool go_is_number(uint32_t r) {
  return in_table(kGoNumber, r);
}
bool go_is_graphic(uint32_t r) {
  return in_table(kGoGraphic, r);
}
bool go_is_print(uint32_t r) {
  if (r >= 0x20 && r <= 0x7E) return true;
  if (r < 0x80) return false;
  return in_table(kStrconvPrint, r);
}

uint32_t go_to_upper(uint32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  return to_case(0, r);
}
uint32_t go_to_lower(uint32_t r) {
  if (r < 0x80) return (r >= 'A' && r <= 'Z') ? r + 32 : r;
  return to_case(1, r);
}
uint32_t go_to_title(uint32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') ? r - 32 : r;
  return to_case(2, r);
}

namespace {

// strings.Map with a rune mapping: invalid bytes become U+FFFD only when the mapping changes
// something (Go keeps the input as is when no rune changes).
template <class F>
std::string map_runes(std::string_view s, F f) {
  bool ascii = true;
  for (unsigned char c : s) {
    if (c >= 0x80) {
      ascii = false;
      break;
    }
  }
  std::string out;
  out.reserve(s.size());
  if (ascii) {
    out.resize(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      out[i] = static_cast<char>(f(static_cast<unsigned char>(s[i])));
    }
    return out;
  }
  bool changed = false;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    uint32_t r = decode_rune(s, i, &w);
    uint32_t m = f(r);
    if (m != r || r == kRuneError) changed = true;
    append_rune(out, m);
    i += w;
  }
  if (!changed) return std::string(s);
  return out;
}

bool is_separator(uint32_t r) {
  // strings.isSeparator (used by the deprecated strings.Title)
  if (r <= 0x7F) {
    if ((r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || r == '_')
      return false;
    return true;
  }
  if (go_is_letter(r) || go_is_digit(r)) return false;
  return go_is_space(r);
}

}  // namespace

std::string go_strings_to_upper(std::string_view s) {
  return map_runes(s, go_to_upper);
}
std::string go_strings_to_lower(std::string_view s) {
  return map_runes(s, go_to_lower);
}

std::string go_strings_title(std::string_view s) {
  uint32_t prev = ' ';
  return map_runes(s, [&prev](uint32_t r) {
    uint32_t out = is_separator(prev) ? go_to_title(r) : r;
    prev = r;
    return out;
  });
}

namespace {

void append_escaped_rune(std::string& out, uint32_t r, char quote, bool ascii_only) {
  if (r == static_cast<uint32_t>(quote) || r == '\\') {
    out.push_back('\\');
    out.push_back(static_cast<char>(r));
    return;
  }
  if (ascii_only) {
    if (r < 0x80 && go_is_print(r)) {
      out.push_back(static_cast<char>(r));
      return;
    }
  } else if (go_is_print(r)) {
    append_rune(out, r);
    return;
  }
  switch (r) {
    case '\a':
      out += "\\a";
      return;
    case '\b':
      out += "\\b";
      return;
    case '\f':
      out += "\\f";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\r':
      out += "\\r";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\v':
      out += "\\v";
      return;
    default:
      break;
  }
  if (r < ' ' || r == 0x7f) {
    out += "\\x";
    out.push_back(kLowerHex[(r >> 4) & 0xF]);
    out.push_back(kLowerHex[r & 0xF]);
    return;
  }
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  if (r < 0x10000) {
    out += "\\u";
    for (int sh = 12; sh >= 0; sh -= 4) out.push_back(kLowerHex[(r >> sh) & 0xF]);
  } else {
    out += "\\U";
    for (int sh = 28; sh >= 0; sh -= 4) out.push_back(kLowerHex[(r >> sh) & 0xF]);
  }
}

}  // namespace

void append_go_quote(std::string& out, std::string_view s, bool ascii_only) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
        size_t j = i + 1;  // the whole run of printable ASCII at once
        while (j < s.size() && s[j] >= 0x20 && s[j] < 0x7F && s[j] != '"' && s[j] != '\\') ++j;
        out.append(s.data() + i, j - i);
        i = j;
        continue;
      }
      append_escaped_rune(out, c, '"', ascii_only);
      ++i;
      continue;
    }
    size_t w;
    uint32_t r = decode_rune(s, i, &w);
    if (w == 1 && r == kRuneError) {
      out += "\\x";
      out.push_back(kLowerHex[c >> 4]);
      out.push_back(kLowerHex[c & 0xF]);
      ++i;
      continue;
    }
    append_escaped_rune(out, r, '"', ascii_only);
    i += w;
  }
  out.push_back('"');
}

std::string go_quote(std::string_view s, bool ascii_only) {
  std::string out;
  out.reserve(s.size() + 2);
  append_go_quote(out, s, ascii_only);
  return out;
}

std::string go_quote_rune(uint32_t r, bool ascii_only) {
  std::string out = "'";
  if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = kRuneError;
  append_escaped_rune(out, r, '\'', ascii_only);
  out.push_back('\'');
  return out;
}

bool go_can_backquote(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t w;
    uint32_t r = decode_rune(s, i, &w);
    i += w;
    if (w > 1) {
      if (r == 0xFEFF) return false;
      continue;
    }
    if (r == kRuneError) return false;
    if ((r < ' ' && r != '\t') || r == '`' || r == 0x7F) return false;
  }
  return true;
}

namespace {
int unhex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool go_unquote_char(std::string_view s, size_t* i, char quote, uint32_t* value, bool* multibyte) {
  *multibyte = false;
  if (*i >= s.size()) return false;
  unsigned char c = static_cast<unsigned char>(s[*i]);
  if (c == static_cast<unsigned char>(quote) && (quote == '\'' || quote == '"')) return false;
  if (c >= 0x80) {
    size_t w;
    *value = decode_rune(s, *i, &w);
    *i += w;
    *multibyte = true;
    return true;
  }
  if (c != '\\') {
    *value = c;
    *i += 1;
    return true;
  }
  if (*i + 1 >= s.size()) return false;
  char e = s[*i + 1];
  size_t p = *i + 2;
  switch (e) {
    case 'a':
      *value = '\a';
      break;
    case 'b':
      *value = '\b';
      break;
    case 'f':
      *value = '\f';
      break;
    case 'n':
      *value = '\n';
      break;
    case 'r':
      *value = '\r';
      break;
    case 't':
      *value = '\t';
      break;
    case 'v':
      *value = '\v';
      break;
    case 'x':
    case 'u':
    case 'U': {
      size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s.size() - p < n) return false;
      uint32_t v = 0;
      for (size_t j = 0; j < n; ++j) {
        int x = unhex(s[p + j]);
        if (x < 0) return false;
        v = (v << 4) | static_cast<uint32_t>(x);
      }
      p += n;
      if (e != 'x') {
        if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
        *multibyte = true;
      }
      *value = v;
      break;
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      uint32_t v = static_cast<uint32_t>(e - '0');
      if (s.size() - p < 2) return false;
      for (size_t j = 0; j < 2; ++j) {
        int x = s[p + j] - '0';
        if (x < 0 || x > 7) return false;
        v = (v << 3) | static_cast<uint32_t>(x);
      }
      p += 2;
      if (v > 255) return false;
      *value = v;
      break;
    }
    case '\\':
      *value = '\\';
      break;
    case '\'':
    case '"':
      if (e != quote) return false;
      *value = static_cast<uint32_t>(e);
      break;
    default:
      return false;
  }
  *i = p;
  return true;
}

bool go_unquote(std::string_view in, std::string* out) {
  if (in.size() < 2) return false;
  char quote = in[0];
  if (quote == '`') {
    if (in.back() != '`') return false;
    std::string_view body = in.substr(1, in.size() - 2);
    if (body.find('`') != std::string_view::npos) return false;
    out->clear();
    for (char c : body) {
      if (c != '\r') out->push_back(c);
    }
    return true;
  }
  if (quote != '"' && quote != '\'') return false;
  if (in.back() != quote) return false;
  if (quote == '"') {
    // Most literals are plain ASCII: no escapes, so the body is the value.
    std::string_view body = in.substr(1, in.size() - 2);
    bool plain = true;
    for (char c : body) {
      auto b = static_cast<unsigned char>(c);
      if (b >= 0x80 || b == '\\' || b == '"' || b == '\n') {
        plain = false;
        break;
      }
    }
    if (plain) {
      out->assign(body);
      return true;
    }
  }
  out->clear();
  size_t i = 1;
  size_t end = in.size() - 1;
  std::string_view body = in.substr(0, end);
  size_t count = 0;
  while (i < end) {
    if (in[i] == '\n') return false;
    uint32_t v;
    bool mb;
    if (!go_unquote_char(body, &i, quote, &v, &mb)) return false;
    if (v < 0x80 || !mb) {
      out->push_back(static_cast<char>(v));
    } else {
      append_rune(*out, v);
    }
    ++count;
  }
  if (quote == '\'') {
    // A rune literal holds exactly one character.
    if (count != 1) return false;
  }
  return true;
}

}  // namespace oc::helm
