// age identities (what decrypts) and recipients (what encrypts): native X25519 keys in Bech32
// (`AGE-SECRET-KEY-1…`, `age1…`), scrypt passphrases, and identity/recipient files as the age
// tools read and write them (FiloSottile/age x25519.go, scrypt.go, parse.go).
//
// Thread safety: identities and recipients are immutable after construction.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "crypto/age_format.h"
#include "crypto/primitives.h"

namespace oc::crypto::age {

constexpr size_t kFileKeySize = 16;

// What an identity made of a header's stanzas.
struct Unwrapped {
  enum class Kind { kKey, kNoMatch, kError };
  Kind kind = Kind::kNoMatch;
  SecretBytes file_key;  // kKey
  core::Error error;     // kError: a stanza meant for this identity type is invalid
};

class Recipient;

class Identity {
 public:
  virtual ~Identity() = default;
  virtual Unwrapped unwrap(const std::vector<Stanza>& stanzas) const = 0;
  // The matching recipient, when the identity has one (age -e -i, age-keygen -y).
  virtual std::unique_ptr<Recipient> to_recipient() const { return nullptr; }
};

class Recipient {
 public:
  virtual ~Recipient() = default;
  virtual core::Result<std::vector<Stanza>> wrap(const SecretBytes& file_key) const = 0;
  // A recipient that must be the only one in a file (scrypt).
  virtual bool exclusive() const { return false; }
};

class X25519Recipient : public Recipient {
 public:
  explicit X25519Recipient(const std::array<uint8_t, 32>& pub) : pub_(pub) {}
  // `age1…`, lower case.
  static core::Result<X25519Recipient> parse(std::string_view s);
  std::string to_string() const;
  core::Result<std::vector<Stanza>> wrap(const SecretBytes& file_key) const override;

 private:
  std::array<uint8_t, 32> pub_;
};

class X25519Identity : public Identity {
 public:
  // `AGE-SECRET-KEY-1…`, upper case. Errors never contain the key.
  static core::Result<X25519Identity> parse(std::string_view s);
  static X25519Identity generate();
  std::string to_string() const;
  X25519Recipient recipient() const { return X25519Recipient(pub_); }
  Unwrapped unwrap(const std::vector<Stanza>& stanzas) const override;
  std::unique_ptr<Recipient> to_recipient() const override;

 private:
  explicit X25519Identity(SecretBytes secret);
  SecretBytes secret_;
  std::array<uint8_t, 32> pub_{};
};

class ScryptRecipient : public Recipient {
 public:
  // age's default work factor: 2^18 (≈ 1 s, 256 MiB).
  explicit ScryptRecipient(SecretBytes passphrase, int log_n = 18)
      : pass_(std::move(passphrase)), log_n_(log_n) {}
  core::Result<std::vector<Stanza>> wrap(const SecretBytes& file_key) const override;
  bool exclusive() const override { return true; }

 private:
  SecretBytes pass_;
  int log_n_;
};

// Supplies a passphrase when one is needed (a prompt, an environment variable, a test).
using PassphraseFn = std::function<core::Result<SecretBytes>()>;

class ScryptIdentity : public Identity {
 public:
  // age refuses work factors above 22 (≈ 15 s, 4 GiB) by default.
  explicit ScryptIdentity(SecretBytes passphrase, int max_log_n = 22)
      : pass_(std::move(passphrase)), max_log_n_(max_log_n) {}
  // Asks `ask` for the passphrase only when the file turns out to be passphrase-encrypted.
  ScryptIdentity(PassphraseFn ask, int max_log_n = 22)
      : ask_(std::move(ask)), max_log_n_(max_log_n) {}
  Unwrapped unwrap(const std::vector<Stanza>& stanzas) const override;

 private:
  SecretBytes pass_;
  PassphraseFn ask_;
  int max_log_n_;
};

using Identities = std::vector<std::unique_ptr<Identity>>;
using Recipients = std::vector<std::unique_ptr<Recipient>>;

// An identity file: one identity per line, empty lines and lines starting with '#' ignored,
// no trimming (age's ParseIdentities). Errors name the line, never the key.
core::Result<Identities> parse_identities(std::string_view text);

// One recipient (`age1…`).
core::Result<std::unique_ptr<Recipient>> parse_recipient(std::string_view s);
// A recipients file, same line rules as identity files.
core::Result<Recipients> parse_recipients(std::string_view text);

// Whether a file is an age file (binary or armored) rather than plain text: an identity file
// encrypted with a passphrase (age -p) looks like this.
bool is_age_file(std::string_view start);

// The three lines age-keygen writes: "# created: <RFC 3339 local time>", "# public key: age1…",
// the secret key.
std::string keygen_file(const X25519Identity& id);

}  // namespace oc::crypto::age
