// A bare API server process for tests: the same Server `opencenter apiserver` runs, without the
// rest of the CLI. Prints "LISTENING <url>" once it serves; stops on SIGTERM/SIGINT.
//   apiserver_harness DATA_DIR [LISTEN] [--no-simulate] [--retain=N]
//                     [--tls-cert=FILE --tls-key=FILE --token=T]
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <string>

#include "apiserver/server.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: apiserver_harness DATA_DIR [LISTEN] [--no-simulate]\n");
    return 2;
  }
  oc::apiserver::ServerOptions opts;
  opts.data_dir = argv[1];
  opts.listen = argc > 2 && argv[2][0] != '-' ? argv[2] : "127.0.0.1:0";
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* flag) { return a.substr(std::strlen(flag)); };
    if (a == "--no-simulate") opts.simulate_workloads = false;
    if (a.rfind("--retain=", 0) == 0) opts.retain_revisions = std::atoll(value("--retain=").c_str());
    if (a.rfind("--tls-cert=", 0) == 0) opts.tls_cert_file = value("--tls-cert=");
    if (a.rfind("--tls-key=", 0) == 0) opts.tls_key_file = value("--tls-key=");
    if (a.rfind("--token=", 0) == 0) opts.token = value("--token=");
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto server = oc::apiserver::Server::start(opts);
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.error().to_string().c_str());
    return 1;
  }
  std::printf("LISTENING %s\n", (*server)->url().c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&set, &sig);
  (*server)->stop();
  return 0;
}
