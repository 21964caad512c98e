// Runs the controllers: one process hosting the source controller (GitRepository) and the
// kustomize controller (Kustomization), their informers, the artifact HTTP server, /metrics and
// leader election. `opencenter controller` runs one against any cluster; `opencenter up` runs
// one next to the embedded API server.
#pragma once

#include <memory>
#include <string>

#include "core/error.h"
#include "kube/kubeconfig.h"

namespace oc::controllers {

struct ManagerOptions {
  // Artifacts (data_dir/artifacts), Git mirrors and temporary checkouts (data_dir/work).
  std::string data_dir;
  // Where the artifact server listens; artifacts' URLs use the address it got.
  std::string artifact_listen = "127.0.0.1:0";
  // Where /metrics and /healthz are served; "" = not served.
  std::string metrics_listen;
  int source_workers = 2;      // Flux source-controller --concurrent
  int kustomize_workers = 4;   // Flux kustomize-controller --concurrent
  // Threads the Kustomization workers' builds run on (core::CpuPool); 0 = one per CPU. Flux
  // runs one build at a time behind a global lock; more workers than CPUs building at once
  // only fault in more malloc arenas (bench/RESULTS.md, "Parallel builds").
  int build_threads = 0;
  bool leader_election = false;
  std::string leader_namespace = "default";
  bool install_crds = true;
  // JSON log lines go here ("" = stderr).
  std::string log_file;
  // Seconds between health-check polls and before retrying unmet dependencies.
  int health_poll_ms = 1000;
  int requeue_dependency_seconds = 30;
};

class Manager {
 public:
  static core::Result<std::unique_ptr<Manager>> start(const kube::ClusterAccess& access,
                                                      const ManagerOptions& opts);
  ~Manager();
  void stop();
  // "http://127.0.0.1:PORT" of the artifact server.
  const std::string& artifact_url() const;
  // "http://127.0.0.1:PORT" of /metrics, or "".
  const std::string& metrics_url() const;
  // False once leadership was lost (the process should exit, as controller-runtime does).
  bool healthy() const;

 private:
  Manager() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oc::controllers
