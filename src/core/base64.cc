#include "core/base64.h"

namespace oc::core {

namespace {
const char* alphabet_of(Base64 a) {
  return (a == Base64::kStd || a == Base64::kRawStd)
             ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
             : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}
bool padded(Base64 a) { return a == Base64::kStd || a == Base64::kUrl; }
}  // namespace

std::string base64_encode(std::string_view s, Base64 a) {
  const char* k = alphabet_of(a);
  std::string out;
  out.reserve((s.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t v = (uint8_t(s[i]) << 16) | (uint8_t(s[i + 1]) << 8) | uint8_t(s[i + 2]);
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += k[v & 63];
  }
  if (i < s.size()) {
    uint32_t v = uint8_t(s[i]) << 16;
    bool two = i + 1 < s.size();
    if (two) v |= uint8_t(s[i + 1]) << 8;
    out += k[v >> 18];
    out += k[(v >> 12) & 63];
    if (two) {
      out += k[(v >> 6) & 63];
    } else if (padded(a)) {
      out += '=';
    }
    if (padded(a)) out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text, Base64 a) {
  // Reverse alphabets, built once: -1 marks a byte outside the alphabet.
  struct Reverse {
    int8_t v[256];
    explicit Reverse(const char* k) {
      for (auto& r : v) r = -1;
      for (int i = 0; i < 64; ++i) v[uint8_t(k[i])] = int8_t(i);
    }
  };
  static const Reverse kStdRev(alphabet_of(Base64::kStd)), kUrlRev(alphabet_of(Base64::kUrl));
  const int8_t* rev = (a == Base64::kStd || a == Base64::kRawStd) ? kStdRev.v : kUrlRev.v;
  // Line breaks are skipped (PEM-style wrapping); most inputs have none and are read in place.
  std::string clean;
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    clean.reserve(text.size());
    for (char c : text) {
      if (c != '\r' && c != '\n') clean.push_back(c);
    }
    text = clean;
  }
  size_t pad = 0;
  if (padded(a)) {
    if (text.size() % 4 != 0) return std::nullopt;
    while (pad < 2 && !text.empty() && text[text.size() - 1 - pad] == '=') ++pad;
  } else if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  size_t n = text.size() - pad;
  std::string out(n * 6 / 8, '\0');
  char* o = out.data();
  uint32_t buf = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    int8_t v = rev[uint8_t(text[i])];
    if (v < 0) return std::nullopt;
    buf = (buf << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *o++ = char((buf >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace oc::core
