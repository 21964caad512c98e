// OpenSSL 3 behind primitives.h. Contexts are fetched once per object and reused: per-call
// setup dominates for small inputs (research/sops-age.md §7: AES-GCM at 16-byte blocks runs at
// 1% of its 16 KiB speed), so a key is set once and each message only changes the IV.
#include "crypto/primitives.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace oc::crypto {

namespace {

[[noreturn]] void fatal(const char* what) {
  // Only reachable when OpenSSL itself is broken (allocation failure, missing algorithm).
  std::fprintf(stderr, "opencenter: fatal: OpenSSL %s failed\n", what);
  std::abort();
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct KdfDeleter {
  void operator()(EVP_KDF* p) const { EVP_KDF_free(p); }
};
struct KdfCtxDeleter {
  void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;
using KdfPtr = std::unique_ptr<EVP_KDF, KdfDeleter>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter>;

const unsigned char* u(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

void cleanse(void* p, size_t n) {
  if (n) OPENSSL_cleanse(p, n);
}

void random_bytes(uint8_t* out, size_t n) {
  if (n && RAND_bytes(out, static_cast<int>(n)) != 1) fatal("RAND_bytes");
}

bool equal_secret(const uint8_t* a, const uint8_t* b, size_t n) {
  return CRYPTO_memcmp(a, b, n) == 0;
}

bool x25519(const uint8_t scalar[kX25519Size], const uint8_t point[kX25519Size],
            uint8_t out[kX25519Size]) {
  PkeyPtr priv(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, scalar, kX25519Size));
  PkeyPtr peer(EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, nullptr, point, kX25519Size));
  if (!priv || !peer) return false;
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new(priv.get(), nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) fatal("X25519 init");
  if (EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1) return false;
  size_t len = kX25519Size;
  if (EVP_PKEY_derive(ctx.get(), out, &len) != 1 || len != kX25519Size) return false;
  // OpenSSL already refuses an all-zero result; the spec demands the check, so keep our own.
  uint8_t acc = 0;
  for (size_t i = 0; i < kX25519Size; ++i) acc |= out[i];
  return acc != 0;
}

void x25519_base(const uint8_t scalar[kX25519Size], uint8_t out[kX25519Size]) {
  PkeyPtr priv(EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, scalar, kX25519Size));
  size_t len = kX25519Size;
  if (!priv || EVP_PKEY_get_raw_public_key(priv.get(), out, &len) != 1 || len != kX25519Size) {
    fatal("X25519 public key");
  }
}

void hkdf_sha256(std::string_view ikm, std::string_view salt, std::string_view info, uint8_t* out,
                 size_t out_len) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), u(salt), static_cast<int>(salt.size())) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), u(ikm), static_cast<int>(ikm.size())) != 1 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), u(info), static_cast<int>(info.size())) != 1) {
    fatal("HKDF setup");
  }
  size_t len = out_len;
  if (EVP_PKEY_derive(ctx.get(), out, &len) != 1 || len != out_len) fatal("HKDF");
}

std::array<uint8_t, 32> hmac_sha256(std::string_view key, std::string_view data) {
  std::array<uint8_t, 32> mac{};
  size_t len = mac.size();
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(), u(data),
                 data.size(), mac.data(), mac.size(), &len) ||
      len != mac.size()) {
    fatal("HMAC-SHA256");
  }
  return mac;
}

std::array<uint8_t, 32> sha256(std::string_view data) {
  std::array<uint8_t, 32> d{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr) != 1) {
    fatal("SHA-256");
  }
  return d;
}

struct Sha512::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

Sha512::Sha512() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_sha512(), nullptr) != 1) fatal("SHA-512");
}

Sha512::~Sha512() {
  EVP_MD_CTX_free(impl_->ctx);
}

void Sha512::update(std::string_view data) {
  if (!data.empty() && EVP_DigestUpdate(impl_->ctx, data.data(), data.size()) != 1) {
    fatal("SHA-512 update");
  }
}

