#include "controllers/metrics.h"

#include "core/scalar.h"

namespace oc::controllers {

namespace {

std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Go's shortest float formatting, as client_golang writes sample values and bucket bounds.
std::string number(double v) { return core::go_format_float(v, 'g', -1); }

std::string obj_labels(const std::string& kind, const std::string& ns, const std::string& name) {
  return "kind=\"" + escape(kind) + "\",name=\"" + escape(name) + "\",namespace=\"" + escape(ns) + "\"";
}

}  // namespace

void Metrics::observe_reconcile(const std::string& kind, const std::string& ns,
                                const std::string& name, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  Histogram& h = durations_[{kind, ns, name}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::set_condition(const std::string& kind, const std::string& ns, const std::string& name,
                            const std::string& type, const std::string& status) {
  std::lock_guard<std::mutex> lock(mu_);
  conditions_[{kind, ns, name, type}] = status;
}

void Metrics::set_suspended(const std::string& kind, const std::string& ns, const std::string& name,
                            bool suspended) {
  std::lock_guard<std::mutex> lock(mu_);
  suspended_[{kind, ns, name}] = suspended;
}

void Metrics::count_reconcile(const std::string& controller, const std::string& result) {
  std::lock_guard<std::mutex> lock(mu_);
  ++reconciles_[{controller, result}];
  if (result == "error") ++errors_[controller];
}

void Metrics::set_queue_depth(const std::string& controller, size_t depth) {
  std::lock_guard<std::mutex> lock(mu_);
  depth_[controller] = depth;
}

void Metrics::forget(const std::string& kind, const std::string& ns, const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  durations_.erase({kind, ns, name});
  suspended_.erase({kind, ns, name});
  for (auto it = conditions_.begin(); it != conditions_.end();) {
    if (std::get<0>(it->first) == kind && std::get<1>(it->first) == ns && std::get<2>(it->first) == name) {
      it = conditions_.erase(it);
    } else {
      ++it;
    }
  }
}

std::string Metrics::render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  out += "# HELP gotk_reconcile_duration_seconds The duration in seconds of a GitOps Toolkit resource reconciliation.\n";
  out += "# TYPE gotk_reconcile_duration_seconds histogram\n";
  for (const auto& [k, h] : durations_) {
    std::string l = obj_labels(std::get<0>(k), std::get<1>(k), std::get<2>(k));
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += "gotk_reconcile_duration_seconds_bucket{" + l + ",le=\"" + number(kBuckets[i]) + "\"} " +
             std::to_string(h.counts[i]) + "\n";
    }
    out += "gotk_reconcile_duration_seconds_bucket{" + l + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "gotk_reconcile_duration_seconds_sum{" + l + "} " + number(h.sum) + "\n";
    out += "gotk_reconcile_duration_seconds_count{" + l + "} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP gotk_reconcile_condition The current condition status of a GitOps Toolkit resource reconciliation.\n";
  out += "# TYPE gotk_reconcile_condition gauge\n";
  for (const auto& [k, status] : conditions_) {
    std::string l = obj_labels(std::get<0>(k), std::get<1>(k), std::get<2>(k)) + ",type=\"" +
                    escape(std::get<3>(k)) + "\"";
    for (const char* s : {"True", "False", "Unknown", "Deleted"}) {
      out += "gotk_reconcile_condition{" + l + ",status=\"" + s + "\"} " + (status == s ? "1" : "0") + "\n";
    }
  }
  out += "# HELP gotk_suspend_status The current suspend status of a GitOps Toolkit resource.\n";
  out += "# TYPE gotk_suspend_status gauge\n";
  for (const auto& [k, s] : suspended_) {
    out += "gotk_suspend_status{" + obj_labels(std::get<0>(k), std::get<1>(k), std::get<2>(k)) + "} " +
           (s ? "1" : "0") + "\n";
  }
  out += "# HELP controller_runtime_reconcile_total Total number of reconciliations per controller\n";
  out += "# TYPE controller_runtime_reconcile_total counter\n";
  for (const auto& [k, n] : reconciles_) {
    out += "controller_runtime_reconcile_total{controller=\"" + escape(k.first) + "\",result=\"" +
           escape(k.second) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP controller_runtime_reconcile_errors_total Total number of reconciliation errors per controller\n";
  out += "# TYPE controller_runtime_reconcile_errors_total counter\n";
  for (const auto& [c, n] : errors_) {
    out += "controller_runtime_reconcile_errors_total{controller=\"" + escape(c) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP workqueue_depth Current depth of workqueue\n";
  out += "# TYPE workqueue_depth gauge\n";
  for (const auto& [c, d] : depth_) {
    out += "workqueue_depth{name=\"" + escape(c) + "\"} " + std::to_string(d) + "\n";
  }
  return out;
}

}  // namespace oc::controllers
