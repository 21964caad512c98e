// Whole-file reads and crash-safe writes.
#pragma once

#include <string>
#include <sys/types.h>

#include "core/error.h"

namespace oc::core {

// Reads a whole file. Errors name the path and the system's reason.
Result<std::string> read_file(const std::string& path, size_t max_bytes = size_t(1) << 30);

// Writes `data` to a temporary file in the same directory, fsyncs it and renames it over
// `path`, so readers see the old or the new content and never a half-written file. The file
// gets `mode` (0600 for anything secret).
Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644);

}  // namespace oc::core
