// Where sops finds age identities (getsops/sops age/keysource.go loadIdentities), and the
// Flux convention of identities in Secret data keys ending in ".agekey"
// (fluxcd/kustomize-controller internal/decryptor).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "crypto/age_keys.h"

namespace oc::crypto::sops {

// The environment sops reads, captured once so tests can supply their own.
struct KeyEnvironment {
  std::optional<std::string> sops_age_key;       // SOPS_AGE_KEY: keys inline
  std::optional<std::string> sops_age_key_file;  // SOPS_AGE_KEY_FILE
  std::string config_dir;  // $XDG_CONFIG_HOME, else $HOME/.config ("" when neither is set)
  // For age-encrypted identity files (asked only when one is found).
  age::PassphraseFn passphrase;

  static KeyEnvironment from_process();
  // $config_dir/sops/age/keys.txt, or "" without a config directory.
  std::string default_key_file() const;
};

struct LoadedIdentities {
  age::Identities identities;
  std::vector<std::string> sources;  // where identities were found
  std::vector<std::string> missing;  // locations looked at that had none
  std::vector<std::string> errors;   // locations that could not be read or parsed
};

// Every identity from SOPS_AGE_KEY (several keys per line allowed), SOPS_AGE_KEY_FILE and the
// default keys.txt, in that order; a source that fails is recorded, the others still load.
LoadedIdentities load_identities(const KeyEnvironment& env);

// Identities from an identity file's text (age-encrypted files are decrypted with
// `passphrase`). `multiple_per_line` splits lines on white space, as SOPS_AGE_KEY allows.
core::Result<age::Identities> parse_identity_text(std::string_view text, bool multiple_per_line,
                                                  const age::PassphraseFn& passphrase);

// Flux: every Secret data entry whose key ends in ".agekey" holds identities.
core::Result<age::Identities> identities_from_secret(
    const std::map<std::string, std::string>& data);

}  // namespace oc::crypto::sops
