// Byte streams for the streaming age code: a Source to read from, a Sink to write to, and the
// file-descriptor, in-memory and atomic-file implementations the CLI and tests use.
//
// Thread safety: none; one stream is used by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace oc::crypto {

class Source {
 public:
  virtual ~Source() = default;
  // Reads up to n bytes; 0 means end of stream.
  virtual core::Result<size_t> read(uint8_t* buf, size_t n) = 0;
  // Reads until n bytes or the end of the stream; returns how many were read.
  core::Result<size_t> read_full(uint8_t* buf, size_t n);
  // Zero-copy read for sources whose bytes are already in memory: the next n bytes (fewer only
  // at the end of the stream), consumed as read() would, as a view that stays readable as long
  // as the source lives. nullopt when this source cannot (then read() copies).
  virtual std::optional<std::string_view> read_view(size_t n) { return std::nullopt; }
  // Positional read for sources backed by a regular file: the next n bytes (fewer only at the
  // end of the stream) as a range of the file, consumed as read() would, for the STREAM code's
  // workers to read with pread(2) themselves, in parallel and straight into their output.
  // nullopt when this source cannot.
  struct Range {
    int fd = -1;
    uint64_t offset = 0;
    size_t size = 0;
    std::string_view name;  // the file, for error messages (valid as long as the source)
  };
  virtual std::optional<Range> read_range(size_t n) { return std::nullopt; }
};

// Reads bytes [at, at + n) of a range (at + n <= r.size); an error naming the file when it is
// shorter than the range (it shrank while being read).
core::Status read_range_bytes(const Source::Range& r, size_t at, uint8_t* buf, size_t n);

class Sink {
 public:
  virtual ~Sink() = default;
  virtual core::Status write(const uint8_t* p, size_t n) = 0;
  core::Status write(std::string_view s) {
    return write(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  }
};

class StringSource : public Source {
 public:
  explicit StringSource(std::string_view data) : data_(data) {}
  core::Result<size_t> read(uint8_t* buf, size_t n) override;
  std::optional<std::string_view> read_view(size_t n) override;

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

class StringSink : public Sink {
 public:
  using Sink::write;
  core::Status write(const uint8_t* p, size_t n) override {
    data.append(reinterpret_cast<const char*>(p), n);
    return {};
  }
  std::string data;
};

// Reads a file descriptor it does not own. `name` is used in error messages.
class FdSource : public Source {
 public:
  FdSource(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  core::Result<size_t> read(uint8_t* buf, size_t n) override;

 private:
  int fd_;
  std::string name_;
};

// A regular file mapped read-only and read in place: read_view() gives the STREAM code the
// page-cache pages themselves instead of a copy (the copy made by read(2) costs about a third
// of decrypting). Pages well behind the read position are dropped from the mapping so the
// resident size stays constant; views stay readable (dropped pages fault back in). The file
// must not shrink while it is read (that is SIGBUS, as with any mapping): the CLI maps only
// the input file it was given by name.
//
// It also hands out the file as ranges (read_range(), through its own duplicate of the
// descriptor), which encryption reads with pread(2) on each worker straight into the output
// slot it seals in place: cheaper than the mapping when the file sits in the page cache as
// small folios (written in small pieces), where mapping costs the kernel a page-table entry per
// 4 KiB page. Decryption keeps the views (its output has no room for the tags).
class MappedFileSource : public Source {
 public:
  // Maps `fd` from its current offset to the end; nullptr when it is not a regular file, is
  // smaller than `min_size`, or cannot be mapped (then read it with FdSource).
  // `name` is used in error messages.
  static std::unique_ptr<MappedFileSource> map(int fd, size_t min_size,
                                               std::string name = "the input file");
  ~MappedFileSource() override;
  MappedFileSource(const MappedFileSource&) = delete;
  MappedFileSource& operator=(const MappedFileSource&) = delete;

  core::Result<size_t> read(uint8_t* buf, size_t n) override;
  std::optional<std::string_view> read_view(size_t n) override;
  std::optional<Range> read_range(size_t n) override;

 private:
  MappedFileSource() = default;
  std::string_view take(size_t n);
  void* base_ = nullptr;
  size_t map_size_ = 0;
  std::string_view data_;  // the file from the starting offset
  size_t pos_ = 0, dropped_ = 0;
  int fd_ = -1;
  uint64_t start_ = 0;  // file offset of data_
  std::string name_;
};

// Writes to a file descriptor it does not own.
class FdSink : public Sink {
 public:
  using Sink::write;
  FdSink(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  core::Status write(const uint8_t* p, size_t n) override;

 private:
  int fd_;
  std::string name_;
};

// Writes a file so that readers see the old content or the whole new one: data goes to a
// temporary file in the same directory, which commit() fsyncs and renames over `path`. If
// commit() is never called the temporary file is removed. When `path` is not a regular file
// (/dev/null, a FIFO, a terminal) it is written directly instead.
class AtomicFileSink : public Sink {
 public:
  using Sink::write;
  static core::Result<std::unique_ptr<AtomicFileSink>> open(const std::string& path, unsigned mode);
  ~AtomicFileSink() override;
  AtomicFileSink(const AtomicFileSink&) = delete;
  AtomicFileSink& operator=(const AtomicFileSink&) = delete;

  core::Status write(const uint8_t* p, size_t n) override;
  core::Status commit();

 private:
  AtomicFileSink() = default;
  int fd_ = -1;
  bool direct_ = false;
  bool committed_ = false;
  std::string path_, tmp_;
};

// A Source with a read-ahead buffer, for the line-oriented age header and armor.
class BufferedSource : public Source {
 public:
  explicit BufferedSource(Source& in, size_t capacity = size_t(1) << 16)
      : in_(in), buf_(capacity, '\0') {}
  core::Result<size_t> read(uint8_t* buf, size_t n) override;
  // A view from the underlying source once the buffer is empty (nullopt while it holds data).
  std::optional<std::string_view> read_view(size_t n) override;
  // Reads through the next '\n' (kept). At the end of the stream returns what is left, which
  // lacks the '\n' (empty at the very end). Fails when `max` bytes pass without a '\n'.
  core::Result<std::string> read_line(size_t max);
  // The next line without its '\n', or nullopt when nothing is left. A last line without a
  // '\n' is returned as it is. The view is valid until the next call; lines longer than the
  // capacity fail.
  core::Result<std::optional<std::string_view>> next_line();
  // Up to n bytes without consuming them (fewer only at the end of the stream; n <= capacity).
  core::Result<std::string_view> peek(size_t n);

 private:
  core::Status fill(size_t want);
  Source& in_;
  std::string buf_;
  size_t begin_ = 0, end_ = 0;
};

// Reads a whole file descriptor (stdin) into memory, up to `max_bytes`.
core::Result<std::string> read_fd(int fd, const std::string& name, size_t max_bytes);

}  // namespace oc::crypto
