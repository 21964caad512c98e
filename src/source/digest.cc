#include "source/digest.h"

#include <openssl/evp.h>

namespace oc::source::detail {

struct Hasher::Ctx {
  EVP_MD_CTX* md = nullptr;
  ~Ctx() { EVP_MD_CTX_free(md); }
};

core::Result<Hasher> Hasher::create(std::string_view algorithm) {
  const EVP_MD* md = nullptr;
  if (algorithm == "sha256") md = EVP_sha256();
  if (algorithm == "sha384") md = EVP_sha384();
  if (algorithm == "sha512") md = EVP_sha512();
  if (!md) return core::Error("unsupported digest algorithm \"" + std::string(algorithm) + "\"");
  Hasher h;
  h.algorithm_ = std::string(algorithm);
  h.ctx_ = std::make_unique<Ctx>();
  h.ctx_->md = EVP_MD_CTX_new();
  if (!h.ctx_->md || EVP_DigestInit_ex(h.ctx_->md, md, nullptr) != 1) {
    return core::Error("cannot initialise " + h.algorithm_);
  }
  return h;
}

Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;
Hasher::~Hasher() = default;

void Hasher::update(const void* data, size_t n) {
  if (n) EVP_DigestUpdate(ctx_->md, data, n);
}

std::string Hasher::finish_hex() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_->md, out, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 15];
  }
  return hex;
}

core::Result<ParsedDigest> parse_digest(std::string_view digest) {
  ParsedDigest d;
  size_t colon = digest.find(':');
  std::string_view hex = digest;
  d.algorithm = "sha256";
  if (colon != std::string_view::npos) {
    d.algorithm = std::string(digest.substr(0, colon));
    hex = digest.substr(colon + 1);
  }
  size_t want = d.algorithm == "sha256"   ? 64
                : d.algorithm == "sha384" ? 96
                : d.algorithm == "sha512" ? 128
                                          : 0;
  if (want == 0)
    return core::Error("unsupported digest algorithm in \"" + std::string(digest) + "\"");
  if (hex.size() != want) return core::Error("malformed digest \"" + std::string(digest) + "\"");
  for (char c : hex) {
    if (c >= 'A' && c <= 'F') c = char(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return core::Error("malformed digest \"" + std::string(digest) + "\"");
    }
    d.hex += c;
  }
  return d;
}

std::string sha256_digest(std::string_view data) {
  auto h = Hasher::create("sha256");
  h->update(data.data(), data.size());
  return "sha256:" + h->finish_hex();
}

}  // namespace oc::source::detail
