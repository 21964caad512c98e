// Shamir secret sharing over GF(2^8) with the AES polynomial, as sops uses it for several key
// groups (sops shamir/shamir.go, forked from HashiCorp Vault): each share is the secret's
// length of y bytes followed by one x byte (group index + 1).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "crypto/primitives.h"

namespace oc::crypto {

core::Result<std::vector<SecretBytes>> shamir_split(const SecretBytes& secret, int parts,
                                                    int threshold);
core::Result<SecretBytes> shamir_combine(const std::vector<SecretBytes>& parts);

}  // namespace oc::crypto
