// `opencenter controller`: the Flux-compatible controllers in the foreground against any
// cluster (DESIGN.md §1) — what runs as a Deployment inside a real cluster.
#include <malloc.h>
#include <signal.h>

#include <thread>

#include "cli/command.h"
#include "cli/target.h"
#include "controllers/manager.h"
#include "kube/kubeconfig.h"

namespace oc::cli {

namespace {

int run_controller(const Args& args, const Io& io) {
  // A long-running server with many threads: two malloc arenas instead of glibc's 8 per core
  // keep the peak RSS close to what is live (measured: bench/controllers, bench/RESULTS.md).
  mallopt(M_ARENA_MAX, 2);
  core::Result<kube::ClusterAccess> access = core::Error("");
  if (args.flag("in-cluster")) {
    access = kube::in_cluster_access();
  } else {
    access = target_access(args);
  }
  if (!access.ok()) return io.fail(access.error().to_string());
  controllers::ManagerOptions mo;
  mo.data_dir = args.get("data-dir");
  mo.artifact_listen = args.get("storage-addr");
  mo.metrics_listen = args.get("metrics-addr");
  mo.source_workers = std::atoi(args.get("concurrent-source").c_str());
  mo.kustomize_workers = std::atoi(args.get("concurrent").c_str());
  mo.leader_election = args.flag("enable-leader-election");
  mo.leader_namespace = args.get("leader-election-namespace");
  mo.install_crds = !args.flag("no-install-crds");
  mo.log_file = args.get("log-file");
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  auto m = controllers::Manager::start(*access, mo);
  if (!m.ok()) return io.fail(m.error().to_string());
  io.err << "opencenter controller: running against " << access->server << " (artifacts "
         << (*m)->artifact_url() << (mo.metrics_listen.empty() ? "" : ", metrics " + (*m)->metrics_url() + "/metrics")
         << ")\n";
  io.err.flush();
  // Wait for a signal, or for leadership to be lost (then exit non-zero so a Deployment restarts us).
  timespec tick{1, 0};
  for (;;) {
    int sig = sigtimedwait(&set, nullptr, &tick);
    if (sig == SIGINT || sig == SIGTERM) break;
    if (!(*m)->healthy()) {
      (*m)->stop();
      return io.fail("leader election lost");
    }
  }
  (*m)->stop();
  return kExitOk;
}

}  // namespace

void register_controller_commands(Registry& r) {
  Command c;
  c.path = {"controller"};
  c.summary = "Run the Flux-compatible controllers in the foreground";
  c.long_running = true;
  c.description =
      "Reconciles GitRepository and Kustomization objects (source.toolkit.fluxcd.io/v1,\n"
      "kustomize.toolkit.fluxcd.io/v1) in the target cluster, like Flux's source and kustomize\n"
      "controllers. Artifacts are stored under --data-dir and served on --storage-addr.";
  c.flags = {
      {"--data-dir", "Directory for artifacts and Git mirrors", Flag::Kind::kString, "/tmp/opencenter-controller", {}},
      {"--storage-addr", "Where the artifact server listens", Flag::Kind::kString, "127.0.0.1:9090", {}},
      {"--metrics-addr", "Where /metrics is served (empty: off)", Flag::Kind::kString, "127.0.0.1:8080", {}},
      {"--concurrent", "Kustomization workers", Flag::Kind::kString, "4", {}},
      {"--concurrent-source", "GitRepository workers", Flag::Kind::kString, "2", {}},
      {"--enable-leader-election", "Hold a coordination Lease so only one replica acts", Flag::Kind::kBool, "", {}},
      {"--leader-election-namespace", "Namespace of the Lease", Flag::Kind::kString, "default", {}},
      {"--no-install-crds", "Do not create missing Flux CRDs", Flag::Kind::kBool, "", {}},
      {"--log-file", "Write JSON logs here instead of stderr", Flag::Kind::kString, "", {}},
      {"--in-cluster", "Use the in-cluster service account", Flag::Kind::kBool, "", {}},
  };
  add_target_flags(c);
  c.run = run_controller;
  r.add(std::move(c));
}

}  // namespace oc::cli
