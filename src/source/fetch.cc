// fetch(): download an artifact with libcurl (in this file only), check its digest, extract it
// (fluxcd/pkg http/fetch ArchiveFetcher).
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "source/artifact.h"
#include "source/digest.h"

namespace oc::source {

namespace {

void curl_global() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Download {
  long status = 0;
  CURLcode curl = CURLE_OK;
  std::string curl_error;
  std::string body;
  bool too_large = false;
  long retry_after = -1;  // seconds, from a Retry-After header
  size_t max = 0;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* d = static_cast<Download*>(user);
  size_t len = size * n;
  if (d->body.size() + len > d->max) {
    d->too_large = true;
    return 0;  // aborts the transfer
  }
  d->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* d = static_cast<Download*>(user);
  std::string_view h(data, size * n);
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (h.size() > kRetryAfter.size()) {
    std::string lower(h.substr(0, kRetryAfter.size()));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == kRetryAfter) {
      std::string v(h.substr(kRetryAfter.size()));
      char* end = nullptr;
      long secs = std::strtol(v.c_str(), &end, 10);
      if (end != v.c_str() && secs >= 0) d->retry_after = secs;
    }
  }
  return size * n;
}

Download get_once(const std::string& url, const FetchLimits& limits) {
  Download d;
  d.max = limits.max_compressed;
  CURL* h = curl_easy_init();
  if (!h) {
    d.curl = CURLE_FAILED_INIT;
    d.curl_error = "cannot initialise libcurl";
    return d;
  }
  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);  // Go's client follows up to 10 redirects
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, long(std::max(1, limits.timeout_seconds)));
  curl_easy_setopt(h, CURLOPT_USERAGENT, "opencenter-source/1");
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.max_compressed));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &d);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &d);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
  d.curl = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &d.status);
  if (d.curl == CURLE_FILESIZE_EXCEEDED) d.too_large = true;
  if (d.curl != CURLE_OK) d.curl_error = err[0] ? err : curl_easy_strerror(d.curl);
  curl_easy_cleanup(h);
  return d;
}

// retryablehttp.DefaultRetryPolicy: connection errors (but not a bad URL or TLS failure), 429
// and 5xx other than 501 are worth another attempt.
bool retryable(const Download& d) {
  if (d.too_large) return false;
  if (d.curl != CURLE_OK) {
    switch (d.curl) {
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_TOO_MANY_REDIRECTS:
        return false;
      default:
        return d.status == 0 || d.status == 429 || (d.status >= 500 && d.status != 501);
    }
  }
  return d.status == 0 || d.status == 429 || (d.status >= 500 && d.status != 501);
}

// retryablehttp.DefaultBackoff: Retry-After on 429/503, else min·2^attempt capped at max.
std::chrono::milliseconds backoff(const Download& d, int attempt, const FetchLimits& limits) {
  long long max_ms = std::max(0, limits.retry_wait_max_ms);
  if ((d.status == 429 || d.status == 503) && d.retry_after >= 0) {
    return std::chrono::milliseconds(std::min(max_ms, (long long)d.retry_after * 1000));
  }
  long long ms = std::max(0, limits.retry_wait_min_ms);
  for (int i = 0; i < attempt && ms < max_ms; ++i) ms *= 2;
  return std::chrono::milliseconds(std::min(ms, max_ms));
}

}  // namespace

core::Result<FileTree> fetch(const std::string& url, const std::string& digest,
                             const FetchLimits& limits) {
  if (digest.empty()) return core::Error("artifact " + url + " has no digest");
  auto want = detail::parse_digest(digest);
  if (!want.ok()) return want.error();
  curl_global();

  Download d;
  int attempts = 1 + std::max(0, limits.retries);
  for (int i = 0; i < attempts; ++i) {
    d = get_once(url, limits);
    if (d.curl == CURLE_OK && d.status == 200) break;
    if (!retryable(d) || i + 1 == attempts) break;
    std::this_thread::sleep_for(backoff(d, i, limits));
  }
  if (d.too_large) {
    return core::Error("artifact " + url + " is over the max download size of " +
                       std::to_string(limits.max_compressed) + " bytes");
  }
  if (d.curl != CURLE_OK) {
    // A transport failure has no HTTP status to report unless the server sent an error.
    core::Error e("failed to download artifact " + url + ": " + d.curl_error);
    if (d.status >= 400) e.code = int(d.status);
    return e;
  }
  if (d.status != 200) {
    core::Error e(d.status == 404 ? "artifact not found: " + url
                                  : "failed to download artifact " + url + " (status " +
                                        std::to_string(d.status) + ")");
    e.code = int(d.status);
    return e;
  }

  auto h = detail::Hasher::create(want->algorithm);
  if (!h.ok()) return h.error();
  h->update(d.body.data(), d.body.size());
  if (h->finish_hex() != want->hex) {
    return core::Error("artifact " + url + ": computed digest doesn't match provided '" + digest +
                       "'");
  }
  auto files = extract(d.body, limits);
  if (!files.ok()) {
    core::Error e = files.error();
    e.message = "artifact " + url + ": " + e.message;
    return e;
  }
  return files;
}

}  // namespace oc::source
