#include <iostream>

#include "cli/command.h"

namespace oc::cli {

namespace {
const std::string kEmpty;
const std::vector<std::string> kNone;
}  // namespace

bool Args::flag(std::string_view name) const {
  auto it = flags_.find(name);
  return it != flags_.end() && it->second;
}

const std::string& Args::get(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return kEmpty;
  return it->second.back();
}

const std::vector<std::string>& Args::list(std::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? kNone : it->second;
}

bool Args::given(std::string_view name) const {
  auto it = given_.find(name);
  if (it != given_.end()) return it->second;
  return flag(name);
}

void Args::set_values(const std::string& name, std::vector<std::string> v, bool given) {
  values_[name] = std::move(v);
  given_[name] = given;
}

int Io::fail(std::string_view message) const {
  err << "opencenter: " << (color_err ? "\033[31merror\033[0m" : "error") << ": " << message;
  if (message.empty() || message.back() != '\n') err << '\n';
  return kExitFailure;
}

void Io::warn(std::string_view message) const {
  err << "opencenter: " << (color_err ? "\033[33mwarning\033[0m" : "warning") << ": " << message;
  if (message.empty() || message.back() != '\n') err << '\n';
}

}  // namespace oc::cli
