#include "crypto/byte_io.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace oc::crypto {

namespace {

std::string sys_error(const std::string& what, const std::string& name) {
  return what + " " + name + ": " + std::strerror(errno);
}

std::string dir_of(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

core::Status write_all(int fd, const uint8_t* p, size_t n, const std::string& name) {
  while (n > 0) {
    ssize_t r = ::write(fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      return core::Error(sys_error("writing", name));
    }
    p += r;
    n -= size_t(r);
  }
  return {};
}

}  // namespace

core::Result<size_t> Source::read_full(uint8_t* buf, size_t n) {
  size_t got = 0;
  while (got < n) {
    auto r = read(buf + got, n - got);
    if (!r.ok()) return r.error();
    if (*r == 0) break;
    got += *r;
  }
  return got;
}

core::Result<size_t> StringSource::read(uint8_t* buf, size_t n) {
  size_t k = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, k);
  pos_ += k;
  return k;
}

std::optional<std::string_view> StringSource::read_view(size_t n) {
  size_t k = std::min(n, data_.size() - pos_);
  std::string_view v = data_.substr(pos_, k);
  pos_ += k;
  return v;
}

std::unique_ptr<MappedFileSource> MappedFileSource::map(int fd, size_t min_size, std::string name) {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  off_t start = ::lseek(fd, 0, SEEK_CUR);
  if (start < 0 || st.st_size <= start || size_t(st.st_size - start) < min_size) return nullptr;
  // Offsets of a mapping are page-aligned; the view starts `skip` bytes in.
  long page = ::sysconf(_SC_PAGESIZE);
  off_t aligned = start / page * page;
  size_t skip = size_t(start - aligned), len = size_t(st.st_size - aligned);
  void* p = ::mmap(nullptr, len, PROT_READ, MAP_PRIVATE, fd, aligned);
  if (p == MAP_FAILED) return nullptr;
  ::madvise(p, len, MADV_SEQUENTIAL);
  std::unique_ptr<MappedFileSource> m(new MappedFileSource());
  m->base_ = p;
  m->map_size_ = len;
  m->data_ = std::string_view(static_cast<const char*>(p) + skip, len - skip);
  // Its own descriptor for read_range(): the caller may close theirs.
  m->fd_ = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  m->start_ = uint64_t(start);
  m->name_ = std::move(name);
  return m;
}

MappedFileSource::~MappedFileSource() {
  if (base_) ::munmap(base_, map_size_);
  if (fd_ >= 0) ::close(fd_);
}

std::string_view MappedFileSource::take(size_t n) {
  size_t k = std::min(n, data_.size() - pos_);
  std::string_view v = data_.substr(pos_, k);
  pos_ += k;
  // Keep the last 16 MiB mapped (the STREAM code holds at most three 4 MiB blocks) and drop
  // the pages before them, so the resident size does not grow with the file.
  constexpr size_t kWindow = size_t(16) << 20, kStep = size_t(4) << 20;
  const char* b = static_cast<const char*>(base_);
  size_t read_end = size_t(data_.data() + pos_ - b);
  if (read_end > dropped_ + kWindow + kStep) {
    size_t until = (read_end - kWindow) / kStep * kStep;
    ::madvise(const_cast<char*>(b) + dropped_, until - dropped_, MADV_DONTNEED);
    dropped_ = until;
  }
  return v;
}

core::Result<size_t> MappedFileSource::read(uint8_t* buf, size_t n) {
  std::string_view v = take(n);
  std::memcpy(buf, v.data(), v.size());
  return v.size();
}

std::optional<std::string_view> MappedFileSource::read_view(size_t n) {
  return take(n);
}

std::optional<Source::Range> MappedFileSource::read_range(size_t n) {
  if (fd_ < 0) return std::nullopt;
  size_t k = std::min(n, data_.size() - pos_);
  Range r{fd_, start_ + pos_, k, name_};
  pos_ += k;
  return r;
}

core::Status read_range_bytes(const Source::Range& r, size_t at, uint8_t* buf, size_t n) {
  uint64_t off = r.offset + at;
  while (n > 0) {
    ssize_t k = ::pread(r.fd, buf, n, off_t(off));
    if (k < 0) {
      if (errno == EINTR) continue;
      return core::Error(sys_error("reading", std::string(r.name)));
    }
    if (k == 0)
      return core::Error("reading " + std::string(r.name) + ": the file shrank while it was read");
    buf += k;
    n -= size_t(k);
    off += uint64_t(k);
  }
  return {};
}

core::Status BufferedSource::fill(size_t want) {
  if (end_ - begin_ >= want) return {};
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  while (end_ < want) {
    auto r = in_.read(reinterpret_cast<uint8_t*>(buf_.data()) + end_, buf_.size() - end_);
    if (!r.ok()) return r.error();
    if (*r == 0) break;
    end_ += *r;
  }
  return {};
}

