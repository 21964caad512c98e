// libFuzzer target for the sops value parser (ENC[…] syntax, Go's lenient base64) and value
// decryption, plus the dotenv and INI stores and the metadata reader (unflattening) that feed
// it: no crash, no leak, and a value we encrypt decrypts back to itself.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/sops_store.h"
#include "crypto/sops_value.h"

using namespace oc::crypto;
using namespace oc::crypto::sops;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static const SecretBytes key(std::string(32, '\x42'));
  ValueCipher cipher(key);
  auto parsed = parse_encrypted(in);
  (void)cipher.decrypt(in, "a:b:", nullptr);
  if (parsed.ok()) {
    // Encrypting (a prefix of) the input as a string and decrypting it gives it back.
    Value v = Value::str(std::string(in.substr(0, 64)));
    auto enc = cipher.encrypt(v, "x:", nullptr);
    if (!enc.ok()) std::abort();
    if (!enc->empty()) {
      auto again = cipher.decrypt(*enc, "x:", nullptr);
      if (!again.ok() || !(*again == v)) {
        std::fprintf(stderr, "value does not round-trip\n");
        std::abort();
      }
    }
  }
  // The same bytes as whole documents of the flat formats, whose metadata is flattened (the
  // JSON and YAML readers have their own fuzz targets in core).
  for (Format f : {Format::kDotenv, Format::kIni}) {
    auto doc = load_encrypted(f, in, "fuzz");
    if (doc.ok() && *doc)
      (void)emit_encrypted(f, (*doc)->branches, (*doc)->metadata, StoreConfig());
    auto plain = load_plain(f, in, "fuzz");
    if (plain.ok()) (void)emit_plain(f, *plain, StoreConfig());
  }
  return 0;
}
