// cpp-httplib's functions, opened on first use (src/core/dynlib.h). Only the servers use it —
// the embedded API server, the artifact server and the controllers' metrics endpoint — but
// linked, libcpp-httplib brought libssl, three brotli libraries and an OPENSSL_init_ssl that
// loads every cipher and error string into each process at start: 1.3 ms and 3.5 MiB of
// resident memory per `helm template` or `kustomize build` (bench/RESULTS.md, "Process start").
//
// cpp-httplib is C++, so the forwarders are its member functions, defined here with the
// header's signatures (the compiler checks each against the declaration) and calling the real
// one as a function whose first parameter is `this`, which is how the Itanium C++ ABI passes
// it. Constructors and the destructor cannot be defined that way (a definition would also run
// the member initializers), so they are plain functions given the constructor's symbol name.
// The symbol names are the library's own (nm -D); a name the library lacks ends the process
// with status 127 naming it, as a missing library would.
#include <httplib.h>

#include "core/dynlib.h"

namespace {

constexpr oc::core::DynamicLibrary kHttplib{oc_dyn_httplib_SONAME, oc_dyn_httplib_PACKAGE};

template <class Fn>
Fn real(const char* symbol) {
  return reinterpret_cast<Fn>(oc::core::dynamic_symbol(kHttplib, symbol));
}

}  // namespace

// Resolves `symbol` once, as a function taking `self` first, and calls it.
#define OC_HTTPLIB_CALL(ret, symbol, ...)                                  \
  using Fn = ret (*)(__VA_ARGS__);                                         \
  static const Fn oc_real = real<Fn>(symbol);                              \
  return oc_real

