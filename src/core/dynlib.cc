#include "core/dynlib.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>

namespace oc::core {

namespace {

struct Loaded {
  std::mutex mu;
  std::map<std::string, void*> handles;  // by SONAME; never closed
};

Loaded& loaded() {
  static Loaded* l = new Loaded;  // leaked on purpose: forwarders may run in static destructors
  return *l;
}

[[noreturn]] void fail(const DynamicLibrary& lib, const char* what, const char* detail) {
  std::fprintf(stderr, "opencenter: cannot %s %s (%s); install the Debian package %s\n", what,
               lib.soname, detail ? detail : "unknown error", lib.package);
  std::_Exit(127);
}

void* handle(const DynamicLibrary& lib) {
  Loaded& l = loaded();
  std::lock_guard<std::mutex> g(l.mu);
  void*& h = l.handles[lib.soname];
  if (!h) {
    // RTLD_LOCAL: the library's symbols stay out of the global scope, so it cannot interpose
    // on anything already loaded; RTLD_LAZY: its own imports bind when first called.
    h = dlopen(lib.soname, RTLD_LAZY | RTLD_LOCAL);
    if (!h) fail(lib, "load", dlerror());
  }
  return h;
}

}  // namespace

void* dynamic_symbol(const DynamicLibrary& lib, const char* symbol) {
  void* h = handle(lib);
  dlerror();
  void* p = dlsym(h, symbol);
  if (!p) {
    std::string what = std::string("find ") + symbol + " in";
    fail(lib, what.c_str(), dlerror());
  }
  return p;
}

}  // namespace oc::core
