// Go regular expressions (RE2 syntax, what kustomize's selectors and image matching use),
// behind a small interface so RE2 is included in one place.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace oc::kustomize {

class Regex {
 public:
  // regexp.Compile(pattern).
  static core::Result<Regex> compile(const std::string& pattern);
  // regexp.MatchString: whether the pattern matches anywhere in `s` (anchors are in the
  // pattern when wanted).
  bool matches(std::string_view s) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace oc::kustomize
