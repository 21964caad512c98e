#include "controllers/manager.h"

#include <httplib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "controllers/conditions.h"
#include "controllers/events.h"
#include "controllers/flux.h"
#include "controllers/gitrepository.h"
#include "controllers/informer.h"
#include "controllers/kustomization.h"
#include "controllers/log.h"
#include "controllers/metrics.h"
#include "controllers/runtime.h"
#include "core/cpu_pool.h"
#include "kube/client.h"
#include "kube/object.h"
#include "source/artifact.h"

namespace oc::controllers {

using core::Node;

struct Manager::Impl {
  ManagerOptions opts;
  std::unique_ptr<kube::Client> client;
  Logger log;
  Metrics metrics;
  std::unique_ptr<EventRecorder> source_events, kustomize_events;
  std::unique_ptr<source::Storage> storage;
  source::ArtifactServer artifact_server;
  std::string artifact_url;
  std::unique_ptr<ArtifactCache> cache;
  std::unique_ptr<Informer> git_informer, ks_informer;
  std::unique_ptr<GitRepositoryReconciler> git_reconciler;
  std::unique_ptr<core::CpuPool> build_pool;  // outlives the reconciler and its workers
  std::unique_ptr<KustomizationReconciler> ks_reconciler;
  std::unique_ptr<Controller> git_controller, ks_controller;
  std::unique_ptr<LeaderElector> elector;
  std::atomic<bool> stop_flag{false};
  httplib::Server metrics_server;
  std::thread metrics_thread;
  std::string metrics_url;
  bool stopped = false;

