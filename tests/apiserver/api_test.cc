// API semantics through Api::handle, without HTTP.
#include "apiserver/api.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "apiserver/controllers.h"
#include "apiserver/objects.h"
#include "core/file.h"
#include "core/json.h"
#include "core/yaml.h"
#include "support/process.h"

namespace oc::apiserver {
namespace {

using core::Node;

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::open(dir_.file("state.db"));
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    api_ = std::make_unique<Api>(*store_, registry_);
    for (const char* ns : {"default", "team"}) {
      ASSERT_EQ(call("POST", "/api/v1/namespaces",
                     std::string(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")") + ns + "\"}}")
                    .status,
                201);
    }
  }

  Response call(const std::string& method, const std::string& path, const std::string& body = "",
                const std::string& ct = "application/json", const std::string& query = "") {
    Request r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.content_type = ct;
    r.user_agent = "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07";
    size_t p = 0;
    while (p < query.size()) {
      size_t amp = query.find('&', p);
      std::string kv = query.substr(p, amp == std::string::npos ? std::string::npos : amp - p);
      size_t eq = kv.find('=');
      r.query.emplace_back(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
      if (amp == std::string::npos) break;
      p = amp + 1;
    }
    return api_->handle(r);
  }

  static Node body(const Response& r) {
    auto n = core::parse_json(r.body);
    EXPECT_TRUE(n.ok()) << r.body;
    return n.ok() ? *n : Node();
  }

  test::TempDir dir_;
  std::unique_ptr<Store> store_;
  Registry registry_;
  std::unique_ptr<Api> api_;
};

const char* kCm = R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"app":"web"}},"data":{"a":"1"}})";
const char* kDeploy = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}},"status":{"replicas":99}})";

TEST_F(ApiTest, DiscoveryListsGroupsResourcesAndSubresources) {
  EXPECT_NE(call("GET", "/api").body.find(R"("versions":["v1"])"), std::string::npos);
  Node groups = body(call("GET", "/apis"));
  bool apps = false;
  for (const auto& g : groups.find("groups")->items()) apps = apps || text(g, {"name"}) == "apps";
  EXPECT_TRUE(apps);
  Node apps_v1 = body(call("GET", "/apis/apps/v1"));
  bool scale = false;
  for (const auto& r : apps_v1.find("resources")->items()) {
    if (text(r, {"name"}) == "deployments/scale") {
      scale = text(r, {"group"}) == "autoscaling" && text(r, {"kind"}) == "Scale";
    }
  }
  EXPECT_TRUE(scale);
  EXPECT_EQ(call("GET", "/apis/nope.example.com/v1").status, 404);
  Response openapi = call("GET", "/openapi/v2");
  EXPECT_EQ(openapi.status, 200);
  EXPECT_EQ(openapi.content_type, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
  EXPECT_NE(call("GET", "/version").body.find(R"("gitVersion":"v1.32.0+opencenter")"), std::string::npos);
}

TEST_F(ApiTest, CreateSetsServerFields) {
  Response r = call("POST", "/api/v1/namespaces/default/configmaps", kCm, "application/json",
                    "fieldManager=kubectl-create");
  ASSERT_EQ(r.status, 201) << r.body;
  Node cm = body(r);
  EXPECT_EQ(text(cm, {"metadata", "namespace"}), "default");
  EXPECT_EQ(text(cm, {"metadata", "uid"}).size(), 36u);
  EXPECT_FALSE(text(cm, {"metadata", "creationTimestamp"}).empty());
  EXPECT_FALSE(text(cm, {"metadata", "resourceVersion"}).empty());
  EXPECT_EQ(at(cm, {"metadata", "generation"}), nullptr);  // ConfigMaps carry none
  const Node* mf = at(cm, {"metadata", "managedFields"});
  ASSERT_TRUE(mf && mf->size() == 1);
  EXPECT_EQ(text(mf->items()[0], {"manager"}), "kubectl-create");
  EXPECT_EQ(core::write_json(*mf->items()[0].find("fieldsV1")).value(),
            R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:data":{".":{},"f:a":{}}})");
  Node d = body(call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeploy));
  EXPECT_EQ(text(d, {"metadata", "generation"}), "1");
  EXPECT_EQ(d.find("status"), nullptr);  // status is not written through the main resource
}

