#include "kustomize/git_fetcher.h"

#include <openssl/evp.h>
#include <stdlib.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "git/git.h"

namespace oc::kustomize {

namespace {

namespace fs = std::filesystem;

bool is_full_hash(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A directory name for the mirror of `url`: the first 32 hex digits of its sha256.
std::string cache_key(const std::string& url) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(url.data(), url.size(), md, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < 16 && i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

std::string default_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) {
    return std::string(x) + "/opencenter/kustomize-git";
  }
  if (const char* h = std::getenv("HOME"); h && *h) {
    return std::string(h) + "/.cache/opencenter/kustomize-git";
  }
  return (fs::temp_directory_path() / "opencenter-kustomize-git").string();
}

// The git layer's reference for what `git fetch <url> <ref>` would fetch.
core::Result<git::Reference> reference_for(git::FetchOptions probe, const std::string& ref) {
  git::Reference r;
  if (is_full_hash(ref)) {
    r.commit = ref;
    return r;
  }
  if (ref.empty() || ref.rfind("refs/", 0) == 0) {
    // HEAD (the remote's default branch) or a full ref name: resolved to its commit first, as
    // the git layer fetches names into refs of the same name.
    probe.ref.name = ref.empty() ? "HEAD" : ref;
    auto c = git::resolve(probe);
    if (!c.ok()) return c.error();
    r.commit = c->hash;
    return r;
  }
  // git's rev-parse rules: refs/tags/<ref> before refs/heads/<ref>.
  git::Reference tag, branch;
  tag.tag = ref;
  branch.branch = ref;
  core::Error last;
  for (const git::Reference& candidate : {tag, branch}) {
    probe.ref = candidate;
    auto c = git::resolve(probe);
    if (c.ok()) return candidate;
    last = c.error();
  }
  // The last reason says whether the remote could not be reached or has no such ref.
  return core::Error("no tag or branch '" + ref + "' (" + last.message + ")");
}

}  // namespace

GitFetcher::GitFetcher() : GitFetcher(Options{}) {}

GitFetcher::GitFetcher(Options options) : options_(std::move(options)), http_(options_.http) {
  if (options_.cache_dir.empty()) options_.cache_dir = default_cache_dir();
}

GitFetcher::~GitFetcher() {
  std::error_code ec;
  for (const auto& d : temp_dirs_) fs::remove_all(d, ec);
}

core::Result<std::string> GitFetcher::fetch_file(const std::string& url) {
  return http_.fetch_file(url);
}

core::Result<RemoteFetcher::Checkout> GitFetcher::fetch_repo(const std::string& repo_url,
                                                             const std::string& ref) {
  std::string what = "remote base " + repo_url + (ref.empty() ? "" : "?ref=" + ref);
  git::FetchOptions fo;
  fo.url = repo_url;
  fo.timeout_seconds = options_.timeout_seconds;
  auto reference = reference_for(fo, ref);
  if (!reference.ok()) return core::Error(what + ": " + reference.error().message);
  fo.ref = *reference;
  std::error_code ec;
  fs::create_directories(options_.cache_dir, ec);
  if (ec)
    return core::Error(what + ": cannot create the cache " + options_.cache_dir + ": " +
                       ec.message());
  std::string tmpl = (fs::temp_directory_path() / "oc-kustomize-git-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return core::Error(what + ": cannot create a temporary directory");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    temp_dirs_.push_back(tmpl);
  }
  // The checkout's real path: loaders compare resolved paths against it.
  std::string worktree = (fs::canonical(tmpl, ec) / "repo").string();
  if (ec) return core::Error(what + ": " + ec.message());
  auto commit = git::checkout(fo, options_.cache_dir + "/" + cache_key(repo_url), worktree);
  if (!commit.ok()) return core::Error(what + ": " + commit.error().message);
  return Checkout{disk_file_system(), worktree};
}

}  // namespace oc::kustomize
