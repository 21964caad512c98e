// A read-only kustomize FileSystem over an artifact held in memory, shared by every build of
// that artifact, with a small per-build overlay (the kustomization.yaml Flux generates or
// amends, and the SOPS-encrypted generator sources and patches it decrypts for that build: in
// memory only, dropped with the build).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "kustomize/kustomize.h"

namespace oc::controllers {

// An extracted artifact: relative path → content, plus its directories.
struct ArtifactTree {
  std::map<std::string, std::string, std::less<>> files;
  std::set<std::string, std::less<>> dirs;  // relative, without trailing '/'; "" is the root

  static std::shared_ptr<const ArtifactTree> from(std::map<std::string, std::string> files);
  // Regular files directly in `dir` ("" = root), sorted.
  std::vector<std::string> files_in(const std::string& dir) const;
  std::vector<std::string> subdirs_of(const std::string& dir) const;
};

class TreeFileSystem : public kustomize::FileSystem {
 public:
  explicit TreeFileSystem(std::shared_ptr<const ArtifactTree> tree) : tree_(std::move(tree)) {}
  // Adds or replaces a file ("dir/kustomization.yaml") for this build only.
  void overlay(const std::string& relative_path, std::string content);

  Type stat(const std::string& path) const override;
  core::Result<std::string> real_path(const std::string& path) const override;
  core::Result<std::string> read_file(const std::string& path) const override;

 private:
  static std::string relative(const std::string& absolute);
  std::shared_ptr<const ArtifactTree> tree_;
  std::map<std::string, std::string, std::less<>> overlay_;
};

}  // namespace oc::controllers