TEST_F(ApiTest, CreateErrorsUseKubernetesMessages) {
  call("POST", "/api/v1/namespaces/default/configmaps", kCm);
  Response dup = call("POST", "/api/v1/namespaces/default/configmaps", kCm);
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(text(body(dup), {"message"}), R"(configmaps "cfg" already exists)");
  EXPECT_EQ(text(body(dup), {"reason"}), "AlreadyExists");
  Response ns = call("POST", "/api/v1/namespaces/nope/configmaps", kCm);
  EXPECT_EQ(ns.status, 404);
  EXPECT_EQ(text(body(ns), {"message"}), R"(namespaces "nope" not found)");
  Response bad = call("POST", "/api/v1/namespaces/default/configmaps",
                      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(text(body(bad), {"message"}).find(R"(ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value)"), std::string::npos);
  Response wrong = call("POST", "/api/v1/namespaces/default/configmaps",
                        R"({"apiVersion":"apps/v1","kind":"ConfigMap","metadata":{"name":"x"}})");
  EXPECT_EQ(wrong.status, 400);
  Response gen = call("POST", "/api/v1/namespaces/default/configmaps",
                      R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"job-"}})");
  ASSERT_EQ(gen.status, 201);
  EXPECT_EQ(text(body(gen), {"metadata", "name"}).size(), 9u);
  // Protobuf bodies are decoded (protobuf_test.cc); one without the "k8s\0" prefix is malformed.
  Response proto = call("POST", "/api/v1/namespaces/default/configmaps", "k8s", "application/vnd.kubernetes.protobuf");
  EXPECT_EQ(proto.status, 400);
  Response cbor = call("POST", "/api/v1/namespaces/default/configmaps", "\xa0", "application/cbor");
  EXPECT_EQ(cbor.status, 415);
}

TEST_F(ApiTest, UpdateChecksResourceVersionAndBumpsGenerationOnSpecOnly) {
  Node d = body(call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeploy));
  std::string rv = text(d, {"metadata", "resourceVersion"});
  d["metadata"]["labels"] = core::parse_json(R"({"x":"y"})").value();
  Node u = body(call("PUT", "/apis/apps/v1/namespaces/default/deployments/web", *core::write_json(d)));
  EXPECT_EQ(text(u, {"metadata", "generation"}), "1");  // metadata only
  Response stale = call("PUT", "/apis/apps/v1/namespaces/default/deployments/web", *core::write_json(d));
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(text(body(stale), {"message"}).find("the object has been modified"), std::string::npos);
  u["spec"]["replicas"] = Node::integer(5);
  Node u2 = body(call("PUT", "/apis/apps/v1/namespaces/default/deployments/web", *core::write_json(u)));
  EXPECT_EQ(text(u2, {"metadata", "generation"}), "2");
  EXPECT_EQ(text(u2, {"metadata", "uid"}), text(d, {"metadata", "uid"}));
}

TEST_F(ApiTest, StatusAndScaleSubresources) {
  call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeploy);
  Response st = call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/status",
                     R"({"status":{"readyReplicas":2},"spec":{"replicas":7}})", "application/merge-patch+json");
  ASSERT_EQ(st.status, 200) << st.body;
  Node after = body(st);
  EXPECT_EQ(text(after, {"status", "readyReplicas"}), "2");
  EXPECT_EQ(text(after, {"spec", "replicas"}), "2");  // spec does not change through /status
  Response scale = call("GET", "/apis/apps/v1/namespaces/default/deployments/web/scale");
  EXPECT_EQ(text(body(scale), {"kind"}), "Scale");
  EXPECT_EQ(text(body(scale), {"spec", "replicas"}), "2");
  Response set = call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
                      R"({"spec":{"replicas":4}})", "application/merge-patch+json");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(text(body(call("GET", "/apis/apps/v1/namespaces/default/deployments/web")), {"spec", "replicas"}), "4");
}

TEST_F(ApiTest, FinalizersHoldDeletion) {
  call("POST", "/api/v1/namespaces/default/configmaps",
       R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/keep"]}})");
  Response del = call("DELETE", "/api/v1/namespaces/default/configmaps/held");
  ASSERT_EQ(del.status, 200);
  Node held = body(call("GET", "/api/v1/namespaces/default/configmaps/held"));
  EXPECT_FALSE(text(held, {"metadata", "deletionTimestamp"}).empty());
  held["metadata"].erase("finalizers");
  Response fin = call("PUT", "/api/v1/namespaces/default/configmaps/held", *core::write_json(held));
  ASSERT_EQ(fin.status, 200) << fin.body;
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps/held").status, 404);
}