namespace httplib {

// --- Server ----------------------------------------------------------------------------------

Server& Server::Get(const std::string& pattern, Handler handler) {
  OC_HTTPLIB_CALL(Server&,
                  "_ZN7httplib6Server3GetERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEES"
                  "t8functionIFvRKNS_7RequestERNS_8ResponseEEE",
                  Server*, const std::string&, Handler)(this, pattern, std::move(handler));
}
Server& Server::Put(const std::string& pattern, Handler handler) {
  OC_HTTPLIB_CALL(Server&,
                  "_ZN7httplib6Server3PutERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEES"
                  "t8functionIFvRKNS_7RequestERNS_8ResponseEEE",
                  Server*, const std::string&, Handler)(this, pattern, std::move(handler));
}
Server& Server::Post(const std::string& pattern, Handler handler) {
  OC_HTTPLIB_CALL(Server&,
                  "_ZN7httplib6Server4PostERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE"
                  "St8functionIFvRKNS_7RequestERNS_8ResponseEEE",
                  Server*, const std::string&, Handler)(this, pattern, std::move(handler));
}
Server& Server::Patch(const std::string& pattern, Handler handler) {
  OC_HTTPLIB_CALL(Server&,
                  "_ZN7httplib6Server5PatchERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEE"
                  "ESt8functionIFvRKNS_7RequestERNS_8ResponseEEE",
                  Server*, const std::string&, Handler)(this, pattern, std::move(handler));
}
Server& Server::Delete(const std::string& pattern, Handler handler) {
  OC_HTTPLIB_CALL(Server&,
                  "_ZN7httplib6Server6DeleteERKNSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcE"
                  "EESt8functionIFvRKNS_7RequestERNS_8ResponseEEE",
                  Server*, const std::string&, Handler)(this, pattern, std::move(handler));
}
Server& Server::set_tcp_nodelay(bool on) {
  OC_HTTPLIB_CALL(Server&, "_ZN7httplib6Server15set_tcp_nodelayEb", Server*, bool)(this, on);
}
Server& Server::set_keep_alive_max_count(size_t count) {
  OC_HTTPLIB_CALL(Server&, "_ZN7httplib6Server24set_keep_alive_max_countEm", Server*,
                  size_t)(this, count);
}
Server& Server::set_keep_alive_timeout(time_t sec) {
  OC_HTTPLIB_CALL(Server&, "_ZN7httplib6Server22set_keep_alive_timeoutEl", Server*,
                  time_t)(this, sec);
}
Server& Server::set_read_timeout(time_t sec, time_t usec) {
  OC_HTTPLIB_CALL(Server&, "_ZN7httplib6Server16set_read_timeoutEll", Server*, time_t,
                  time_t)(this, sec, usec);
}
Server& Server::set_write_timeout(time_t sec, time_t usec) {
  OC_HTTPLIB_CALL(Server&, "_ZN7httplib6Server17set_write_timeoutEll", Server*, time_t,
                  time_t)(this, sec, usec);
}
Server& Server::set_payload_max_length(size_t length) {
  OC_HTTPLIB_CALL(Server&, "_ZN7httplib6Server22set_payload_max_lengthEm", Server*,
                  size_t)(this, length);
}
bool Server::bind_to_port(const std::string& host, int port, int socket_flags) {
  OC_HTTPLIB_CALL(bool,
                  "_ZN7httplib6Server12bind_to_portERKNSt7__cxx1112basic_stringIcSt11char_traitsI"
                  "cESaIcEEEii",
                  Server*, const std::string&, int, int)(this, host, port, socket_flags);
}
int Server::bind_to_any_port(const std::string& host, int socket_flags) {
  OC_HTTPLIB_CALL(int,
                  "_ZN7httplib6Server16bind_to_any_portERKNSt7__cxx1112basic_stringIcSt11char_tra"
                  "itsIcESaIcEEEi",
                  Server*, const std::string&, int)(this, host, socket_flags);
}
bool Server::listen_after_bind() {
  OC_HTTPLIB_CALL(bool, "_ZN7httplib6Server17listen_after_bindEv", Server*)(this);
}
bool Server::is_running() const {
  OC_HTTPLIB_CALL(bool, "_ZNK7httplib6Server10is_runningEv", const Server*)(this);
}
void Server::stop() {
  OC_HTTPLIB_CALL(void, "_ZN7httplib6Server4stopEv", Server*)(this);
}

// --- Request, Response -------------------------------------------------------------------------

std::string Request::get_header_value(const std::string& key, size_t id) const {
  OC_HTTPLIB_CALL(std::string,
                  "_ZNK7httplib7Request16get_header_valueERKNSt7__cxx1112basic_stringIcSt11char_t"
                  "raitsIcESaIcEEEm",
                  const Request*, const std::string&, size_t)(this, key, id);
}
void Response::set_header(const std::string& key, const std::string& val) {
  OC_HTTPLIB_CALL(void,
                  "_ZN7httplib8Response10set_headerERKNSt7__cxx1112basic_stringIcSt11char_traitsI"
                  "cESaIcEEES8_",
                  Response*, const std::string&, const std::string&)(this, key, val);
}
void Response::set_content(const std::string& s, const std::string& content_type) {
  OC_HTTPLIB_CALL(void,
                  "_ZN7httplib8Response11set_contentERKNSt7__cxx1112basic_stringIcSt11char_traits"
                  "IcESaIcEEES8_",
                  Response*, const std::string&, const std::string&)(this, s, content_type);
}
void Response::set_content_provider(size_t length, const std::string& content_type,
                                    ContentProvider provider,
                                    ContentProviderResourceReleaser resource_releaser) {
  OC_HTTPLIB_CALL(void,
                  "_ZN7httplib8Response20set_content_providerEmRKNSt7__cxx1112basic_stringIcSt11c"
                  "har_traitsIcESaIcEEESt8functionIFbmmRNS_8DataSinkEEES9_IFvbEE",
                  Response*, size_t, const std::string&, ContentProvider,
                  ContentProviderResourceReleaser)(this, length, content_type, std::move(provider),
                                                   std::move(resource_releaser));
}
void Response::set_chunked_content_provider(const std::string& content_type,
                                            ContentProviderWithoutLength provider,
                                            ContentProviderResourceReleaser resource_releaser) {
  OC_HTTPLIB_CALL(void,
                  "_ZN7httplib8Response28set_chunked_content_providerERKNSt7__cxx1112basic_string"
                  "IcSt11char_traitsIcESaIcEEESt8functionIFbmRNS_8DataSinkEEES9_IFvbEE",
                  Response*, const std::string&, ContentProviderWithoutLength,
                  ContentProviderResourceReleaser)(this, content_type, std::move(provider),
                                                   std::move(resource_releaser));
}

}  // namespace httplib

// --- constructors and the destructor -----------------------------------------------------------

void oc_httplib_server_ctor(httplib::Server* self) __asm__("_ZN7httplib6ServerC1Ev");
void oc_httplib_server_ctor(httplib::Server* self) {
  OC_HTTPLIB_CALL(void, "_ZN7httplib6ServerC1Ev", httplib::Server*)(self);
}
void oc_httplib_server_dtor(httplib::Server* self) __asm__("_ZN7httplib6ServerD1Ev");
void oc_httplib_server_dtor(httplib::Server* self) {
  OC_HTTPLIB_CALL(void, "_ZN7httplib6ServerD1Ev", httplib::Server*)(self);
}
void oc_httplib_ssl_server_ctor(httplib::SSLServer* self, const char* cert_path,
                                const char* private_key_path, const char* client_ca_cert_file_path,
                                const char* client_ca_cert_dir_path,
                                const char* private_key_password)
    __asm__("_ZN7httplib9SSLServerC1EPKcS2_S2_S2_S2_");
void oc_httplib_ssl_server_ctor(httplib::SSLServer* self, const char* cert_path,
                                const char* private_key_path, const char* client_ca_cert_file_path,
                                const char* client_ca_cert_dir_path,
                                const char* private_key_password) {
  OC_HTTPLIB_CALL(void, "_ZN7httplib9SSLServerC1EPKcS2_S2_S2_S2_", httplib::SSLServer*,
                  const char*, const char*, const char*, const char*, const char*)(
      self, cert_path, private_key_path, client_ca_cert_file_path, client_ca_cert_dir_path,
      private_key_password);
}
