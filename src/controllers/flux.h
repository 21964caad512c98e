// The Flux kinds the controllers reconcile: their REST resources, CRDs for clusters that do not
// have Flux's, and helpers shared by the reconcilers (spec durations, the reconcile-request
// echo, Flux status rules).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/node.h"
#include "kube/client.h"

namespace oc::controllers {

extern const kube::ApiResource kGitRepositoryResource;
extern const kube::ApiResource kKustomizationResource;
extern const kube::ApiResource kSecretResource;
extern const kube::ApiResource kConfigMapResource;

// Our CustomResourceDefinitions for the Flux kinds (names, versions, printer columns and the
// defaults Flux's CRDs set). Installed only where the cluster has none (a real cluster with
// Flux keeps Flux's).
std::vector<core::Node> flux_crds();
// Creates the CRDs that are missing and waits until the API serves them.
core::Status install_crds(kube::Client& client);

// spec.<field> as a Go duration, or `fallback` when unset; an invalid value is an error naming
// the field.
core::Result<std::chrono::nanoseconds> spec_duration(const core::Node& obj, const char* field,
                                                     std::chrono::nanoseconds fallback);
// Copies metadata.annotations["reconcile.fluxcd.io/requestedAt"] to
// status.lastHandledReconcileAt.
void echo_reconcile_request(core::Node& obj);
// Flux's rule: observedGeneration moves only when Ready=True or Stalled=True.
void set_observed_generation_if_settled(core::Node& obj);
bool suspended(const core::Node& obj);

}  // namespace oc::controllers