TEST_F(ApiTest, SelectorsAndPaging) {
  for (int i = 0; i < 5; ++i) {
    call("POST", "/api/v1/namespaces/default/configmaps",
         R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c)" + std::to_string(i) +
             R"(","labels":{"n":")" + std::to_string(i % 2) + "\"}}}");
  }
  Node l = body(call("GET", "/api/v1/namespaces/default/configmaps", "", "", "labelSelector=n=1"));
  EXPECT_EQ(l.find("items")->size(), 2u);
  EXPECT_EQ(text(l, {"kind"}), "ConfigMapList");
  Node f = body(call("GET", "/api/v1/configmaps", "", "", "fieldSelector=metadata.name=c3"));
  EXPECT_EQ(f.find("items")->size(), 1u);
  Response bad = call("GET", "/api/v1/configmaps", "", "", "fieldSelector=spec.nope=1");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(text(body(bad), {"message"}), "field label not supported: spec.nope");
  Node p1 = body(call("GET", "/api/v1/namespaces/default/configmaps", "", "", "limit=3"));
  ASSERT_EQ(p1.find("items")->size(), 3u);
  std::string cont = text(p1, {"metadata", "continue"});
  ASSERT_FALSE(cont.empty());
  Node p2 = body(call("GET", "/api/v1/namespaces/default/configmaps", "", "", "limit=3&continue=" + cont));
  EXPECT_EQ(p2.find("items")->size(), 2u);
  EXPECT_TRUE(text(p2, {"metadata", "continue"}).empty());
}

TEST_F(ApiTest, WatchStreamsInitialStateThenChanges) {
  call("POST", "/api/v1/namespaces/default/configmaps", kCm);
  Response w = call("GET", "/api/v1/namespaces/default/configmaps", "", "", "watch=1&timeoutSeconds=5");
  ASSERT_TRUE(w.stream);
  std::string chunk;
  ASSERT_TRUE(w.stream->next(chunk));
  EXPECT_NE(chunk.find(R"({"type":"ADDED","object":{"apiVersion":"v1","kind":"ConfigMap")"), std::string::npos);
  call("PATCH", "/api/v1/namespaces/default/configmaps/cfg", R"({"data":{"a":"2"}})",
       "application/merge-patch+json");
  std::string got;
  for (int i = 0; i < 5 && got.find("MODIFIED") == std::string::npos; ++i) {
    ASSERT_TRUE(w.stream->next(chunk));
    got += chunk;
  }
  EXPECT_NE(got.find(R"("type":"MODIFIED")"), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/configmaps", "", "", "watch=1&sendInitialEvents=true").status, 400);
}

TEST_F(ApiTest, DryRunCreateHasNoResourceVersionAndIsNotStored) {
  Response r = call("POST", "/api/v1/namespaces/default/configmaps", kCm, "application/json", "dryRun=All");
  ASSERT_EQ(r.status, 201);
  EXPECT_TRUE(text(body(r), {"metadata", "resourceVersion"}).empty());
  EXPECT_EQ(call("GET", "/api/v1/namespaces/default/configmaps/cfg").status, 404);
}

TEST_F(ApiTest, ApplyCreatesThenConflictsWithAnotherManager) {
  Response a = call("PATCH", "/api/v1/namespaces/default/configmaps/cfg", kCm,
                    "application/apply-patch+yaml", "fieldManager=flux");
  ASSERT_EQ(a.status, 201) << a.body;
  Response b = call("PATCH", "/api/v1/namespaces/default/configmaps/cfg",
                    R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"2"}})",
                    "application/apply-patch+yaml", "fieldManager=other");
  EXPECT_EQ(b.status, 409);
  EXPECT_EQ(text(body(b), {"message"}), R"(Apply failed with 1 conflict: conflict with "flux": .data.a)");
  Response noman = call("PATCH", "/api/v1/namespaces/default/configmaps/cfg", kCm, "application/apply-patch+yaml");
  EXPECT_EQ(noman.status, 400);
  // YAML bodies are typed like sigs.k8s.io/yaml (YAML 1.1).
  Response y = call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web",
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n",
                    "application/apply-patch+yaml", "fieldManager=m");
  ASSERT_EQ(y.status, 201) << y.body;
  EXPECT_NE(y.body.find(R"("replicas":3)"), std::string::npos);
}

