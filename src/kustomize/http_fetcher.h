// Fetching `resources:` given as http(s) URLs (kustomize's fileloader httpClientGetContent),
// with libcurl. Git repositories are GitFetcher's (git_fetcher.h); this fetcher refuses them
// with a message saying so.
//
// Thread safety: fetch_file may be called from any number of threads at once.
#pragma once

#include <cstddef>
#include <string>

#include "kustomize/kustomize.h"

namespace oc::kustomize {

class HttpFetcher : public RemoteFetcher {
 public:
  struct Options {
    long timeout_seconds = 60;
    size_t max_bytes = size_t(64) << 20;
  };
  HttpFetcher();
  explicit HttpFetcher(Options options);

  core::Result<std::string> fetch_file(const std::string& url) override;
  core::Result<Checkout> fetch_repo(const std::string& repo_url, const std::string& ref) override;

 private:
  Options options_;
};

}  // namespace oc::kustomize