std::array<uint8_t, 64> Sha512::finish() {
  std::array<uint8_t, 64> d{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, d.data(), &len) != 1) fatal("SHA-512 final");
  return d;
}

core::Status scrypt(std::string_view passphrase, std::string_view salt, int log_n,
                    uint8_t out[32]) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  if (!kdf) fatal("scrypt fetch");
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) fatal("scrypt context");
  uint64_t n = uint64_t(1) << log_n;
  uint32_t r = 8, p = 1;
  // 128·r·N bytes plus slack; OpenSSL's default cap (32 MiB) is below age's default of logN 18.
  uint64_t maxmem = 128ull * r * n + (uint64_t(1) << 24);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                        const_cast<char*>(passphrase.data()), passphrase.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_KDF_derive(ctx.get(), out, 32, params) != 1) {
    return core::Error("scrypt with work factor " + std::to_string(log_n) +
                       " failed (not enough memory?)");
  }
  return {};
}

// --- ChaCha20-Poly1305 -------------------------------------------------------------------------

struct ChaChaPoly::Impl {
  CipherCtxPtr ctx;
};

namespace {

const EVP_CIPHER* chacha_cipher() {
  // Fetched once: an explicit fetch avoids the implicit per-init lookup of EVP_chacha20_poly1305().
  static EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  if (!c) fatal("ChaCha20-Poly1305 fetch");
  return c;
}

const EVP_CIPHER* aes_gcm_cipher() {
  static EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (!c) fatal("AES-256-GCM fetch");
  return c;
}

// Sets the nonce of `ctx` for the next message; the key schedule is computed on first use only.
EVP_CIPHER_CTX* chacha_init(CipherCtxPtr& ctx, const SecretBytes& key, const uint8_t* nonce,
                            bool encrypt) {
  auto init = encrypt ? EVP_EncryptInit_ex2 : EVP_DecryptInit_ex2;
  if (!ctx) {
    ctx.reset(EVP_CIPHER_CTX_new());
    if (!ctx || init(ctx.get(), chacha_cipher(), key.data(), nonce, nullptr) != 1)
      fatal("ChaCha20-Poly1305 init");
  } else if (init(ctx.get(), nullptr, nullptr, nonce, nullptr) != 1) {
    fatal("ChaCha20-Poly1305 nonce");
  }
  return ctx.get();
}

}  // namespace

ChaChaPoly::ChaChaPoly(const uint8_t key[32])
    : enc_(std::make_unique<Impl>()),
      dec_(std::make_unique<Impl>()),
      key_(std::string_view(reinterpret_cast<const char*>(key), 32)) {}

ChaChaPoly::~ChaChaPoly() = default;

void ChaChaPoly::seal(const uint8_t nonce[kNonceSize], const uint8_t* in, size_t n, uint8_t* out) {
  EVP_CIPHER_CTX* c = chacha_init(enc_->ctx, key_, nonce, true);
  int len = 0, fin = 0;
  if ((n && EVP_EncryptUpdate(c, out, &len, in, static_cast<int>(n)) != 1) ||
      EVP_EncryptFinal_ex(c, out + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, kTagSize, out + n) != 1) {
    fatal("ChaCha20-Poly1305 seal");
  }
}

bool ChaChaPoly::open(const uint8_t nonce[kNonceSize], const uint8_t* in, size_t n, uint8_t* out) {
  if (n < kTagSize) return false;
  EVP_CIPHER_CTX* c = chacha_init(dec_->ctx, key_, nonce, false);
  size_t m = n - kTagSize;
  uint8_t tag[kTagSize];
  std::memcpy(tag, in + m, kTagSize);  // in may alias out
  int len = 0, fin = 0;
  if (m && EVP_DecryptUpdate(c, out, &len, in, static_cast<int>(m)) != 1) return false;
  if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, kTagSize, tag) != 1) return false;
  return EVP_DecryptFinal_ex(c, out + len, &fin) == 1;
}

// --- AES-256-GCM -------------------------------------------------------------------------------

