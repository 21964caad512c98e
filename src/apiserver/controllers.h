// Controllers built into the embedded API server, standing in for kube-controller-manager and
// the kubelets of a real cluster:
//   - garbage collection of dependents (ownerReferences; Background, Foreground, Orphan);
//   - namespace termination (deletes a terminating namespace's content, then the namespace);
//   - workload status simulation (optional): Deployments (with their ReplicaSet),
//     ReplicaSets, StatefulSets, DaemonSets, Jobs and Pods look as if their pods ran; Services
//     get a clusterIP; PersistentVolumeClaims bind.
// They follow the store's event stream and write through the API like any client, with the
// field manager "opencenter-controller".
#pragma once

#include <memory>

#include "apiserver/api.h"

namespace oc::apiserver {

class BuiltinControllers {
 public:
  BuiltinControllers(Api& api, bool simulate_workloads);
  ~BuiltinControllers();  // stops the thread

  void start();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oc::apiserver
