// Semantic versions and constraints as Masterminds/semver v3 reads them (what Flux uses for
// GitRepository/HelmChart semver refs and Helm for chart versions and semverCompare).
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace oc::core {

struct Version {
  uint64_t major = 0, minor = 0, patch = 0;
  std::string prerelease;  // without '-'
  std::string metadata;    // without '+'
  std::string original;

  // NewVersion's lenient form: an optional 'v', missing minor/patch as 0.
  static std::optional<Version> parse(std::string_view s);
  // Precedence per semver 2.0 (metadata ignored).
  int compare(const Version& other) const;
  bool operator<(const Version& o) const { return compare(o) < 0; }
  bool operator==(const Version& o) const { return compare(o) == 0; }
  std::string to_string() const;  // "1.2.3-rc.1+build"
};

// A constraint expression: "||"-separated alternatives of comma/space-separated conditions
// (=, !=, >, >=, <, <=, ~, ~>, ^, x/X/* wildcards, "a - b" ranges). As in Masterminds v3, a
// prerelease version only satisfies a condition that itself names a prerelease.
class Constraint {
 public:
  static Result<Constraint> parse(std::string_view text);
  bool check(const Version& v) const;

 private:
  struct Cond {
    std::string op;
    Version v;
    // Masterminds' flags: a part given as x/X/* (or left out) makes the condition "dirty".
    bool dirty = false;
    bool minor_dirty = false;
    bool patch_dirty = false;
  };
  static bool cond_ok(const Cond& c, const Version& v);
  std::vector<std::vector<Cond>> any_of_;
};

}  // namespace oc::core