TEST_F(ApiTest, CustomResourceDefinitionsRegisterAndServe) {
  auto crd_yaml = core::read_file(std::string(OC_CONFORMANCE_DIR) +
                                  "/flux-crds/source.toolkit.fluxcd.io_gitrepositories.yaml");
  if (!crd_yaml.ok()) GTEST_SKIP() << "conformance cases not found";
  auto crd = core::parse_yaml(*crd_yaml);
  ASSERT_TRUE(crd.ok());
  auto model = core::to_json_model(*crd, core::Schema::kYaml11);
  ASSERT_TRUE(model.ok());
  Response c = call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", *core::write_json(*model));
  ASSERT_EQ(c.status, 201) << c.body;
  Node created = body(c);
  bool established = false;
  for (const auto& cond : at(created, {"status", "conditions"})->items()) {
    established = established || (text(cond, {"type"}) == "Established" && text(cond, {"status"}) == "True");
  }
  EXPECT_TRUE(established);
  Node v1 = body(call("GET", "/apis/source.toolkit.fluxcd.io/v1"));
  EXPECT_NE(core::write_json(v1).value().find(R"("name":"gitrepositories/status")"), std::string::npos);
  Response cr = call("POST", "/apis/source.toolkit.fluxcd.io/v1/namespaces/default/gitrepositories",
                     R"({"apiVersion":"source.toolkit.fluxcd.io/v1","kind":"GitRepository","metadata":{"name":"repo"},"spec":{"url":"https://example.com/x.git","interval":"1m"}})");
  ASSERT_EQ(cr.status, 201) << cr.body;
  // The CRD schema's defaults are applied (spec.timeout defaults to 60s in Flux's CRD).
  EXPECT_EQ(text(body(cr), {"spec", "timeout"}), "60s");
  EXPECT_EQ(text(body(cr), {"metadata", "generation"}), "1");
  ASSERT_EQ(call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gitrepositories.source.toolkit.fluxcd.io").status, 200);
  EXPECT_EQ(call("GET", "/apis/source.toolkit.fluxcd.io/v1/namespaces/default/gitrepositories/repo").status, 404);
}

TEST_F(ApiTest, NamespaceTerminationRefusesNewContentThenRemovesEverything) {
  BuiltinControllers controllers(*api_, false);
  controllers.start();
  call("POST", "/api/v1/namespaces/team/configmaps", kCm);
  ASSERT_EQ(call("DELETE", "/api/v1/namespaces/team").status, 200);
  Response refused = call("POST", "/api/v1/namespaces/team/configmaps",
                          R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"late"}})");
  if (refused.status == 403) {
    EXPECT_NE(text(body(refused), {"message"}).find("because it is being terminated"), std::string::npos);
  }
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    gone = call("GET", "/api/v1/namespaces/team").status == 404;
  }
  EXPECT_TRUE(gone);
  EXPECT_EQ(call("GET", "/api/v1/namespaces/team/configmaps/cfg").status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/namespaces/default").status, 403);
}

TEST_F(ApiTest, GarbageCollectionFollowsOwnerReferences) {
  BuiltinControllers controllers(*api_, true);
  controllers.start();
  Node d = body(call("POST", "/apis/apps/v1/namespaces/default/deployments", kDeploy));
  std::string rs_list;
  for (int i = 0; i < 50; ++i) {
    rs_list = call("GET", "/apis/apps/v1/namespaces/default/replicasets").body;
    if (rs_list.find("web-") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_NE(rs_list.find(text(d, {"metadata", "uid"})), std::string::npos) << "ReplicaSet not created";
  // The simulated status makes the Deployment available.
  std::string status;
  for (int i = 0; i < 50 && status.find("\"Available\"") == std::string::npos; ++i) {
    status = call("GET", "/apis/apps/v1/namespaces/default/deployments/web").body;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(status.find("\"availableReplicas\":2"), std::string::npos);
  ASSERT_EQ(call("DELETE", "/apis/apps/v1/namespaces/default/deployments/web").status, 200);
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    gone = body(call("GET", "/apis/apps/v1/namespaces/default/replicasets")).find("items")->empty();
  }
  EXPECT_TRUE(gone) << "dependent ReplicaSet not collected";
}

}  // namespace
}  // namespace oc::apiserver
