#include "crypto/sops.h"

#include <algorithm>

#include "crypto/age.h"
#include "crypto/shamir.h"
#include "crypto/sops_value.h"

namespace oc::crypto::sops {

namespace {

core::Error file_error(const std::string& file, std::string msg) {
  return core::Error(std::move(msg), file);
}

// An encrypted file's tree and metadata; an error when it has no sops metadata.
core::Result<EncryptedFile> load_sops_file(Format f, std::string_view text,
                                           const std::string& file) {
  auto loaded = load_encrypted(f, text, file);
  if (!loaded.ok()) return loaded.error();
  if (!*loaded) return file_error(file, "sops metadata not found: the file is not encrypted");
  return std::move(**loaded);
}

// Older sops versions than the one whose format we write get their version bumped when we
// rewrite a file (sops edit does the same with its own version).
bool older_than_ours(const std::string& v) {
  auto parts = [](std::string_view s) {
    std::vector<int> p;
    size_t i = 0;
    while (i < s.size()) {
      int n = 0;
      bool any = false;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        n = n * 10 + (s[i++] - '0');
        any = true;
      }
      if (!any) break;
      p.push_back(n);
      if (i < s.size() && s[i] == '.')
        ++i;
      else
        break;
    }
    return p;
  };
  return parts(v) < parts(kSopsFormatVersion);
}

}  // namespace

void update_version(Metadata& m) {
  if (older_than_ours(m.version)) m.version = std::string(kSopsFormatVersion);
}

core::Result<SecretBytes> recover_data_key(const Metadata& m, const IdentityList& ids) {
  std::vector<SecretBytes> parts;
  std::vector<std::string> failures;
  for (size_t g = 0; g < m.key_groups.size(); ++g) {
    const KeyGroup& group = m.key_groups[g];
    bool got = false;
    for (const AgeKey& k : group.age) {
      std::string plain;
      age::AgeStatus st = age::decrypt_string(k.enc, ids, plain);
      if (st.ok()) {
        parts.emplace_back(plain);
        cleanse(plain);
        got = true;
        break;
      }
      failures.push_back("group " + std::to_string(g) + ", " +
                         (k.recipient.empty() ? "age key" : k.recipient) + ": " + st.error.message);
    }
    if (!got && group.age.empty() && !group.foreign.empty()) {
      failures.push_back("group " + std::to_string(g) + ": only " + group.foreign[0].type +
                         " keys, which opencenter cannot use");
    }
  }
  std::string why;
  for (const auto& f : failures) why += "\n  " + f;
  bool any_age = false;
  for (const auto& g : m.key_groups) any_age = any_age || !g.age.empty();
  if (ids.empty() && any_age)
    why =
        "\n  no age identities were found (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, "
        "~/.config/sops/age/keys.txt)";
  if (m.key_groups.size() <= 1) {
    if (parts.size() != 1) return core::Error("could not recover the data key:" + why);
    if (parts[0].size() != 32) return core::Error("the decrypted data key is not 32 bytes");
    return std::move(parts[0]);
  }
  int threshold = m.shamir_threshold > 0 ? m.shamir_threshold : int(m.key_groups.size());
  if (int(parts.size()) < threshold) {
    return core::Error("could not recover the data key: " + std::to_string(parts.size()) + " of " +
                       std::to_string(threshold) + " required key groups decrypted:" + why);
  }
  auto key = shamir_combine(parts);
  if (!key.ok()) return core::Error("could not combine the Shamir shares: " + key.error().message);
  if (key->size() != 32) return core::Error("the combined data key is not 32 bytes");
  return key;
}

core::Status wrap_data_key(Metadata& m, const SecretBytes& data_key) {
  if (m.key_groups.empty()) return core::Error("no key groups: give age recipients");
  std::vector<SecretBytes> parts;
  if (m.key_groups.size() == 1) {
    parts.push_back(data_key);
  } else {
    if (m.shamir_threshold == 0) m.shamir_threshold = int(m.key_groups.size());
    auto split = shamir_split(data_key, int(m.key_groups.size()), m.shamir_threshold);
    if (!split.ok())
      return core::Error("could not split the data key for Shamir: " + split.error().message);
    parts = std::move(*split);
  }
  for (size_t g = 0; g < m.key_groups.size(); ++g) {
    KeyGroup& group = m.key_groups[g];
    if (group.empty()) return core::Error("key group " + std::to_string(g) + " is empty");
    if (!group.foreign.empty()) {
      return core::Error("key group " + std::to_string(g) + " has " + group.foreign[0].type +
                         " keys; opencenter can only wrap data keys for age recipients");
    }
    for (AgeKey& k : group.age) {
      auto r = age::X25519Recipient::parse(k.recipient);
      if (!r.ok()) return core::Error(r.error().message);
      // One age file per recipient, armored, as sops writes it.
      auto enc = age::encrypt_string(parts[g].view(), {&*r}, true);
      if (!enc.ok()) return enc.error();
      k.enc = std::move(*enc);
    }
  }
  return {};
}

