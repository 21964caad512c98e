// How an age decryption failed, in the categories of the C2SP/CCTV test vectors
// (research/sops-age.md §2): callers and tests can tell a wrong key from a damaged file.
#pragma once

#include <string>

#include "core/error.h"

namespace oc::crypto::age {

enum class Failure {
  kNone,
  kIo,         // reading the input or writing the output failed
  kArmor,      // the ASCII armor is malformed
  kHeader,     // the header is malformed, or a stanza for one of our identities is invalid
  kNoMatch,    // well-formed, but none of the identities can unwrap the file key
  kHeaderMac,  // a file key was unwrapped but the header MAC does not verify
  kPayload,    // the encrypted payload is damaged, truncated or has trailing data
};

const char* failure_name(Failure f);

struct AgeStatus {
  Failure failure = Failure::kNone;
  core::Error error;

  AgeStatus() = default;
  AgeStatus(Failure f, core::Error e) : failure(f), error(std::move(e)) {}
  bool ok() const { return failure == Failure::kNone; }
};

}  // namespace oc::crypto::age
