#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli/command.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  bool no_color = std::getenv("NO_COLOR") != nullptr;
  oc::cli::Io io{std::cout, std::cerr, !no_color && ::isatty(1), !no_color && ::isatty(2)};
  oc::cli::Registry registry;
  oc::cli::register_all(registry);
  int rc = oc::cli::run(argc, argv, registry, io);
  std::cout.flush();
  return rc;
}
