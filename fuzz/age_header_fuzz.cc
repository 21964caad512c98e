// libFuzzer target for the age header parser and the decryption that follows it: no crash, no
// leak, and every header that parses re-encodes to exactly the bytes it was read from (the
// format is canonical), with the payload left where it was.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/age.h"

using namespace oc::crypto;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  {
    StringSource src(in);
    BufferedSource b(src);
    auto h = age::parse_header(b);
    if (h.ok()) {
      std::string rest;
      uint8_t buf[4096];
      for (;;) {
        auto n = b.read(buf, sizeof buf);
        if (!n.ok() || *n == 0) break;
        rest.append(reinterpret_cast<char*>(buf), *n);
      }
      if (age::marshal(*h) + rest != in) {
        std::fprintf(stderr, "age header does not re-encode to its input\n");
        std::abort();
      }
    }
  }
  // The whole decryption with a fixed X25519 identity and passphrase (work factor capped low so
  // a fuzzed stanza cannot make one input take minutes).
  static const age::X25519Identity id =
      std::move(age::X25519Identity::parse(
                    "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0")
                    .value());
  age::ScryptIdentity pass(SecretBytes(std::string("password")), 10);
  StringSource src(in);
  StringSink out;
  age::DecryptOptions o;
  o.stream.threads = 1;
  (void)age::decrypt(src, out, {&id, &pass}, o);
  return 0;
}
