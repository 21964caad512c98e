// The kustomize controller's Kustomization reconciler (kustomize.toolkit.fluxcd.io/v1), Flux's
// pipeline in order: source artifact → dependsOn → generate/amend kustomization.yaml → SOPS
// decryption of generator sources and patches → kustomize build (input order) → SOPS decryption
// of resources and Secret fields → postBuild substitution → owner labels and
// commonMetadata → staged server-side apply with a dry-run drift test → inventory → prune →
// health checks → status and events. See docs/controllers.md.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "controllers/events.h"
#include "controllers/informer.h"
#include "controllers/log.h"
#include "controllers/metrics.h"
#include "controllers/runtime.h"
#include "controllers/tree_fs.h"
#include "kube/client.h"

namespace oc::core {
class CpuPool;
}

namespace oc::controllers {

// Extracted artifacts by digest, shared by every Kustomization that uses the same revision.
class ArtifactCache {
 public:
  // Downloads and extracts an artifact: (url, digest) → files.
  using Fetcher = std::function<core::Result<std::map<std::string, std::string>>(const std::string& url,
                                                                             const std::string& digest)>;
  explicit ArtifactCache(Fetcher fetch, size_t max_entries = 32) : fetch_(std::move(fetch)), max_(max_entries) {}
  core::Result<std::shared_ptr<const ArtifactTree>> get(const std::string& url, const std::string& digest);

 private:
  Fetcher fetch_;
  size_t max_;
  std::mutex mu_;
  std::map<std::string, std::pair<std::shared_ptr<const ArtifactTree>, uint64_t>> entries_;  // digest → (tree, last use)
  uint64_t tick_ = 0;
};

struct KustomizationOptions {
  // Flux's --requeue-dependency.
  std::chrono::nanoseconds requeue_dependency = std::chrono::seconds(30);
  // The longest wait between health-check polls; the first re-check comes after 25 ms and the
  // wait doubles up to this (Flux polls every 5s).
  std::chrono::milliseconds health_poll{1000};
  // Set when the process shuts down: a health check in progress gives up at once.
  const std::atomic<bool>* stopping = nullptr;
  // Where kustomize builds run (nullptr: on the calling worker's thread).
  core::CpuPool* build_pool = nullptr;
};

class KustomizationReconciler : public Reconciler {
 public:
  KustomizationReconciler(kube::Client& client, ArtifactCache& artifacts, EventRecorder& events,
                          Logger& log, Metrics& metrics, KustomizationOptions opts = {});
  Outcome reconcile(const std::string& ns, const std::string& name) override;

  // The objects a Kustomization would apply for an artifact tree (the build half of the
  // pipeline; also what `opencenter build kustomization` prints).
  core::Result<std::vector<core::Node>> build(const core::Node& ks, std::shared_ptr<const ArtifactTree> tree);

 private:
  kube::Client& client_;
  ArtifactCache& artifacts_;
  EventRecorder& events_;
  Logger& log_;
  Metrics& metrics_;
  KustomizationOptions opts_;
};

// Flux's generator: a kustomization.yaml for `dir` when it has none (every YAML file there that
// holds Kubernetes objects, and each subdirectory holding a kustomization), then the
// Kustomization's spec merged in (targetNamespace, namePrefix/Suffix, patches, images,
// components). Returns the content to overlay at dir/kustomization.yaml.
core::Result<std::string> generate_kustomization(const ArtifactTree& tree, const std::string& dir,
                                                 const core::Node& ks);

}  // namespace oc::controllers
