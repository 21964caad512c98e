// libFuzzer target for the kustomization parser (src/kustomize/kustomization.h): any input must
// parse or fail with an error that names the file; never crash, hang or leak. Inputs that
// parse are also built (in memory, with a small resource) to exercise the typed struct.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kustomize/kustomization.h"
#include "kustomize/kustomize.h"

using namespace oc::kustomize;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto k = parse_kustomization(text, "kustomization.yaml");
  if (!k.ok()) {
    if (k.error().file != "kustomization.yaml") {
      std::fprintf(stderr, "error without the file name: %s\n", k.error().to_string().c_str());
      std::abort();
    }
    return 0;
  }
  // A parsed kustomization builds or fails cleanly against a tiny in-memory tree.
  auto fs = std::make_shared<MemoryFileSystem>();
  fs->add_file("k/kustomization.yaml", std::string(text));
  fs->add_file("k/cm.yaml",
               "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: b\n");
  fs->add_file("k/deploy.yaml",
               "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
               "    spec:\n      containers:\n      - name: c\n        image: nginx\n");
  BuildOptions opts;
  opts.fs = fs;
  auto r = build("k", opts);
  if (r.ok()) (void)to_yaml(*r);
  return 0;
}
