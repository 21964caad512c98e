// libgit2 behind git.h. This is the only file that includes git2.h.
#include <fcntl.h>
#include <git2.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <mutex>

#include "core/base64.h"
#include "core/semver.h"
#include "git/git.h"

namespace oc::git {

namespace {

struct Init {
  Init() { git_libgit2_init(); }
  ~Init() { git_libgit2_shutdown(); }
};
Init& init() {
  static Init i;
  return i;
}

std::string last_error(const std::string& what) {
  const git_error* e = git_error_last();
  return what + ": " + (e && e->message ? e->message : "unknown error");
}

// RAII for libgit2 objects.
template <class T, void (*Free)(T*)>
struct Owned {
  T* p = nullptr;
  Owned() = default;
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  ~Owned() {
    if (p) Free(p);
  }
};
using Repo = Owned<git_repository, git_repository_free>;
using Remote = Owned<git_remote, git_remote_free>;
using Object = Owned<git_object, git_object_free>;
using CommitObj = Owned<git_commit, git_commit_free>;
using Tree = Owned<git_tree, git_tree_free>;

struct CallbackState {
  const Credentials* creds = nullptr;
  std::chrono::steady_clock::time_point deadline;
  std::string host_key_error;
  int credential_attempts = 0;
};

int credentials_cb(git_credential** out, const char* url, const char* username_from_url,
                   unsigned int allowed, void* payload) {
  auto* st = static_cast<CallbackState*>(payload);
  // libgit2 retries on rejected credentials; give up after the first attempt.
  if (++st->credential_attempts > 1) return GIT_EUSER;
  const Credentials& c = *st->creds;
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !c.identity.empty()) {
    const char* user = username_from_url && *username_from_url ? username_from_url : "git";
    return git_credential_ssh_key_memory_new(out, user, nullptr, c.identity.c_str(),
                                             c.identity_passphrase.empty() ? nullptr : c.identity_passphrase.c_str());
  }
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !c.username.empty()) {
    return git_credential_userpass_plaintext_new(out, c.username.c_str(), c.password.c_str());
  }
  (void)url;
  return GIT_PASSTHROUGH;
}

// SSH host keys must appear in known_hosts (plain or hashed host names), as Flux requires.
int certificate_cb(git_cert* cert, int valid, const char* host, void* payload) {
  auto* st = static_cast<CallbackState*>(payload);
  if (cert->cert_type != GIT_CERT_HOSTKEY_LIBSSH2) return valid ? 0 : GIT_ECERTIFICATE;
  auto* hk = reinterpret_cast<git_cert_hostkey*>(cert);
  if (!(hk->type & GIT_CERT_SSH_RAW)) {
    st->host_key_error = "the server's host key could not be read";
    return GIT_ECERTIFICATE;
  }
  std::string raw(hk->hostkey, hk->hostkey_len);
  const std::string& kh = st->creds->known_hosts;
  size_t p = 0;
  while (p < kh.size()) {
    size_t e = kh.find('\n', p);
    std::string line = kh.substr(p, e == std::string::npos ? std::string::npos : e - p);
    p = e == std::string::npos ? kh.size() : e + 1;
    if (line.empty() || line[0] == '#') continue;
    // hosts keytype key
    size_t s1 = line.find(' ');
    size_t s2 = line.find(' ', s1 + 1);
    if (s1 == std::string::npos || s2 == std::string::npos) continue;
    std::string hosts = line.substr(0, s1);
    std::string key_b64 = line.substr(s2 + 1);
    key_b64 = key_b64.substr(0, key_b64.find(' '));
    bool host_ok = false;
    size_t hp = 0;
    while (hp <= hosts.size()) {
      size_t c = hosts.find(',', hp);
      std::string h = hosts.substr(hp, c == std::string::npos ? std::string::npos : c - hp);
      if (h == host || h == "[" + std::string(host) + "]" || h.rfind("[" + std::string(host) + "]:", 0) == 0) {
        host_ok = true;
      }
      if (c == std::string::npos) break;
      hp = c + 1;
    }
    if (!host_ok) continue;
    auto key = core::base64_decode(key_b64);
    if (key && *key == raw) return 0;
  }
  st->host_key_error = "host key of " + std::string(host) + " not found in known_hosts";
  return GIT_ECERTIFICATE;
}

