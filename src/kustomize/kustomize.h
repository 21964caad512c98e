// The kustomize engine: `kustomization.yaml` → resources, as kustomize v5.5 builds them.
//
// One call builds one kustomization directory, from disk or from an in-memory file tree:
//
//   oc::kustomize::BuildOptions opts;            // FIFO order, root-only loading
//   auto res = oc::kustomize::build("apps/prod", opts);
//   if (!res.ok()) ... res.error().to_string() names the file and line
//   std::string yaml = oc::kustomize::to_yaml(*res);   // what `kustomize build` prints
//
// Thread safety: build() keeps all its state in the call; any number of builds may run at once
// in one process (Flux serialises kustomize builds behind a global lock; we do not need to).
// A FileSystem and a RemoteFetcher passed in must be safe for concurrent reads if shared.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/node.h"

namespace oc::kustomize {

// Read-only file access for a build. Paths are absolute, '/'-separated and cleaned.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  enum class Type { kMissing, kFile, kDir };
  // The type of `path` after following symlinks.
  virtual Type stat(const std::string& path) const = 0;
  // `path` with every symlink resolved; an error when it does not exist.
  virtual core::Result<std::string> real_path(const std::string& path) const = 0;
  virtual core::Result<std::string> read_file(const std::string& path) const = 0;
};

// The local file system. Relative build paths are taken from the current directory.
std::shared_ptr<const FileSystem> disk_file_system();

// An in-memory tree ("a/kustomization.yaml" → content). Directories exist implicitly; there
// are no symlinks. Relative build paths are taken from "/".
class MemoryFileSystem : public FileSystem {
 public:
  // `path` may be relative (to "/") or absolute.
  void add_file(std::string_view path, std::string content);
  Type stat(const std::string& path) const override;
  core::Result<std::string> real_path(const std::string& path) const override;
  core::Result<std::string> read_file(const std::string& path) const override;

 private:
  std::map<std::string, std::string, std::less<>> files_;
  std::map<std::string, int, std::less<>> dirs_;
};

// Where remote resources come from: `resources: [https://…/x.yaml]` files and git URLs
// (`github.com/org/repo//path?ref=v1`). The git layer plugs in here; without a fetcher a remote
// resource is an error that says so.
class RemoteFetcher {
 public:
  virtual ~RemoteFetcher() = default;
  // The content of an http(s) URL.
  virtual core::Result<std::string> fetch_file(const std::string& url) = 0;
  // A local directory holding a checkout of `repo_url` at `ref` ("" = default branch). The
  // kustomization inside is then read from `dir/subpath` through `fs`.
  struct Checkout {
    std::shared_ptr<const FileSystem> fs;
    std::string dir;
  };
  virtual core::Result<Checkout> fetch_repo(const std::string& repo_url,
                                            const std::string& ref) = 0;
};

enum class LoadRestrictions {
  kRootOnly,  // files must be in or below the kustomization's directory (kustomize's default)
  kNone,      // --load-restrictor LoadRestrictionsNone (what Flux uses)
};

enum class Reorder {
  kNone,    // input (FIFO) order: the krusty API default, what Flux's controller uses
  kLegacy,  // kustomize's legacy kind order: what `kustomize build` prints by default
};

struct BuildOptions {
  LoadRestrictions load_restrictions = LoadRestrictions::kRootOnly;
  // A kustomization's `sortOptions` takes precedence over this, as in kustomize.
  Reorder reorder = Reorder::kNone;
  // nullptr: the disk.
  std::shared_ptr<const FileSystem> fs;
  // nullptr: remote resources are an error.
  RemoteFetcher* remote = nullptr;
  // Deprecation warnings ("'commonLabels' is deprecated…") as kustomize prints them on stderr.
  std::function<void(std::string_view)> warn;
};

// Builds the kustomization in directory `path`. The resources come out as JSON-model trees
// (typed scalars), ready for to_yaml(), in the order chosen by the options.
core::Result<std::vector<core::Node>> build(const std::string& path, const BuildOptions& options);

// What `kustomize build` prints for `resources`: each one as sigs.k8s.io/yaml writes it,
// joined by "---\n".
std::string to_yaml(const std::vector<core::Node>& resources);

}  // namespace oc::kustomize
