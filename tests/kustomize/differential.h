// Differential testing against the reference: `kubectl kustomize` (kustomize v5.5.0) and
// `opencenter kustomize build` run on the same directory; their stdout must be byte-identical,
// and where kubectl fails we must fail too (with nothing on stdout).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "support/process.h"

namespace oc::kustomize::difftest {

inline bool have_kubectl() {
  static const bool have =
      test::on_path("kubectl") && test::run("kubectl kustomize --help").exit_code == 0;
  return have;
}

inline std::string quote(const std::string& s) {
  return "'" + s + "'";
}

struct Outcome {
  bool ok = false;
  std::string out;
  std::string err;
};

inline Outcome run_kubectl(const std::string& dir, const std::string& flags = "") {
  auto r = test::run("kubectl kustomize " + flags + " " + quote(dir));
  return Outcome{r.exit_code == 0, r.out, r.err};
}

inline Outcome run_ours(const std::string& dir, const std::string& flags = "") {
  auto r = test::run(quote(OC_BINARY) + " kustomize build " + flags + " " + quote(dir));
  return Outcome{r.exit_code == 0, r.out, r.err};
}

// Compares the two tools on `dir`; returns a description of the difference, "" when equal.
inline std::string compare(const std::string& dir, const std::string& flags = "") {
  Outcome want = run_kubectl(dir, flags);
  Outcome got = run_ours(dir, flags);
  if (want.ok && !got.ok)
    return "kubectl succeeded, we failed: " + got.err + "\nkubectl:\n" + want.out;
  if (!want.ok && got.ok) return "kubectl failed (" + want.err + "), we succeeded:\n" + got.out;
  if (!want.ok) {
    if (!got.out.empty()) return "we failed but printed on stdout:\n" + got.out;
    return "";
  }
  if (want.out != got.out) {
    // Show the first differing line for a readable failure.
    size_t i = 0;
    while (i < want.out.size() && i < got.out.size() && want.out[i] == got.out[i]) ++i;
    size_t line_start = want.out.rfind('\n', i == 0 ? 0 : i - 1);
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    return "output differs at byte " + std::to_string(i) + " (line: '" +
           want.out.substr(line_start, want.out.find('\n', i) - line_start) + "')\n--- kubectl:\n" +
           want.out + "\n--- ours:\n" + got.out;
  }
  return "";
}

// Writes `files` (relative path → content) under `root`.
inline void write_tree(const std::string& root, const std::map<std::string, std::string>& files) {
  for (const auto& [path, content] : files) {
    std::string p = root + "/" + path;
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
}

}  // namespace oc::kustomize::difftest
