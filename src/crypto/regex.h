// Go-compatible regular expressions (RE2 syntax, as Go's regexp package) for sops rules and
// .sops.yaml path_regex. RE2 is included only in regex.cc.
//
// Thread safety: a compiled Regex may be used from several threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace oc::crypto {

class Regex {
 public:
  // Compiles `pattern`; errors quote it.
  static core::Result<Regex> compile(std::string_view pattern);
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

  // Go's regexp.MatchString: an unanchored search.
  bool search(std::string_view text) const;
  // The first `n` capture groups of a match, or nullopt when it does not match.
  std::optional<std::vector<std::string>> captures(std::string_view text, int n) const;
  const std::string& pattern() const { return pattern_; }

 private:
  Regex();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string pattern_;
};

}  // namespace oc::crypto