int transfer_cb(const git_indexer_progress*, void* payload) {
  auto* st = static_cast<CallbackState*>(payload);
  return std::chrono::steady_clock::now() > st->deadline ? GIT_EUSER : 0;
}

void set_callbacks(git_remote_callbacks& cb, CallbackState& st) {
  cb.credentials = credentials_cb;
  cb.certificate_check = certificate_cb;
  cb.transfer_progress = transfer_cb;
  cb.payload = &st;
}

// Custom headers: bearer tokens go as an Authorization header.
struct Headers {
  std::string bearer;
  char* ptr = nullptr;
  git_strarray arr{nullptr, 0};
  explicit Headers(const Credentials& c) {
    if (!c.bearer_token.empty()) {
      bearer = "Authorization: Bearer " + c.bearer_token;
      ptr = bearer.data();
      arr.strings = &ptr;
      arr.count = 1;
    }
  }
};

std::string oid_hex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, oid);
  return buf;
}

bool is_hex_hash(const std::string& s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// The ref to look up for a Reference, its Flux revision prefix, and the fetch refspecs.
struct RefPlan {
  std::string ref;       // full ref name to resolve after fetching / in ls-remote
  std::string prefix;    // "main@" / "v1.0.0@" / "refs/pull/1/head@" / "" for commits
  std::vector<std::string> refspecs;
};

core::Result<RefPlan> plan_for(const Reference& r, const std::vector<std::string>& remote_tags) {
  RefPlan p;
  if (!r.commit.empty()) {
    if (!is_hex_hash(r.commit)) return core::Error("spec.ref.commit must be a full 40-character SHA-1 hash: " + r.commit);
    if (!r.branch.empty()) {
      p.prefix = r.branch + "@";
      p.refspecs = {"+refs/heads/" + r.branch + ":refs/remotes/origin/" + r.branch};
    } else {
      p.refspecs = {"+refs/heads/*:refs/remotes/origin/*"};
    }
    return p;
  }
  if (!r.name.empty()) {
    p.ref = r.name;
    p.prefix = r.name + "@";
    p.refspecs = {"+" + r.name + ":" + r.name};
    return p;
  }
  std::string tag = r.tag;
  if (tag.empty() && !r.semver.empty()) {
    tag = pick_semver(remote_tags, r.semver);
    if (tag.empty()) return core::Error("no tag found matching the semver range '" + r.semver + "'");
  }
  if (!tag.empty()) {
    p.ref = "refs/tags/" + tag;
    p.prefix = tag + "@";
    p.refspecs = {"+refs/tags/" + tag + ":refs/tags/" + tag};
    return p;
  }
  std::string branch = r.branch.empty() ? "master" : r.branch;
  p.ref = "refs/heads/" + branch;
  p.prefix = branch + "@";
  p.refspecs = {"+refs/heads/" + branch + ":refs/remotes/origin/" + branch};
  return p;
}

// Connects an anonymous remote and lists its refs: name → (oid, peeled oid for tags).
core::Result<std::map<std::string, std::string>> list_remote(const FetchOptions& o, CallbackState& st) {
  Remote remote;
  if (git_remote_create_detached(&remote.p, o.url.c_str()) != 0) {
    return core::Error(last_error("invalid repository URL " + o.url));
  }
  git_remote_callbacks cb;
  git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
  set_callbacks(cb, st);
  Headers headers(o.credentials);
  git_proxy_options proxy;
  git_proxy_options_init(&proxy, GIT_PROXY_OPTIONS_VERSION);
  if (git_remote_connect(remote.p, GIT_DIRECTION_FETCH, &cb, &proxy, &headers.arr) != 0) {
    std::string msg = last_error("cannot reach " + o.url);
    if (!st.host_key_error.empty()) msg = "cannot reach " + o.url + ": " + st.host_key_error;
    return core::Error(msg);
  }
  const git_remote_head** heads = nullptr;
  size_t n = 0;
  if (git_remote_ls(&heads, &n, remote.p) != 0) return core::Error(last_error("cannot list refs of " + o.url));
  std::map<std::string, std::string> refs;
  for (size_t i = 0; i < n; ++i) refs[heads[i]->name] = oid_hex(&heads[i]->oid);
  git_remote_disconnect(remote.p);
  return refs;
}

std::vector<std::string> tags_of(const std::map<std::string, std::string>& refs) {
  std::vector<std::string> tags;
  for (const auto& [name, oid] : refs) {
    if (name.rfind("refs/tags/", 0) == 0 && name.find("^{}") == std::string::npos) {
      tags.push_back(name.substr(10));
    }
  }
  return tags;
}

// Exclusive lock on a cache directory for the duration of a checkout.
struct DirLock {
  int fd = -1;
  explicit DirLock(const std::string& path) {
    fd = ::open((path + ".lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) ::flock(fd, LOCK_EX);
  }
  ~DirLock() {
    if (fd >= 0) {
      ::flock(fd, LOCK_UN);
      ::close(fd);
    }
  }
};

core::Status write_tree(git_repository* repo, git_tree* tree, const std::string& dir) {
  if (::mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST) {
    return core::Error(std::string("cannot create directory: ") + std::strerror(errno), dir);
  }
  size_t n = git_tree_entrycount(tree);
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    std::string path = dir + "/" + git_tree_entry_name(e);
    git_filemode_t mode = git_tree_entry_filemode(e);
    if (mode == GIT_FILEMODE_TREE) {
      Tree sub;
      if (git_tree_lookup(&sub.p, repo, git_tree_entry_id(e)) != 0) return core::Error(last_error("cannot read tree"));
      if (core::Status s = write_tree(repo, sub.p, path); !s.ok()) return s;
    } else if (mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
      Owned<git_blob, git_blob_free> blob;
      if (git_blob_lookup(&blob.p, repo, git_tree_entry_id(e)) != 0) return core::Error(last_error("cannot read blob"));
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                      mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0750 : 0640);
      if (fd < 0) return core::Error(std::string("cannot write file: ") + std::strerror(errno), path);
      const char* data = static_cast<const char*>(git_blob_rawcontent(blob.p));
      size_t size = size_t(git_blob_rawsize(blob.p));
      size_t off = 0;
      while (off < size) {
        ssize_t w = ::write(fd, data + off, size - off);
        if (w <= 0) {
          ::close(fd);
          return core::Error(std::string("cannot write file: ") + std::strerror(errno), path);
        }
        off += size_t(w);
      }
      ::close(fd);
    }
    // Symlinks (GIT_FILEMODE_LINK) and submodules (GIT_FILEMODE_COMMIT) are skipped, as in
    // Flux's artifacts.
  }
  return core::Status();
}

}  // namespace

