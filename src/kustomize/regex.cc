#include "kustomize/regex.h"

#include <re2/re2.h>

namespace oc::kustomize {

struct Regex::Impl {
  explicit Impl(const std::string& p) : re(p, RE2::Quiet) {}
  RE2 re;
};

core::Result<Regex> Regex::compile(const std::string& pattern) {
  auto impl = std::make_shared<Impl>(pattern);
  if (!impl->re.ok()) {
    return core::Error("error parsing regexp: " + impl->re.error() + ": `" + pattern + "`");
  }
  Regex r;
  r.impl_ = std::move(impl);
  return r;
}

bool Regex::matches(std::string_view s) const {
  return RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), impl_->re);
}

}  // namespace oc::kustomize
