// A tar stream byte-for-byte as Go's archive/tar Writer produces it for the headers Flux's
// Archive writes (no format requested, zero times, uid/gid 0, no user or group names): USTAR
// when the name is ASCII and fits (100 bytes, or prefix/name split at a '/'), otherwise PAX
// with a "path" record; PAX "size" for files of 8 GiB or more. libarchive cannot be used for
// this: it appends '/' to directory names and words fields differently (docs/source.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace oc::source::detail {

// Where the tar bytes go (the gzip stage).
class Sink {
 public:
  virtual ~Sink() = default;
  virtual core::Status write(std::string_view bytes) = 0;
};

enum class EntryType : char { kFile = '0', kDirectory = '5' };

// The header block(s) Go writes for one entry: a PAX extended header first when needed.
std::string go_tar_header(std::string_view name, EntryType type, int64_t mode, int64_t size);

// Thread safety: one thread at a time.
class TarWriter {
 public:
  explicit TarWriter(Sink& out) : out_(out) {}

  core::Status add_directory(std::string_view name, int64_t mode);
  // Then exactly `size` bytes through write().
  core::Status begin_file(std::string_view name, int64_t mode, int64_t size);
  core::Status write(std::string_view data);
  // Pads the last file and writes the two zero blocks that end the archive.
  core::Status finish();

 private:
  core::Status end_entry();

  Sink& out_;
  int64_t remaining_ = 0;
  int64_t pad_ = 0;
};

}  // namespace oc::source::detail
