// The cryptographic primitives age and sops are built from, over OpenSSL 3 (the only file that
// includes OpenSSL is primitives.cc). Keys live in SecretBytes, which wipes itself when freed.
//
// Thread safety: free functions are thread-safe; a cipher object is used by one thread at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace oc::crypto {

// Overwrites memory in a way the compiler cannot remove (OPENSSL_cleanse).
void cleanse(void* p, size_t n);
inline void cleanse(std::string& s) {
  cleanse(s.data(), s.size());
}

// Fills `out` from the system CSPRNG. A failing RNG leaves nothing safe to do: it aborts.
void random_bytes(uint8_t* out, size_t n);

// Bytes that are wiped when destroyed or overwritten (keys, file keys, passphrases).
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t n) : s_(n, '\0') {}
  explicit SecretBytes(std::string_view v) : s_(v) {}
  SecretBytes(const SecretBytes& o) : s_(o.s_) {}
  SecretBytes(SecretBytes&& o) noexcept : s_(std::move(o.s_)) { o.wipe(); }
  SecretBytes& operator=(const SecretBytes& o) {
    if (this != &o) {
      wipe();
      s_ = o.s_;
    }
    return *this;
  }
  SecretBytes& operator=(SecretBytes&& o) noexcept {
    if (this != &o) {
      wipe();
      s_ = std::move(o.s_);
      o.wipe();
    }
    return *this;
  }
  ~SecretBytes() { wipe(); }

  static SecretBytes random(size_t n) {
    SecretBytes b(n);
    random_bytes(b.data(), n);
    return b;
  }

  uint8_t* data() { return reinterpret_cast<uint8_t*>(s_.data()); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(s_.data()); }
  size_t size() const { return s_.size(); }
  bool empty() const { return s_.empty(); }
  std::string_view view() const { return s_; }
  bool operator==(const SecretBytes& o) const { return s_ == o.s_; }

 private:
  void wipe() {
    cleanse(s_);
    s_.clear();
  }
  std::string s_;
};

constexpr size_t kX25519Size = 32;

// X25519(scalar, point) (RFC 7748; the scalar is clamped inside). Returns false when the result
// is all zeros (a low-order point) or OpenSSL refuses the point.
bool x25519(const uint8_t scalar[kX25519Size], const uint8_t point[kX25519Size],
            uint8_t out[kX25519Size]);
// X25519(scalar, 9): the public key of a secret scalar.
void x25519_base(const uint8_t scalar[kX25519Size], uint8_t out[kX25519Size]);

// HKDF-SHA-256 (RFC 5869), extract with `salt` then expand with `info`.
void hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info, uint8_t* out,
                 size_t out_len);

std::array<uint8_t, 32> hmac_sha256(std::string_view key, std::string_view data);
std::array<uint8_t, 32> sha256(std::string_view data);

// Incremental SHA-512 (the sops MAC).
class Sha512 {
 public:
  Sha512();
  ~Sha512();
  Sha512(const Sha512&) = delete;
  Sha512& operator=(const Sha512&) = delete;
  void update(std::string_view data);
  std::array<uint8_t, 64> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// scrypt(P, S, N = 2^log_n, r = 8, p = 1), 32-byte output, as age uses it. Fails only when
// the parameters need more memory than the system gives.
core::Status scrypt(std::string_view passphrase, std::string_view salt, int log_n, uint8_t out[32]);

// Constant-time comparison.
bool equal_secret(const uint8_t* a, const uint8_t* b, size_t n);

// ChaCha20-Poly1305 (RFC 8439) with one key and many nonces: the key is set once, each call
// only sets the 12-byte nonce. In-place operation (in == out) is allowed.
class ChaChaPoly {
 public:
  static constexpr size_t kTagSize = 16;
  static constexpr size_t kNonceSize = 12;
  explicit ChaChaPoly(const uint8_t key[32]);
  ~ChaChaPoly();
  ChaChaPoly(const ChaChaPoly&) = delete;
  ChaChaPoly& operator=(const ChaChaPoly&) = delete;

  // Writes n bytes of ciphertext and then the 16-byte tag to `out` (n + 16 bytes).
  void seal(const uint8_t nonce[kNonceSize], const uint8_t* in, size_t n, uint8_t* out);
  // `in` holds n bytes of ciphertext followed by the tag (n >= 16). Writes n - 16 bytes of
  // plaintext to `out`. False when the tag does not verify (then `out` holds garbage).
  bool open(const uint8_t nonce[kNonceSize], const uint8_t* in, size_t n, uint8_t* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> enc_, dec_;
  SecretBytes key_;
};

// AES-256-GCM with sops's non-standard IV length (any length; sops uses 32 bytes). The key is
// set once; each value only sets its IV.
class AesGcm {
 public:
  static constexpr size_t kTagSize = 16;
  explicit AesGcm(const uint8_t key[32]);
  ~AesGcm();
  AesGcm(const AesGcm&) = delete;
  AesGcm& operator=(const AesGcm&) = delete;

  // Appends the ciphertext to `out` and writes the tag.
  void seal(std::string_view iv, std::string_view plaintext, std::string_view aad, std::string& out,
            uint8_t tag[kTagSize]);
  // Appends the plaintext to `out`; false when the tag does not verify.
  bool open(std::string_view iv, std::string_view ciphertext, std::string_view tag,
            std::string_view aad, std::string& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oc::crypto
