#include "controllers/runtime.h"

#include <random>

#include "core/json.h"
#include "kube/format.h"
#include "kube/merge_patch.h"
#include "kube/object.h"

namespace oc::controllers {

std::chrono::nanoseconds jitter(std::chrono::nanoseconds interval, double fraction) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> d(-fraction, fraction);
  return std::chrono::nanoseconds(int64_t(double(interval.count()) * (1.0 + d(rng))));
}

Controller::Controller(ControllerOptions opts, Informer& primary, Reconciler& reconciler,
                       Metrics& metrics, Logger& log)
    : opts_(std::move(opts)), primary_(primary), reconciler_(reconciler), metrics_(metrics), log_(log) {
  primary_.add_handler([this](Informer::Event e, const ObjectPtr& old_obj, const ObjectPtr& obj) {
    std::string key = object_key(*obj);
    if (e == Informer::Event::kAdded) {
      queue_.add(key);
      return;
    }
    if (e == Informer::Event::kDeleted) {
      metrics_.set_condition(opts_.kind, kube::text(*obj, {"metadata", "namespace"}),
                             kube::text(*obj, {"metadata", "name"}), "Ready", "Deleted");
      return;
    }
    auto changed = [&](std::initializer_list<std::string_view> path) {
      return kube::text(*old_obj, path) != kube::text(*obj, path);
    };
    const std::string requested_key(kRequestedAtAnnotation);
    const core::Node* old_ann = kube::at(*old_obj, {"metadata", "annotations"});
    const core::Node* new_ann = kube::at(*obj, {"metadata", "annotations"});
    auto annotation = [&](const core::Node* ann) {
      const core::Node* v = ann && ann->is_mapping() ? ann->find(requested_key) : nullptr;
      return v && v->is_scalar() ? v->text() : std::string();
    };
    if (changed({"metadata", "generation"}) || changed({"metadata", "deletionTimestamp"}) ||
        annotation(old_ann) != annotation(new_ann)) {
      queue_.add(key);
    }
  });
}

Controller::~Controller() { stop(); }

void Controller::start() {
  for (int i = 0; i < std::max(1, opts_.workers); ++i) workers_.emplace_back([this] { work(); });
}

