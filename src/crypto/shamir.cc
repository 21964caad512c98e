#include "crypto/shamir.h"

#include <set>

namespace oc::crypto {

namespace {

// Constant-time multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
uint8_t mult(uint8_t a, uint8_t b) {
  uint8_t acc = 0;
  for (int i = 7; i >= 0; --i) {
    uint8_t bit = (b >> i) & 1;
    uint8_t a_or_zero = uint8_t(-bit) & a;
    uint8_t reduce = uint8_t(-(acc >> 7)) & 0x1B;
    acc = a_or_zero ^ (reduce ^ uint8_t(acc + acc));
  }
  return acc;
}

uint8_t inverse(uint8_t a) {
  // a^254 = a^-1.
  uint8_t b = mult(a, a), c = mult(a, b);
  b = mult(c, c);
  b = mult(b, b);
  c = mult(b, c);
  b = mult(b, b);
  b = mult(b, b);
  b = mult(b, c);
  b = mult(b, b);
  b = mult(a, b);
  return mult(b, b);
}

uint8_t interpolate_at_zero(const std::vector<uint8_t>& xs, const std::vector<uint8_t>& ys) {
  uint8_t result = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    uint8_t basis = 1;
    for (size_t j = 0; j < xs.size(); ++j) {
      if (i == j) continue;
      uint8_t num = xs[j], den = uint8_t(xs[i] ^ xs[j]);
      basis = mult(basis, mult(num, inverse(den)));
    }
    result ^= mult(ys[i], basis);
  }
  return result;
}

}  // namespace

core::Result<std::vector<SecretBytes>> shamir_split(const SecretBytes& secret, int parts,
                                                    int threshold) {
  if (parts < threshold) return core::Error("parts cannot be less than threshold");
  if (parts > 255) return core::Error("parts cannot exceed 255");
  if (threshold < 2) return core::Error("threshold must be at least 2");
  if (secret.empty()) return core::Error("cannot split an empty secret");
  std::vector<SecretBytes> out;
  for (int i = 0; i < parts; ++i) {
    out.emplace_back(secret.size() + 1);
    out.back().data()[secret.size()] = uint8_t(i + 1);
  }
  SecretBytes coeff{static_cast<size_t>(threshold)};
  for (size_t idx = 0; idx < secret.size(); ++idx) {
    coeff.data()[0] = secret.data()[idx];
    random_bytes(coeff.data() + 1, size_t(threshold - 1));
    for (int i = 0; i < parts; ++i) {
      uint8_t x = uint8_t(i + 1), y = coeff.data()[threshold - 1];
      for (int d = threshold - 2; d >= 0; --d) y = uint8_t(mult(y, x) ^ coeff.data()[d]);
      out[size_t(i)].data()[idx] = y;
    }
  }
  return out;
}

core::Result<SecretBytes> shamir_combine(const std::vector<SecretBytes>& parts) {
  if (parts.size() < 2)
    return core::Error("less than two parts cannot be used to reconstruct the secret");
  size_t len = parts[0].size();
  if (len < 2) return core::Error("parts must be at least two bytes");
  std::vector<uint8_t> xs, ys(parts.size());
  std::set<uint8_t> seen;
  for (const auto& p : parts) {
    if (p.size() != len) return core::Error("all parts must be the same length");
    uint8_t x = p.data()[len - 1];
    if (!seen.insert(x).second) return core::Error("duplicate part detected");
    xs.push_back(x);
  }
  SecretBytes secret(len - 1);
  for (size_t idx = 0; idx + 1 < len; ++idx) {
    for (size_t i = 0; i < parts.size(); ++i) ys[i] = parts[i].data()[idx];
    secret.data()[idx] = interpolate_at_zero(xs, ys);
  }
  return secret;
}

}  // namespace oc::crypto
