// libFuzzer target for extracting artifacts (oc::source::extract): no crash, no leak, limits
// respected, and whatever is accepted is a clean tree (relative paths without "." or ".."
// segments, no path both a file and a directory).
//
// The first input byte picks the mode: even → the rest is the tar.gz as downloaded; odd → the
// rest is a tar stream that is gzipped here first, so the mutations reach the tar reader.
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "source/artifact.h"

namespace {

void fail(const char* what, const std::string& path) {
  std::fprintf(stderr, "artifact extract property failed: %s: \"%s\"\n", what, path.c_str());
  std::abort();
}

std::string gzip(std::string_view data) {
  z_stream z{};
  deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = uInt(data.size());
  std::string out;
  char buf[16384];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = deflate(&z, Z_FINISH);
    out.append(buf, sizeof buf - z.avail_out);
  } while (rc == Z_OK);
  deflateEnd(&z);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string input = (data[0] & 1) ? gzip(rest) : std::string(rest);
  oc::source::FetchLimits limits;
  limits.max_uncompressed = size_t(4) << 20;
  limits.max_files = 256;
  auto files = oc::source::extract(input, limits);
  if (!files.ok()) return 0;
  if (files->size() > limits.max_files) fail("too many files", "");
  size_t total = 0;
  for (const auto& [path, content] : *files) {
    total += content.size();
    if (path.empty() || path.front() == '/' || path.back() == '/') fail("bad path", path);
    size_t start = 0;
    for (;;) {
      size_t slash = path.find('/', start);
      std::string_view seg = std::string_view(path).substr(
          start, slash == std::string::npos ? std::string::npos : slash - start);
      if (seg.empty() || seg == "." || seg == "..") fail("bad segment", path);
      if (slash == std::string::npos) break;
      // A parent of a file must not itself be a file.
      if (files->count(path.substr(0, slash))) fail("file below a file", path);
      start = slash + 1;
    }
  }
  if (total > limits.max_uncompressed) fail("over the size limit", "");
  return 0;
}
