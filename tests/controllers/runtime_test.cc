// The controller runtime's parts on their own: work queue, durations, conditions, inventory ids,
// apply order and normalisation, metrics text.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "controllers/apply.h"
#include "controllers/conditions.h"
#include "controllers/metrics.h"
#include "controllers/queue.h"
#include "controllers/runtime.h"
#include "core/json.h"
#include "kube/object.h"

namespace oc::controllers {
namespace {

using namespace std::chrono_literals;

core::Node json(const std::string& s) {
  auto n = core::parse_json(s);
  EXPECT_TRUE(n.ok()) << s;
  return n.ok() ? *n : core::Node();
}

TEST(WorkQueue, DeduplicatesAndNeverHandsOutAKeyTwice) {
  WorkQueue q;
  q.add("a");
  q.add("a");
  q.add("b");
  EXPECT_EQ(q.length(), 2u);
  auto k = q.get();
  ASSERT_TRUE(k);
  EXPECT_EQ(*k, "a");
  q.add("a");  // while in flight: queued again only after done()
  auto k2 = q.get();
  EXPECT_EQ(*k2, "b");
  EXPECT_EQ(q.length(), 0u);
  q.done("a");
  EXPECT_EQ(q.length(), 1u);
  EXPECT_EQ(*q.get(), "a");
}

TEST(WorkQueue, DelayedAddsKeepTheEarliestDeadline) {
  WorkQueue q;
  auto start = std::chrono::steady_clock::now();
  q.add_after("x", 10s);
  q.add_after("x", 50ms);
  auto k = q.get();
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(k);
  EXPECT_GE(took, 40ms);
  EXPECT_LT(took, 5s);
}

TEST(WorkQueue, BackoffDoublesAndForgetResets) {
  WorkQueue q(10ms, 40ms);
  q.add_rate_limited("k");
  q.add_rate_limited("k");
  q.add_rate_limited("k");
  EXPECT_EQ(q.failures("k"), 3);
  q.forget("k");
  EXPECT_EQ(q.failures("k"), 0);
}

TEST(WorkQueue, ShutdownWakesWorkers) {
  WorkQueue q;
  std::atomic<bool> returned{false};
  std::thread t([&] {
    EXPECT_FALSE(q.get());
    returned = true;
  });
  std::this_thread::sleep_for(20ms);
  q.shutdown();
  t.join();
  EXPECT_TRUE(returned);
}

// A worker waits for a delayed key's deadline while another thread adds the key for now: the
// entry it was waiting on goes away under it (an ASan build caught a read of the freed entry).
TEST(WorkQueue, ADelayedKeyPromotedWhileAWorkerWaitsIsHandedOut) {
  WorkQueue q;
  for (int round = 0; round < 50; ++round) {
    std::string key = "ns/k" + std::to_string(round);
    q.add_after(key, std::chrono::seconds(30));
    std::atomic<bool> got{false};
    std::thread worker([&] {
      auto k = q.get();
      got = k.has_value() && *k == key;
      if (k) q.done(*k);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    q.add(key);
    worker.join();
    EXPECT_TRUE(got) << key;
  }
}

TEST(Durations, GoParseAndFormat) {
  EXPECT_EQ(kube::parse_duration("1h30m")->count(), 5400'000'000'000);
  EXPECT_EQ(kube::parse_duration("500ms")->count(), 500'000'000);
  EXPECT_EQ(kube::parse_duration("2.5s")->count(), 2'500'000'000);
  EXPECT_EQ(kube::parse_duration("0")->count(), 0);
  EXPECT_FALSE(kube::parse_duration("10"));
  EXPECT_FALSE(kube::parse_duration("5x"));
  EXPECT_FALSE(kube::parse_duration(""));
  EXPECT_EQ(kube::format_duration(5min), "5m0s");
  EXPECT_EQ(kube::format_duration(1h + 2s), "1h0m2s");
  EXPECT_EQ(kube::format_duration(1500ms), "1.5s");
  EXPECT_EQ(kube::format_duration(300ms), "300ms");
  EXPECT_EQ(kube::format_duration(0s), "0s");
  EXPECT_EQ(kube::format_duration(std::chrono::nanoseconds(1500)), "1.5\u00b5s");
}

TEST(Jitter, StaysWithinFivePercent) {
  for (int i = 0; i < 1000; ++i) {
    auto j = jitter(100s);
    EXPECT_GE(j, 95s);
    EXPECT_LE(j, 105s);
  }
}

TEST(Conditions, TransitionTimeMovesOnlyWhenStatusChanges) {
  core::Node obj = json(R"({"metadata":{"generation":3}})");
  set_condition(obj, "Reconciling", "True", "Progressing", "working");
  set_condition(obj, "Ready", "Unknown", "Progressing", "working");
  const core::Node* ready = find_condition(obj, "Ready");
  ASSERT_TRUE(ready);
  EXPECT_EQ(kube::text(*ready, {"observedGeneration"}), "3");
  // Ready sorts first.
  EXPECT_EQ(kube::text(obj.find("status")->find("conditions")->items()[0], {"type"}), "Ready");
  // Same status: the transition time stays even when reason/message change.
  const_cast<core::Node*>(ready)->set("lastTransitionTime", core::Node::string("2000-01-01T00:00:00Z"));
  set_condition(obj, "Ready", "Unknown", "Other", "still working");
  EXPECT_EQ(kube::text(*find_condition(obj, "Ready"), {"lastTransitionTime"}), "2000-01-01T00:00:00Z");
  set_condition(obj, "Ready", "True", "Succeeded", "done");
  EXPECT_NE(kube::text(*find_condition(obj, "Ready"), {"lastTransitionTime"}), "2000-01-01T00:00:00Z");
  EXPECT_TRUE(is_ready(obj));
  remove_condition(obj, "Reconciling");
  EXPECT_EQ(find_condition(obj, "Reconciling"), nullptr);
}

TEST(Inventory, IdsAsFluxWritesThem) {
  ObjMeta svc = ObjMeta::of(json(R"({"apiVersion":"v1","kind":"Service","metadata":{"name":"podinfo","namespace":"default"}})"));
  EXPECT_EQ(svc.id(), "default_podinfo__Service");
  ObjMeta ns = ObjMeta::of(json(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps"}})"));
  EXPECT_EQ(ns.id(), "_apps__Namespace");
  EXPECT_EQ(ns.subject(), "Namespace/apps");
  ObjMeta cr = ObjMeta::of(json(R"({"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"system:aggregate"}})"));
  EXPECT_EQ(cr.id(), "_system__aggregate_rbac.authorization.k8s.io_ClusterRole");
  for (const ObjMeta& m : {svc, ns, cr}) {
    auto back = ObjMeta::parse(m.id(), m.version);
    ASSERT_TRUE(back) << m.id();
    EXPECT_EQ(back->ns, m.ns);
    EXPECT_EQ(back->name, m.name);
    EXPECT_EQ(back->group, m.group);
    EXPECT_EQ(back->kind, m.kind);
  }
  EXPECT_FALSE(ObjMeta::parse("nonsense", "v1"));
}

TEST(Apply, FluxOrderPutsDefinitionsFirstAndWebhooksLast) {
  std::vector<core::Node> objs;
  for (const char* k : {"ValidatingWebhookConfiguration", "Deployment", "Service", "Namespace", "Widget",
                        "CustomResourceDefinition", "ConfigMap", "ClusterRole", "StorageClass"}) {
    objs.push_back(json(std::string(R"({"apiVersion":"v1","kind":")") + k + R"(","metadata":{"name":"x"}})"));
  }
  sort_for_apply(objs);
  std::vector<std::string> kinds;
  for (const auto& o : objs) kinds.push_back(kube::text(o, {"kind"}));
  EXPECT_EQ(kinds, (std::vector<std::string>{"CustomResourceDefinition", "Namespace", "ClusterRole", "StorageClass",
                                             "ConfigMap", "Service", "Deployment", "Widget",
                                             "ValidatingWebhookConfiguration"}));
}

TEST(Apply, NormalisationMatchesFlux) {
  core::Node secret = json(R"({"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","creationTimestamp":null},"stringData":{"a":"hello"},"status":{"x":1}})");
  normalize_for_apply(secret);
  EXPECT_EQ(kube::text(secret, {"data", "a"}), "aGVsbG8=");
  EXPECT_EQ(secret.find("stringData"), nullptr);
  EXPECT_EQ(secret.find("status"), nullptr);
  EXPECT_EQ(kube::at(secret, {"metadata", "creationTimestamp"}), nullptr);
  core::Node deploy = json(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"c","ports":[{"containerPort":80}]}]}}}})");
  normalize_for_apply(deploy);
  EXPECT_EQ(kube::text(deploy.find("spec")->find("template")->find("spec")->find("containers")->items()[0].find("ports")->items()[0], {"protocol"}), "TCP");
}

