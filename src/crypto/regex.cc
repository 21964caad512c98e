#include "crypto/regex.h"

#include <re2/re2.h>

namespace oc::crypto {

struct Regex::Impl {
  explicit Impl(std::string_view p) : re(re2::StringPiece(p.data(), p.size()), opts()) {}
  static RE2::Options opts() {
    RE2::Options o;
    o.set_log_errors(false);
    return o;
  }
  RE2 re;
};

Regex::Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

core::Result<Regex> Regex::compile(std::string_view pattern) {
  Regex r;
  r.impl_ = std::make_unique<Impl>(pattern);
  r.pattern_ = std::string(pattern);
  if (!r.impl_->re.ok()) {
    return core::Error("invalid regular expression \"" + r.pattern_ + "\": " + r.impl_->re.error());
  }
  return r;
}

bool Regex::search(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), impl_->re);
}

std::optional<std::vector<std::string>> Regex::captures(std::string_view text, int n) const {
  std::vector<re2::StringPiece> groups(size_t(n) + 1);
  if (!impl_->re.Match(re2::StringPiece(text.data(), text.size()), 0, text.size(), RE2::UNANCHORED,
                       groups.data(), n + 1)) {
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (int i = 1; i <= n; ++i) out.emplace_back(groups[size_t(i)].data(), groups[size_t(i)].size());
  return out;
}

}  // namespace oc::crypto
