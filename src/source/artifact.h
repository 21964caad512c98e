// Flux source-controller artifacts: the tarballs a source (GitRepository, …) publishes in its
// status.artifact and that the kustomize and helm controllers download. This layer makes them
// exactly as fluxcd/pkg `artifact/storage` does (see docs/source.md and research/flux.md §3):
//
//   IgnoreRules::load(dir, spec.ignore) → Storage::archive(...) → Artifact{path,url,digest,…}
//   ArtifactServer serves the storage root over HTTP → fetch(url, digest) → FileTree in memory
//
// Nothing here logs file contents: artifacts may hold sops-encrypted secrets.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "source/gitignore.h"

namespace oc::source {

// status.artifact of a Flux source (fluxcd/pkg apis/meta Artifact).
struct Artifact {
  std::string path;              // "<kind lowercase>/<ns>/<name>/<file>"
  std::string url;               // base URL + "/" + path
  std::string revision;          // verbatim from the caller, e.g. "main@sha1:<hash>"
  std::string digest;            // "sha256:<hex>" of the compressed file bytes
  int64_t size = 0;              // bytes of the compressed file
  std::string last_update_time;  // RFC 3339 UTC, seconds: "2026-11-26T10:00:00Z"
};

// Which paths of a source tree stay out of its artifact, as Flux decides it (fluxcd/pkg
// sourceignore + SourceIgnoreFilter): .sourceignore files anywhere in the tree, each scoped to
// its directory, then spec.ignore (highest priority). When that list is empty Flux's default
// exclusions apply (VCS, image/archive extensions, CI files, .sops.yaml & co.); otherwise only
// the VCS patterns plus the list. `.git` directories are always left out.
//
// Thread safety: immutable after construction.
class IgnoreRules {
 public:
  // Reads every .sourceignore under `root_dir` (not inside .git) and appends `spec_ignore`.
  static core::Result<IgnoreRules> load(const std::string& root_dir,
                                        const std::optional<std::string>& spec_ignore);
  // The rules of a tree without .sourceignore files whose spec.ignore is `spec_ignore`.
  static IgnoreRules from_spec(std::string_view spec_ignore);
  // Leaves out nothing but .git directories.
  static IgnoreRules none();

  // `relative_path` is '/'-separated and relative to the archived directory ("" = the root).
  bool ignored(std::string_view relative_path, bool is_dir) const;

  // False when some pattern re-includes paths ("!…"): Flux then still visits the contents of an
  // ignored directory, since go-git lets a negation re-include a file below an excluded
  // directory (git does not). When true, an ignored directory's whole subtree is ignored.
  bool prunes_ignored_dirs() const { return !has_inclusion_; }

  // The user patterns (.sourceignore files + spec.ignore); empty means the defaults apply.
  size_t user_pattern_count() const { return user_patterns_; }
  const gitignore::Matcher& matcher() const { return matcher_; }

 private:
  static IgnoreRules build(std::vector<gitignore::Pattern> user);

  gitignore::Matcher matcher_;
  size_t user_patterns_ = 0;
  bool has_inclusion_ = false;
};

// The artifact files on disk, under `root_dir`, laid out as Flux lays them out.
//
// Thread safety: holds no mutable state. Calls for different objects may run concurrently;
// archive() of the same object from two threads is safe (atomic rename, last one wins), but
// garbage_collect() must not race with archive() of the same object (the controller's work
// queue serialises an object).
class Storage {
 public:
  // `base_url` is "http://host:port" (a bare "host:port" gets "http://", as Flux's
  // --storage-adv-addr does).
  Storage(std::string root_dir, std::string base_url);

