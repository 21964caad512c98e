// `opencenter apiserver` (foreground) and `opencenter up|down|status` (the local cluster in the
// background, DESIGN.md §1).
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "apiserver/server.h"
#include "cli/command.h"
#include "cli/target.h"
#include "controllers/manager.h"
#include "core/file.h"

namespace oc::cli {

namespace {

void mkdirs(const std::string& path) {
  std::string cur;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (!cur.empty()) ::mkdir(cur.c_str(), 0700);
    }
    if (i < path.size()) cur.push_back(path[i]);
  }
}

std::string kubeconfig_text(const std::string& url) {
  return "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: " + url +
         "\n  name: opencenter-local\ncontexts:\n- context:\n    cluster: opencenter-local\n"
         "    namespace: default\n    user: opencenter-local\n  name: opencenter-local\n"
         "current-context: opencenter-local\npreferences: {}\nusers:\n- name: opencenter-local\n"
         "  user: {}\n";
}

std::string read_small(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

pid_t running_pid(const std::string& dir) {
  std::string s = read_small(dir + "/apiserver.pid");
  pid_t pid = pid_t(std::atoi(s.c_str()));
  if (pid <= 0) return 0;
  if (::kill(pid, 0) != 0) return 0;
  // The pid may have been reused: check it is us.
  std::string cmd = read_small("/proc/" + std::to_string(pid) + "/cmdline");
  if (cmd.find("apiserver") == std::string::npos) return 0;
  return pid;
}

std::string server_url(const std::string& kubeconfig) {
  std::string text = read_small(kubeconfig);
  size_t p = text.find("server: ");
  if (p == std::string::npos) return "";
  size_t e = text.find('\n', p);
  return text.substr(p + 8, e - p - 8);
}

int run_apiserver(const Args& args, const Io& io) {
  // A long-running server with many threads: two malloc arenas instead of glibc's 8 per core
  // keep the peak RSS close to what is live (measured: bench/controllers, bench/RESULTS.md).
  mallopt(M_ARENA_MAX, 2);
  apiserver::ServerOptions opts;
  opts.data_dir = args.get("data-dir");
  opts.listen = args.get("listen");
  opts.simulate_workloads = !args.flag("no-simulate");
  opts.tls_cert_file = args.get("tls-cert-file");
  opts.tls_key_file = args.get("tls-key-file");
  opts.token = args.get("token");
  mkdirs(opts.data_dir);
  // Signals are taken synchronously below; block them before any thread starts.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto server = apiserver::Server::start(opts);
  if (!server.ok()) return io.fail(server.error().to_string());
  std::string url = (*server)->url();
  io.err << "opencenter apiserver: serving on " << url << " (data in " << opts.data_dir << ")\n";
  io.err.flush();
  // The local cluster runs the controllers in the same process (DESIGN.md §1).
  std::unique_ptr<controllers::Manager> manager;
  if (args.flag("controllers")) {
    controllers::ManagerOptions mo;
    mo.data_dir = opts.data_dir + "/controllers";
    mo.log_file = opts.data_dir + "/controllers.log";
    mo.metrics_listen = "127.0.0.1:0";
    kube::ClusterAccess access;
    access.server = url;
    access.token = opts.token;
    access.insecure_skip_tls_verify = !opts.tls_cert_file.empty();
    auto m = controllers::Manager::start(access, mo);
    if (!m.ok()) {
      (*server)->stop();
      return io.fail("cannot start the controllers: " + m.error().message);
    }
    manager = std::move(*m);
    core::write_file_atomic(opts.data_dir + "/endpoints",
                            "api: " + url + "\nartifacts: " + manager->artifact_url() + "\nmetrics: " +
                                manager->metrics_url() + "/metrics\n",
                            0600);
    io.err << "opencenter apiserver: controllers running (artifacts " << manager->artifact_url() << ", metrics "
           << manager->metrics_url() << "/metrics)\n";
    io.err.flush();
  }
  if (args.given("kubeconfig-out")) {
    if (auto st = core::write_file_atomic(args.get("kubeconfig-out"), kubeconfig_text(url), 0600);
        !st.ok()) {
      return io.fail(st.error().to_string());
    }
  }
  int sig = 0;
  sigwait(&set, &sig);
  io.err << "opencenter apiserver: stopping\n";
  if (manager) manager->stop();
  (*server)->stop();
  return kExitOk;
}

int run_up(const Args& args, const Io& io) {
  std::string dir = args.given("data-dir") ? args.get("data-dir") : default_local_dir();
  mkdirs(dir);
  std::string kubeconfig = dir + "/kubeconfig";
  if (pid_t pid = running_pid(dir)) {
    io.out << "The local cluster is already running (pid " << pid << ") at " << server_url(kubeconfig)
           << ".\nkubeconfig: " << kubeconfig << "\n";
    return kExitOk;
  }
  ::unlink(kubeconfig.c_str());
  ::unlink((dir + "/endpoints").c_str());
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n <= 0) return io.fail("cannot find the opencenter executable");
  self[n] = 0;
  std::string log = dir + "/apiserver.log";
  pid_t pid = ::fork();
  if (pid < 0) return io.fail("cannot start the local cluster: fork failed");
  if (pid == 0) {
    ::setsid();
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    if (null_fd >= 0) ::dup2(null_fd, 0);
    std::string listen = args.given("listen") ? args.get("listen") : "127.0.0.1:0";
    std::vector<std::string> argv_s = {self, "apiserver", "--data-dir", dir, "--listen", listen,
                                       "--kubeconfig-out", kubeconfig};
    if (!args.flag("no-controllers")) argv_s.push_back("--controllers");
    if (args.flag("no-simulate")) argv_s.push_back("--no-simulate");
    std::vector<char*> argv;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    ::execv(self, argv.data());
    ::_exit(127);
  }
  core::write_file_atomic(dir + "/apiserver.pid", std::to_string(pid) + "\n", 0600);
  for (int i = 0; i < 300; ++i) {
    if (::access(kubeconfig.c_str(), R_OK) == 0) {
      io.out << "The local cluster is running (pid " << pid << ") at " << server_url(kubeconfig)
             << ".\nkubeconfig: " << kubeconfig << "\n" << read_small(dir + "/endpoints")
             << "  export KUBECONFIG=" << kubeconfig << "\n  kubectl get namespaces\n";
      return kExitOk;
    }
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      ::unlink((dir + "/apiserver.pid").c_str());
      return io.fail("the local cluster did not start; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return io.fail("the local cluster did not become ready within 30s; see " + log);
}

int run_down(const Args& args, const Io& io) {
  std::string dir = args.given("data-dir") ? args.get("data-dir") : default_local_dir();
  pid_t pid = running_pid(dir);
  if (!pid) {
    io.out << "The local cluster is not running.\n";
    return kExitOk;
  }
  ::kill(pid, SIGTERM);
  for (int i = 0; i < 300 && ::kill(pid, 0) == 0; ++i) {
    ::waitpid(pid, nullptr, WNOHANG);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (::kill(pid, 0) == 0) {
    ::kill(pid, SIGKILL);
    io.warn("the local cluster did not stop within 30s and was killed");
  }
  ::unlink((dir + "/apiserver.pid").c_str());
  io.out << "The local cluster is stopped (data kept in " << dir << ").\n";
  return kExitOk;
}

int run_status(const Args& args, const Io& io) {
  std::string dir = args.given("data-dir") ? args.get("data-dir") : default_local_dir();
  pid_t pid = running_pid(dir);
  if (!pid) {
    io.out << "The local cluster is not running. Start it with: opencenter up\n";
    return kExitFailure;
  }
  io.out << "The local cluster is running (pid " << pid << ") at " << server_url(dir + "/kubeconfig")
         << ".\nkubeconfig: " << dir << "/kubeconfig\n" << read_small(dir + "/endpoints");
  return kExitOk;
}

}  // namespace

void register_cluster_local_commands(Registry& r) {
  Command api;
  api.path = {"apiserver"};
  api.summary = "Run the embedded Kubernetes API server in the foreground";
  api.flags = {
      {"--data-dir", "Directory for the store (state.db)", Flag::Kind::kString, "", {}},
      {"--listen", "HOST:PORT to listen on (port 0 picks one)", Flag::Kind::kString, "127.0.0.1:6443", {}},
      {"--no-simulate", "Do not simulate workload status", Flag::Kind::kBool, "", {}},
      {"--tls-cert-file", "TLS certificate (required off loopback)", Flag::Kind::kString, "", {}},
      {"--tls-key-file", "TLS private key", Flag::Kind::kString, "", {}},
      {"--token", "Bearer token clients must send (required off loopback)", Flag::Kind::kString, "", {}},
      {"--kubeconfig-out", "Write a kubeconfig for this server here once it listens", Flag::Kind::kString, "", {}},
      {"--controllers", "Also run the Flux-compatible controllers in this process", Flag::Kind::kBool, "", {}},
  };
  api.long_running = true;
  api.run = [](const Args& args, const Io& io) {
    if (args.get("data-dir").empty()) {
      io.err << "opencenter: error: --data-dir is required\n";
      return kExitUsage;
    }
    return run_apiserver(args, io);
  };
  r.add(std::move(api));

  std::vector<Flag> local_flags = {
      {"--data-dir", "The local cluster's directory (default ~/.local/share/opencenter/local)",
       Flag::Kind::kString, "", {}},
  };
  Command up;
  up.path = {"up"};
  up.summary = "Start the local cluster in the background and write its kubeconfig";
  up.flags = local_flags;
  up.flags.push_back({"--listen", "HOST:PORT (default: a free port on 127.0.0.1)", Flag::Kind::kString, "", {}});
  up.flags.push_back({"--no-simulate", "Do not simulate workload status", Flag::Kind::kBool, "", {}});
  up.flags.push_back({"--no-controllers", "Run the API server only, without the controllers", Flag::Kind::kBool, "", {}});
  up.run = run_up;
  r.add(std::move(up));

  Command down;
  down.path = {"down"};
  down.summary = "Stop the local cluster (its data is kept)";
  down.flags = local_flags;
  down.run = run_down;
  r.add(std::move(down));

  Command status;
  status.path = {"status"};
  status.summary = "Tell whether the local cluster runs, and where";
  status.flags = local_flags;
  status.run = run_status;
  r.add(std::move(status));
}

}  // namespace oc::cli
