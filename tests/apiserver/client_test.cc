// The C++ client against the embedded API server (a separate process on 127.0.0.1).
#include "kube/client.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "apiserver/server_process.h"
#include "core/json.h"
#include "kube/kubeconfig.h"
#include "support/process.h"

namespace oc::kube {
namespace {

using core::Node;
using apiserver::ServerProcess;

Node j(const std::string& s) { return core::parse_json(s).value(); }

std::string text_at(const Node& n, std::initializer_list<std::string_view> path) {
  const Node* cur = &n;
  for (auto k : path) {
    cur = cur->is_mapping() ? cur->find(k) : nullptr;
    if (!cur) return "";
  }
  return cur->is_scalar() ? cur->text() : "";
}

std::unique_ptr<Client> client_for(const std::string& url) {
  ClusterAccess a;
  a.server = url;
  auto c = Client::connect(a);
  EXPECT_TRUE(c.ok());
  return std::move(*c);
}

const ApiResource kConfigMaps{"", "v1", "configmaps", "ConfigMap", true};

Node cm(const std::string& name, const std::string& value = "v") {
  return j(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
           R"("},"data":{"k":")" + value + "\"}}");
}

TEST(Kubeconfig, MergesFilesLikeKubectlAndReadsDataAndFiles) {
  test::TempDir dir;
  dir.write("ca.crt", "CA PEM\n");
  std::string a = dir.write("a.yaml",
                            "apiVersion: v1\nkind: Config\ncurrent-context: one\nclusters:\n"
                            "- name: c1\n  cluster:\n    server: https://one:6443\n"
                            "    certificate-authority: ca.crt\ncontexts:\n"
                            "- name: one\n  context: {cluster: c1, user: u1, namespace: team}\n"
                            "users:\n- name: u1\n  user: {token: secret-one}\n");
  std::string b = dir.write("b.yaml",
                            "apiVersion: v1\nkind: Config\ncurrent-context: two\nclusters:\n"
                            "- name: c2\n  cluster:\n    server: https://two:6443\n"
                            "    certificate-authority-data: Q0EgVFdPCg==\n    insecure-skip-tls-verify: true\n"
                            "contexts:\n- name: two\n  context: {cluster: c2, user: u2}\n"
                            "users:\n- name: u2\n  user: {tokenFile: tok}\n");
  dir.write("tok", "from-file\n");
  ::setenv("KUBECONFIG", (a + ":" + dir.file("missing.yaml") + ":" + b).c_str(), 1);
  auto one = load_kubeconfig("");
  ASSERT_TRUE(one.ok()) << one.error().to_string();
  EXPECT_EQ(one->server, "https://one:6443");  // the first file's current-context wins
  EXPECT_EQ(one->ca_pem, "CA PEM\n");
  EXPECT_EQ(one->token, "secret-one");
  EXPECT_EQ(one->namespace_name, "team");
  auto two = load_kubeconfig("", "two");
  ASSERT_TRUE(two.ok()) << two.error().to_string();
  EXPECT_EQ(two->ca_pem, "CA TWO\n");
  EXPECT_TRUE(two->insecure_skip_tls_verify);
  EXPECT_EQ(two->token, "from-file");
  EXPECT_EQ(two->namespace_name, "default");
  auto bad = load_kubeconfig("", "nope");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("context \"nope\" not found"), std::string::npos);
  ::unsetenv("KUBECONFIG");
  auto missing = load_kubeconfig(dir.file("nothere.yaml"));
  EXPECT_FALSE(missing.ok());
}

TEST(Kubeconfig, InClusterServiceAccount) {
  test::TempDir dir;
  dir.write("token", "sa-token");
  dir.write("ca.crt", "CA");
  dir.write("namespace", "flux-system\n");
  ::setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  auto a = in_cluster_access(dir.path());
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  ::unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  EXPECT_EQ(a->server, "https://10.96.0.1:443");
  EXPECT_EQ(a->token, "sa-token");
  EXPECT_EQ(a->namespace_name, "flux-system");
}

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.start(dir_.file("data"), "127.0.0.1:0", {"--no-simulate"}));
    client_ = client_for(server_.url);
  }
  test::TempDir dir_;
  ServerProcess server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ClientTest, EveryVerb) {
  auto created = client_->create(kConfigMaps, "default", cm("a"), {"test", false, false});
  ASSERT_TRUE(created.ok()) << created.error().to_string();
  auto dup = client_->create(kConfigMaps, "default", cm("a"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, 409);
  EXPECT_EQ(dup.error().message, R"(configmaps "a" already exists)");
  auto got = client_->get(kConfigMaps, "default", "a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(text_at(*got, {"data", "k"}), "v");
  Node next = *got;
  next["data"]["k"] = Node::string("w");
  auto upd = client_->update(kConfigMaps, "default", next);
  ASSERT_TRUE(upd.ok()) << upd.error().to_string();
  auto stale = client_->update(kConfigMaps, "default", next);  // old resourceVersion
  EXPECT_EQ(stale.error().code, 409);
  EXPECT_TRUE(client_->patch(kConfigMaps, "default", "a", PatchType::kMerge, R"({"data":{"m":"1"}})").ok());
  EXPECT_TRUE(client_->patch(kConfigMaps, "default", "a", PatchType::kJson, R"([{"op":"add","path":"/data/j","value":"2"}])").ok());
  EXPECT_TRUE(client_->patch(kConfigMaps, "default", "a", PatchType::kStrategic, R"({"data":{"s":"3"}})").ok());
  auto applied = client_->apply(kConfigMaps, "default", cm("b", "applied"), {"opencenter", false, true});
  ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  auto after = client_->get(kConfigMaps, "default", "a");
  EXPECT_EQ(core::write_json(*after->find("data")).value(), R"({"k":"w","m":"1","j":"2","s":"3"})");
  auto dry = client_->create(kConfigMaps, "default", cm("dry"), {"test", true, false});
  ASSERT_TRUE(dry.ok());
  EXPECT_EQ(client_->get(kConfigMaps, "default", "dry").error().code, 404);
  ASSERT_TRUE(client_->remove(kConfigMaps, "default", "a").ok());
  EXPECT_EQ(client_->get(kConfigMaps, "default", "a").error().code, 404);
  EXPECT_EQ(client_->remove(kConfigMaps, "default", "a").error().code, 404);
  ApiResource deploy{"apps", "v1", "deployments", "Deployment", true};
  ASSERT_TRUE(client_->create(deploy, "default", j(R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":1,"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"b"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}})")).ok());
  auto st = client_->patch(deploy, "default", "d", PatchType::kMerge, R"({"status":{"readyReplicas":1}})", {}, "status");
  ASSERT_TRUE(st.ok()) << st.error().to_string();
  EXPECT_EQ(text_at(*st, {"status", "readyReplicas"}), "1");
  EXPECT_EQ(*client_->server_version(), "v1.32.0+opencenter");
}

TEST_F(ClientTest, ListPagesThroughLargeCollections) {
  for (int i = 0; i < 1203; ++i) {
    ASSERT_TRUE(client_->create(kConfigMaps, "default", cm("c" + std::to_string(i))).ok());
  }
  auto list = client_->list(kConfigMaps, "default");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->find("items")->size(), 1203u);
  EXPECT_FALSE(text_at(*list, {"metadata", "resourceVersion"}).empty());
  auto some = client_->list(kConfigMaps, "", {"", "metadata.name=c7"});
  EXPECT_EQ(some->find("items")->size(), 1u);
}

TEST_F(ClientTest, DiscoveryMapsKindsAndRefreshesForNewCrds) {
  auto r = client_->resource_for("apps/v1", "Deployment");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->resource, "deployments");
  EXPECT_TRUE(r->namespaced);
  EXPECT_FALSE(client_->resource_for("v1", "Namespace")->namespaced);
  auto missing = client_->resource_for("example.com/v1", "Widget");
  EXPECT_FALSE(missing.ok());
  ApiResource crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false};
  ASSERT_TRUE(client_->create(crds, "", j(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},"versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}})")).ok());
  auto found = client_->resource_for("example.com/v1", "Widget");
  ASSERT_TRUE(found.ok()) << found.error().to_string();
  EXPECT_EQ(found->resource, "widgets");
}

