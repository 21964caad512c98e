#include "kustomize/http_fetcher.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace oc::kustomize {

namespace {

struct Body {
  std::string data;
  size_t max = 0;
  bool too_big = false;
};

size_t on_data(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* b = static_cast<Body*>(user);
  size_t n = size * nmemb;
  if (b->data.size() + n > b->max) {
    b->too_big = true;
    return 0;  // aborts the transfer
  }
  b->data.append(ptr, n);
  return n;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

HttpFetcher::HttpFetcher() : HttpFetcher(Options{}) {}

HttpFetcher::HttpFetcher(Options options) : options_(options) {}

core::Result<std::string> HttpFetcher::fetch_file(const std::string& url) {
  global_init();  // on first use: most builds fetch nothing and need not load TLS
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return core::Error("fetching " + url + ": cannot start an HTTP client");
  Body body;
  body.max = options_.max_bytes;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, options_.timeout_seconds);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  CURLcode rc = curl_easy_perform(curl.get());
  if (body.too_big) {
    return core::Error("fetching " + url + ": larger than " +
                       std::to_string(options_.max_bytes >> 20) + " MiB");
  }
  if (rc != CURLE_OK) return core::Error("fetching " + url + ": " + curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    return core::Error("fetching " + url + ": HTTP status " + std::to_string(status));
  }
  return std::move(body.data);
}

core::Result<RemoteFetcher::Checkout> HttpFetcher::fetch_repo(const std::string& repo_url,
                                                              const std::string& ref) {
  return core::Error("remote base " + repo_url + (ref.empty() ? "" : "?ref=" + ref) +
                     ": fetching git repositories is not available in this build yet");
}

}  // namespace oc::kustomize
