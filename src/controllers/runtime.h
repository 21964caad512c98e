// The controller runtime: reconcilers driven by informers and work queues, with Flux's requeue
// rules (interval ± jitter on success, a fixed retry or exponential backoff on failure), the
// reconcile-now annotation, metrics and logs, and leader election with a coordination Lease.
//
//   Informer (list+watch of the kind) ──► WorkQueue ──► N workers ──► Reconciler::reconcile
//          ▲ other informers (sources, …) enqueue dependents through Controller::enqueue
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "controllers/informer.h"
#include "controllers/log.h"
#include "controllers/metrics.h"
#include "controllers/queue.h"
#include "core/error.h"
#include "kube/client.h"

namespace oc::controllers {

inline constexpr std::string_view kRequestedAtAnnotation = "reconcile.fluxcd.io/requestedAt";
inline constexpr std::string_view kFluxFinalizer = "finalizers.fluxcd.io";

// What a reconcile asks for next.
struct Outcome {
  enum class Kind { kDone, kRequeueAfter, kError };
  Kind kind = Kind::kDone;
  std::chrono::nanoseconds after{0};

  static Outcome done() { return {}; }
  static Outcome requeue_after(std::chrono::nanoseconds d) { return {Kind::kRequeueAfter, d}; }
  // Exponential per-object backoff (750ms … 15m).
  static Outcome error() { return {Kind::kError, {}}; }
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  virtual Outcome reconcile(const std::string& ns, const std::string& name) = 0;
};

// `interval` ± up to 5%, as Flux's jitter.
std::chrono::nanoseconds jitter(std::chrono::nanoseconds interval, double fraction = 0.05);

struct ControllerOptions {
  std::string name;   // "kustomization", also the metrics label
  std::string kind;   // "Kustomization"
  std::string group;  // "kustomize.toolkit.fluxcd.io"
  int workers = 4;
};

class Controller {
 public:
  // Registers on `primary` (before it starts): adds, spec changes (generation), new
  // reconcile requests and deletions enqueue the object.
  Controller(ControllerOptions opts, Informer& primary, Reconciler& reconciler, Metrics& metrics,
             Logger& log);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  void enqueue(const std::string& key) { queue_.add(key); }
  void enqueue_after(const std::string& key, std::chrono::nanoseconds d) { queue_.add_after(key, d); }
  void start();
  void stop();
  const ControllerOptions& options() const { return opts_; }
  WorkQueue& queue() { return queue_; }

 private:
  void work();

  ControllerOptions opts_;
  Informer& primary_;
  Reconciler& reconciler_;
  Metrics& metrics_;
  Logger& log_;
  WorkQueue queue_;
  std::vector<std::thread> workers_;
};

// Writes what changed in obj.status (a JSON merge patch of `before` → `after` to the status
// subresource). Returns the updated object.
core::Result<core::Node> patch_status(kube::Client& client, const kube::ApiResource& r,
                                      const core::Node& before, const core::Node& after);
// Adds or removes a finalizer with a JSON patch guarded by the resourceVersion.
core::Result<core::Node> set_finalizer(kube::Client& client, const kube::ApiResource& r,
                                       const core::Node& obj, std::string_view finalizer, bool present);
bool has_finalizer(const core::Node& obj, std::string_view finalizer);

// Leader election with a coordination.k8s.io/v1 Lease, as controller-runtime does it: acquire
// when free or expired, renew every `retry`; leadership is lost when renewals fail for
// `lease_duration`.
class LeaderElector {
 public:
  LeaderElector(kube::Client& client, std::string ns, std::string name, std::string identity,
                std::chrono::seconds lease_duration = std::chrono::seconds(35),
                std::chrono::seconds retry = std::chrono::seconds(5));
  ~LeaderElector();
  // Blocks until this process leads or `stop` is set; then keeps renewing in the background.
  bool acquire(const std::atomic<bool>& stop);
  bool leading() const { return leading_; }
  // Gives the lease up (on shutdown) so another replica takes over at once.
  void release();

 private:
  bool try_acquire_or_renew();

  kube::Client& client_;
  std::string ns_, name_, identity_;
  std::chrono::seconds duration_, retry_;
  std::atomic<bool> leading_{false};
  std::atomic<bool> stop_renew_{false};
  std::thread renewer_;
};

}  // namespace oc::controllers