core::Result<std::vector<KeyGroup>> key_groups_for(
    const std::vector<std::vector<std::string>>& recipients) {
  std::vector<KeyGroup> groups;
  for (const auto& g : recipients) {
    KeyGroup kg;
    for (const auto& r : g) {
      auto parsed = age::parse_recipient(r);
      if (!parsed.ok()) return parsed.error();
      kg.age.push_back(AgeKey{r, ""});
    }
    groups.push_back(std::move(kg));
  }
  return groups;
}

core::Result<Decrypted> decrypt(EncryptedFile f, const IdentityList& ids, const std::string& file,
                                const DecryptOptions& opts) {
  auto key = recover_data_key(f.metadata, ids);
  if (!key.ok()) return file_error(file, key.error().message);
  return decrypt_with_key(std::move(f), std::move(*key), file, opts);
}

core::Result<Decrypted> decrypt_with_key(EncryptedFile f, SecretBytes data_key,
                                         const std::string& file, const DecryptOptions& opts) {
  Decrypted d;
  d.metadata = std::move(f.metadata);
  d.branches = std::move(f.branches);
  d.data_key = std::move(data_key);
  auto computed = decrypt_branches(d.branches, d.metadata.rules, d.data_key,
                                   opts.keep_ivs ? &d.stash : nullptr);
  if (!computed.ok()) return file_error(file, computed.error().message);
  if (opts.ignore_mac) return d;
  if (d.metadata.mac.empty())
    return file_error(file, "the file has no MAC (use --ignore-mac to decrypt anyway)");
  auto aad = rfc3339_canonical(d.metadata.lastmodified);
  if (!aad.ok()) return file_error(file, "lastmodified: " + aad.error().message);
  ValueCipher cipher(d.data_key);
  auto stored = cipher.decrypt(d.metadata.mac, *aad, nullptr);
  if (!stored.ok()) return file_error(file, "cannot decrypt the MAC: " + stored.error().message);
  if (stored->kind != Kind::kString || stored->text != *computed) {
    return file_error(
        file,
        "MAC mismatch: the file was modified outside of sops (or values were reordered); "
        "use --ignore-mac to decrypt anyway");
  }
  return d;
}

core::Result<std::string> encrypt(std::vector<Branch> branches, Metadata& m,
                                  const SecretBytes& data_key, Format f, const StoreConfig& cfg,
                                  IvStash* stash) {
  auto mac = encrypt_branches(branches, m.rules, data_key, stash);
  if (!mac.ok()) return mac.error();
  m.lastmodified = now_rfc3339_utc();
  ValueCipher cipher(data_key);
  auto enc_mac = cipher.encrypt(Value::str(*mac), m.lastmodified, nullptr);
  if (!enc_mac.ok()) return enc_mac.error();
  m.mac = std::move(*enc_mac);
  return emit_encrypted(f, branches, m, cfg);
}

core::Result<std::string> encrypt_document(std::string_view text, const std::string& file,
                                           Format in, Format out, const StoreConfig& cfg,
                                           const EncryptSpec& spec) {
  auto branches = load_plain(in, text, file);
  if (!branches.ok()) return branches.error();
  if (branches->empty())
    return file_error(file, "the file is empty: it must contain at least one document");
  if (has_sops_key(out, *branches)) {
    return file_error(
        file,
        "the file already has a top-level sops entry: it is probably encrypted already "
        "(use `opencenter secrets edit` to change it)");
  }
  Metadata m;
  m.rules = spec.rules;
  if (in == Format::kBinary) {
    // The single value of a binary file is always encrypted (sops ignores the rules there).
    m.rules = Rules();
  } else if (auto s = m.rules.normalize(); !s.ok()) {
    return file_error(file, s.error().message);
  }
  m.version = std::string(kSopsFormatVersion);
  m.shamir_threshold = spec.shamir_threshold;
  auto groups = key_groups_for(spec.recipients);
  if (!groups.ok()) return file_error(file, groups.error().message);
  m.key_groups = std::move(*groups);
  size_t keys = 0;
  for (const auto& g : m.key_groups) keys += g.age.size();
  if (keys == 0) return file_error(file, "no age recipients to encrypt for");
  SecretBytes data_key = SecretBytes::random(32);
  if (auto s = wrap_data_key(m, data_key); !s.ok()) return file_error(file, s.error().message);
  auto r = encrypt(std::move(*branches), m, data_key, out, cfg);
  if (!r.ok()) return file_error(file, r.error().message);
  return r;
}

