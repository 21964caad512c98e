#include "crypto/age.h"

#include <optional>

#include "crypto/armor.h"

namespace oc::crypto::age {

namespace {

constexpr size_t kStreamNonceSize = 16;

std::array<uint8_t, 32> header_mac(const SecretBytes& file_key, const Header& h) {
  SecretBytes hmac_key(32);
  hkdf_sha256(file_key.view(), "", "header", hmac_key.data(), 32);
  return hmac_sha256(hmac_key.view(), marshal_without_mac(h));
}

SecretBytes payload_key(const SecretBytes& file_key, std::string_view nonce) {
  SecretBytes k(32);
  hkdf_sha256(file_key.view(), nonce, "payload", k.data(), 32);
  return k;
}

}  // namespace

core::Status encrypt(Source& in, Sink& out, const std::vector<const Recipient*>& recipients,
                     const EncryptOptions& opts) {
  if (recipients.empty()) return core::Error("no recipients specified");
  for (const Recipient* r : recipients) {
    if (r->exclusive() && recipients.size() > 1) {
      return core::Error("a passphrase (scrypt) recipient can't be combined with other recipients");
    }
  }
  SecretBytes file_key = SecretBytes::random(kFileKeySize);
  Header h;
  for (size_t i = 0; i < recipients.size(); ++i) {
    auto stanzas = recipients[i]->wrap(file_key);
    if (!stanzas.ok()) {
      return core::Error("failed to wrap key for recipient #" + std::to_string(i) + ": " +
                         stanzas.error().message);
    }
    for (auto& s : *stanzas) h.stanzas.push_back(std::move(s));
  }
  auto mac = header_mac(file_key, h);
  h.mac.assign(reinterpret_cast<const char*>(mac.data()), mac.size());

  std::optional<ArmorWriter> armor;
  Sink* sink = &out;
  if (opts.armor) sink = &armor.emplace(out, opts.stream.threads);
  if (auto s = sink->write(marshal(h)); !s.ok()) return s;
  uint8_t nonce[kStreamNonceSize];
  random_bytes(nonce, sizeof nonce);
  if (auto s = sink->write(nonce, sizeof nonce); !s.ok()) return s;
  SecretBytes key =
      payload_key(file_key, std::string_view(reinterpret_cast<char*>(nonce), sizeof nonce));
  if (auto s = stream_encrypt(key.data(), in, *sink, opts.stream); !s.ok()) return s;
  if (armor) return armor->close();
  return {};
}

AgeStatus decrypt(Source& in, Sink& out, const std::vector<const Identity*>& identities,
                  const DecryptOptions& opts) {
  // Armor detection peeks at the start, so the raw input goes through a buffer first.
  BufferedSource raw(in);
  bool armored = opts.armor == ArmorMode::kArmored;
  if (opts.armor == ArmorMode::kDetect) {
    auto start = raw.peek(1024 + kArmorHeader.size());
    if (!start.ok()) return {Failure::kIo, start.error()};
    armored = looks_armored(*start);
  }
  std::optional<ArmorReader> armor;
  Source* src = &raw;
  if (armored) src = &armor.emplace(raw);
  auto classify = [&](Failure otherwise) {
    return armor && armor->armor_failed() ? Failure::kArmor : otherwise;
  };

  BufferedSource body(*src);
  auto h = parse_header(body);
  if (!h.ok()) return {classify(Failure::kHeader), h.error()};
  if (identities.empty()) return {Failure::kNoMatch, core::Error("no identities specified")};

  std::optional<SecretBytes> file_key;
  std::vector<std::string> reasons;
  for (const Identity* id : identities) {
    Unwrapped u = id->unwrap(h->stanzas);
    if (u.kind == Unwrapped::Kind::kError) return {Failure::kHeader, u.error};
    if (u.kind == Unwrapped::Kind::kKey) {
      file_key = std::move(u.file_key);
      break;
    }
    if (!u.error.message.empty()) reasons.push_back(u.error.message);
  }
  if (!file_key) {
    std::string msg = "no identity matched any of the recipients";
    if (reasons.size() == 1 && identities.size() == 1)
      msg = "identity did not match any of the recipients: " + reasons[0];
    return {Failure::kNoMatch, core::Error(msg)};
  }
  auto mac = header_mac(*file_key, *h);
  if (h->mac.size() != mac.size() ||
      !equal_secret(mac.data(), reinterpret_cast<const uint8_t*>(h->mac.data()), mac.size())) {
    return {Failure::kHeaderMac, core::Error("bad header MAC")};
  }
  uint8_t nonce[kStreamNonceSize];
  auto n = body.read_full(nonce, sizeof nonce);
  if (!n.ok()) return {classify(Failure::kIo), n.error()};
  if (*n != sizeof nonce)
    return {classify(Failure::kHeader),
            core::Error("failed to read nonce: unexpected end of file")};
  SecretBytes key =
      payload_key(*file_key, std::string_view(reinterpret_cast<char*>(nonce), sizeof nonce));
  AgeStatus st = stream_decrypt(key.data(), body, out, opts.stream);
  if (!st.ok() && st.failure == Failure::kIo) st.failure = classify(Failure::kIo);
  return st;
}

core::Result<Header> read_header(std::string_view file) {
  StringSource s(file);
  BufferedSource raw(s);
  std::optional<ArmorReader> armor;
  Source* src = &raw;
  if (looks_armored(file.substr(0, 1024 + kArmorHeader.size()))) src = &armor.emplace(raw);
  BufferedSource body(*src);
  return parse_header(body);
}

core::Result<std::string> encrypt_string(std::string_view plaintext,
                                         const std::vector<const Recipient*>& recipients,
                                         bool armor) {
  StringSource in(plaintext);
  StringSink out;
  EncryptOptions o;
  o.armor = armor;
  o.stream.threads = 1;
  if (auto s = encrypt(in, out, recipients, o); !s.ok()) return s.error();
  return std::move(out.data);
}

AgeStatus decrypt_string(std::string_view file, const std::vector<const Identity*>& identities,
                         std::string& plaintext) {
  StringSource in(file);
  StringSink out;
  DecryptOptions o;
  o.stream.threads = 1;
  AgeStatus st = decrypt(in, out, identities, o);
  plaintext = std::move(out.data);
  return st;
}

}  // namespace oc::crypto::age
