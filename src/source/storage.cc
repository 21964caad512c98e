// Storage: artifact paths and URLs, verification, garbage collection and removal
// (fluxcd/pkg artifact/storage/storage.go, path.go, gc.go, filesystem.go).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>

#include "source/artifact.h"
#include "source/digest.h"
#include "source/storage_paths.h"

namespace oc::source {

namespace detail {

core::Status make_dirs(const std::string& path, mode_t mode) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return core::Status::success();
    return core::Error("not a directory", path);
  }
  size_t slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    core::Status s = make_dirs(path.substr(0, slash), mode);
    if (!s.ok()) return s;
  }
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return core::Error(std::string("cannot create directory: ") + std::strerror(errno), path);
  }
  return core::Status::success();
}

core::Status remove_tree(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return core::Status::success();
    return core::Error(std::string("cannot stat: ") + std::strerror(errno), path);
  }
  if (S_ISDIR(st.st_mode)) {
    DIR* d = ::opendir(path.c_str());
    if (!d) return core::Error(std::string("cannot read directory: ") + std::strerror(errno), path);
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string_view n = e->d_name;
      if (n != "." && n != "..") names.emplace_back(n);
    }
    ::closedir(d);
    for (const std::string& n : names) {
      core::Status s = remove_tree(path + "/" + n);
      if (!s.ok()) return s;
    }
    if (::rmdir(path.c_str()) != 0 && errno != ENOENT) {
      return core::Error(std::string("cannot remove: ") + std::strerror(errno), path);
    }
    return core::Status::success();
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return core::Error(std::string("cannot remove: ") + std::strerror(errno), path);
  }
  return core::Status::success();
}

}  // namespace detail

