#include "crypto/age_keys.h"

#include <cstdio>
#include <ctime>

#include "core/base64.h"
#include "core/utf8.h"
#include "crypto/armor.h"
#include "crypto/base64.h"
#include "crypto/bech32.h"

namespace oc::crypto::age {

namespace {

constexpr std::string_view kX25519Label = "age-encryption.org/v1/X25519";
constexpr std::string_view kScryptLabel = "age-encryption.org/v1/scrypt";
constexpr size_t kScryptSaltSize = 16;

std::string_view sv(const uint8_t* p, size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

Unwrapped error(std::string msg) {
  Unwrapped u;
  u.kind = Unwrapped::Kind::kError;
  u.error = core::Error(std::move(msg));
  return u;
}

Unwrapped key(SecretBytes k) {
  Unwrapped u;
  u.kind = Unwrapped::Kind::kKey;
  u.file_key = std::move(k);
  return u;
}

Unwrapped no_match() {
  return Unwrapped{};
}

// ChaCha20-Poly1305 with an all-zero nonce; each wrap key is used once (C2SP age.md).
std::string aead_seal(const uint8_t key[32], const SecretBytes& plain) {
  std::string out(plain.size() + ChaChaPoly::kTagSize, '\0');
  uint8_t nonce[ChaChaPoly::kNonceSize] = {};
  ChaChaPoly(key).seal(nonce, plain.data(), plain.size(), reinterpret_cast<uint8_t*>(out.data()));
  return out;
}

bool aead_open(const uint8_t key[32], std::string_view sealed, SecretBytes& out) {
  out = SecretBytes(sealed.size() - ChaChaPoly::kTagSize);
  uint8_t nonce[ChaChaPoly::kNonceSize] = {};
  return ChaChaPoly(key).open(nonce, reinterpret_cast<const uint8_t*>(sealed.data()), sealed.size(),
                              out.data());
}

}  // namespace

// --- X25519 ------------------------------------------------------------------------------------

core::Result<X25519Recipient> X25519Recipient::parse(std::string_view s) {
  auto b = bech32_decode(s);
  if (!b.ok())
    return core::Error("malformed recipient \"" + std::string(s) + "\": " + b.error().message);
  if (b->hrp != "age") {
    return core::Error("malformed recipient \"" + std::string(s) + "\": invalid type \"" + b->hrp +
                       "\"");
  }
  if (b->data.size() != 32) {
    return core::Error("malformed recipient \"" + std::string(s) + "\": invalid X25519 public key");
  }
  std::array<uint8_t, 32> pub;
  std::copy(b->data.begin(), b->data.end(), reinterpret_cast<char*>(pub.data()));
  return X25519Recipient(pub);
}

std::string X25519Recipient::to_string() const {
  return bech32_encode("age", sv(pub_.data(), 32));
}

core::Result<std::vector<Stanza>> X25519Recipient::wrap(const SecretBytes& file_key) const {
  SecretBytes ephemeral = SecretBytes::random(32);
  uint8_t share[32];
  x25519_base(ephemeral.data(), share);
  SecretBytes shared(32);
  if (!x25519(ephemeral.data(), pub_.data(), shared.data())) {
    return core::Error("invalid X25519 recipient (low-order point)");
  }
  std::string salt(sv(share, 32));
  salt += sv(pub_.data(), 32);
  SecretBytes wrap_key(32);
  hkdf_sha256(shared.view(), salt, kX25519Label, wrap_key.data(), 32);
  Stanza s;
  s.type = "X25519";
  s.args.push_back(core::base64_encode(sv(share, 32), core::Base64::kRawStd));
  s.body = aead_seal(wrap_key.data(), file_key);
  return std::vector<Stanza>{std::move(s)};
}

X25519Identity::X25519Identity(SecretBytes secret) : secret_(std::move(secret)) {
  x25519_base(secret_.data(), pub_.data());
}

core::Result<X25519Identity> X25519Identity::parse(std::string_view s) {
  auto b = bech32_decode(s);
  if (!b.ok()) return core::Error("malformed secret key: " + b.error().message);
  SecretBytes data(b->data);
  cleanse(b->data);
  if (b->hrp != "AGE-SECRET-KEY-")
    return core::Error("malformed secret key: unknown type \"" + b->hrp + "\"");
  if (data.size() != 32) return core::Error("malformed secret key: invalid X25519 secret key");
  return X25519Identity(std::move(data));
}

X25519Identity X25519Identity::generate() {
  return X25519Identity(SecretBytes::random(32));
}

std::string X25519Identity::to_string() const {
  return bech32_encode("AGE-SECRET-KEY-", secret_.view());
}

std::unique_ptr<Recipient> X25519Identity::to_recipient() const {
  return std::make_unique<X25519Recipient>(pub_);
}

Unwrapped X25519Identity::unwrap(const std::vector<Stanza>& stanzas) const {
  for (const Stanza& s : stanzas) {
    if (s.type != "X25519") continue;
    if (s.args.size() != 1) return error("invalid X25519 recipient block");
    auto share = s.args[0].size() <= 64 ? base64::decode_strict(s.args[0], false) : std::nullopt;
    if (!share) return error("failed to parse X25519 recipient: malformed share");
    if (share->size() != 32) return error("invalid X25519 recipient block");
    SecretBytes shared(32);
    if (!x25519(secret_.data(), reinterpret_cast<const uint8_t*>(share->data()), shared.data())) {
      return error("invalid X25519 recipient: low-order point");
    }
    std::string salt = *share;
    salt += sv(pub_.data(), 32);
    SecretBytes wrap_key(32);
    hkdf_sha256(shared.view(), salt, kX25519Label, wrap_key.data(), 32);
    // Check the size before decrypting, against partitioning oracles (C2SP age.md).
    if (s.body.size() != kFileKeySize + ChaChaPoly::kTagSize) {
      return error("invalid X25519 recipient block: incorrect file key size");
    }
    SecretBytes file_key;
    if (aead_open(wrap_key.data(), s.body, file_key)) return key(std::move(file_key));
  }
  return no_match();
}

// --- scrypt ------------------------------------------------------------------------------------

core::Result<std::vector<Stanza>> ScryptRecipient::wrap(const SecretBytes& file_key) const {
  if (pass_.empty()) return core::Error("passphrase can't be empty");
  uint8_t salt[kScryptSaltSize];
  random_bytes(salt, sizeof salt);
  std::string full(kScryptLabel);
  full += sv(salt, sizeof salt);
  SecretBytes k(32);
  if (auto st = scrypt(pass_.view(), full, log_n_, k.data()); !st.ok()) return st.error();
  Stanza s;
  s.type = "scrypt";
  s.args = {core::base64_encode(sv(salt, sizeof salt), core::Base64::kRawStd),
            std::to_string(log_n_)};
  s.body = aead_seal(k.data(), file_key);
  return std::vector<Stanza>{std::move(s)};
}

Unwrapped ScryptIdentity::unwrap(const std::vector<Stanza>& stanzas) const {
  for (const Stanza& s : stanzas) {
    if (s.type == "scrypt" && stanzas.size() != 1)
      return error("an scrypt recipient must be the only one");
  }
  const Stanza* st = nullptr;
  for (const Stanza& s : stanzas) {
    if (s.type == "scrypt") st = &s;
  }
  if (!st) {
    Unwrapped u = no_match();
    u.error = core::Error("file is not passphrase-encrypted");
    return u;
  }
  if (st->args.size() != 2) return error("invalid scrypt recipient block");
  auto salt = st->args[0].size() <= 64 ? base64::decode_strict(st->args[0], false) : std::nullopt;
  if (!salt) return error("failed to parse scrypt salt");
  if (salt->size() != kScryptSaltSize) return error("invalid scrypt recipient block");
  const std::string& w = st->args[1];
  bool digits = !w.empty() && w[0] >= '1' && w[0] <= '9';
  for (char c : w) digits = digits && c >= '0' && c <= '9';
  if (!digits) return error("scrypt work factor encoding invalid: \"" + w + "\"");
  if (w.size() > 9) return error("scrypt work factor too large: " + w);
  int log_n = std::stoi(w);
  if (log_n > max_log_n_) return error("scrypt work factor too large: " + w);
  if (st->body.size() != kFileKeySize + ChaChaPoly::kTagSize) {
    return error("invalid scrypt recipient block: incorrect file key size");
  }
  SecretBytes pass = pass_;
  if (ask_) {
    auto p = ask_();
    if (!p.ok()) return error(p.error().message);
    pass = std::move(*p);
  }
  std::string full(kScryptLabel);
  full += *salt;
  SecretBytes k(32);
  if (auto r = scrypt(pass.view(), full, log_n, k.data()); !r.ok()) return error(r.error().message);
  SecretBytes file_key;
  if (aead_open(k.data(), st->body, file_key)) return key(std::move(file_key));
  Unwrapped u = no_match();
  u.error = core::Error("incorrect passphrase");
  return u;
}

// --- files -------------------------------------------------------------------------------------

namespace {

// Go's bufio.Scanner lines: split on '\n', a trailing '\r' dropped, no final empty line.
template <class F>
core::Status for_each_line(std::string_view text, const char* what, F&& f) {
  if (text.size() > (size_t(16) << 20))
    return core::Error(std::string(what) + " file is larger than 16 MiB");
  size_t n = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++n;
    if (line.empty() || line[0] == '#') continue;
    if (!core::utf8_valid(line)) return core::Error(std::string(what) + " file is not valid UTF-8");
    if (auto s = f(line, n); !s.ok()) return s;
  }
  return {};
}

}  // namespace

core::Result<Identities> parse_identities(std::string_view text) {
  Identities ids;
  auto st = for_each_line(text, "identities", [&](std::string_view line, size_t n) -> core::Status {
    std::string at = "error at line " + std::to_string(n) + ": ";
    if (line.rfind("AGE-SECRET-KEY-PQ-1", 0) == 0) {
      return core::Error(at + "post-quantum (ML-KEM-768 hybrid) identities are not supported");
    }
    if (line.rfind("AGE-SECRET-KEY-1", 0) == 0) {
      auto id = X25519Identity::parse(line);
      if (!id.ok()) return core::Error(at + id.error().message);
      ids.push_back(std::make_unique<X25519Identity>(std::move(*id)));
      return {};
    }
    if (line.rfind("AGE-PLUGIN-", 0) == 0) return core::Error(at + "age plugins are not supported");
    if (line.rfind("-----BEGIN", 0) == 0 || line.rfind("ssh-", 0) == 0) {
      return core::Error(at + "SSH keys are not supported as age identities");
    }
    // Never echo the line: it may be a mangled secret key.
    return core::Error(at + "unknown identity type");
  });
  if (!st.ok()) return st.error();
  if (ids.empty()) return core::Error("no identities found");
  return ids;
}

core::Result<std::unique_ptr<Recipient>> parse_recipient(std::string_view s) {
  if (s.rfind("age1pq1", 0) == 0) {
    return core::Error("post-quantum (ML-KEM-768 hybrid) recipients are not supported: \"" +
                       std::string(s.substr(0, 20)) + "…\"");
  }
  if (s.rfind("age1", 0) == 0) {
    size_t ones = 0;
    for (char c : s) ones += c == '1';
    if (ones > 1) return core::Error("age plugins are not supported: \"" + std::string(s) + "\"");
    auto r = X25519Recipient::parse(s);
    if (!r.ok()) return r.error();
    return std::unique_ptr<Recipient>(std::make_unique<X25519Recipient>(std::move(*r)));
  }
  if (s.rfind("ssh-", 0) == 0) return core::Error("SSH recipients are not supported");
  if (s.rfind("AGE-SECRET-KEY-", 0) == 0)
    return core::Error("unknown recipient type: this is a secret key; pass it with -i");
  return core::Error("unknown recipient type: \"" + std::string(s) + "\"");
}

core::Result<Recipients> parse_recipients(std::string_view text) {
  Recipients rs;
  auto st = for_each_line(text, "recipients", [&](std::string_view line, size_t n) -> core::Status {
    auto r = parse_recipient(line);
    if (!r.ok())
      return core::Error("error at line " + std::to_string(n) + ": " + r.error().message);
    rs.push_back(std::move(*r));
    return {};
  });
  if (!st.ok()) return st.error();
  if (rs.empty()) return core::Error("no recipients found");
  return rs;
}

bool is_age_file(std::string_view start) {
  return start.rfind("age-encryption.org/", 0) == 0 || looks_armored(start);
}

std::string keygen_file(const X25519Identity& id) {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char when[40];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &local);
  // RFC 3339 offset as Go's time.RFC3339 writes it: Z for UTC, else ±hh:mm.
  long off = local.tm_gmtoff;
  std::string zone;
  if (off == 0) {
    zone = "Z";
  } else {
    char buf[32];
    long a = off < 0 ? -off : off;
    std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
    zone = buf;
  }
  return "# created: " + std::string(when) + zone +
         "\n# public key: " + id.recipient().to_string() + "\n" + id.to_string() + "\n";
}

}  // namespace oc::crypto::age
