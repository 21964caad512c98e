// Kubernetes Events for Flux objects, recorded like Flux's event recorder: type Normal/Warning,
// the Ready reason, Flux's metadata (revision, …) as annotations, source.component the
// controller's name. Identical events within 10 minutes bump `count` instead of adding objects
// (client-go's correlator). Events are written by a background thread so a reconcile never waits
// on them; flush() waits for the backlog (tests, shutdown).
//
// Thread safety: emit() may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/node.h"
#include "kube/client.h"

namespace oc::controllers {

class EventRecorder {
 public:
  EventRecorder(kube::Client& client, std::string component);
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // `involved` is the Flux object; `annotations` e.g. {"kustomize.toolkit.fluxcd.io/revision": …}.
  void emit(const core::Node& involved, bool warning, const std::string& reason,
            const std::string& message, const std::map<std::string, std::string>& annotations = {});
  void flush();

 private:
  struct Pending {
    core::Node involved;
    bool warning;
    std::string reason, message;
    std::map<std::string, std::string> annotations;
  };
  struct Seen {
    std::string name, ns;
    int count;
    std::chrono::steady_clock::time_point last;
  };
  void run();
  void write(const Pending& p);

  kube::Client& client_;
  std::string component_;
  std::string host_;
  kube::ApiResource resource_;
  std::mutex mu_;
  std::condition_variable cv_, idle_cv_;
  std::deque<Pending> pending_;
  bool busy_ = false;
  bool stop_ = false;
  std::map<std::string, Seen> seen_;  // correlation key → event
  std::thread thread_;
};

}  // namespace oc::controllers
