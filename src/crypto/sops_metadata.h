// The `sops` metadata block (getsops/sops stores/stores.go, stores/metadata.go): key groups,
// the encryption rules, lastmodified, the encrypted MAC and the writer's version.
//
// Written like sops 3.13: keys in alphabetical order, empty top-level key lists left out
// (older sops wrote struct order and empty lists; both are read).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "crypto/sops_tree.h"

namespace oc::crypto::sops {

// The sops version whose file format we write.
constexpr std::string_view kSopsFormatVersion = "3.13.2";

struct AgeKey {
  std::string recipient;
  std::string enc;  // the armored age file holding the data key (or its Shamir share)
};

// A master key of a type opencenter does not use (pgp, kms, gcp_kms, azure_kv, hc_vault,
// hckms), kept field by field so rewriting the file preserves it.
struct ForeignKey {
  std::string type;  // the metadata list it came from: "pgp", "kms", …
  Value fields;      // a map
};

struct KeyGroup {
  std::vector<AgeKey> age;
  std::vector<ForeignKey> foreign;
  bool empty() const { return age.empty() && foreign.empty(); }
};

struct Metadata {
  std::vector<KeyGroup> key_groups;
  int shamir_threshold = 0;
  std::string lastmodified;  // RFC 3339, as written
  std::string mac;           // ENC[…] of the MAC, "" when absent
  Rules rules;               // normalized (the default suffix applied)
  std::string version;
};

// Reads the (unflattened) metadata map. Values may be strings where numbers or booleans are
// expected, as in dotenv and INI files (mapstructure's weak typing). Errors name the field.
core::Result<Metadata> metadata_from_value(const Value& sops);

// The metadata map as sops 3.13 writes it.
Value metadata_to_value(const Metadata& m);

// Go's time.Parse(time.RFC3339, s).Format(time.RFC3339): the MAC's AAD.
core::Result<std::string> rfc3339_canonical(std::string_view s);
// The current time as sops writes lastmodified (UTC, whole seconds).
std::string now_rfc3339_utc();

}  // namespace oc::crypto::sops
