// Starts the API server harness (tests/apiserver/harness_main.cc) as a child process.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "support/net.h"
#include "support/process.h"

namespace oc::apiserver {

struct ServerProcess {
  pid_t pid = 0;
  std::string url;

  // `listen` is HOST:PORT (port 0 picks one); `extra` are further harness flags.
  bool start(const std::string& data_dir, const std::string& listen = "127.0.0.1:0",
             const std::vector<std::string>& extra = {}) {
    int fds[2];
    if (::pipe(fds) != 0) return false;
    pid = ::fork();
    if (pid == 0) {
      test::die_with_parent();
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      std::vector<std::string> args = {OC_HARNESS, data_dir, listen};
      args.insert(args.end(), extra.begin(), extra.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    std::string line;
    char c;
    while (::read(fds[0], &c, 1) == 1 && c != '\n') line.push_back(c);
    ::close(fds[0]);
    if (line.rfind("LISTENING ", 0) != 0) return false;
    url = line.substr(10);
    return true;
  }
  void stop(int sig = SIGTERM) {
    if (pid > 0) {
      ::kill(pid, sig);
      ::waitpid(pid, nullptr, 0);
      pid = 0;
    }
  }
  ~ServerProcess() { stop(SIGKILL); }
};

using oc::test::free_port;

}  // namespace oc::apiserver
