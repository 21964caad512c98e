#include "crypto/bech32.h"

#include <cstdint>
#include <vector>

namespace oc::crypto {

namespace {

constexpr char kCharset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr uint32_t kGenerator[] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

uint32_t polymod(const std::vector<uint8_t>& values) {
  uint32_t chk = 1;
  for (uint8_t v : values) {
    uint32_t top = chk >> 25;
    chk = (chk & 0x1ffffff) << 5 ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGenerator[i];
    }
  }
  return chk;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}
char upper(char c) {
  return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
}

std::vector<uint8_t> hrp_expand(std::string_view hrp) {
  std::vector<uint8_t> r;
  r.reserve(hrp.size() * 2 + 1);
  for (char c : hrp) r.push_back(uint8_t(lower(c)) >> 5);
  r.push_back(0);
  for (char c : hrp) r.push_back(uint8_t(lower(c)) & 31);
  return r;
}

}  // namespace

std::string bech32_encode(std::string_view hrp, std::string_view data) {
  std::vector<uint8_t> values;
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : data) {
    acc = acc << 8 | c;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      values.push_back((acc >> bits) & 31);
    }
  }
  if (bits > 0) values.push_back((acc << (5 - bits)) & 31);

  bool is_upper = false;
  for (char c : hrp) is_upper = is_upper || (c >= 'A' && c <= 'Z');
  std::vector<uint8_t> check = hrp_expand(hrp);
  check.insert(check.end(), values.begin(), values.end());
  check.insert(check.end(), 6, 0);
  uint32_t mod = polymod(check) ^ 1;

  std::string out;
  out.reserve(hrp.size() + 1 + values.size() + 6);
  for (char c : hrp) out.push_back(lower(c));
  out.push_back('1');
  for (uint8_t v : values) out.push_back(kCharset[v]);
  for (int p = 0; p < 6; ++p) out.push_back(kCharset[(mod >> (5 * (5 - p))) & 31]);
  if (is_upper) {
    for (char& c : out) c = upper(c);
  }
  return out;
}

core::Result<Bech32> bech32_decode(std::string_view s) {
  bool has_lower = false, has_upper = false;
  for (char c : s) {
    has_lower = has_lower || (c >= 'a' && c <= 'z');
    has_upper = has_upper || (c >= 'A' && c <= 'Z');
  }
  if (has_lower && has_upper) return core::Error("mixed case");
  size_t pos = s.rfind('1');
  if (pos == std::string_view::npos || pos < 1 || pos + 7 > s.size()) {
    return core::Error("separator '1' at invalid position");
  }
  Bech32 r;
  r.hrp = std::string(s.substr(0, pos));
  for (char c : r.hrp) {
    if (c < 33 || c > 126) return core::Error("invalid character in human-readable part");
  }
  std::vector<uint8_t> values;
  values.reserve(s.size() - pos - 1);
  for (char c : s.substr(pos + 1)) {
    const char* p = nullptr;
    char l = lower(c);
    for (const char* q = kCharset; *q; ++q) {
      if (*q == l) {
        p = q;
        break;
      }
    }
    if (!p) return core::Error("invalid character in data part");
    values.push_back(uint8_t(p - kCharset));
  }
  std::vector<uint8_t> check = hrp_expand(r.hrp);
  check.insert(check.end(), values.begin(), values.end());
  if (polymod(check) != 1) return core::Error("invalid checksum");
  values.resize(values.size() - 6);
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t v : values) {
    acc = acc << 5 | v;
    bits += 5;
    while (bits >= 8) {
      bits -= 8;
      r.data.push_back(char((acc >> bits) & 0xFF));
    }
  }
  if (bits >= 5) return core::Error("illegal zero padding");
  if ((acc << (8 - bits)) & 0xFF) return core::Error("non-zero padding");
  return r;
}

}  // namespace oc::crypto
