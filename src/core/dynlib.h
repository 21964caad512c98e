// Shared libraries opened on first use instead of at process start.
//
// libcurl, libgit2 and libarchive (with the 40-odd libraries they pull in: GnuTLS, Kerberos,
// LDAP, mbedTLS, libxml2, ICU …) cost every opencenter process ~6 ms of dynamic loading and
// ~6 MiB of resident memory, and cpp-httplib (libssl, brotli, OpenSSL's full initialisation)
// another 1.1 ms and 2.8 MiB, although most commands (kustomize build, helm template, secrets)
// never touch the network, Git, an archive or an HTTP server (bench/RESULTS.md, "Process
// start"). Their functions are therefore defined in src/<layer>/*_lazy.cc as forwarders that
// resolve the real symbol here the first time they are called; the rest of the code includes
// the libraries' own headers and calls them as usual.
//
// Thread-safe. A library that cannot be opened ends the process with exit status 127 and a
// message naming it and the Debian package that provides it (the same outcome as a library
// missing at start, only later).
#pragma once

namespace oc::core {

// What to open: the SONAME (e.g. "libcurl.so.4") and the Debian package, for the error message.
struct DynamicLibrary {
  const char* soname;
  const char* package;
};

// The address of `symbol` in `lib`, opening the library on the first call. Never null.
void* dynamic_symbol(const DynamicLibrary& lib, const char* symbol);

}  // namespace oc::core

// Defines the body of a forwarder: resolves `fn` once and calls it with the arguments that
// follow, e.g. `OC_DYNAMIC_CALL(kCurl, curl_easy_perform)(handle);`.
#define OC_DYNAMIC_CALL(lib, fn)                                                                \
  static const auto oc_real_##fn =                                                             \
      reinterpret_cast<decltype(&fn)>(::oc::core::dynamic_symbol(lib, #fn));                   \
  return oc_real_##fn