struct AesGcm::Impl {
  CipherCtxPtr enc, dec;
  SecretBytes key;
  size_t enc_iv_len = 0, dec_iv_len = 0;
};

AesGcm::AesGcm(const uint8_t key[32]) : impl_(std::make_unique<Impl>()) {
  impl_->key = SecretBytes(std::string_view(reinterpret_cast<const char*>(key), 32));
}

AesGcm::~AesGcm() = default;

namespace {

// Prepares `ctx` for a message with `iv`; the key schedule is computed on first use only.
bool gcm_init(CipherCtxPtr& ctx, size_t& cur_iv_len, const SecretBytes& key, std::string_view iv,
              bool encrypt) {
  auto init = encrypt ? EVP_EncryptInit_ex2 : EVP_DecryptInit_ex2;
  size_t iv_len = iv.size();
  OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &iv_len),
                         OSSL_PARAM_construct_end()};
  if (!ctx) {
    ctx.reset(EVP_CIPHER_CTX_new());
    if (!ctx || init(ctx.get(), aes_gcm_cipher(), nullptr, nullptr, params) != 1 ||
        init(ctx.get(), nullptr, key.data(), u(iv), nullptr) != 1) {
      return false;
    }
    cur_iv_len = iv_len;
    return true;
  }
  if (iv_len != cur_iv_len) {
    if (init(ctx.get(), nullptr, nullptr, nullptr, params) != 1) return false;
    cur_iv_len = iv_len;
  }
  return init(ctx.get(), nullptr, nullptr, u(iv), nullptr) == 1;
}

}  // namespace

void AesGcm::seal(std::string_view iv, std::string_view plaintext, std::string_view aad,
                  std::string& out, uint8_t tag[kTagSize]) {
  if (!gcm_init(impl_->enc, impl_->enc_iv_len, impl_->key, iv, true)) fatal("AES-GCM init");
  EVP_CIPHER_CTX* c = impl_->enc.get();
  int len = 0;
  if (!aad.empty() &&
      EVP_EncryptUpdate(c, nullptr, &len, u(aad), static_cast<int>(aad.size())) != 1) {
    fatal("AES-GCM aad");
  }
  size_t start = out.size();
  out.resize(start + plaintext.size());
  auto* o = reinterpret_cast<unsigned char*>(out.data()) + start;
  len = 0;
  if (!plaintext.empty() &&
      EVP_EncryptUpdate(c, o, &len, u(plaintext), static_cast<int>(plaintext.size())) != 1) {
    fatal("AES-GCM encrypt");
  }
  int fin = 0;
  if (EVP_EncryptFinal_ex(c, o + len, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, kTagSize, tag) != 1) {
    fatal("AES-GCM final");
  }
}

bool AesGcm::open(std::string_view iv, std::string_view ciphertext, std::string_view tag,
                  std::string_view aad, std::string& out) {
  if (iv.empty() || tag.size() != kTagSize) return false;
  if (!gcm_init(impl_->dec, impl_->dec_iv_len, impl_->key, iv, false)) return false;
  EVP_CIPHER_CTX* c = impl_->dec.get();
  int len = 0;
  if (!aad.empty() &&
      EVP_DecryptUpdate(c, nullptr, &len, u(aad), static_cast<int>(aad.size())) != 1) {
    return false;
  }
  size_t start = out.size();
  out.resize(start + ciphertext.size());
  auto* o = reinterpret_cast<unsigned char*>(out.data()) + start;
  len = 0;
  if (!ciphertext.empty() &&
      EVP_DecryptUpdate(c, o, &len, u(ciphertext), static_cast<int>(ciphertext.size())) != 1) {
    out.resize(start);
    return false;
  }
  uint8_t t[kTagSize];
  std::memcpy(t, tag.data(), kTagSize);
  int fin = 0;
  if (EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, kTagSize, t) != 1 ||
      EVP_DecryptFinal_ex(c, o + len, &fin) != 1) {
    cleanse(o, ciphertext.size());
    out.resize(start);
    return false;
  }
  return true;
}

}  // namespace oc::crypto
