// Base64 as Go's encoding/base64 does it: standard and URL alphabets, with or without padding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace oc::core {

enum class Base64 { kStd, kUrl, kRawStd, kRawUrl };  // Raw* = no '=' padding

std::string base64_encode(std::string_view data, Base64 alphabet = Base64::kStd);

// Decodes like Go's Encoding.DecodeString: '\r' and '\n' are ignored, padding must be right
// for the padded alphabets; nullopt on any other character or a bad length.
std::optional<std::string> base64_decode(std::string_view text, Base64 alphabet = Base64::kStd);

}  // namespace oc::core