std::string pick_semver(const std::vector<std::string>& tags, const std::string& range) {
  auto c = core::Constraint::parse(range);
  if (!c.ok()) return "";
  std::string best;
  std::optional<core::Version> best_v;
  for (const auto& t : tags) {
    auto v = core::Version::parse(t);
    if (!v || !c->check(*v)) continue;  // tags that are not versions are skipped, like Flux
    if (!best_v || *best_v < *v) {
      best_v = v;
      best = t;
    }
  }
  return best;
}

core::Result<Commit> resolve(const FetchOptions& o) {
  init();
  if (!o.ref.commit.empty()) {
    if (!is_hex_hash(o.ref.commit)) return core::Error("spec.ref.commit must be a full 40-character SHA-1 hash");
    std::string prefix = o.ref.branch.empty() ? "" : o.ref.branch + "@";
    return Commit{o.ref.commit, prefix + "sha1:" + o.ref.commit, "", "", 0};
  }
  CallbackState st;
  st.creds = &o.credentials;
  st.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout_seconds);
  auto refs = list_remote(o, st);
  if (!refs.ok()) return refs.error();
  auto plan = plan_for(o.ref, tags_of(*refs));
  if (!plan.ok()) return plan.error();
  // Annotated tags: the peeled entry names the commit.
  auto it = refs->find(plan->ref + "^{}");
  if (it == refs->end()) it = refs->find(plan->ref);
  if (it == refs->end()) return core::Error("unable to resolve " + plan->ref + " in " + o.url);
  return Commit{it->second, plan->prefix + "sha1:" + it->second, "", "", 0};
}

