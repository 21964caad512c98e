// Storage::archive: fluxcd/pkg artifact/storage/archive.go — walk, filter, sanitised tar
// headers, gzip, digest of the compressed bytes, atomic rename.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "source/artifact.h"
#include "source/digest.h"
#include "source/gzip_writer.h"
#include "source/storage_paths.h"
#include "source/tar_writer.h"

namespace oc::source {

namespace {

using detail::Sink;

// archive.go's DefaultDirMode, DefaultFileMode and DefaultExeFileMode.
constexpr int64_t kDirMode = 0750;
constexpr int64_t kFileMode = 0600;
constexpr int64_t kExeFileMode = 0700;

core::Error sys_error(const std::string& path, const char* what) {
  return core::Error(std::string(what) + ": " + std::strerror(errno), path);
}

struct Fd {
  int fd = -1;
  explicit Fd(int f = -1) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// The artifact file: bytes go to the temporary file, the digest and the byte count.
class FileSink : public Sink {
 public:
  FileSink(int fd, std::string path, detail::Hasher& hasher)
      : fd_(fd), path_(std::move(path)), hasher_(hasher) {}

  core::Status write(std::string_view bytes) override {
    hasher_.update(bytes.data(), bytes.size());
    size_ += int64_t(bytes.size());
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return sys_error(path_, "cannot write");
      }
      bytes.remove_prefix(size_t(n));
    }
    return core::Status::success();
  }
  int64_t size() const { return size_; }

 private:
  int fd_;
  std::string path_;
  detail::Hasher& hasher_;
  int64_t size_ = 0;
};

// filepath.Walk in lexical order, Flux's filter and header sanitising.
class Walker {
 public:
  Walker(const IgnoreRules& ignore, detail::TarWriter& tar) : ignore_(ignore), tar_(tar) {}

  core::Status walk_dir(const std::string& abs, const std::string& rel) {
    DIR* d = ::opendir(abs.c_str());
    if (!d) return sys_error(abs, "cannot read directory");
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
      std::string_view n = e->d_name;
      if (n != "." && n != "..") names.emplace_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());  // byte order, as Go's sort.Strings
    for (const std::string& n : names) {
      std::string child_abs = abs + "/" + n;
      std::string child_rel = rel.empty() ? n : rel + "/" + n;
      struct stat st;
      if (::lstat(child_abs.c_str(), &st) != 0) return sys_error(child_abs, "cannot stat");
      bool is_dir = S_ISDIR(st.st_mode);
      // Anything but regular files and directories (symlinks, sockets, devices) is left out.
      if (!is_dir && !S_ISREG(st.st_mode)) continue;
      if (ignore_.ignored(child_rel, is_dir)) {
        // Flux's filter returns nil, not SkipDir, so Walk still visits an ignored directory's
        // contents and a negation can bring files below it back. Without negations nothing
        // below can come back, and .git never does.
        if (is_dir && !ignore_.prunes_ignored_dirs() && n != ".git") {
          core::Status s = walk_dir(child_abs, child_rel);
          if (!s.ok()) return s;
        }
        continue;
      }
      if (is_dir) {
        core::Status s = tar_.add_directory(child_rel, kDirMode);
        if (!s.ok()) return s;
        s = walk_dir(child_abs, child_rel);
        if (!s.ok()) return s;
      } else {
        core::Status s = add_file(child_abs, child_rel, st);
        if (!s.ok()) return s;
      }
    }
    return core::Status::success();
  }

 private:
  core::Status add_file(const std::string& abs, const std::string& rel, const struct stat& st) {
    int64_t mode = (st.st_mode & 0111) ? kExeFileMode : kFileMode;
    Fd f(::open(abs.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (f.fd < 0) return sys_error(abs, "cannot open");
    core::Status s = tar_.begin_file(rel, mode, int64_t(st.st_size));
    if (!s.ok()) return s;
    int64_t left = st.st_size;
    for (;;) {
      ssize_t n = ::read(f.fd, buf_, sizeof buf_);
      if (n < 0) {
        if (errno == EINTR) continue;
        return sys_error(abs, "cannot read");
      }
      if (n == 0) break;
      if (n > left) return core::Error("file grew while it was archived", abs);
      left -= n;
      s = tar_.write(std::string_view(buf_, size_t(n)));
      if (!s.ok()) return s;
    }
    if (left != 0) return core::Error("file shrank while it was archived", abs);
    return core::Status::success();
  }

  const IgnoreRules& ignore_;
  detail::TarWriter& tar_;
  char buf_[256 * 1024];
};

std::string rfc3339_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

core::Result<Artifact> Storage::archive(std::string_view kind, std::string_view ns,
                                        std::string_view name, std::string_view file_name,
                                        const std::string& dir, const IgnoreRules& ignore,
                                        std::string revision) const {
  auto rel = artifact_path(kind, ns, name, file_name);
  if (!rel.ok()) return rel.error();
  Artifact a;
  a.path = *rel;
  a.url = url_for(a.path);
  a.revision = std::move(revision);

  // The tree is named by its real path, so a symlinked checkout directory is archived rather
  // than skipped (Go's Walk would see a symlink root and write an empty archive).
  char real[PATH_MAX];
  struct stat st;
  if (!::realpath(dir.c_str(), real) || ::stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
    return core::Error("invalid dir path: " + dir);
  }
  std::string local = root_ + "/" + a.path;
  std::string object_dir = local.substr(0, local.rfind('/'));
  core::Status made = detail::make_dirs(object_dir, 0700);
  if (!made.ok()) return made.error();

  std::string tmp = object_dir + "/.tmp-" + std::string(file_name) + "-XXXXXX";
  Fd f(::mkostemp(tmp.data(), O_CLOEXEC));
  if (f.fd < 0) return sys_error(local, "cannot create a temporary file for");
  bool keep_tmp = false;
  struct Cleanup {
    const std::string& path;
    bool& keep;
    ~Cleanup() {
      if (!keep) ::unlink(path.c_str());
    }
  } cleanup{tmp, keep_tmp};

  auto hasher = detail::Hasher::create("sha256");
  if (!hasher.ok()) return hasher.error();
  auto file_sink = std::make_unique<FileSink>(f.fd, tmp, *hasher);
  auto gzip = std::make_unique<detail::GzipWriter>(*file_sink);
  detail::TarWriter tar(*gzip);
  auto walker = std::make_unique<Walker>(ignore, tar);

  // The root itself is the first entry, named ".", as filepath.Rel names it.
  core::Status s = tar.add_directory(".", kDirMode);
  if (s.ok()) s = walker->walk_dir(real, "");
  if (s.ok()) s = tar.finish();
  if (s.ok()) s = gzip->finish();
  if (!s.ok()) return s.error();
  if (::fchmod(f.fd, 0600) != 0) return sys_error(tmp, "cannot set the mode of");
  int fd = f.fd;
  f.fd = -1;
  if (::close(fd) != 0) return sys_error(tmp, "cannot close");
  if (::rename(tmp.c_str(), local.c_str()) != 0) return sys_error(local, "cannot rename into");
  keep_tmp = true;

  a.digest = "sha256:" + hasher->finish_hex();
  a.size = file_sink->size();
  a.last_update_time = rfc3339_now();
  return a;
}

}  // namespace oc::source