TEST(Apply, DriftIgnoresStatusAndServerMetadata) {
  core::Node live = json(R"({"metadata":{"name":"a","resourceVersion":"5","labels":{"x":"1"}},"spec":{"replicas":5},"status":{"ready":1}})");
  core::Node same_spec = json(R"({"metadata":{"name":"a","resourceVersion":"6","labels":{"x":"1"}},"status":{"ready":2},"spec":{"replicas":5}})");
  EXPECT_FALSE(drifted(live, same_spec));
  core::Node other = json(R"({"metadata":{"name":"a","labels":{"x":"1"}},"spec":{"replicas":3}})");
  EXPECT_TRUE(drifted(live, other));
  core::Node relabeled = json(R"({"metadata":{"name":"a","labels":{"x":"2"}},"spec":{"replicas":5}})");
  EXPECT_TRUE(drifted(live, relabeled));
}

TEST(Metrics, FluxNamesInPrometheusText) {
  Metrics m;
  m.observe_reconcile("Kustomization", "flux-system", "apps", 0.5);
  m.set_condition("Kustomization", "flux-system", "apps", "Ready", "True");
  m.set_suspended("Kustomization", "flux-system", "apps", false);
  m.count_reconcile("kustomization", "success");
  std::string text = m.render();
  EXPECT_NE(text.find("gotk_reconcile_duration_seconds_bucket{kind=\"Kustomization\",name=\"apps\",namespace=\"flux-system\",le=\"1\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("gotk_reconcile_duration_seconds_bucket{kind=\"Kustomization\",name=\"apps\",namespace=\"flux-system\",le=\"0.1\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("gotk_reconcile_condition{kind=\"Kustomization\",name=\"apps\",namespace=\"flux-system\",type=\"Ready\",status=\"True\"} 1"), std::string::npos);
  EXPECT_NE(text.find("gotk_reconcile_condition{kind=\"Kustomization\",name=\"apps\",namespace=\"flux-system\",type=\"Ready\",status=\"False\"} 0"), std::string::npos);
  EXPECT_NE(text.find("gotk_suspend_status{kind=\"Kustomization\",name=\"apps\",namespace=\"flux-system\"} 0"), std::string::npos);
  EXPECT_NE(text.find("controller_runtime_reconcile_total{controller=\"kustomization\",result=\"success\"} 1"), std::string::npos);
  m.forget("Kustomization", "flux-system", "apps");
  EXPECT_EQ(m.render().find("name=\"apps\""), std::string::npos);
}

}  // namespace
}  // namespace oc::controllers
