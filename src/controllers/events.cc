#include "controllers/events.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>

#include "core/json.h"
#include "kube/object.h"

namespace oc::controllers {

EventRecorder::EventRecorder(kube::Client& client, std::string component)
    : client_(client), component_(std::move(component)) {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  host_ = host;
  resource_ = kube::ApiResource{"", "v1", "events", "Event", true};
  thread_ = std::thread([this] { run(); });
}

EventRecorder::~EventRecorder() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  thread_.join();
}

void EventRecorder::emit(const core::Node& involved, bool warning, const std::string& reason,
                         const std::string& message,
                         const std::map<std::string, std::string>& annotations) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pending_.size() > 10000) return;  // the API server is not keeping up: drop, as client-go does
  pending_.push_back(Pending{involved, warning, reason, message, annotations});
  cv_.notify_one();
}

void EventRecorder::flush() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return pending_.empty() && !busy_; });
}

void EventRecorder::run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !pending_.empty(); });
    if (pending_.empty() && stop_) return;
    Pending p = std::move(pending_.front());
    pending_.pop_front();
    busy_ = true;
    lock.unlock();
    write(p);
    lock.lock();
    busy_ = false;
    if (pending_.empty()) idle_cv_.notify_all();
  }
}

void EventRecorder::write(const Pending& p) {
  std::string ns = kube::text(p.involved, {"metadata", "namespace"});
  if (ns.empty()) ns = "default";
  std::string name = kube::text(p.involved, {"metadata", "name"});
  std::string uid = kube::text(p.involved, {"metadata", "uid"});
  std::string type = p.warning ? "Warning" : "Normal";
  std::string now = kube::now_rfc3339();
  std::string key = uid + "\x1f" + type + "\x1f" + p.reason + "\x1f" + p.message;
  auto it = seen_.find(key);
  auto t = std::chrono::steady_clock::now();
  if (it != seen_.end() && t - it->second.last < std::chrono::minutes(10)) {
    it->second.count++;
    it->second.last = t;
    std::string body = "{\"count\":" + std::to_string(it->second.count) + ",\"lastTimestamp\":\"" + now + "\"}";
    if (client_.patch(resource_, it->second.ns, it->second.name, kube::PatchType::kMerge, body).ok()) return;
    seen_.erase(it);  // gone meanwhile: write a new one
  }
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, "%llx", (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec);
  std::string ev_name = name + "." + suffix;

  core::Node ev = core::Node::mapping();
  ev.set("apiVersion", core::Node::string("v1"));
  ev.set("kind", core::Node::string("Event"));
  core::Node meta = core::Node::mapping();
  meta.set("name", core::Node::string(ev_name));
  meta.set("namespace", core::Node::string(ns));
  if (!p.annotations.empty()) {
    core::Node ann = core::Node::mapping();
    for (const auto& [k, v] : p.annotations) ann.set(k, core::Node::string(v));
    meta.set("annotations", std::move(ann));
  }
  ev.set("metadata", std::move(meta));
  core::Node inv = core::Node::mapping();
  inv.set("kind", core::Node::string(kube::text(p.involved, {"kind"})));
  inv.set("namespace", core::Node::string(kube::text(p.involved, {"metadata", "namespace"})));
  inv.set("name", core::Node::string(name));
  inv.set("uid", core::Node::string(uid));
  inv.set("apiVersion", core::Node::string(kube::text(p.involved, {"apiVersion"})));
  inv.set("resourceVersion", core::Node::string(kube::text(p.involved, {"metadata", "resourceVersion"})));
  ev.set("involvedObject", std::move(inv));
  ev.set("reason", core::Node::string(p.reason));
  ev.set("message", core::Node::string(p.message));
  core::Node src = core::Node::mapping();
  src.set("component", core::Node::string(component_));
  ev.set("source", std::move(src));
  ev.set("firstTimestamp", core::Node::string(now));
  ev.set("lastTimestamp", core::Node::string(now));
  ev.set("count", core::Node::integer(1));
  ev.set("type", core::Node::string(type));
  ev.set("reportingComponent", core::Node::string(component_));
  ev.set("reportingInstance", core::Node::string(host_));
  if (client_.create(resource_, ns, ev).ok()) {
    if (seen_.size() > 4096) seen_.clear();
    seen_[key] = Seen{ev_name, ns, 1, t};
  }
}

}  // namespace oc::controllers
