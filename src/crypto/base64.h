// The base64 that age needs and core/base64.h does not provide (research/sops-age.md §8.1).
// Everything else (sops's ENC[…] fields, which Go decodes leniently, and one-off encodings of
// header arguments) uses core's Go-compatible base64.
//   - Strict decoding: only alphabet characters (core skips '\r' and '\n'), canonical tails
//     (core, like Go's default decoder, ignores unused trailing bits). age requires both for
//     header arguments and stanza bodies (raw) and armor lines (padded); the CCTV vectors
//     check them. Go spells this `base64.RawStdEncoding.Strict()`.
//   - Encoding into a caller's buffer: the armor writer encodes every 48-byte line of a
//     multi-gigabyte file; a std::string per line would dominate its time.
// Proposed for core (then this file goes): a `strict` flag on core::base64_decode and a
// core::base64_encode_to(const uint8_t*, size_t, char*, Base64).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace oc::crypto::base64 {

// Encoded length of n bytes, standard alphabet, with or without '=' padding.
constexpr size_t encoded_size(size_t n, bool pad) {
  return pad ? (n + 2) / 3 * 4 : (n * 4 + 2) / 3;
}

// Writes encoded_size(n, pad) characters of the standard alphabet to `out`.
void encode(const uint8_t* in, size_t n, char* out, bool pad);

// Strict decoding: only alphabet characters (no whitespace), canonical (unused trailing bits
// zero). With `padded`, the input is a multiple of 4 characters with '=' padding; otherwise
// '=' is refused. Returns the decoded size written to `out` (which needs s.size() / 4 * 3 + 2
// bytes), or nullopt.
std::optional<size_t> decode_strict(std::string_view s, bool padded, uint8_t* out);
std::optional<std::string> decode_strict(std::string_view s, bool padded);

}  // namespace oc::crypto::base64