core::Result<Commit> checkout(const FetchOptions& o, const std::string& cache_dir,
                              const std::string& worktree) {
  init();
  CallbackState st;
  st.creds = &o.credentials;
  st.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout_seconds);
  std::vector<std::string> remote_tags;
  if (!o.ref.semver.empty() && o.ref.tag.empty() && o.ref.commit.empty() && o.ref.name.empty()) {
    auto refs = list_remote(o, st);
    if (!refs.ok()) return refs.error();
    remote_tags = tags_of(*refs);
  }
  auto plan = plan_for(o.ref, remote_tags);
  if (!plan.ok()) return plan.error();
  DirLock lock(cache_dir);
  Repo repo;
  if (git_repository_open_bare(&repo.p, cache_dir.c_str()) != 0 &&
      git_repository_init(&repo.p, cache_dir.c_str(), 1) != 0) {
    return core::Error(last_error("cannot create the repository cache"), cache_dir);
  }
  Remote remote;
  if (git_remote_create_anonymous(&remote.p, repo.p, o.url.c_str()) != 0) {
    return core::Error(last_error("invalid repository URL " + o.url));
  }
  git_fetch_options fo;
  git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
  set_callbacks(fo.callbacks, st);
  Headers headers(o.credentials);
  fo.custom_headers = headers.arr;
  fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
  std::vector<char*> specs;
  for (auto& s : plan->refspecs) specs.push_back(s.data());
  git_strarray refspecs{specs.data(), specs.size()};
  if (git_remote_fetch(remote.p, &refspecs, &fo, nullptr) != 0) {
    if (!st.host_key_error.empty()) return core::Error("cannot fetch " + o.url + ": " + st.host_key_error);
    if (std::chrono::steady_clock::now() > st.deadline) {
      return core::Error("cannot fetch " + o.url + ": timed out after " + std::to_string(o.timeout_seconds) + "s");
    }
    return core::Error(last_error("cannot fetch " + o.url));
  }
  // The commit to check out.
  git_oid oid;
  if (!o.ref.commit.empty()) {
    if (git_oid_fromstr(&oid, o.ref.commit.c_str()) != 0) return core::Error("invalid commit " + o.ref.commit);
  } else {
    std::string local = plan->ref;
    if (local.rfind("refs/heads/", 0) == 0) local = "refs/remotes/origin/" + local.substr(11);
    Object obj;
    if (git_revparse_single(&obj.p, repo.p, (local + "^{commit}").c_str()) != 0) {
      return core::Error("unable to resolve " + plan->ref + " in " + o.url);
    }
    git_oid_cpy(&oid, git_object_id(obj.p));
  }
  CommitObj commit;
  if (git_commit_lookup(&commit.p, repo.p, &oid) != 0) {
    return core::Error("commit " + oid_hex(&oid) + " not found in " + o.url +
                       (o.ref.branch.empty() ? "" : " (branch " + o.ref.branch + ")"));
  }
  Tree tree;
  if (git_commit_tree(&tree.p, commit.p) != 0) return core::Error(last_error("cannot read the commit's tree"));
  if (core::Status s = write_tree(repo.p, tree.p, worktree); !s.ok()) return s.error();
  Commit c;
  c.hash = oid_hex(&oid);
  c.revision = plan->prefix + "sha1:" + c.hash;
  const char* msg = git_commit_message(commit.p);
  c.message = msg ? msg : "";
  const git_signature* author = git_commit_author(commit.p);
  if (author) c.author = std::string(author->name) + " <" + author->email + ">";
  c.time = int64_t(git_commit_time(commit.p));
  return c;
}

}  // namespace oc::git
