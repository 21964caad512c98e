// File access for one kustomization directory, with kustomize's load restrictions
// (api/internal/loader/fileloader.go): files must resolve (symlinks followed) to a place in or
// below the kustomization root unless restrictions are lifted; a base may not be the root
// itself or one of its ancestors (a cycle); remote files and repositories go through the
// RemoteFetcher.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "kustomize/kustomize.h"

namespace oc::kustomize {

class Loader {
 public:
  // A loader at directory `path` (relative paths from the current directory for the disk,
  // from "/" in memory). `display` is how messages name that directory.
  static core::Result<std::unique_ptr<Loader>> make_root(std::shared_ptr<const FileSystem> fs,
                                                         const std::string& path,
                                                         LoadRestrictions restrictions,
                                                         RemoteFetcher* remote);

  // The directory's real path and its name in messages.
  const std::string& root() const { return root_; }
  const std::string& display() const { return display_; }
  // How messages name `rel` (a path relative to this root).
  std::string display_path(const std::string& rel) const;

  // Whether `path` (relative to the root) names a directory in this loader's file system.
  bool is_directory(const std::string& path) const;

  // Reads a file (relative to the root, or an http(s) URL).
  core::Result<std::string> load(const std::string& path) const;

  // A loader for the directory `path` (relative to this root, or a git URL). Errors when it is
  // not a directory, when it is this root or an ancestor of a root on the way here (a cycle),
  // and for remote repositories when no fetcher is configured.
  core::Result<std::unique_ptr<Loader>> sub_loader(const std::string& path) const;

  // Whether `path` names something remote (http(s) file or git repository).
  static bool is_remote_file(const std::string& path);
  static bool is_repo_url(const std::string& path);

 private:
  Loader() = default;
  core::Status check_cycle(const std::string& candidate) const;

  std::shared_ptr<const FileSystem> fs_;
  std::string root_;
  std::string display_;
  LoadRestrictions restrictions_ = LoadRestrictions::kRootOnly;
  RemoteFetcher* remote_ = nullptr;
  const Loader* parent_ = nullptr;
  std::string repo_;      // the git URL this loader's tree came from, for cycle checks
  std::string repo_dir_;  // the checkout a remote tree lives in; bases must stay inside it
};

}  // namespace oc::kustomize
