// `reconcile`, `suspend` and `resume` (see verbs.h).
#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "controllers/apply.h"
#include "controllers/conditions.h"
#include "controllers/events.h"
#include "controllers/kustomization.h"
#include "controllers/log.h"
#include "controllers/metrics.h"
#include "controllers/tree_fs.h"
#include "controllers/verbs.h"
#include "controllers/verbs_common.h"
#include "controllers/verbs_dyff.h"
#include "controllers/verbs_format.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/yaml.h"
#include "kube/kstatus.h"
#include "kube/object.h"

namespace oc::controllers::verbs {

using namespace detail;
using core::Node;
using Clock = std::chrono::steady_clock;

// --- reconcile -----------------------------------------------------------------------------------

namespace {

// Whether the reconcile asked for with `token` is over: the request was handled and Ready says
// how it went (for the current generation when it succeeded).
bool settled(const Node& obj, const std::string& token) {
  if (kube::text(obj, {"status", "lastHandledReconcileAt"}) != token) return false;
  std::string ready = condition_status(obj, kReady);
  if (ready == "False") return true;
  return ready == "True" && int_at(obj, {"status", "observedGeneration"}) == kube::generation(obj);
}

int reconcile_one(kube::Client& client, const Scope& scope, const ReconcileOptions& opts,
                  const Output& o) {
  auto r = flux_resource(client, opts.kind);
  if (!r.ok()) return o.failure(r.error().message);
  const std::string& kind = r->kind;
  std::string ns = scope.namespace_name;
  auto obj = get_object(client, *r, ns, opts.name);
  if (!obj.ok()) return o.failure(obj.error().message);
  if (spec_suspended(*obj)) return o.failure("resource is suspended");

  bool with_source = kind == "Kustomization" || kind == "HelmRelease";
  if (with_source && opts.with_source) {
    const Node* ref = kind == "Kustomization"
                          ? kube::at(*obj, {"spec", "sourceRef"})
                          : kube::at(*obj, {"spec", "chart", "spec", "sourceRef"});
    std::string src_kind = ref ? kube::text(*ref, {"kind"}) : "";
    if (!find_flux_kind(src_kind) || !find_flux_kind(src_kind)->is_source) {
      return o.failure("cannot reconcile source of kind " + src_kind);
    }
    Scope src_scope = scope;
    if (std::string sns = kube::text(*ref, {"namespace"}); !sns.empty())
      src_scope.namespace_name = sns;
    ReconcileOptions src{src_kind, kube::text(*ref, {"name"}), false};
    if (int rc = reconcile_one(client, src_scope, src, o); rc != 0) return rc;
  }

  o.action("annotating " + kind + " " + opts.name + " in " + ns + " namespace");
  std::string token = kube::now_rfc3339_nano();
  std::string patch = "{\"metadata\":{\"annotations\":{\"reconcile.fluxcd.io/requestedAt\":";
  core::append_json_string(patch, token);
  patch += "}}}";
  if (auto p = client.patch(*r, ns, opts.name, kube::PatchType::kMerge, patch); !p.ok()) {
    return o.failure(p.error().code == 404 ? not_found(kind, ns, opts.name) : p.error().message);
  }
  o.success(kind + " annotated");
  o.waiting("waiting for " + kind + " reconciliation");
  auto deadline = Clock::now() + scope.timeout;
  Node last;
  for (;;) {
    auto cur = get_object(client, *r, ns, opts.name);
    if (!cur.ok()) return o.failure(cur.error().message);
    last = std::move(*cur);
    if (settled(last, token)) break;
    if (Clock::now() >= deadline || stopped(scope)) {
      return o.failure("timed out waiting for " + kind + " " + dq(ns + "/" + opts.name) +
                       " to reconcile (status.lastHandledReconcileAt is " +
                       dq(kube::text(last, {"status", "lastHandledReconcileAt"})) + ")");
    }
    std::this_thread::sleep_for(scope.poll);
  }
  if (condition_status(last, kReady) != "True") {
    std::string msg = condition_message(last, kReady);
    // flux quotes the message for sources, not for objects reconciled with their source.
    return o.failure(with_source ? kind + " reconciliation failed: " + msg
                                 : kind + " reconciliation failed: '" + msg + "'");
  }
  o.success(success_message(kind, last));
  return 0;
}

}  // namespace

int reconcile(kube::Client& client, const Scope& scope, const ReconcileOptions& opts,
              const Output& o) {
  return reconcile_one(client, scope, opts, o);
}

// --- suspend / resume
// ------------------------------------------------------------------------------

namespace {

std::string human_kind(const std::string& kind) {
  const FluxKind* fk = find_flux_kind(kind);
  if (fk && fk->is_source) {
    if (kind == "GitRepository") return "source git";
    if (kind == "HelmRepository") return "source helm";
    if (kind == "OCIRepository") return "source oci";
    if (kind == "HelmChart") return "source chart";
    if (kind == "Bucket") return "source bucket";
  }
  return lower(kind);
}

// flux's isObjectReady for a dynamic object: reconciled for the current generation and kstatus
// Current. A reconcile that ended with Ready=False is a failure (flux would wait for kstatus,
// which keeps an object with a Reconciling condition in progress until the timeout).
std::optional<std::string> object_ready(const Node& obj, bool& ready) {
  ready = false;
  if (int_at(obj, {"status", "observedGeneration"}) < 1 && !find_condition(obj, kReady))
    return std::nullopt;
  const Node* c = find_condition(obj, kReady);
  if (!c) return std::nullopt;
  int64_t cgen = int_at(*c, {"observedGeneration"});
  if (cgen != 0 && cgen != kube::generation(obj)) return std::nullopt;
  if (cgen == 0 && int_at(obj, {"status", "observedGeneration"}) != kube::generation(obj))
    return std::nullopt;
  if (kube::text(*c, {"status"}) == "False") return kube::text(*c, {"message"});
  auto h = kube::compute_health(obj);
  if (h.status == kube::Health::kCurrent) {
    ready = true;
    return std::nullopt;
  }
  if (h.status == kube::Health::kInProgress) return std::nullopt;
  return h.message;
}

}  // namespace

int suspend(kube::Client& client, const Scope& scope, const SuspendOptions& opts, const Output& o) {
  auto r = flux_resource(client, opts.kind);
  if (!r.ok()) return o.failure(r.error().message);
  const std::string kind = r->kind;
  const std::string hk = human_kind(kind);
  const std::string& ns = scope.namespace_name;
  if (opts.names.empty() && !opts.all) return o.failure(hk + " name is required");

  std::vector<std::string> names;
  if (opts.names.empty()) {
    auto list = client.list(*r, ns);
    if (!list.ok()) return o.failure(list.error().message);
    if (const Node* it = list->find("items"); it && it->is_sequence()) {
      for (const auto& i : it->items()) names.push_back(kube::text(i, {"metadata", "name"}));
    }
    if (names.empty()) {
      return o.failure(opts.suspend ? "no objects found"
                                    : "no " + kind + " objects found in " + ns + " namespace");
    }
  } else {
    std::set<std::string> seen;
    for (const auto& n : opts.names) {
      if (seen.insert(n).second) names.push_back(n);
    }
  }
  int status = 0;
  std::vector<std::string> patched;
  for (const auto& name : names) {
    auto obj = client.get(*r, ns, name);
    if (!obj.ok()) {
      if (obj.error().code != 404) {
        status = o.failure("failed " + std::string(opts.suspend ? "suspending " : "resuming ") +
                           kind + " " + name + " in " + ns + " namespace: " + obj.error().message);
      } else if (opts.suspend) {
        status = o.failure(kind + " " + name + " not found in " + ns + " namespace");
      } else {
        status = o.failure(kind + " object '" + name + "' not found in " + ns + " namespace");
      }
      continue;
    }
    o.action(std::string(opts.suspend ? "suspending " : "resuming ") + hk + " " + name + " in " +
             ns + " namespace");
    // A merge patch like flux's client.MergeFrom: resuming drops the field (omitempty).
    std::string body =
        opts.suspend ? "{\"spec\":{\"suspend\":true}}" : "{\"spec\":{\"suspend\":null}}";
    auto p = client.patch(*r, ns, name, kube::PatchType::kMerge, body);
    if (!p.ok()) {
      status = o.failure(p.error().message);
      continue;
    }
    o.success(hk + (opts.suspend ? " suspended" : " resumed"));
    patched.push_back(name);
  }
  if (opts.suspend || !opts.wait) return status;

  struct Result {
    std::string name;
    std::string error;
    Node obj;
  };
  std::vector<Result> results;
  for (const auto& name : patched) {
    o.waiting("waiting for " + kind + " reconciliation");
    Result res{name, "", Node()};
    auto deadline = Clock::now() + scope.timeout;
    for (;;) {
      auto cur = client.get(*r, ns, name);
      if (!cur.ok()) {
        res.error = cur.error().message;
        break;
      }
      bool ready = false;
      auto err = object_ready(*cur, ready);
      if (err) {
        res.error = *err;
        break;
      }
      if (ready) {
        res.obj = std::move(*cur);
        break;
      }
      if (Clock::now() >= deadline || stopped(scope)) {
        res.error = "timed out waiting for the reconciliation";
        break;
      }
      std::this_thread::sleep_for(scope.poll);
    }
    results.push_back(std::move(res));
  }
  std::stable_sort(results.begin(), results.end(),
                   [](const Result& a, const Result& b) { return a.name < b.name; });
  int failed = 0;
  for (const auto& res : results) {
    if (!res.error.empty()) {
      o.failure(kind + " " + res.name + " reconciliation failed: " + res.error);
      ++failed;
      continue;
    }
    o.success(kind + " " + res.name + " reconciliation completed");
    o.success(success_message(kind, res.obj));
  }
  if (failed > 0)
    return o.failure("reconciliation failed for " + std::to_string(failed) + " " + kind + "(s)");
  return status;
}

}  // namespace oc::controllers::verbs
