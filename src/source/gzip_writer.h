// Deterministic gzip for artifacts, compressed on several threads (zlib, gzip_writer.cc only).
//
// The input is cut into fixed 256 KiB blocks; each block is deflated on its own with the 32 KiB
// before it as the dictionary and ends on a byte boundary (Z_SYNC_FLUSH), the last with
// Z_FINISH — pigz's layout. The output is one ordinary gzip member whose bytes depend only on
// the input and the level, never on the number of threads or on timing. The 10-byte header is
// the one Go's gzip.NewWriter writes (no name, no time, OS unknown), so the file looks like
// Flux's.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "core/error.h"
#include "source/tar_writer.h"

namespace oc::source::detail {

// Thread safety: one thread writes; the workers are internal.
class GzipWriter : public Sink {
 public:
  static constexpr size_t kBlockSize = 256 * 1024;

  // `threads` 0 means min(4, hardware threads); 1 compresses on the calling thread.
  GzipWriter(Sink& out, int level = 6, unsigned threads = 0);
  ~GzipWriter() override;
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  core::Status write(std::string_view bytes) override;
  // Compresses what is left, writes the trailer; nothing may be written afterwards.
  core::Status finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oc::source::detail
