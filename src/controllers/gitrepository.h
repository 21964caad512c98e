// The source controller's GitRepository reconciler (source.toolkit.fluxcd.io/v1): resolve the
// reference on the remote, fetch and archive the tree when the revision (or the content
// configuration) changed, publish status.artifact, keep the last good artifact on failure.
#pragma once

#include <string>

#include "controllers/events.h"
#include "controllers/log.h"
#include "controllers/metrics.h"
#include "controllers/runtime.h"
#include "kube/client.h"

namespace oc::source {
class Storage;
}

namespace oc::controllers {

class GitRepositoryReconciler : public Reconciler {
 public:
  // `work_dir` holds the Git mirrors (work_dir/git) and temporary checkouts (work_dir/tmp).
  GitRepositoryReconciler(kube::Client& client, source::Storage& storage, EventRecorder& events,
                          Logger& log, Metrics& metrics, std::string work_dir);
  Outcome reconcile(const std::string& ns, const std::string& name) override;

 private:
  kube::Client& client_;
  source::Storage& storage_;
  EventRecorder& events_;
  Logger& log_;
  Metrics& metrics_;
  std::string work_dir_;
};

}  // namespace oc::controllers
