// libcurl's functions, opened on first use (src/core/dynlib.h): the kube client, source fetch
// and kustomize's remote loader call them as usual, and commands that never use HTTP do not pay
// for loading libcurl and the ~25 libraries it needs.
#define CURL_DISABLE_TYPECHECK  // the forwarders below define the variadic functions themselves
#include <curl/curl.h>

#include <cstdarg>

#include "core/dynlib.h"

#undef curl_easy_setopt
#undef curl_easy_getinfo

namespace {
constexpr oc::core::DynamicLibrary kCurl{oc_dyn_curl_SONAME, oc_dyn_curl_PACKAGE};
}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
  OC_DYNAMIC_CALL(kCurl, curl_global_init)(flags);
}
CURL* curl_easy_init(void) {
  OC_DYNAMIC_CALL(kCurl, curl_easy_init)();
}
void curl_easy_cleanup(CURL* curl) {
  OC_DYNAMIC_CALL(kCurl, curl_easy_cleanup)(curl);
}
void curl_easy_reset(CURL* curl) {
  OC_DYNAMIC_CALL(kCurl, curl_easy_reset)(curl);
}
CURLcode curl_easy_perform(CURL* curl) {
  OC_DYNAMIC_CALL(kCurl, curl_easy_perform)(curl);
}
const char* curl_easy_strerror(CURLcode code) {
  OC_DYNAMIC_CALL(kCurl, curl_easy_strerror)(code);
}
curl_slist* curl_slist_append(curl_slist* list, const char* data) {
  OC_DYNAMIC_CALL(kCurl, curl_slist_append)(list, data);
}
void curl_slist_free_all(curl_slist* list) {
  OC_DYNAMIC_CALL(kCurl, curl_slist_free_all)(list);
}

// libcurl declares (and itself defines) these as `(CURL*, enum, ...)`, so va_start follows an
// enum parameter; clang warns that an enum may be promoted, which cannot change an int-sized
// enum's value.
static_assert(sizeof(CURLoption) == sizeof(int) && sizeof(CURLINFO) == sizeof(int));
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wvarargs"
#endif

// The one argument after the option has the type the option's number range says (curl.h,
// CURLOPTTYPE_*), exactly as libcurl itself reads it with va_arg.
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  static const auto real = reinterpret_cast<CURLcode (*)(CURL*, CURLoption, ...)>(
      oc::core::dynamic_symbol(kCurl, "curl_easy_setopt"));
  va_list ap;
  va_start(ap, option);
  CURLcode rc;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    rc = real(curl, option, va_arg(ap, long));
  } else if (option < CURLOPTTYPE_OFF_T) {
    rc = real(curl, option, va_arg(ap, void*));  // object or function pointer
  } else if (option < CURLOPTTYPE_BLOB) {
    rc = real(curl, option, va_arg(ap, curl_off_t));
  } else {
    rc = real(curl, option, va_arg(ap, void*));
  }
  va_end(ap);
  return rc;
}

// Every CURLINFO takes one pointer to where the answer goes.
CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  static const auto real = reinterpret_cast<CURLcode (*)(CURL*, CURLINFO, ...)>(
      oc::core::dynamic_symbol(kCurl, "curl_easy_getinfo"));
  va_list ap;
  va_start(ap, info);
  void* out = va_arg(ap, void*);
  va_end(ap);
  return real(curl, info, out);
}

}  // extern "C"
