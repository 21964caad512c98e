// Where passphrases come from. The age CLI reads them only from the terminal (/dev/tty, echo
// off); non-interactive use follows age ≥ 1.3's age-plugin-batchpass (`-j batchpass`):
// AGE_PASSPHRASE or AGE_PASSPHRASE_FD, AGE_PASSPHRASE_WORK_FACTOR when encrypting and
// AGE_PASSPHRASE_MAX_WORK_FACTOR when decrypting (FiloSottile/age
// cmd/age-plugin-batchpass). See docs/crypto.md.
#pragma once

#include <optional>
#include <string>

#include "core/error.h"
#include "crypto/primitives.h"

namespace oc::crypto {

// Prompts on the controlling terminal and reads one line with echo off.
core::Result<SecretBytes> read_terminal_passphrase(const std::string& prompt);

// The batchpass passphrase: AGE_PASSPHRASE, or the contents of AGE_PASSPHRASE_FD with
// trailing newlines stripped. Errors when neither or both are set, or it is empty.
core::Result<SecretBytes> batchpass_passphrase();

// A work factor (log2 N) from an environment variable, 1–30, or `fallback` when unset.
core::Result<int> work_factor_from_env(const char* name, int fallback);

}  // namespace oc::crypto
