// Small UTF-8 helpers shared by the readers and writers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace oc::core {

// Length of the valid UTF-8 sequence starting at s[i] (1–4), or 0 when it is invalid
// (overlong, surrogate, beyond U+10FFFF, truncated).
size_t utf8_valid_len(std::string_view s, size_t i);

// Whether all of `s` is valid UTF-8.
bool utf8_valid(std::string_view s);

// Appends code point `cp` encoded as UTF-8.
void utf8_append(std::string& out, uint32_t cp);

}  // namespace oc::core