namespace {

bool valid_component(std::string_view s) {
  return !s.empty() && s != "." && s != ".." && s.find('/') == std::string_view::npos &&
         s.find('\0') == std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Lexical clean of a relative path that cannot climb above its root (what securejoin does for
// paths without symlinks): "" and "." segments vanish, ".." pops at most to the root.
std::string clean_relative(std::string_view p) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= p.size()) {
    size_t slash = p.find('/', start);
    size_t end = slash == std::string_view::npos ? p.size() : slash;
    std::string_view c = p.substr(start, end - start);
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!c.empty() && c != ".") {
      parts.push_back(c);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (std::string_view c : parts) {
    if (!out.empty()) out += '/';
    out += c;
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

struct GcFile {
  std::string rel;  // relative to the storage root
  std::string abs;
  struct timespec mtime;
};

bool older(const GcFile& a, const GcFile& b) {
  if (a.mtime.tv_sec != b.mtime.tv_sec) return a.mtime.tv_sec < b.mtime.tv_sec;
  if (a.mtime.tv_nsec != b.mtime.tv_nsec) return a.mtime.tv_nsec < b.mtime.tv_nsec;
  return a.rel < b.rel;
}

// gc.go walks the object's directory recursively and stops after 1000 files.
constexpr size_t kGarbageCountLimit = 1000;

void collect_files(const std::string& abs, const std::string& rel, std::vector<GcFile>& files,
                   std::vector<GcFile>& temps) {
  DIR* d = ::opendir(abs.c_str());
  if (!d) return;
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") names.emplace_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) {
    if (files.size() >= kGarbageCountLimit) return;
    GcFile f{rel + "/" + n, abs + "/" + n, {}};
    struct stat st;
    if (::lstat(f.abs.c_str(), &st) != 0) continue;
    f.mtime = st.st_mtim;
    if (S_ISDIR(st.st_mode)) {
      collect_files(f.abs, f.rel, files, temps);
    } else if (S_ISREG(st.st_mode) && !ends_with(n, ".lock")) {
      // Our own half-written archives (a crash between create and rename) are garbage once
      // stale, but never count as artifacts.
      (n.rfind(".tmp-", 0) == 0 ? temps : files).push_back(std::move(f));
    }
  }
}

}  // namespace

Storage::Storage(std::string root_dir, std::string base_url) : root_(std::move(root_dir)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  // storage.go SetArtifactURL: a host without a scheme is served over plain HTTP.
  if (base_url.rfind("http://", 0) != 0 && base_url.rfind("https://", 0) != 0) {
    base_url = "http://" + base_url;
  }
  while (!base_url.empty() && base_url.back() == '/') base_url.pop_back();
  base_url_ = std::move(base_url);
}

core::Result<std::string> Storage::artifact_path(std::string_view kind, std::string_view ns,
                                                 std::string_view name,
                                                 std::string_view file_name) {
  for (std::string_view part : {kind, ns, name, file_name}) {
    if (!valid_component(part)) {
      return core::Error("invalid artifact path component \"" + std::string(part) + "\" in " +
                         std::string(kind) + "/" + std::string(ns) + "/" + std::string(name) + "/" +
                         std::string(file_name));
    }
  }
  return lower(kind) + "/" + std::string(ns) + "/" + std::string(name) + "/" +
         std::string(file_name);
}

std::string Storage::url_for(std::string_view path) const {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return base_url_ + "/" + std::string(path);
}

std::string Storage::local_path(const Artifact& a) const {
  if (a.path.empty()) return "";
  std::string rel = clean_relative(a.path);
  if (rel.empty()) return root_;
  return root_ + "/" + rel;
}

bool Storage::verify(const Artifact& a) const {
  std::string p = local_path(a);
  if (p.empty() || a.digest.empty()) return false;
  auto want = detail::parse_digest(a.digest);
  if (!want.ok()) return false;
  struct stat st;
  if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return false;
  auto h = detail::Hasher::create(want->algorithm);
  if (!h.ok()) {
    ::close(fd);
    return false;
  }
  constexpr size_t kBuf = 256 * 1024;
  auto buf = std::make_unique<char[]>(kBuf);
  bool ok = true;
  for (;;) {
    ssize_t n = ::read(fd, buf.get(), kBuf);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    if (n == 0) break;
    h->update(buf.get(), size_t(n));
  }
  ::close(fd);
  return ok && h->finish_hex() == want->hex;
}

std::vector<std::string> Storage::garbage_collect(const Artifact& current, int keep,
                                                  std::chrono::seconds ttl) const {
  std::vector<std::string> deleted;
  std::string cur = clean_relative(current.path);
  size_t slash = cur.rfind('/');
  if (cur.empty() || slash == std::string::npos) return deleted;
  std::string dir_rel = cur.substr(0, slash);

  std::vector<GcFile> files, temps;
  collect_files(root_ + "/" + dir_rel, dir_rel, files, temps);
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  auto expired = [&](const GcFile& f) {
    int64_t age_ns = (int64_t(now.tv_sec) - f.mtime.tv_sec) * 1000000000 +
                     (int64_t(now.tv_nsec) - f.mtime.tv_nsec);
    return age_ns > int64_t(ttl.count()) * 1000000000;
  };

  // GetGarbageFiles: everything but the current artifact past its TTL, then the oldest of the
  // rest until at most `keep` files remain. Unlike gc.go, files with equal mtimes are ordered by
  // name instead of one of them being dropped from consideration.
  std::vector<const GcFile*> garbage;
  for (const GcFile& f : files) {
    if (f.rel != cur && expired(f)) garbage.push_back(&f);
  }
  size_t remaining = files.size() - garbage.size();
  if (remaining > size_t(std::max(keep, 0))) {
    std::vector<const GcFile*> by_age;
    for (const GcFile& f : files) by_age.push_back(&f);
    std::sort(by_age.begin(), by_age.end(),
              [](const GcFile* a, const GcFile* b) { return older(*a, *b); });
    for (const GcFile* f : by_age) {
      if (remaining <= size_t(std::max(keep, 0))) break;
      if (f->rel == cur || std::find(garbage.begin(), garbage.end(), f) != garbage.end()) continue;
      garbage.push_back(f);
      --remaining;
    }
  }
  for (const GcFile& t : temps) {
    if (expired(t)) garbage.push_back(&t);
  }
  for (const GcFile* f : garbage) {
    if (::unlink(f->abs.c_str()) == 0) deleted.push_back(f->rel);
    ::unlink((f->abs + ".lock").c_str());  // gc.go removes a garbage file's lock file too
  }
  return deleted;
}

core::Status Storage::remove_all(std::string_view kind, std::string_view ns,
                                 std::string_view name) const {
  auto rel = artifact_path(kind, ns, name, "x");
  if (!rel.ok()) return rel.error();
  std::string dir = root_ + "/" + rel->substr(0, rel->size() - 2);
  return detail::remove_tree(dir);
}

}  // namespace oc::source
