// GzipWriter: a valid single gzip member, Go's header, and the same bytes whatever the number of
// threads (determinism is what makes artifact digests stable).
#include <gtest/gtest.h>

#include <random>

#include "helpers.h"
#include "source/gzip_writer.h"

namespace oc::source::detail {
namespace {

class StringSink : public Sink {
 public:
  core::Status write(std::string_view b) override {
    out.append(b);
    return core::Status::success();
  }
  std::string out;
};

// Text-like input: compressible, with long-distance repeats across block boundaries.
std::string input(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  static const char* kWords[] = {"apiVersion: ", "kind: Deployment\n", "metadata:\n", "  name: ",
                                 "spec:\n", "  replicas: 3\n", "image: nginx:1.", "\n"};
  std::string s;
  while (s.size() < n) {
    s += kWords[rng() % 8];
    s += std::to_string(rng() % 100);
  }
  s.resize(n);
  return s;
}

std::string gz(const std::string& data, unsigned threads, size_t chunk = 7777) {
  StringSink sink;
  GzipWriter w(sink, 6, threads);
  for (size_t off = 0; off < data.size(); off += chunk) {
    EXPECT_TRUE(w.write(std::string_view(data).substr(off, chunk)).ok());
  }
  EXPECT_TRUE(w.finish().ok());
  return sink.out;
}

TEST(GzipWriter, SameBytesForAnyThreadCountAndRoundTrips) {
  const size_t b = GzipWriter::kBlockSize;
  for (size_t n : {size_t(0), size_t(1), b - 1, b, b + 1, 3 * b, 3 * b + 12345, 9 * b + 7}) {
    std::string data = input(n, uint32_t(n));
    std::string one = gz(data, 1);
    EXPECT_EQ(gz(data, 2), one) << n;
    EXPECT_EQ(gz(data, 4, 100000), one) << n;
    EXPECT_EQ(test::gunzip(one), data) << n;
    EXPECT_EQ(one.substr(0, 10), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10));
  }
}

TEST(GzipWriter, CompressesAboutAsWellAsOneStream) {
  std::string data = input(8 * GzipWriter::kBlockSize, 42);
  std::string ours = gz(data, 2);
  std::string single = test::gzip(data, 6);
  EXPECT_LT(ours.size(), single.size() + single.size() / 50 + 200);
}

TEST(GzipWriter, GzipToolAcceptsTheStream) {
  if (!oc::test::on_path("gzip")) GTEST_SKIP() << "gzip not installed";
  oc::test::TempDir t;
  std::string data = input(5 * GzipWriter::kBlockSize + 99, 7);
  std::string path = t.write("x.gz", gz(data, 3));
  auto r = oc::test::run("gzip -t '" + path + "' && gzip -dc '" + path + "' | wc -c");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::stoul(r.out), data.size());
}

}  // namespace
}  // namespace oc::source::detail
