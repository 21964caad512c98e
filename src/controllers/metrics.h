// Prometheus metrics named as Flux names them, served as text on /metrics:
//   gotk_reconcile_duration_seconds{kind,name,namespace}          histogram
//   gotk_reconcile_condition{kind,name,namespace,type,status}     gauge (1 for the current status)
//   gotk_suspend_status{kind,name,namespace}                      gauge
//   controller_runtime_reconcile_total{controller,result}         counter
//   controller_runtime_reconcile_errors_total{controller}         counter
//   workqueue_depth{name}                                         gauge
//
// Thread safety: all members may be called from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace oc::controllers {

class Metrics {
 public:
  void observe_reconcile(const std::string& kind, const std::string& ns, const std::string& name,
                         double seconds);
  // `status` is "True", "False" or "Unknown" (others are set to 0); "Deleted" when the object
  // is gone, as Flux records it.
  void set_condition(const std::string& kind, const std::string& ns, const std::string& name,
                     const std::string& type, const std::string& status);
  void set_suspended(const std::string& kind, const std::string& ns, const std::string& name,
                     bool suspended);
  void count_reconcile(const std::string& controller, const std::string& result);
  void set_queue_depth(const std::string& controller, size_t depth);
  // Drops the per-object series of a deleted object.
  void forget(const std::string& kind, const std::string& ns, const std::string& name);

  // The Prometheus text exposition format (version 0.0.4).
  std::string render() const;

 private:
  using ObjKey = std::tuple<std::string, std::string, std::string>;  // kind, namespace, name
  static constexpr std::array<double, 5> kBuckets = {0.01, 0.1, 1, 10, 100};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mu_;
  std::map<ObjKey, Histogram> durations_;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::string> conditions_;
  std::map<ObjKey, bool> suspended_;
  std::map<std::pair<std::string, std::string>, uint64_t> reconciles_;
  std::map<std::string, uint64_t> errors_;
  std::map<std::string, size_t> depth_;
};

}  // namespace oc::controllers
