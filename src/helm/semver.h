// Masterminds/semver v3 (what Sprig's semver/semverCompare and Helm's dependency matching use):
// lenient version parsing and its constraint language, with its error texts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace oc::helm {

struct SemVersion {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string pre, metadata, original;
  std::string str() const;  // "1.2.3-pre+meta"
  int compare(const SemVersion& o) const;
};

// semver.NewVersion: "v1.2", "1", "1.2.3-rc.1+build" …
core::Result<SemVersion> parse_semver(std::string_view v);
// semver.StrictNewVersion.
core::Result<SemVersion> parse_semver_strict(std::string_view v);

class SemConstraint {
 public:
  static core::Result<SemConstraint> parse(std::string_view c);
  bool check(const SemVersion& v) const;
  struct Term;

 private:
  std::vector<std::vector<std::shared_ptr<const Term>>> ors_;
};

// helm's IsCompatibleRange(constraint, version).
bool semver_compatible(std::string_view constraint, std::string_view version);

}  // namespace oc::helm
