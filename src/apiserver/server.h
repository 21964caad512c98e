// The embedded API server process: the store, the API, the built-in controllers and the HTTP
// listener. `opencenter apiserver` runs one in the foreground; `opencenter up` in the
// background.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"

namespace oc::apiserver {

struct ServerOptions {
  std::string data_dir;                  // holds state.db
  std::string listen = "127.0.0.1:6443"; // host:port; port 0 picks a free one
  bool simulate_workloads = true;        // make workloads look as if they ran
  // Listening anywhere but loopback needs TLS and a token (DESIGN issue 3 security rules).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string token;                     // bearer token required when set
  size_t max_body_bytes = size_t(3) << 20;
  int64_t retain_revisions = 10000;      // events kept for watch resumption
  int worker_threads = 64;
};

class Server {
 public:
  static core::Result<std::unique_ptr<Server>> start(const ServerOptions& opts);
  ~Server();

  int port() const;
  std::string url() const;
  // Blocks until stop() (from another thread or a signal handler).
  void wait();
  void stop();

 private:
  Server() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oc::apiserver
