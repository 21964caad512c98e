#include <malloc.h>

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "core/bytes.h"
#include "core/heap.h"
#include "core/json.h"

namespace oc::core {
namespace {

std::string random_bytes(std::mt19937& rng, size_t n, std::string_view alphabet = {}) {
  std::string s(n, '\0');
  for (char& c : s) {
    c = alphabet.empty() ? static_cast<char>(rng() & 0xFF) : alphabet[rng() % alphabet.size()];
  }
  return s;
}

TEST(CountByte, MatchesAByteByByteCountAtEveryLengthAndOffset) {
  std::mt19937 rng(7);
  // Lengths around the 16-byte blocks and past 255 blocks (where the lane sums are flushed).
  for (size_t n : {0, 1, 15, 16, 17, 31, 255 * 16 - 1, 255 * 16, 255 * 16 + 17, 100000}) {
    std::string s = random_bytes(rng, n, "\n\na\xff\x0a");
    for (size_t off : {0, 1, 7}) {
      if (off > s.size()) continue;
      std::string_view v = std::string_view(s).substr(off);
      size_t want = 0;
      for (char c : v) want += c == '\n';
      EXPECT_EQ(count_byte(v, '\n'), want) << "n=" << n << " off=" << off;
      size_t want_ff = 0;
      for (char c : v) want_ff += c == '\xff';
      EXPECT_EQ(count_byte(v, '\xff'), want_ff) << "n=" << n << " off=" << off;
    }
  }
  // Every byte the same: each lane reaches its 255 bound before the flush.
  EXPECT_EQ(count_byte(std::string(255 * 16 * 3 + 5, '\n'), '\n'), size_t{255 * 16 * 3 + 5});
}

// The writer finds runs 16 bytes at a time; this checks it against encoding/json's rules for
// ASCII, one byte at a time.
std::string escape_reference(std::string_view s, bool html) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c == '\b') out += "\\b";
    else if (c == '\f') out += "\\f";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (html && (c == '<' || c == '>' || c == '&')) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out + "\"";
}

TEST(JsonWrite, EscapesEverySpecialAsciiByteAtEveryPositionInABlock) {
  std::mt19937 rng(11);
  std::string alphabet;
  for (int c = 0; c < 0x80; ++c) alphabet.push_back(static_cast<char>(c));
  for (size_t n : {1, 15, 16, 17, 33, 64, 1000}) {
    for (int round = 0; round < 20; ++round) {
      std::string s = random_bytes(rng, n, alphabet);
      for (bool html : {false, true}) {
        std::string got;
        append_json_string(got, s, html);
        EXPECT_EQ(got, escape_reference(s, html)) << "n=" << n << " html=" << html;
      }
    }
  }
  // Non-ASCII inside and across blocks: valid UTF-8 is kept, an invalid byte becomes U+FFFD.
  std::string mixed = std::string(14, 'a') + "\xc3\xa9" + std::string(15, 'b') + "\xff" + "c";
  std::string got;
  append_json_string(got, mixed, false);
  EXPECT_EQ(got, "\"" + std::string(14, 'a') + "\xc3\xa9" + std::string(15, 'b') + "\\ufffdc\"");
}

TEST(ShortRunHeap, AllocationsStillWorkAndLargeBlocksComeFromTheHeap) {
  // Run in a child: the settings are process-wide and the other tests keep glibc's defaults.
  EXPECT_EXIT(
      {
        use_short_run_heap();
        // 8 MiB is above glibc's default mmap threshold; now it comes from the brk heap.
        std::string big(size_t{8} << 20, 'x');
        struct mallinfo2 mi = mallinfo2();
        bool ok = big.back() == 'x' && mi.hblkhd < (size_t{8} << 20);
        std::exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(ReleaseAtExit, KeepsTheObjectAlive) {
  auto p = std::make_shared<std::string>("kept");
  std::weak_ptr<std::string> w = p;
  release_at_exit(p);
  p.reset();
  ASSERT_FALSE(w.expired());
  EXPECT_EQ(*w.lock(), "kept");
}

}  // namespace
}  // namespace oc::core
