// age's STREAM payload: 64 KiB chunks sealed with ChaCha20-Poly1305 under one key, nonce =
// 11-byte big-endian counter ‖ last-chunk flag (C2SP age.md "Payload"; decryption rules of
// FiloSottile/age internal/stream). Chunks are independent, so batches of them are sealed and
// opened on several threads; the output and the error semantics are those of the sequential
// algorithm, including which plaintext is released before a failure.
#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/age_error.h"
#include "crypto/byte_io.h"

namespace oc::crypto::age {

constexpr size_t kChunkSize = size_t(64) << 10;
constexpr size_t kEncChunkSize = kChunkSize + 16;

struct StreamOptions {
  // Threads sealing/opening chunks (1 = the calling thread only); 0 picks the CPU count.
  size_t threads = 0;
};

// Encrypts everything `in` yields into `out`. Errors are read or write errors.
core::Status stream_encrypt(const uint8_t key[32], Source& in, Sink& out,
                            const StreamOptions& opts = {});

// Decrypts a payload. Plaintext of every chunk that authenticated before a failure has been
// written to `out` (Failure::kPayload); read errors are Failure::kIo, write errors too.
AgeStatus stream_decrypt(const uint8_t key[32], Source& in, Sink& out,
                         const StreamOptions& opts = {});

}  // namespace oc::crypto::age
