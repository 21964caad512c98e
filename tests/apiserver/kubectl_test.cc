// The kubectl scenario suite: the real kubectl (v1.32 on the machine) against the embedded API
// server started as a separate process on an ephemeral 127.0.0.1 port.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "apiserver/server_process.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/scalar.h"
#include "kube/object.h"
#include "apiserver/sqlite_check.h"
#include "support/http.h"
#include "support/process.h"

namespace oc::apiserver {
namespace {

class Kubectl : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!test::on_path("kubectl")) return;
    dir_ = new test::TempDir();
    server_ = new ServerProcess();
    ASSERT_TRUE(server_->start(dir_->file("data")));
    kubeconfig_ = dir_->write("kubeconfig",
                              "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: " +
                                  server_->url +
                                  "\n  name: t\ncontexts:\n- context:\n    cluster: t\n    user: t\n"
                                  "    namespace: default\n  name: t\ncurrent-context: t\nusers:\n"
                                  "- name: t\n  user: {}\n");
  }
  static void TearDownTestSuite() {
    if (server_) server_->stop();
    delete server_;
    delete dir_;
    server_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (!test::on_path("kubectl")) GTEST_SKIP() << "kubectl not installed";
  }

  static test::RunResult kubectl(const std::string& args, const std::string& input = "") {
    return test::run("KUBECONFIG=" + kubeconfig_ + " HOME=" + dir_->path() + " kubectl " + args,
                     input);
  }
  static std::string ok(const std::string& args, const std::string& input = "") {
    auto r = kubectl(args, input);
    EXPECT_EQ(r.exit_code, 0) << "kubectl " << args << "\n" << r.err;
    return r.out;
  }
  static std::string eventually(const std::string& args, const std::string& want, int tries = 50) {
    std::string out;
    for (int i = 0; i < tries; ++i) {
      out = kubectl(args).out;
      if (out.find(want) != std::string::npos) return out;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return out;
  }

  static test::TempDir* dir_;
  static ServerProcess* server_;
  static std::string kubeconfig_;
};

test::TempDir* Kubectl::dir_ = nullptr;
ServerProcess* Kubectl::server_ = nullptr;
std::string Kubectl::kubeconfig_;

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.27
)";

TEST_F(Kubectl, ApiResourcesAndVersions) {
  std::string res = ok("api-resources");
  for (const char* want : {"deployments", "configmaps", "customresourcedefinitions", "leases",
                           "horizontalpodautoscalers", "networkpolicies", "clusterroles"}) {
    EXPECT_NE(res.find(want), std::string::npos) << want;
  }
  std::string versions = ok("api-versions");
  for (const char* want : {"apps/v1", "batch/v1", "rbac.authorization.k8s.io/v1", "v1",
                           "coordination.k8s.io/v1", "autoscaling/v2"}) {
    EXPECT_NE(versions.find(want), std::string::npos) << want;
  }
  EXPECT_NE(ok("version").find("Server Version: v1.32.0+opencenter"), std::string::npos);
}

TEST_F(Kubectl, CreateApplyAndGetOutputs) {
  ok("create -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n  labels: {tier: a}\ndata: {k: v}\n");
  ok("apply -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n  labels: {tier: b}\ndata: {k: v}\n");
  auto dup = kubectl("create -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one\n");
  EXPECT_NE(dup.exit_code, 0);
  EXPECT_NE(dup.err.find(R"(Error from server (AlreadyExists): error when creating "STDIN": configmaps "one" already exists)"), std::string::npos) << dup.err;
  EXPECT_NE(ok("get cm one -o yaml").find("name: one"), std::string::npos);
  EXPECT_NE(ok("get cm one -o json").find("\"name\": \"one\""), std::string::npos);
  EXPECT_EQ(ok("get cm -o name -l tier=b"), "configmap/two\n");
  EXPECT_EQ(ok("get cm -o name --field-selector metadata.name=one"), "configmap/one\n");
  EXPECT_NE(ok("get cm -o wide").find("two"), std::string::npos);
  // Client-side apply of an existing object goes through a strategic merge patch.
  ok("apply -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: two\n  labels: {tier: b}\ndata: {k: changed}\n");
  EXPECT_EQ(ok("get cm two -o jsonpath={.data.k}"), "changed");
  auto missing = kubectl("get cm nope");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find(R"(Error from server (NotFound): configmaps "nope" not found)"), std::string::npos);
}

