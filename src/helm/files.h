// .Files helpers shared with the loader and tests.
#pragma once

#include <string_view>

namespace oc::helm {

// gobwas/glob with '/' as the separator, as .Files.Glob matches file names.
bool glob_match(std::string_view pattern, std::string_view name);

}  // namespace oc::helm
