// Content digests in the OCI form Flux uses ("sha256:<hex>"), on OpenSSL's EVP (digest.cc only).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace oc::source::detail {

// An incremental hash. Thread safety: one thread at a time.
class Hasher {
 public:
  // sha256, sha384 or sha512.
  static core::Result<Hasher> create(std::string_view algorithm);
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;
  ~Hasher();

  void update(const void* data, size_t n);
  // Lower-case hex of the digest; the hasher cannot be updated afterwards.
  std::string finish_hex();
  const std::string& algorithm() const { return algorithm_; }

 private:
  Hasher() = default;
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
  std::string algorithm_;
};

struct ParsedDigest {
  std::string algorithm;  // "sha256"
  std::string hex;        // lower case
};

// "sha256:<hex>" → parts. A bare hex string means sha256, as fluxcd/pkg http/fetch reads it.
// The hex length must fit the algorithm.
core::Result<ParsedDigest> parse_digest(std::string_view digest);

// "sha256:<hex>" of `data`.
std::string sha256_digest(std::string_view data);

}  // namespace oc::source::detail
