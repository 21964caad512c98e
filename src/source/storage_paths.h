// Small filesystem helpers shared by the storage files.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/error.h"

namespace oc::source::detail {

// mkdir -p: creates missing directories with `mode`.
core::Status make_dirs(const std::string& path, mode_t mode);

// rm -rf without following symlinks; a missing path is not an error.
core::Status remove_tree(const std::string& path);

}  // namespace oc::source::detail
