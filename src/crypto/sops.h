// sops with age, natively: the operations behind `opencenter secrets` and the controllers'
// decryption (getsops/sops cmd/sops; research/sops-age.md §3.8).
//
//   decrypt:  metadata → data key (age identities; Shamir over key groups) → values (AES-GCM,
//             AAD = path) → MAC check
//   encrypt:  plaintext → new data key wrapped for each age recipient → values → MAC
//
// Errors name the file and the value's path, never a secret or plaintext.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "crypto/age_keys.h"
#include "crypto/sops_config.h"
#include "crypto/sops_store.h"

namespace oc::crypto::sops {

using IdentityList = std::vector<const age::Identity*>;

// The data key of a file: every key group is tried with every identity; with several groups
// the shares are combined (at least shamir_threshold of them).
core::Result<SecretBytes> recover_data_key(const Metadata& m, const IdentityList& ids);

// Wraps `data_key` (or its Shamir shares) for every age key of every group, replacing `enc`.
// Fails when a group holds keys opencenter cannot wrap for (pgp, kms, …).
core::Status wrap_data_key(Metadata& m, const SecretBytes& data_key);

// Key groups of age recipients (from --age or a creation rule) as metadata groups.
core::Result<std::vector<KeyGroup>> key_groups_for(
    const std::vector<std::vector<std::string>>& recipients);

// A decrypted document and what is needed to encrypt it again unchanged where it did not
// change (the data key and the IVs of the values).
struct Decrypted {
  std::vector<Branch> branches;
  Metadata metadata;
  SecretBytes data_key;
  IvStash stash;
};

struct DecryptOptions {
  bool ignore_mac = false;
  // Remember each value's IV so an edit re-encrypts unchanged values identically (costs a map
  // entry per value; only `edit` needs it).
  bool keep_ivs = false;
};

// Decrypts a loaded file in place. A MAC mismatch, a missing MAC, a wrong key or a damaged value
// is an error naming the file.
core::Result<Decrypted> decrypt(EncryptedFile f, const IdentityList& ids, const std::string& file,
                                const DecryptOptions& opts = {});

// The same with a known data key (tests with the sops conformance files' extracted keys).
core::Result<Decrypted> decrypt_with_key(EncryptedFile f, SecretBytes data_key,
                                         const std::string& file, const DecryptOptions& opts = {});

// Encrypts `branches` under `data_key`, sets lastmodified and the MAC in `m`, and writes the
// file in format `f`. `stash` keeps unchanged values' ciphertext (edit).
core::Result<std::string> encrypt(std::vector<Branch> branches, Metadata& m,
                                  const SecretBytes& data_key, Format f, const StoreConfig& cfg,
                                  IvStash* stash = nullptr);

// What to encrypt a new file with.
struct EncryptSpec {
  std::vector<std::vector<std::string>> recipients;  // age recipients per key group
  int shamir_threshold = 0;
  Rules rules;  // as configured; normalized here
};

// Sets the metadata's version to the format we write when the file came from an older sops
// (what sops edit does).
void update_version(Metadata& m);

// `sops encrypt`: a plaintext document in `in` → an encrypted one in `out`.
core::Result<std::string> encrypt_document(std::string_view text, const std::string& file,
                                           Format in, Format out, const StoreConfig& cfg,
                                           const EncryptSpec& spec);

// `sops decrypt`: an encrypted document → plaintext in format `out`.
core::Result<std::string> decrypt_document(std::string_view text, const std::string& file,
                                           Format in, Format out, const StoreConfig& cfg,
                                           const IdentityList& ids,
                                           const DecryptOptions& opts = {});

// `sops rotate`: a new data key, every value re-encrypted, recipients optionally added to the
// first group or removed.
core::Result<std::string> rotate_document(std::string_view text, const std::string& file, Format f,
                                          const StoreConfig& cfg, const IdentityList& ids,
                                          const std::vector<std::string>& add_age,
                                          const std::vector<std::string>& remove_age,
                                          const DecryptOptions& opts = {});

// `sops updatekeys`: the recipients of `rule` replace the file's; the data key is re-wrapped
// (values and MAC unchanged). `changes` describes the difference; when it is empty the file is
// already up to date and `text` is returned as it is.
struct KeyChanges {
  std::vector<std::string> added, removed;  // "group N: age1…"
  int old_threshold = 0, new_threshold = 0;
  bool empty() const { return added.empty() && removed.empty() && old_threshold == new_threshold; }
};
core::Result<KeyChanges> plan_update_keys(const Metadata& m, const CreationRule& rule,
                                          int threshold_flag);
core::Result<std::string> update_keys(std::string_view text, const std::string& file, Format f,
                                      const StoreConfig& cfg, const IdentityList& ids,
                                      const CreationRule& rule, int threshold_flag);

}  // namespace oc::crypto::sops