  void stop() {
    if (stopped) return;
    stopped = true;
    stop_flag = true;
    if (ks_controller) ks_controller->stop();
    if (git_controller) git_controller->stop();
    if (ks_informer) ks_informer->stop();
    if (git_informer) git_informer->stop();
    if (elector) elector->release();
    if (source_events) source_events->flush();
    if (kustomize_events) kustomize_events->flush();
    metrics_server.stop();
    if (metrics_thread.joinable()) metrics_thread.join();
    artifact_server.stop();
  }
};

namespace {

std::string ks_source_key(const Node& ks) {
  std::string ns = kube::text(ks, {"spec", "sourceRef", "namespace"});
  if (ns.empty()) ns = kube::text(ks, {"metadata", "namespace"});
  return kube::text(ks, {"spec", "sourceRef", "kind"}) + "/" + ns + "/" + kube::text(ks, {"spec", "sourceRef", "name"});
}

bool depends_on(const Node& ks, const std::string& ns, const std::string& name) {
  const Node* deps = kube::at(ks, {"spec", "dependsOn"});
  if (!deps || !deps->is_sequence()) return false;
  std::string own_ns = kube::text(ks, {"metadata", "namespace"});
  for (const auto& d : deps->items()) {
    std::string dns = kube::text(d, {"namespace"});
    if (dns.empty()) dns = own_ns;
    if (dns == ns && kube::text(d, {"name"}) == name) return true;
  }
  return false;
}

}  // namespace

core::Result<std::unique_ptr<Manager>> Manager::start(const kube::ClusterAccess& access,
                                                      const ManagerOptions& opts) {
  std::unique_ptr<Manager> m(new Manager());
  m->impl_ = std::make_unique<Impl>();
  Impl& d = *m->impl_;
  d.opts = opts;
  if (!opts.log_file.empty() && !d.log.set_file(opts.log_file)) {
    return core::Error("cannot open the log file", opts.log_file);
  }
  kube::ClientOptions co;
  co.user_agent = "opencenter-controller/0.1";
  auto client = kube::Client::connect(access, co);
  if (!client.ok()) return client.error();
  d.client = std::move(*client);
  if (opts.install_crds) {
    if (auto st = install_crds(*d.client); !st.ok()) return core::Error("cannot install the Flux CRDs: " + st.error().message);
  }
  if (opts.leader_election) {
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    d.elector = std::make_unique<LeaderElector>(*d.client, opts.leader_namespace, "opencenter-controller",
                                                std::string(host) + "_" + kube::new_uid());
    d.log.info("attempting to acquire leader lease", {{"lease", opts.leader_namespace + "/opencenter-controller"}});
    if (!d.elector->acquire(d.stop_flag)) return core::Error("stopped before acquiring the leader lease");
    d.log.info("successfully acquired lease", {{"lease", opts.leader_namespace + "/opencenter-controller"}});
  }

  // Artifact storage and its server.
  std::string artifacts_dir = opts.data_dir + "/artifacts";
  std::filesystem::create_directories(artifacts_dir);
  auto url = d.artifact_server.start(artifacts_dir, opts.artifact_listen);
  if (!url.ok()) return core::Error("cannot start the artifact server: " + url.error().message);
  d.artifact_url = *url;
  d.storage = std::make_unique<source::Storage>(artifacts_dir, d.artifact_url);
  source::Storage* storage = d.storage.get();
  std::string base = d.artifact_url + "/";
  d.cache = std::make_unique<ArtifactCache>([storage, base](const std::string& u, const std::string& digest)
                                                -> core::Result<std::map<std::string, std::string>> {
    // Our own artifacts are read from disk; others over HTTP, as Flux does.
    if (u.rfind(base, 0) == 0) {
      source::Artifact a;
      a.path = u.substr(base.size());
      a.digest = digest;
      a.url = u;
      if (!storage->verify(a)) return core::Error("artifact " + u + " is missing or does not match its digest " + digest);
      std::ifstream f(storage->local_path(a), std::ios::binary);
      std::stringstream ss;
      ss << f.rdbuf();
      return source::extract(ss.str());
    }
    return source::fetch(u, digest);
  });

  d.source_events = std::make_unique<EventRecorder>(*d.client, "source-controller");
  d.kustomize_events = std::make_unique<EventRecorder>(*d.client, "kustomize-controller");
  d.git_informer = std::make_unique<Informer>(*d.client, kGitRepositoryResource);
  d.ks_informer = std::make_unique<Informer>(*d.client, kKustomizationResource);
  d.git_reconciler = std::make_unique<GitRepositoryReconciler>(*d.client, *d.storage, *d.source_events, d.log,
                                                               d.metrics, opts.data_dir + "/work");
  KustomizationOptions ko;
  ko.health_poll = std::chrono::milliseconds(opts.health_poll_ms);
  ko.requeue_dependency = std::chrono::seconds(opts.requeue_dependency_seconds);
  ko.stopping = &d.stop_flag;
  d.build_pool = std::make_unique<core::CpuPool>(size_t(std::max(0, opts.build_threads)));
  ko.build_pool = d.build_pool.get();
  d.ks_reconciler = std::make_unique<KustomizationReconciler>(*d.client, *d.cache, *d.kustomize_events, d.log,
                                                              d.metrics, ko);
  d.git_controller = std::make_unique<Controller>(
      ControllerOptions{"gitrepository", "GitRepository", "source.toolkit.fluxcd.io", opts.source_workers},
      *d.git_informer, *d.git_reconciler, d.metrics, d.log);
  d.ks_controller = std::make_unique<Controller>(
      ControllerOptions{"kustomization", "Kustomization", "kustomize.toolkit.fluxcd.io", opts.kustomize_workers},
      *d.ks_informer, *d.ks_reconciler, d.metrics, d.log);

  // A new artifact revision reconciles the Kustomizations that use the source.
  Informer* ks_inf = d.ks_informer.get();
  Controller* ks_ctl = d.ks_controller.get();
  d.git_informer->add_handler([ks_inf, ks_ctl](Informer::Event e, const ObjectPtr& old_obj, const ObjectPtr& obj) {
    if (e == Informer::Event::kDeleted) return;
    std::string rev = kube::text(*obj, {"status", "artifact", "revision"});
    if (rev.empty() || (old_obj && kube::text(*old_obj, {"status", "artifact", "revision"}) == rev)) return;
    std::string key = "GitRepository/" + kube::text(*obj, {"metadata", "namespace"}) + "/" + kube::text(*obj, {"metadata", "name"});
    for (const auto& ks : ks_inf->list()) {
      if (ks_source_key(*ks) == key) ks_ctl->enqueue(object_key(*ks));
    }
  });
  // A Kustomization that becomes ready (or applies a new revision) releases its dependents at
  // once instead of at their next dependency retry.
  d.ks_informer->add_handler([ks_inf, ks_ctl](Informer::Event e, const ObjectPtr& old_obj, const ObjectPtr& obj) {
    if (e != Informer::Event::kModified) return;
    bool now_ready = is_ready(*obj);
    bool was_ready = is_ready(*old_obj);
    std::string rev = kube::text(*obj, {"status", "lastAppliedRevision"});
    if (!now_ready || (was_ready && kube::text(*old_obj, {"status", "lastAppliedRevision"}) == rev)) return;
    std::string ns = kube::text(*obj, {"metadata", "namespace"});
    std::string name = kube::text(*obj, {"metadata", "name"});
    for (const auto& ks : ks_inf->list()) {
      if (depends_on(*ks, ns, name)) ks_ctl->enqueue(object_key(*ks));
    }
  });

  if (!opts.metrics_listen.empty()) {
    Metrics* metrics = &d.metrics;
    Impl* impl = &d;
    d.metrics_server.Get("/metrics", [metrics](const httplib::Request&, httplib::Response& res) {
      res.set_content(metrics->render(), "text/plain; version=0.0.4; charset=utf-8");
    });
    d.metrics_server.Get("/healthz", [impl](const httplib::Request&, httplib::Response& res) {
      bool ok = !impl->elector || impl->elector->leading();
      res.status = ok ? 200 : 500;
      res.set_content(ok ? "ok" : "leadership lost", "text/plain");
    });
    std::string host = opts.metrics_listen.substr(0, opts.metrics_listen.rfind(':'));
    int port = std::atoi(opts.metrics_listen.substr(opts.metrics_listen.rfind(':') + 1).c_str());
    if (port == 0) {
      port = d.metrics_server.bind_to_any_port(host);
    } else if (!d.metrics_server.bind_to_port(host, port)) {
      port = -1;
    }
    if (port <= 0) return core::Error("cannot listen on " + opts.metrics_listen + " for /metrics");
    d.metrics_url = "http://" + host + ":" + std::to_string(port);
    d.metrics_thread = std::thread([&d] { d.metrics_server.listen_after_bind(); });
  }

  d.git_informer->start();
  d.ks_informer->start();
  d.git_informer->wait_synced(std::chrono::seconds(30));
  d.ks_informer->wait_synced(std::chrono::seconds(30));
  d.git_controller->start();
  d.ks_controller->start();
  d.log.info("controllers started", {{"artifacts", d.artifact_url}, {"metrics", d.metrics_url}});
  return m;
}

Manager::~Manager() {
  if (impl_) impl_->stop();
}

void Manager::stop() { impl_->stop(); }

const std::string& Manager::artifact_url() const { return impl_->artifact_url; }

const std::string& Manager::metrics_url() const { return impl_->metrics_url; }

bool Manager::healthy() const { return !impl_->elector || impl_->elector->leading(); }

}  // namespace oc::controllers
