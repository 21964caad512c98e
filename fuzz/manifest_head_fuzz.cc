// libFuzzer target for the manifest head scan: on any input it must agree with the full parse
// it stands in for (same kind, name, annotations, or the same error).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "helm/manifest_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string doc(reinterpret_cast<const char*>(data), size);
  auto fast = oc::helm::parse_manifest_head(doc, "f.yaml");
  auto full = oc::helm::parse_manifest_head_full(doc, "f.yaml");
  bool same = fast.ok() == full.ok() &&
              (fast.ok() ? *fast == *full : fast.error().to_string() == full.error().to_string());
  if (!same) {
    std::fprintf(stderr, "head scan and full parse differ on:\n%s\n", doc.c_str());
    std::abort();
  }
  return 0;
}
