// The kustomize engine alone in a process: `kustomize_lean_build DIR` prints what
// `opencenter kustomize build DIR` prints. The benchmark runs it next to the CLI to separate the
// engine's memory from the CLI's process baseline (the CLI links every layer; one of their
// shared libraries initialises OpenSSL with all its error strings when the process starts).
// `kustomize_lean_build --repeat N DIR` builds N times in a row and prints the last output: the
// benchmark runs several such processes at once to measure what the machine itself gives
// parallel builds, the ceiling for threads in one process.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "kustomize/kustomize.h"

int main(int argc, char** argv) {
  int repeat = 1;
  if (argc == 4 && !std::strcmp(argv[1], "--repeat")) {
    repeat = std::atoi(argv[2]);
    argv += 2;
    argc -= 2;
  }
  if (argc != 2 || repeat < 1) {
    std::fprintf(stderr, "usage: %s [--repeat N] DIR\n", argv[0]);
    return 2;
  }
  oc::kustomize::BuildOptions opts;
  opts.reorder = oc::kustomize::Reorder::kLegacy;
  std::string out;
  for (int i = 0; i < repeat; ++i) {
    auto r = oc::kustomize::build(argv[1], opts);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.error().to_string().c_str());
      return 1;
    }
    out = oc::kustomize::to_yaml(*r);
  }
  std::cout << out;
  return 0;
}