void Controller::stop() {
  queue_.shutdown();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void Controller::work() {
  while (auto key = queue_.get()) {
    auto [ns, name] = split_key(*key);
    auto start = std::chrono::steady_clock::now();
    Outcome o;
    try {
      o = reconciler_.reconcile(ns, name);
    } catch (const std::exception& e) {
      log_.error("Reconciler error", {{"controller", opts_.name}, {"name", name}, {"namespace", ns},
                                      {"error", std::string("unexpected exception: ") + e.what()}});
      o = Outcome::error();
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    metrics_.observe_reconcile(opts_.kind, ns, name, secs);
    switch (o.kind) {
      case Outcome::Kind::kDone:
        queue_.forget(*key);
        metrics_.count_reconcile(opts_.name, "success");
        break;
      case Outcome::Kind::kRequeueAfter:
        queue_.forget(*key);
        queue_.add_after(*key, o.after);
        metrics_.count_reconcile(opts_.name, "requeue_after");
        break;
      case Outcome::Kind::kError:
        queue_.add_rate_limited(*key);
        metrics_.count_reconcile(opts_.name, "error");
        break;
    }
    queue_.done(*key);
    metrics_.set_queue_depth(opts_.name, queue_.length());
  }
}

core::Result<core::Node> patch_status(kube::Client& client, const kube::ApiResource& r,
                                      const core::Node& before, const core::Node& after) {
  core::Node from = core::Node::mapping(), to = core::Node::mapping();
  if (const core::Node* s = before.find("status")) from.set("status", *s);
  if (const core::Node* s = after.find("status")) to.set("status", *s);
  core::Node patch = kube::create_merge_patch(from, to);
  std::string ns = kube::text(after, {"metadata", "namespace"});
  std::string name = kube::text(after, {"metadata", "name"});
  if (patch.is_mapping() && patch.empty()) return after;
  auto body = core::write_json(patch);
  if (!body.ok()) return body.error();
  return client.patch(r, ns, name, kube::PatchType::kMerge, *body, {}, "status");
}

bool has_finalizer(const core::Node& obj, std::string_view finalizer) {
  const core::Node* f = kube::at(obj, {"metadata", "finalizers"});
  if (!f || !f->is_sequence()) return false;
  for (const auto& v : f->items()) {
    if (v.is_scalar() && v.text() == finalizer) return true;
  }
  return false;
}

core::Result<core::Node> set_finalizer(kube::Client& client, const kube::ApiResource& r,
                                       const core::Node& obj, std::string_view finalizer, bool present) {
  core::Node list = core::Node::sequence();
  if (const core::Node* f = kube::at(obj, {"metadata", "finalizers"}); f && f->is_sequence()) {
    for (const auto& v : f->items()) {
      if (!(v.is_scalar() && v.text() == finalizer)) list.push_back(v);
    }
  }
  if (present) list.push_back(core::Node::string(std::string(finalizer)));
  core::Node meta = core::Node::mapping();
  meta.set("finalizers", std::move(list));
  meta.set("resourceVersion", core::Node::string(kube::text(obj, {"metadata", "resourceVersion"})));
  core::Node patch = core::Node::mapping();
  patch.set("metadata", std::move(meta));
  auto body = core::write_json(patch);
  if (!body.ok()) return body.error();
  return client.patch(r, kube::text(obj, {"metadata", "namespace"}), kube::text(obj, {"metadata", "name"}),
                      kube::PatchType::kMerge, *body);
}

// --- leader election -------------------------------------------------------------------------

namespace {

const kube::ApiResource kLease{"coordination.k8s.io", "v1", "leases", "Lease", true};

std::string micro_time_now() {
  std::string s = kube::now_rfc3339_nano();  // ...SS[.fffffffff]Z
  // MicroTime: exactly 6 fractional digits.
  size_t z = s.size() - 1;
  size_t dot = s.find('.');
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1, z - dot - 1);
  frac.resize(6, '0');
  return s.substr(0, dot == std::string::npos ? z : dot) + "." + frac + "Z";
}

}  // namespace

LeaderElector::LeaderElector(kube::Client& client, std::string ns, std::string name,
                             std::string identity, std::chrono::seconds lease_duration,
                             std::chrono::seconds retry)
    : client_(client), ns_(std::move(ns)), name_(std::move(name)), identity_(std::move(identity)),
      duration_(lease_duration), retry_(retry) {}

LeaderElector::~LeaderElector() {
  stop_renew_ = true;
  if (renewer_.joinable()) renewer_.join();
}

bool LeaderElector::try_acquire_or_renew() {
  auto cur = client_.get(kLease, ns_, name_);
  std::string now = micro_time_now();
  if (!cur.ok()) {
    if (cur.error().code != 404) return false;
    core::Node lease = core::Node::mapping();
    lease.set("apiVersion", core::Node::string("coordination.k8s.io/v1"));
    lease.set("kind", core::Node::string("Lease"));
    core::Node meta = core::Node::mapping();
    meta.set("name", core::Node::string(name_));
    meta.set("namespace", core::Node::string(ns_));
    lease.set("metadata", std::move(meta));
    core::Node spec = core::Node::mapping();
    spec.set("holderIdentity", core::Node::string(identity_));
    spec.set("leaseDurationSeconds", core::Node::integer(duration_.count()));
    spec.set("acquireTime", core::Node::string(now));
    spec.set("renewTime", core::Node::string(now));
    spec.set("leaseTransitions", core::Node::integer(0));
    lease.set("spec", std::move(spec));
    return client_.create(kLease, ns_, lease).ok();
  }
  core::Node lease = std::move(*cur);
  std::string holder = kube::text(lease, {"spec", "holderIdentity"});
  std::string renew = kube::text(lease, {"spec", "renewTime"});
  int64_t dur = std::atoll(kube::text(lease, {"spec", "leaseDurationSeconds"}).c_str());
  auto renewed = kube::parse_rfc3339(renew.substr(0, 19) + "Z");
  int64_t now_s = int64_t(std::time(nullptr));
  bool expired = holder.empty() || !renewed || *renewed + dur < now_s;
  if (holder != identity_ && !expired) return false;
  core::Node& spec = kube::ensure(lease, {"spec"});
  if (holder != identity_) {
    spec.set("acquireTime", core::Node::string(now));
    int64_t transitions = std::atoll(kube::text(lease, {"spec", "leaseTransitions"}).c_str());
    spec.set("leaseTransitions", core::Node::integer(transitions + 1));
  }
  spec.set("holderIdentity", core::Node::string(identity_));
  spec.set("leaseDurationSeconds", core::Node::integer(duration_.count()));
  spec.set("renewTime", core::Node::string(now));
  return client_.update(kLease, ns_, lease).ok();  // resourceVersion guards against races
}

bool LeaderElector::acquire(const std::atomic<bool>& stop) {
  while (!stop) {
    if (try_acquire_or_renew()) {
      leading_ = true;
      renewer_ = std::thread([this] {
        auto last_ok = std::chrono::steady_clock::now();
        while (!stop_renew_) {
          for (int i = 0; i < retry_.count() * 10 && !stop_renew_; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
          if (stop_renew_) break;
          if (try_acquire_or_renew()) {
            last_ok = std::chrono::steady_clock::now();
          } else if (std::chrono::steady_clock::now() - last_ok > duration_) {
            leading_ = false;
            return;
          }
        }
      });
      return true;
    }
    for (int i = 0; i < retry_.count() * 10 && !stop; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return false;
}

void LeaderElector::release() {
  stop_renew_ = true;
  if (renewer_.joinable()) renewer_.join();
  if (!leading_) return;
  auto cur = client_.get(kLease, ns_, name_);
  if (cur.ok() && kube::text(*cur, {"spec", "holderIdentity"}) == identity_) {
    core::Node lease = std::move(*cur);
    core::Node& spec = kube::ensure(lease, {"spec"});
    spec.set("holderIdentity", core::Node::string(""));
    spec.set("leaseDurationSeconds", core::Node::integer(1));
    client_.update(kLease, ns_, lease);
  }
  leading_ = false;
}

}  // namespace oc::controllers
