#include "crypto/base64.h"

#include <array>
#include <cstring>

namespace oc::crypto::base64 {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr uint8_t kInvalid = 0xFF;

constexpr std::array<uint8_t, 256> make_table() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = i;
  return t;
}
constexpr std::array<uint8_t, 256> kTable = make_table();

// The two characters of every 12-bit value: two lookups per 3 bytes instead of four (the armor
// writer encodes every byte of large armored files; this halves its time).
using CharPair = std::array<char, 2>;
constexpr std::array<CharPair, 4096> make_pairs() {
  std::array<CharPair, 4096> t{};
  for (size_t i = 0; i < 4096; ++i) t[i] = {kAlphabet[i >> 6], kAlphabet[i & 63]};
  return t;
}
constexpr std::array<CharPair, 4096> kPairs = make_pairs();

// Decodes groups of 4 characters without padding; `s` holds only the data characters.
// Returns the size written, or nullopt on a bad character or non-canonical tail.
std::optional<size_t> decode_unpadded(std::string_view s, uint8_t* out) {
  if (s.size() % 4 == 1) return std::nullopt;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  size_t full = s.size() / 4, o = 0;
  for (size_t g = 0; g < full; ++g, p += 4) {
    uint32_t a = kTable[p[0]], b = kTable[p[1]], c = kTable[p[2]], d = kTable[p[3]];
    if ((a | b | c | d) & 0x80) return std::nullopt;
    uint32_t v = a << 18 | b << 12 | c << 6 | d;
    out[o] = uint8_t(v >> 16);
    out[o + 1] = uint8_t(v >> 8);
    out[o + 2] = uint8_t(v);
    o += 3;
  }
  switch (s.size() % 4) {
    case 2: {
      uint32_t a = kTable[p[0]], b = kTable[p[1]];
      if ((a | b) & 0x80 || (b & 0x0F)) return std::nullopt;
      out[o++] = uint8_t(a << 2 | b >> 4);
      break;
    }
    case 3: {
      uint32_t a = kTable[p[0]], b = kTable[p[1]], c = kTable[p[2]];
      if ((a | b | c) & 0x80 || (c & 0x03)) return std::nullopt;
      out[o++] = uint8_t(a << 2 | b >> 4);
      out[o++] = uint8_t(b << 4 | c >> 2);
      break;
    }
    default:
      break;
  }
  return o;
}

// Strips the '=' padding of a padded encoding, checking it is well-formed.
std::optional<std::string_view> strip_padding(std::string_view s) {
  if (s.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  while (pad < 2 && pad < s.size() && s[s.size() - 1 - pad] == '=') ++pad;
  return s.substr(0, s.size() - pad);
}

}  // namespace

void encode(const uint8_t* in, size_t n, char* out, bool pad) {
  size_t i = 0;
  for (; i + 3 <= n; i += 3) {
    uint32_t v = uint32_t(in[i]) << 16 | uint32_t(in[i + 1]) << 8 | in[i + 2];
    std::memcpy(out, kPairs[v >> 12].data(), 2);
    std::memcpy(out + 2, kPairs[v & 0xFFF].data(), 2);
    out += 4;
  }
  size_t rest = n - i;
  if (rest == 1) {
    uint32_t v = uint32_t(in[i]) << 16;
    *out++ = kAlphabet[v >> 18];
    *out++ = kAlphabet[(v >> 12) & 63];
    if (pad) {
      *out++ = '=';
      *out++ = '=';
    }
  } else if (rest == 2) {
    uint32_t v = uint32_t(in[i]) << 16 | uint32_t(in[i + 1]) << 8;
    *out++ = kAlphabet[v >> 18];
    *out++ = kAlphabet[(v >> 12) & 63];
    *out++ = kAlphabet[(v >> 6) & 63];
    if (pad) *out++ = '=';
  }
}

std::optional<size_t> decode_strict(std::string_view s, bool padded, uint8_t* out) {
  if (padded) {
    auto body = strip_padding(s);
    if (!body) return std::nullopt;
    // A padded encoding of n bytes has exactly (3 - n % 3) % 3 '=' characters.
    if (body->size() % 4 == 1) return std::nullopt;
    return decode_unpadded(*body, out);
  }
  return decode_unpadded(s, out);
}

std::optional<std::string> decode_strict(std::string_view s, bool padded) {
  std::string out(s.size() / 4 * 3 + 2, '\0');
  auto n = decode_strict(s, padded, reinterpret_cast<uint8_t*>(out.data()));
  if (!n) return std::nullopt;
  out.resize(*n);
  return out;
}

}  // namespace oc::crypto::base64
