// Remote resources for kustomize builds: git repositories (`github.com/org/repo//dir?ref=v1`,
// `https://host/repo.git`, `file:///srv/repo//dir`, …) through the git layer — a bare mirror per
// URL in a cache directory, the requested commit written out to a temporary directory that lives
// as long as the fetcher — and http(s) files through HttpFetcher.
//
// kustomize fetches `?ref=X` with `git fetch --depth=1 <url> X` (api/internal/git/cloner.go), so
// X is whatever git resolves that name to on the remote: a tag before a branch of the same name,
// a full ref name, or a full commit hash; no ref means the remote's HEAD. Submodules are not
// fetched (kustomize runs `git submodule update` unless `?submodules=false`).
//
// Thread safety: fetch_file and fetch_repo may be called from several threads at once; fetches
// of one URL are serialised by the git layer's lock on its cache directory.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "kustomize/http_fetcher.h"
#include "kustomize/kustomize.h"

namespace oc::kustomize {

class GitFetcher : public RemoteFetcher {
 public:
  struct Options {
    // Where the mirrors are kept; "" = $XDG_CACHE_HOME/opencenter/kustomize-git, else
    // ~/.cache/opencenter/kustomize-git, else a directory under the system's temporary one.
    std::string cache_dir;
    int timeout_seconds = 60;
    HttpFetcher::Options http;
  };
  GitFetcher();
  explicit GitFetcher(Options options);
  // Removes the checkouts this fetcher wrote (the cache stays).
  ~GitFetcher() override;
  GitFetcher(const GitFetcher&) = delete;
  GitFetcher& operator=(const GitFetcher&) = delete;

  core::Result<std::string> fetch_file(const std::string& url) override;
  core::Result<Checkout> fetch_repo(const std::string& repo_url, const std::string& ref) override;

 private:
  Options options_;
  HttpFetcher http_;
  std::mutex mu_;
  std::vector<std::string> temp_dirs_;  // guarded by mu_
};

}  // namespace oc::kustomize