core::Result<size_t> BufferedSource::read(uint8_t* buf, size_t n) {
  if (begin_ == end_) {
    // Large reads bypass the buffer.
    if (n >= buf_.size()) return in_.read(buf, n);
    begin_ = end_ = 0;
    auto r = in_.read(reinterpret_cast<uint8_t*>(buf_.data()), buf_.size());
    if (!r.ok()) return r.error();
    end_ = *r;
  }
  size_t k = std::min(n, end_ - begin_);
  std::memcpy(buf, buf_.data() + begin_, k);
  begin_ += k;
  return k;
}

std::optional<std::string_view> BufferedSource::read_view(size_t n) {
  if (begin_ != end_) return std::nullopt;
  return in_.read_view(n);
}

core::Result<std::string> BufferedSource::read_line(size_t max) {
  std::string line;
  for (;;) {
    const char* b = buf_.data() + begin_;
    const void* nl = std::memchr(b, '\n', end_ - begin_);
    if (nl) {
      size_t k = static_cast<const char*>(nl) - b + 1;
      if (line.size() + k > max) return core::Error("line too long");
      line.append(b, k);
      begin_ += k;
      return line;
    }
    if (line.size() + (end_ - begin_) > max) return core::Error("line too long");
    line.append(b, end_ - begin_);
    begin_ = end_ = 0;
    auto r = in_.read(reinterpret_cast<uint8_t*>(buf_.data()), buf_.size());
    if (!r.ok()) return r.error();
    if (*r == 0) return line;
    end_ = *r;
  }
}

core::Result<std::optional<std::string_view>> BufferedSource::next_line() {
  for (;;) {
    const char* b = buf_.data() + begin_;
    if (const void* nl = std::memchr(b, '\n', end_ - begin_)) {
      size_t k = static_cast<const char*>(nl) - b;
      begin_ += k + 1;
      return std::optional<std::string_view>(std::string_view(b, k));
    }
    if (end_ - begin_ == buf_.size()) return core::Error("line too long");
    size_t before = end_ - begin_;
    if (auto s = fill(before + 1); !s.ok()) return s.error();
    if (end_ - begin_ == before) {
      // End of stream: the rest is the last line.
      if (before == 0) return std::optional<std::string_view>();
      std::string_view rest(buf_.data() + begin_, before);
      begin_ = end_;
      return std::optional<std::string_view>(rest);
    }
  }
}

core::Result<std::string_view> BufferedSource::peek(size_t n) {
  if (auto s = fill(std::min(n, buf_.size())); !s.ok()) return s.error();
  return std::string_view(buf_.data() + begin_, std::min(n, end_ - begin_));
}

core::Result<size_t> FdSource::read(uint8_t* buf, size_t n) {
  for (;;) {
    ssize_t r = ::read(fd_, buf, n);
    if (r >= 0) return size_t(r);
    if (errno != EINTR) return core::Error(sys_error("reading", name_));
  }
}

core::Status FdSink::write(const uint8_t* p, size_t n) {
  return write_all(fd_, p, n, name_);
}

core::Result<std::unique_ptr<AtomicFileSink>> AtomicFileSink::open(const std::string& path,
                                                                   unsigned mode) {
  std::unique_ptr<AtomicFileSink> s(new AtomicFileSink());
  s->path_ = path;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // /dev/null, a FIFO or a terminal: there is nothing to replace atomically.
    s->direct_ = true;
    s->fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (s->fd_ < 0) return core::Error(sys_error("opening", path));
    return s;
  }
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  s->tmp_ = dir_of(path) + "/." + base + ".tmp-XXXXXX";
  s->fd_ = ::mkostemp(s->tmp_.data(), O_CLOEXEC);
  if (s->fd_ < 0) {
    s->tmp_.clear();
    return core::Error(sys_error("creating a temporary file for", path));
  }
  if (::fchmod(s->fd_, mode_t(mode)) != 0)
    return core::Error(sys_error("setting the mode of", path));
  return s;
}

AtomicFileSink::~AtomicFileSink() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !tmp_.empty()) ::unlink(tmp_.c_str());
}

core::Status AtomicFileSink::write(const uint8_t* p, size_t n) {
  return write_all(fd_, p, n, path_);
}

core::Status AtomicFileSink::commit() {
  if (direct_) {
    committed_ = true;
    return {};
  }
  if (::fsync(fd_) != 0) return core::Error(sys_error("syncing", path_));
  if (::close(fd_) != 0) {
    fd_ = -1;
    return core::Error(sys_error("closing", path_));
  }
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0)
    return core::Error(sys_error("renaming onto", path_));
  committed_ = true;
  // The rename itself survives a crash once the directory is synced (as core::write_file_atomic).
  int dir = ::open(dir_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

core::Result<std::string> read_fd(int fd, const std::string& name, size_t max_bytes) {
  std::string out;
  FdSource src(fd, name);
  uint8_t buf[65536];
  for (;;) {
    auto r = src.read(buf, sizeof buf);
    if (!r.ok()) return r.error();
    if (*r == 0) break;
    if (out.size() + *r > max_bytes) {
      return core::Error(name + " is larger than " + std::to_string(max_bytes >> 20) + " MiB");
    }
    out.append(reinterpret_cast<const char*>(buf), *r);
  }
  return out;
}

}  // namespace oc::crypto
