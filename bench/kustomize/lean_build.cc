// The kustomize engine alone in a process: `kustomize_lean_build DIR` prints what
// `opencenter kustomize build DIR` prints. The benchmark runs it next to the CLI to separate the
// engine's memory from the CLI's process baseline (the CLI links every layer; one of their
// shared libraries initialises OpenSSL with all its error strings when the process starts).
#include <cstdio>
#include <iostream>

#include "kustomize/kustomize.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  oc::kustomize::BuildOptions opts;
  opts.reorder = oc::kustomize::Reorder::kLegacy;
  auto r = oc::kustomize::build(argv[1], opts);
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
    return 1;
  }
  std::cout << oc::kustomize::to_yaml(*r);
  return 0;
}
