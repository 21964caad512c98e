#include "core/file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace oc::core {

namespace {
Error sys_error(const std::string& path, const char* what) {
  return Error(std::string(what) + ": " + std::strerror(errno), path);
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

Result<std::string> read_file(const std::string& path, size_t max_bytes) {
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) return sys_error(path, "cannot open");
  struct stat st;
  if (::fstat(f.fd, &st) != 0) return sys_error(path, "cannot stat");
  if (S_ISDIR(st.st_mode)) return Error("is a directory", path);
  if (st.st_size > 0 && size_t(st.st_size) > max_bytes) {
    return Error("file is " + std::to_string(st.st_size) + " bytes, over the limit of " +
                     std::to_string(max_bytes),
                 path);
  }
  // Read straight into the string: its size from fstat (one spare byte to see the end in the
  // same read), growing only for files that change size or report none (/proc, pipes).
  std::string data(st.st_size > 0 ? size_t(st.st_size) + 1 : 65536, '\0');
  size_t used = 0;
  for (;;) {
    if (used == data.size()) {
      if (data.size() > max_bytes) {
        return Error("file is over the limit of " + std::to_string(max_bytes) + " bytes", path);
      }
      data.resize(data.size() * 2);
    }
    ssize_t n = ::read(f.fd, data.data() + used, data.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return sys_error(path, "cannot read");
    }
    if (n == 0) break;
    used += size_t(n);
  }
  if (used > max_bytes) {
    return Error("file is over the limit of " + std::to_string(max_bytes) + " bytes", path);
  }
  data.resize(used);
  return data;
}

Status write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string dir = ".";
  if (auto slash = path.rfind('/'); slash != std::string::npos) dir = path.substr(0, slash ? slash : 1);
  std::string tmp = path + ".tmp-XXXXXX";
  Fd f;
  f.fd = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (f.fd < 0) return sys_error(path, "cannot create a temporary file next to");
  auto fail = [&](const char* what) {
    Error e = sys_error(path, what);
    ::unlink(tmp.c_str());
    return e;
  };
  if (::fchmod(f.fd, mode) != 0) return fail("cannot set the mode of");
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(f.fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    off += size_t(n);
  }
  if (::fsync(f.fd) != 0) return fail("cannot sync");
  if (::close(f.fd) != 0) {
    f.fd = -1;
    return fail("cannot close");
  }
  f.fd = -1;
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot rename into place");
  Fd d;
  d.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d.fd >= 0) ::fsync(d.fd);
  return Status();
}

}  // namespace oc::core