TEST_F(ClientTest, WatchDeliversEventsAndStops) {
  ASSERT_TRUE(client_->create(kConfigMaps, "default", cm("w0")).ok());
  std::vector<std::string> seen;
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    client_->create(kConfigMaps, "default", cm("w1"));
    client_->remove(kConfigMaps, "default", "w0");
  });
  auto last = client_->watch(kConfigMaps, "default", "", {}, 10, [&](WatchEvent&& e) {
    seen.push_back(e.type + ":" + text_at(e.object, {"metadata", "name"}));
    return seen.size() < 3;
  });
  writer.join();
  ASSERT_TRUE(last.ok()) << last.error().to_string();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], "ADDED:w0");
  EXPECT_EQ(seen[1], "ADDED:w1");
  EXPECT_EQ(seen[2], "DELETED:w0");
}

TEST(ClientWatch, CompactedVersionIsGone410) {
  test::TempDir dir;
  ServerProcess s;
  ASSERT_TRUE(s.start(dir.file("data"), "127.0.0.1:0", {"--no-simulate", "--retain=5"}));
  auto c = client_for(s.url);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(c->create(kConfigMaps, "default", cm("x" + std::to_string(i))).ok());
  auto w = c->watch(kConfigMaps, "default", "2", {}, 5, [](WatchEvent&&) { return true; });
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code, 410);
  EXPECT_NE(w.error().message.find("too old resource version"), std::string::npos);
}

