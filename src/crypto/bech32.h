// Bech32 (BIP 173, checksum constant 1) as age uses it: no 90-character limit, one case per
// string, the checksum over the lower-case HRP (research/sops-age.md §1.1). Matches
// FiloSottile/age internal/bech32.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace oc::crypto {

struct Bech32 {
  std::string hrp;   // as written: upper case when the string was upper case
  std::string data;  // the decoded bytes
};

// Encodes `data` under `hrp`; the output is upper case when `hrp` is.
std::string bech32_encode(std::string_view hrp, std::string_view data);

// Decodes a Bech32 string. Errors say why ("invalid checksum", "mixed case", …) without
// repeating the input (it may be a secret key).
core::Result<Bech32> bech32_decode(std::string_view s);

}  // namespace oc::crypto
