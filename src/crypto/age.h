// age encryption and decryption of streams (C2SP age.md): header with recipient stanzas and
// MAC, then the STREAM payload; optional ASCII armor. This is what `opencenter age` and the
// sops data-key wrapping use.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crypto/age_error.h"
#include "crypto/age_format.h"
#include "crypto/age_keys.h"
#include "crypto/age_stream.h"
#include "crypto/byte_io.h"

namespace oc::crypto::age {

struct EncryptOptions {
  bool armor = false;
  StreamOptions stream;
};

// Encrypts everything from `in` to every recipient. Fails without writing anything when the
// recipients cannot be combined (an scrypt recipient must be alone) or there are none.
core::Status encrypt(Source& in, Sink& out, const std::vector<const Recipient*>& recipients,
                     const EncryptOptions& opts = {});

enum class ArmorMode { kDetect, kArmored, kBinary };

struct DecryptOptions {
  ArmorMode armor = ArmorMode::kDetect;
  StreamOptions stream;
};

// Decrypts `in` with the first identity that unwraps the file key (identities in order, each
// over all stanzas, as age does). On a payload failure the plaintext of the chunks that
// authenticated before it has already been written, as the streaming reference does; callers
// that must not keep partial output discard it (the CLI writes files through a temp file).
AgeStatus decrypt(Source& in, Sink& out, const std::vector<const Identity*>& identities,
                  const DecryptOptions& opts = {});

// The header of an age file (after the armor, if any), for inspection.
core::Result<Header> read_header(std::string_view file);

// In-memory conveniences.
core::Result<std::string> encrypt_string(std::string_view plaintext,
                                         const std::vector<const Recipient*>& recipients,
                                         bool armor);
AgeStatus decrypt_string(std::string_view file, const std::vector<const Identity*>& identities,
                         std::string& plaintext);

}  // namespace oc::crypto::age
