// kstatus health of a live object, as Flux computes it for `wait`/`healthChecks`
// (research/flux.md §2.7): fluxcd/cli-utils pkg/kstatus/status Compute — deletion, observed
// generation, the Reconciling/Stalled conditions, the built-in rules for core and apps kinds,
// then the Ready condition — except for batch Jobs, which use Flux's own reader (fluxcd/pkg
// runtime/statusreaders/job.go: Current only once Complete, Current when suspended, and none
// of the generic checks). Messages are kstatus's, word for word.
//
// Thread safety: pure functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/node.h"

namespace oc::kube {

enum class Health { kCurrent, kInProgress, kFailed, kTerminating, kNotFound, kUnknown };

// "Current", "InProgress", "Failed", "Terminating", "NotFound", "Unknown".
std::string_view to_string(Health health);

struct HealthResult {
  Health status = Health::kUnknown;
  std::string message;
  // The reason of the Reconciling or Stalled condition kstatus attaches to the result
  // ("LessReplicas", "JobFailed", ...); empty when it attaches none (Current results).
  std::string reason;
};

// `obj` is a JSON-model object (core::to_json_model or parsed JSON; plain YAML scalars are
// read with YAML 1.1 rules, as sigs.k8s.io/yaml would). Where Go's Compute returns an error
// (a field of the wrong type, an unknown Pod phase) the status is kUnknown and the message is
// the Go error text, as Flux's status poller reports it. kNotFound is never returned here: it
// is for callers whose object is gone. `now` matters only for the Pod scheduling window.
HealthResult compute_health(const core::Node& obj);
HealthResult compute_health(const core::Node& obj, std::chrono::system_clock::time_point now);

}  // namespace oc::kube