  // Archives `dir` (filtered by `ignore`) as a normalised tar.gz at
  // <kind>/<ns>/<name>/<file_name>: Go archive/tar headers as Flux writes them (names relative
  // to `dir`, uid/gid 0, no user/group names, zero times, modes 0750/0600/0700), lexical walk
  // order, regular files and directories only. Written to a temporary file and renamed into
  // place (mode 0600). The same tree always gives the same bytes and digest.
  core::Result<Artifact> archive(std::string_view kind, std::string_view ns, std::string_view name,
                                 std::string_view file_name, const std::string& dir,
                                 const IgnoreRules& ignore, std::string revision) const;

  // True when the artifact's file is a regular file whose digest matches `a.digest`
  // (sha256, sha384 or sha512).
  bool verify(const Artifact& a) const;

  // Flux's garbage collection of the object's directory: files other than `current` older than
  // `ttl` are deleted, then the oldest others until at most `keep` files remain (`current`
  // included and never deleted). Returns the deleted paths, relative to the root.
  std::vector<std::string> garbage_collect(
      const Artifact& current, int keep = 2,
      std::chrono::seconds ttl = std::chrono::seconds(60)) const;

  // Deletes the object's directory and everything in it (the object was deleted).
  core::Status remove_all(std::string_view kind, std::string_view ns, std::string_view name) const;

  // The file of `a` under the root; "" when `a.path` is empty. ".." cannot climb above the root.
  std::string local_path(const Artifact& a) const;
  const std::string& root() const { return root_; }
  const std::string& base_url() const { return base_url_; }

  // "<kind lowercase>/<ns>/<name>/<file>"; an error when a part is empty, ".", ".." or holds '/'.
  static core::Result<std::string> artifact_path(std::string_view kind, std::string_view ns,
                                                 std::string_view name, std::string_view file_name);
  std::string url_for(std::string_view path) const;

 private:
  std::string root_;
  std::string base_url_;
};

// Serves a storage root read-only over HTTP: GET and HEAD of a file; 404 for anything else
// (directories, missing files, symlinks, paths with "." or ".." segments, encoded or not).
//
// Thread safety: start/stop from one thread; requests are served on the server's threads.
class ArtifactServer {
 public:
  ArtifactServer();
  ~ArtifactServer();
  ArtifactServer(const ArtifactServer&) = delete;
  ArtifactServer& operator=(const ArtifactServer&) = delete;

  // `listen` is "HOST:PORT"; port 0 picks a free one. Returns the base URL "http://HOST:PORT".
  core::Result<std::string> start(const std::string& root_dir, const std::string& listen);
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A downloaded artifact held in memory: relative path → file content (regular files only).
using FileTree = std::map<std::string, std::string>;

struct FetchLimits {
  size_t max_compressed = size_t(256) << 20;  // bytes downloaded
  size_t max_uncompressed = size_t(1) << 30;  // sum of the file sizes declared in the tarball
  size_t max_files = 200000;                  // tar entries of any type
  int timeout_seconds = 60;                   // per attempt
  // Attempts after the first on connection errors, 429 and 5xx except 501, waiting
  // min·2^n capped at max between them — fluxcd/pkg http/fetch's retryablehttp settings.
  int retries = 9;
  int retry_wait_min_ms = 5000;
  int retry_wait_max_ms = 30000;
};

// GETs `url`, checks its digest ("sha256:<hex>", sha384/sha512 too; bare hex means sha256) and
// extracts it into memory. A 404 gives an error with code 404, other HTTP failures their
// status code. Nothing partial is ever returned.
core::Result<FileTree> fetch(const std::string& url, const std::string& digest,
                             const FetchLimits& limits = {});

// The extraction of fetch() from bytes already in memory. Refuses (with an error naming the
// entry) a path that is absolute or has a ".." segment, symlinks, hardlinks, devices, FIFOs, a
// path that is both a file and a directory, input that is not gzip, and anything over
// `limits`. Leading "./" and directory entries are accepted; duplicate files keep the last.
core::Result<FileTree> extract(std::string_view tar_gz, const FetchLimits& limits = {});

}  // namespace oc::source