TEST_F(Kubectl, ServerSideApplyConflictsAndForce) {
  ok("apply --server-side -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata: {a: one}\n");
  auto conflict = kubectl("apply --server-side --field-manager=other -f -",
                          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata: {a: two}\n");
  EXPECT_NE(conflict.exit_code, 0);
  EXPECT_NE(conflict.err.find("Apply failed with 1 conflict: conflict with \"kubectl\": .data.a"), std::string::npos) << conflict.err;
  ok("apply --server-side --field-manager=other --force-conflicts -f -",
     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata: {a: two}\n");
  EXPECT_EQ(ok("get cm ssa -o jsonpath={.data.a}"), "two");
  std::string mf = ok("get cm ssa -o yaml --show-managed-fields");
  EXPECT_NE(mf.find("manager: other"), std::string::npos);
  EXPECT_NE(mf.find("operation: Apply"), std::string::npos);
  // Dry-run on the server changes nothing.
  ok("apply --server-side --field-manager=other --dry-run=server -f -",
     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata: {a: three}\n");
  EXPECT_EQ(ok("get cm ssa -o jsonpath={.data.a}"), "two");
}

TEST_F(Kubectl, WatchSeesALaterChange) {
  ok("create -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n");
  std::string out_file = dir_->file("watch.out");
  std::thread watcher([&] {
    test::run("KUBECONFIG=" + kubeconfig_ + " HOME=" + dir_->path() +
              " timeout 6 kubectl get cm watched -w -o jsonpath='{.data.x}{\"\\n\"}' > " + out_file);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ok(R"(patch cm watched --type=merge -p '{"data":{"x":"seen-by-watch"}}')");
  watcher.join();
  EXPECT_NE(test::read_all(out_file).find("seen-by-watch"), std::string::npos);
}

TEST_F(Kubectl, DescribeShowsEvents) {
  std::string cm = ok("create -f - -o jsonpath={.metadata.uid}",
                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: described\n");
  ok("create -f -", "apiVersion: v1\nkind: Event\nmetadata:\n  name: described.1\ninvolvedObject:\n"
                    "  kind: ConfigMap\n  name: described\n  namespace: default\n  uid: " + cm +
                    "\n  apiVersion: v1\nreason: Tested\nmessage: hello from the test\ntype: Normal\n"
                    "source: {component: test}\ncount: 1\n");
  std::string d = ok("describe cm described");
  EXPECT_NE(d.find("Name:         described"), std::string::npos) << d;
  EXPECT_NE(d.find("hello from the test"), std::string::npos) << d;
}

TEST_F(Kubectl, EditWithANonInteractiveEditor) {
  ok("create -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: edited\ndata: {k: before}\n");
  auto r = test::run("KUBECONFIG=" + kubeconfig_ + " HOME=" + dir_->path() +
                     " EDITOR='sed -i s/before/after/' kubectl edit cm edited");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ok("get cm edited -o jsonpath={.data.k}"), "after");
}

TEST_F(Kubectl, PatchWithAllThreeTypes) {
  ok("apply -f -", kDeployment);
  ok(R"(patch deploy web -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"nginx:1.28"}]}}}}')");
  EXPECT_EQ(ok("get deploy web -o jsonpath={.spec.template.spec.containers[0].image}"), "nginx:1.28");
  ok(R"(patch deploy web --type=merge -p '{"metadata":{"labels":{"patched":"merge"}}}')");
  ok(R"(patch deploy web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":3}]')");
  EXPECT_EQ(ok("get deploy web -o jsonpath={.metadata.labels.patched}/{.spec.replicas}"), "merge/3");
}

TEST_F(Kubectl, ScaleLabelAnnotateAndRollout) {
  ok("apply -f -", kDeployment);
  ok("scale deploy web --replicas=4");
  EXPECT_EQ(ok("get deploy web -o jsonpath={.spec.replicas}"), "4");
  ok("label deploy web team=platform --overwrite");
  ok("annotate deploy web note=yes --overwrite");
  EXPECT_EQ(ok("get deploy web -o jsonpath={.metadata.labels.team}/{.metadata.annotations.note}"),
            "platform/yes");
  std::string rollout = ok("rollout status deploy/web --timeout=20s");
  EXPECT_NE(rollout.find("successfully rolled out"), std::string::npos);
  EXPECT_NE(ok("wait --for=condition=Available deploy/web --timeout=20s").find("condition met"), std::string::npos);
}

TEST_F(Kubectl, DeleteCascadeForegroundAndOrphan) {
  ok("apply -f -", std::string(kDeployment).replace(std::string(kDeployment).find("name: web"), 9, "name: cas"));
  std::string rs = eventually("get rs -o name", "replicaset.apps/cas-");
  ASSERT_NE(rs.find("cas-"), std::string::npos);
  ok("delete deploy cas --cascade=orphan");
  std::string owners = ok(R"(get rs -o jsonpath='{range .items[*]}{.metadata.name}:{.metadata.ownerReferences}{"\n"}{end}')");
  size_t line = owners.find("cas-");
  ASSERT_NE(line, std::string::npos);
  std::string cas_line = owners.substr(line, owners.find('\n', line) - line);
  EXPECT_EQ(cas_line.find("Deployment"), std::string::npos) << cas_line;  // orphaned
  ok("apply -f -", std::string(kDeployment).replace(std::string(kDeployment).find("name: web"), 9, "name: cas"));
  // The Deployment adopts its ReplicaSet again; a foreground delete then removes both.
  eventually("get rs -o jsonpath='{.items[*].metadata.ownerReferences[0].kind}'", "Deployment");
  ok("delete deploy cas --cascade=foreground");
  for (int i = 0; i < 50 && kubectl("get rs -o name").out.find("cas-") != std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto r = kubectl("get rs -o name");
  EXPECT_EQ(r.out.find("cas-"), std::string::npos) << r.out;
  auto gone = kubectl("get deploy cas");
  EXPECT_NE(gone.exit_code, 0);
}

TEST_F(Kubectl, WaitForDeleteAndDiff) {
  ok("apply -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: diffed\ndata: {k: a}\n");
  auto same = kubectl("diff -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: diffed\ndata: {k: a}\n");
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
  auto changed = kubectl("diff -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: diffed\ndata: {k: b}\n");
  EXPECT_EQ(changed.exit_code, 1) << changed.err;
  EXPECT_NE(changed.out.find("+  k: b"), std::string::npos) << changed.out;
  std::thread deleter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    kubectl("delete cm diffed --wait=false");
  });
  auto w = kubectl("wait --for=delete cm/diffed --timeout=20s");
  deleter.join();
  EXPECT_EQ(w.exit_code, 0) << w.err;
}

TEST_F(Kubectl, CreateTokenForAServiceAccount) {
  // kubectl sends the TokenRequest as protobuf; the answer is a JWT with a real API server's
  // claims (unsigned: see create_token in src/apiserver/api.cc).
  ok("create serviceaccount robot");
  std::string token = ok("create token robot --duration=2h --audience=a1 --audience=a2");
  ASSERT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;
  std::string payload = token.substr(token.find('.') + 1);
  payload = payload.substr(0, payload.find('.'));
  auto claims_text = core::base64_decode(payload, core::Base64::kRawUrl);
  ASSERT_TRUE(claims_text.has_value()) << token;
  auto claims = core::parse_json(*claims_text);
  ASSERT_TRUE(claims.ok()) << *claims_text;
  EXPECT_EQ(kube::text(*claims, {"sub"}), "system:serviceaccount:default:robot");
  EXPECT_EQ(kube::text(*claims, {"kubernetes.io", "serviceaccount", "name"}), "robot");
  EXPECT_EQ(core::write_json(*claims->find("aud")).value(), R"(["a1","a2"])");
  auto exp = core::resolve(*claims->find("exp"), core::Schema::kYaml12);
  auto iat = core::resolve(*claims->find("iat"), core::Schema::kYaml12);
  EXPECT_EQ(exp->i - iat->i, 7200);
  auto short_lived = kubectl("create token robot --duration=5m");
  EXPECT_NE(short_lived.exit_code, 0);
  EXPECT_NE(short_lived.err.find("may not specify a duration less than 10 minutes"),
            std::string::npos) << short_lived.err;
  auto missing = kubectl("create token nobody");
  EXPECT_NE(missing.err.find("serviceaccounts \"nobody\" not found"), std::string::npos)
      << missing.err;
}

TEST_F(Kubectl, EveryNamespaceGetsADefaultServiceAccount) {
  ok("create namespace team-a");
  EXPECT_EQ(eventually("get serviceaccount default -n team-a -o name", "serviceaccount/default\n"),
            "serviceaccount/default\n");
  EXPECT_EQ(eventually("get serviceaccount default -n default -o name", "serviceaccount/default\n"),
            "serviceaccount/default\n");
  std::string token = ok("create token default -n team-a");
  EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2) << token;
  ok("delete namespace team-a --wait=true --timeout=30s");
  EXPECT_NE(kubectl("get serviceaccount default -n team-a").exit_code, 0);
}

TEST_F(Kubectl, FluxCrdsServeACustomResourceOfEachKind) {
  std::string dir = std::string(OC_CONFORMANCE_DIR) + "/flux-crds";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "conformance cases not found";
  auto r = kubectl("apply --server-side -f " + dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ok("wait --for=condition=Established crd --all --timeout=20s");
  const char* crs[] = {
      "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: repo}\nspec: {url: 'https://example.com/r.git', interval: 1m}\n",
      "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: charts}\nspec: {url: 'https://charts.example.com', interval: 1h}\n",
      "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmChart\nmetadata: {name: chart}\nspec: {chart: podinfo, interval: 1h, sourceRef: {kind: HelmRepository, name: charts}}\n",
      "apiVersion: source.toolkit.fluxcd.io/v1\nkind: Bucket\nmetadata: {name: bucket}\nspec: {bucketName: b, endpoint: minio.example.com, interval: 1h}\n",
      "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: oci}\nspec: {url: 'oci://ghcr.io/x/y', interval: 1h}\n",
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: apps}\nspec: {interval: 10m, path: ./apps, prune: true, sourceRef: {kind: GitRepository, name: repo}}\n",
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: podinfo}\nspec: {interval: 1h, chart: {spec: {chart: podinfo, sourceRef: {kind: HelmRepository, name: charts}}}}\n",
      "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\nmetadata: {name: slack}\nspec: {type: slack}\n",
      "apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Alert\nmetadata: {name: on-call}\nspec: {providerRef: {name: slack}, eventSources: [{kind: Kustomization, name: apps}]}\n",
      "apiVersion: notification.toolkit.fluxcd.io/v1\nkind: Receiver\nmetadata: {name: hook}\nspec: {type: github, secretRef: {name: token}, resources: [{kind: GitRepository, name: repo}]}\n",
  };
  for (const char* cr : crs) ok("apply -f -", cr);
  for (const char* kind : {"gitrepositories", "helmrepositories", "helmcharts", "buckets", "ocirepositories",
                           "kustomizations", "helmreleases", "providers", "alerts", "receivers"}) {
    EXPECT_NE(ok(std::string("get ") + kind + " -o name").find("/"), std::string::npos) << kind;
  }
  EXPECT_EQ(ok("get gitrepository repo -o jsonpath={.spec.timeout}"), "60s");  // schema default
}

// The server is killed with SIGKILL while writers create objects over HTTP; after each restart
// every acknowledged object is there and the database passes SQLite's integrity check.
TEST(ServerCrash, AcknowledgedCreatesSurviveKill9) {
  test::TempDir dir;
  std::string data = dir.file("data");
  std::set<std::string> acked;
  std::mt19937 rng(11);
  for (int cycle = 0; cycle < 5; ++cycle) {
    ServerProcess s;
    ASSERT_TRUE(s.start(data, "127.0.0.1:0", {"--no-simulate"}));
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; !stop; ++i) {
          std::string name = "c" + std::to_string(cycle) + "-" + std::to_string(t) + "-" + std::to_string(i);
          auto r = test::http(s.url, "POST", "/api/v1/namespaces/default/configmaps",
                              R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name + "\"}}");
          if (r.status == 201) {
            std::lock_guard<std::mutex> g(mu);
            acked.insert(name);
          }
          if (r.status == 0) break;  // server gone
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 400));
    s.stop(SIGKILL);
    stop = true;
    for (auto& w : writers) w.join();
    ServerProcess again;
    ASSERT_TRUE(again.start(data, "127.0.0.1:0", {"--no-simulate"}));
    auto list = test::http(again.url, "GET", "/api/v1/namespaces/default/configmaps");
    ASSERT_EQ(list.status, 200);
    int missing = 0;
    for (const auto& name : acked) {
      if (list.body.find("\"name\":\"" + name + "\"") == std::string::npos) ++missing;
    }
    EXPECT_EQ(missing, 0) << "cycle " << cycle;
    again.stop();
    EXPECT_EQ(integrity_check(data + "/state.db"), "ok");
  }
  EXPECT_GT(acked.size(), 50u);
}

}  // namespace
}  // namespace oc::apiserver
