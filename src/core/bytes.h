// Byte scans on the hot paths of the template lexer and the writers, 16 bytes at a time.
#pragma once

#include <cstddef>
#include <string_view>

namespace oc::core {

// How many times `c` occurs in `s` (line counting over megabytes of chart text).
size_t count_byte(std::string_view s, char c);

}  // namespace oc::core