core::Result<std::string> decrypt_document(std::string_view text, const std::string& file,
                                           Format in, Format out, const StoreConfig& cfg,
                                           const IdentityList& ids, const DecryptOptions& opts) {
  auto loaded = load_sops_file(in, text, file);
  if (!loaded.ok()) return loaded.error();
  auto d = decrypt(std::move(*loaded), ids, file, opts);
  if (!d.ok()) return d.error();
  auto r = emit_plain(out, d->branches, cfg);
  if (!r.ok()) return file_error(file, r.error().message);
  return r;
}

core::Result<std::string> rotate_document(std::string_view text, const std::string& file, Format f,
                                          const StoreConfig& cfg, const IdentityList& ids,
                                          const std::vector<std::string>& add_age,
                                          const std::vector<std::string>& remove_age,
                                          const DecryptOptions& opts) {
  auto loaded = load_sops_file(f, text, file);
  if (!loaded.ok()) return loaded.error();
  auto d = decrypt(std::move(*loaded), ids, file, opts);
  if (!d.ok()) return d.error();
  Metadata m = std::move(d->metadata);
  for (const auto& r : add_age) {
    if (auto p = age::parse_recipient(r); !p.ok()) return file_error(file, p.error().message);
    m.key_groups[0].age.push_back(AgeKey{r, ""});
  }
  for (const auto& r : remove_age) {
    for (auto& g : m.key_groups) {
      g.age.erase(std::remove_if(g.age.begin(), g.age.end(),
                                 [&](const AgeKey& k) { return k.recipient == r; }),
                  g.age.end());
    }
  }
  SecretBytes data_key = SecretBytes::random(32);
  if (auto s = wrap_data_key(m, data_key); !s.ok())
    return file_error(file, "cannot rotate: " + s.error().message);
  auto r = encrypt(std::move(d->branches), m, data_key, f, cfg, nullptr);
  if (!r.ok()) return file_error(file, r.error().message);
  return r;
}

core::Result<KeyChanges> plan_update_keys(const Metadata& m, const CreationRule& rule,
                                          int threshold_flag) {
  KeyChanges c;
  size_t n = std::max(m.key_groups.size(), rule.key_groups.size());
  for (size_t g = 0; g < n; ++g) {
    std::vector<std::string> ours, theirs;
    if (g < m.key_groups.size()) {
      for (const auto& k : m.key_groups[g].age) ours.push_back(k.recipient);
      for (const auto& k : m.key_groups[g].foreign) ours.push_back(k.type + " key");
    }
    if (g < rule.key_groups.size()) theirs = rule.key_groups[g];
    for (const auto& t : theirs) {
      if (std::find(ours.begin(), ours.end(), t) == ours.end())
        c.added.push_back("group " + std::to_string(g) + ": " + t);
    }
    for (const auto& o : ours) {
      if (std::find(theirs.begin(), theirs.end(), o) == theirs.end())
        c.removed.push_back("group " + std::to_string(g) + ": " + o);
    }
  }
  c.old_threshold = m.shamir_threshold;
  int t = threshold_flag != 0 ? threshold_flag : m.shamir_threshold;
  c.new_threshold = std::min(t, int(rule.key_groups.size()));
  return c;
}

core::Result<std::string> update_keys(std::string_view text, const std::string& file, Format f,
                                      const StoreConfig& cfg, const IdentityList& ids,
                                      const CreationRule& rule, int threshold_flag) {
  auto loaded = load_sops_file(f, text, file);
  if (!loaded.ok()) return loaded.error();
  EncryptedFile ef = std::move(*loaded);
  auto plan = plan_update_keys(ef.metadata, rule, threshold_flag);
  if (!plan.ok()) return plan.error();
  if (plan->empty()) return std::string(text);
  auto key = recover_data_key(ef.metadata, ids);
  if (!key.ok()) return file_error(file, key.error().message);
  auto groups = key_groups_for(rule.key_groups);
  if (!groups.ok()) return file_error(file, groups.error().message);
  ef.metadata.key_groups = std::move(*groups);
  ef.metadata.shamir_threshold = plan->new_threshold;
  if (auto s = wrap_data_key(ef.metadata, *key); !s.ok())
    return file_error(file, s.error().message);
  // Values, lastmodified and the MAC stay as they are: only the wrapped data keys change.
  auto r = emit_encrypted(f, ef.branches, ef.metadata, cfg);
  if (!r.ok()) return file_error(file, r.error().message);
  return r;
}

}  // namespace oc::crypto::sops
