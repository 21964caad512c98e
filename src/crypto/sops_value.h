// One encrypted sops value: ENC[AES256_GCM,data:…,iv:…,tag:…,type:…] (getsops/sops
// aes/cipher.go). AES-256-GCM with 32-byte IVs, padded standard base64, the value's type
// recorded so it decrypts back to an int, float, bool, time, string or comment.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "crypto/primitives.h"
#include "crypto/sops_tree.h"

namespace oc::crypto::sops {

struct EncryptedValue {
  std::string data, iv, tag;  // decoded bytes
  std::string type;           // str, int, float, bool, time, comment, bytes
};

// Parses the ENC[…] syntax exactly as sops's regular expression
// `^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]` and Go's lenient base64 decoder.
// Errors say which field is wrong, never echo the input.
core::Result<EncryptedValue> parse_encrypted(std::string_view s);

// Whether `s` starts like an encrypted value (used to find plaintext where ciphertext belongs).
inline bool looks_encrypted(std::string_view s) {
  return s.rfind("ENC[AES256_GCM,", 0) == 0;
}

// Encrypts and decrypts values under one data key. Not thread-safe.
class ValueCipher {
 public:
  explicit ValueCipher(const SecretBytes& data_key) : gcm_(data_key.data()) {}

  // The ENC[…] text for a scalar or comment, or "" for an empty string or comment (sops does
  // not encrypt those). Reuses the IV in `stash` for an unchanged (aad, value).
  core::Result<std::string> encrypt(const Value& v, std::string_view aad, IvStash* stash);
  // Decrypts ENC[…] text ("" gives ""). Records the IV in `stash`.
  core::Result<Value> decrypt(std::string_view text, std::string_view aad, IvStash* stash);

 private:
  AesGcm gcm_;
  std::string scratch_;
};

// The key under which `stash` remembers a value's IV: its AAD and typed plaintext.
std::pair<std::string, std::string> stash_key(const Value& v, std::string_view aad);

}  // namespace oc::crypto::sops
