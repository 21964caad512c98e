// The shared kustomize conformance cases (../shared/conformance/kustomize/<case>/{input,target,
// expected.yaml|expected.err}) for parameterised tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "support/process.h"

namespace oc::kustomize::conformance {

inline const std::string& cases_dir() {
  static const std::string dir = std::string(OC_CONFORMANCE_DIR) + "/kustomize";
  return dir;
}

inline std::vector<std::string> case_names() {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(cases_dir(), ec)) return out;
  for (const auto& e : fs::directory_iterator(cases_dir(), ec)) {
    if (e.is_directory() && fs::exists(e.path() / "target")) out.push_back(e.path().filename());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The directory under input/ the case builds.
inline std::string target_of(const std::string& name) {
  std::string t = test::read_all(cases_dir() + "/" + name + "/target");
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ' || t.back() == '\r')) t.pop_back();
  return t;
}

inline std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n;
  for (char c : info.param) n.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return n;
}

}  // namespace oc::kustomize::conformance
