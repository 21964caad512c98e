// Fetching Git repositories the way Flux's source controller does (libgit2 underneath, in
// repository.cc only): a cached mirror per URL, Flux's reference precedence and revision
// strings, and the resolved commit's tree written out without .git.
//
// Thread safety: calls on different cache directories may run concurrently; one cache
// directory is locked for the duration of a call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace oc::git {

// spec.secretRef data of a GitRepository.
struct Credentials {
  std::string username;     // HTTPS basic
  std::string password;
  std::string bearer_token; // HTTPS bearer
  std::string identity;     // SSH private key (PEM or OpenSSH)
  std::string identity_passphrase;
  std::string known_hosts;  // SSH known_hosts lines; required for SSH
  std::string ca_pem;       // HTTPS certificate authority
};

// spec.ref. Precedence as Flux's code applies it: commit > name > tag > semver > branch
// (default "master"). A semver range is resolved by the caller-supplied tag list filter.
struct Reference {
  std::string branch;
  std::string tag;
  std::string semver;
  std::string name;    // a full ref name, e.g. refs/pull/420/head
  std::string commit;  // a full hash
};

struct FetchOptions {
  std::string url;  // file://, http(s)://, ssh://, git://
  Reference ref;
  Credentials credentials;
  int timeout_seconds = 60;
};

struct Commit {
  std::string hash;      // 40 hex characters
  std::string revision;  // Flux's form: "main@sha1:<hash>", "v1.2.3@sha1:<hash>", "sha1:<hash>"
  std::string message;
  std::string author;
  int64_t time = 0;      // seconds since the epoch
};

// Resolves the reference on the remote without fetching objects (an ls-remote), so a caller
// can skip work when the commit did not change. Commit references resolve to themselves.
core::Result<Commit> resolve(const FetchOptions& opts);

// Fetches into `cache_dir` (a bare mirror of the URL, created on first use) and writes the tree
// of the resolved commit into `worktree` (which must not exist yet; symlinks are skipped, as in
// Flux's artifacts).
core::Result<Commit> checkout(const FetchOptions& opts, const std::string& cache_dir,
                              const std::string& worktree);

// Semantic-version tag selection (spec.ref.semver): the highest tag satisfying `range`
// (Masterminds/semver constraint syntax) among `tags`; "" when none does.
std::string pick_semver(const std::vector<std::string>& tags, const std::string& range);

}  // namespace oc::git