// A reflector survives a server restart (resuming its watch) and a compaction (listing again),
// and ends up with exactly the server's objects.
TEST(ClientWatch, ListAndWatchResumesAcrossRestartAndRelistsAfterGone) {
  test::TempDir dir;
  std::string listen = "127.0.0.1:" + std::to_string(apiserver::free_port());
  ServerProcess s;
  ASSERT_TRUE(s.start(dir.file("data"), listen, {"--no-simulate", "--retain=5"}));
  auto c = client_for(s.url);
  ASSERT_TRUE(c->create(kConfigMaps, "default", cm("keep")).ok());
  ASSERT_TRUE(c->create(kConfigMaps, "default", cm("drop")).ok());
  std::mutex mu;
  std::set<std::string> live;
  std::atomic<bool> stop{false};
  std::thread reflector([&] {
    list_and_watch(*c, kConfigMaps, "default", {}, stop, [&](WatchEvent&& e) {
      std::lock_guard<std::mutex> g(mu);
      std::string n = text_at(e.object, {"metadata", "name"});
      if (e.type == "DELETED") live.erase(n); else live.insert(n);
    });
  });
  auto wait_for = [&](const std::set<std::string>& want) {
    for (int i = 0; i < 100; ++i) {
      {
        std::lock_guard<std::mutex> g(mu);
        if (live == want) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  ASSERT_TRUE(wait_for({"drop", "keep"}));
  // Restart: the watch resumes from its last revision.
  s.stop();
  ServerProcess again;
  ASSERT_TRUE(again.start(dir.file("data"), listen, {"--no-simulate", "--retain=5"}));
  ASSERT_TRUE(c->create(kConfigMaps, "default", cm("after-restart")).ok());
  EXPECT_TRUE(wait_for({"after-restart", "drop", "keep"}));
  // Down again; many writes meanwhile compact the log past the reflector's revision.
  again.stop();
  ServerProcess third;
  ASSERT_TRUE(third.start(dir.file("data"), listen, {"--no-simulate", "--retain=5"}));
  ASSERT_TRUE(c->remove(kConfigMaps, "default", "drop").ok());
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(c->create(kConfigMaps, "default", cm("n" + std::to_string(i))).ok());
    ASSERT_TRUE(c->remove(kConfigMaps, "default", "n" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(c->create(kConfigMaps, "default", cm("final")).ok());
  EXPECT_TRUE(wait_for({"after-restart", "final", "keep"}));
  stop = true;
  reflector.join();
}

TEST(ClientTls, TokenAndCertificateAuthority) {
  if (!test::on_path("openssl")) GTEST_SKIP() << "openssl CLI not installed";
  test::TempDir dir;
  auto gen = test::run("cd " + dir.path() +
                       " && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem "
                       "-days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1");
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  ServerProcess s;
  ASSERT_TRUE(s.start(dir.file("data"), "127.0.0.1:0",
                      {"--no-simulate", "--tls-cert=" + dir.file("cert.pem"),
                       "--tls-key=" + dir.file("key.pem"), "--token=t0ken"}));
  EXPECT_EQ(s.url.rfind("https://", 0), 0u);
  ClusterAccess a;
  a.server = s.url;
  a.ca_pem = test::read_all(dir.file("cert.pem"));
  a.token = "t0ken";
  auto c = Client::connect(a);
  auto v = (*c)->server_version();
  ASSERT_TRUE(v.ok()) << v.error().to_string();
  ClusterAccess wrong = a;
  wrong.token = "nope";
  auto denied = (*Client::connect(wrong))->get(kConfigMaps, "default", "x");
  EXPECT_EQ(denied.error().code, 401);
  ClusterAccess untrusted = a;
  untrusted.ca_pem.clear();
  auto refused = (*Client::connect(untrusted))->server_version();
  EXPECT_FALSE(refused.ok());  // the self-signed certificate is not trusted
}

}  // namespace
}  // namespace oc::kube
