// End to end: the Flux-like operator verbs (docs/operator-verbs.md) against a real
// `opencenter apiserver --controllers` child process, a Git repository on disk (file:// URL)
// and real kubectl. Outputs are compared with golden files in tests/cli/golden/ after the
// volatile parts (commit hashes, ages, times, the temporary directory) are normalised.
// OC_UPDATE_GOLDEN=1 rewrites the golden files from the current output.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"

namespace oc::cli {
namespace {

namespace fs = std::filesystem;
using test::RunResult;

const std::string kBin = OC_BINARY;

std::string golden_dir() {
  return (fs::path(__FILE__).parent_path() / "golden").string();
}

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Everything the test shares: one API server with controllers, one Git repository.
struct Cluster {
  test::TempDir tmp;
  pid_t pid = 0;
  std::string data, kubeconfig, repo, work;
  bool ready = false;
  std::string why_not;

  ~Cluster() { stop(); }

  void stop() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      for (int i = 0; i < 100; ++i) {
        if (::waitpid(pid, nullptr, WNOHANG) == pid) {
          pid = 0;
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      pid = 0;
    }
  }

  RunResult sh(const std::string& cmd) { return test::run(cmd); }

  RunResult oc(const std::string& args) {
    return test::run(kBin + " " + args + " --kubeconfig " + sh_quote(kubeconfig));
  }

  RunResult kubectl(const std::string& args) {
    return test::run("kubectl --kubeconfig " + sh_quote(kubeconfig) + " " + args);
  }

  bool start() {
    data = tmp.path() + "/data";
    kubeconfig = data + "/kubeconfig";
    fs::create_directories(data);
    pid = ::fork();
    if (pid == 0) {
      test::die_with_parent();
      std::string log = tmp.path() + "/apiserver.log";
      FILE* f = std::freopen(log.c_str(), "w", stderr);
      (void)f;
      ::dup2(2, 1);
      std::vector<std::string> args = {
          kBin,          "apiserver",     "--data-dir",       data,      "--listen",
          "127.0.0.1:0", "--controllers", "--kubeconfig-out", kubeconfig};
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    for (int i = 0; i < 300; ++i) {
      if (fs::exists(kubeconfig)) return true;
      if (::waitpid(pid, nullptr, WNOHANG) == pid) {
        pid = 0;
        why_not = "the API server exited: " + test::read_all(tmp.path() + "/apiserver.log");
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    why_not = "the API server did not write its kubeconfig within 30s";
    return false;
  }

  void write(const std::string& rel, const std::string& content) {
    fs::path p = fs::path(work) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << content;
  }

  bool commit(const std::string& message) {
    auto r =
        sh("cd " + sh_quote(work) +
           " && git add -A && git -c user.name=test -c user.email=test@example.com commit -q -m " +
           sh_quote(message) + " && git push -q origin main");
    if (r.exit_code != 0) why_not = "git: " + r.err;
    return r.exit_code == 0;
  }

  bool make_repo() {
    repo = tmp.path() + "/git/repo.git";
    work = tmp.path() + "/work";
    auto r = sh("git -c init.defaultBranch=main init -q --bare " + sh_quote(repo) +
                " && git -c init.defaultBranch=main init -q " + sh_quote(work) + " && cd " +
                sh_quote(work) + " && git checkout -q -b main && git remote add origin " +
                sh_quote(repo));
    if (r.exit_code != 0) {
      why_not = "git init: " + r.err;
      return false;
    }
    write("clusters/infra.yaml",
          "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: "
          "infra\n  namespace: flux-system\n"
          "spec:\n  interval: 10m\n  retryInterval: 2s\n  path: ./infra\n  prune: true\n  "
          "sourceRef:\n    kind: GitRepository\n"
          "    name: repo\n");
    write("clusters/apps.yaml",
          "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: "
          "apps\n  namespace: flux-system\n"
          "spec:\n  interval: 10m\n  retryInterval: 2s\n  path: ./apps\n  prune: true\n  "
          "targetNamespace: apps\n"
          "  sourceRef:\n    kind: GitRepository\n    name: repo\n  postBuild:\n    substitute:\n  "
          "    greeting: hello\n");
    write("infra/cluster-info.yaml",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cluster-info\n  namespace: "
          "flux-system\ndata:\n  region: local\n");
    write("apps/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n");
    write("apps/deployment.yaml",
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 1\n  "
          "selector:\n    matchLabels:\n"
          "      app: app\n  template:\n    metadata:\n      labels:\n        app: app\n    "
          "spec:\n      containers:\n"
          "      - name: app\n        image: nginx:1.27\n        ports:\n        - name: http\n    "
          "      containerPort: 80\n");
    write("apps/settings.yaml",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: "
          "${greeting}\n  color: blue\n");
    return commit("initial");
  }

  bool apply_flux_objects() {
    std::string manifest =
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: flux-system\n---\n"
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: repo\n  "
        "namespace: flux-system\n"
        "spec:\n  interval: 10m\n  url: file://" +
        repo +
        "\n  ref:\n    branch: main\n---\n"
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: "
        "root\n  namespace: flux-system\n"
        "spec:\n  interval: 10m\n  retryInterval: 2s\n  path: ./clusters\n  prune: true\n  "
        "sourceRef:\n    kind: GitRepository\n"
        "    name: repo\n";
    std::string file = tmp.write("flux.yaml", manifest);
    // The Flux CRDs are installed by the controllers as they start: retry until they are served.
    for (int i = 0; i < 100; ++i) {
      auto r = kubectl("apply -f " + sh_quote(file));
      if (r.exit_code == 0) return true;
      why_not = "kubectl apply: " + r.err;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    return false;
  }

  std::string ready_status(const std::string& kind, const std::string& name) {
    auto r =
        kubectl("get " + kind + " " + name +
                " -n flux-system -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}'");
    return r.exit_code == 0 ? r.out : "";
  }

  bool wait_ready(const std::vector<std::pair<std::string, std::string>>& objects,
                  int seconds = 120) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    for (const auto& [kind, name] : objects) {
      for (;;) {
        if (ready_status(kind, name) == "True") break;
        if (std::chrono::steady_clock::now() > deadline) {
          why_not = kind + "/" + name + " did not become Ready: " +
                    kubectl("get " + kind + " " + name + " -n flux-system -o yaml").out;
          return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
    }
    return true;
  }

  void setup() {
    if (!test::on_path("kubectl") || !test::on_path("git")) {
      why_not = "kubectl and git are needed";
      return;
    }
    if (!start() || !make_repo() || !apply_flux_objects()) return;
    ready = wait_ready({{"gitrepository", "repo"},
                        {"kustomization", "root"},
                        {"kustomization", "infra"},
                        {"kustomization", "apps"}});
  }
};

Cluster* cluster = nullptr;

class FluxVerbs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster = new Cluster();
    cluster->setup();
  }
  static void TearDownTestSuite() {
    delete cluster;
    cluster = nullptr;
  }
  void SetUp() override {
    if (!cluster->ready) GTEST_SKIP() << "no cluster: " << cluster->why_not;
  }
};

// Commit hashes keep their length (so table columns keep their widths), times and ages go.
std::string normalise(std::string s) {
  s = std::regex_replace(s, std::regex("sha1:[0-9a-f]{40}"), "sha1:" + std::string(40, 'x'));
  s = std::regex_replace(s, std::regex("sha1:[0-9a-f]{8}"), "sha1:xxxxxxxx");
  s = std::regex_replace(s, std::regex("sha256:[0-9a-f]{64}"), "sha256:" + std::string(64, 'x'));
  s = std::regex_replace(
      s,
      std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)? \\+0000 UTC"),
      "TIME");
  if (cluster) {
    for (size_t p; (p = s.find(cluster->tmp.path())) != std::string::npos;)
      s.replace(p, cluster->tmp.path().size(), "$TMP");
  }
  return s;
}

// A table compared by its cells: the first column's ages are replaced, padding is dropped.
std::string cells(const std::string& table, bool drop_first_column) {
  std::string out;
  std::istringstream in(table);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    std::vector<std::string> cs;
    size_t start = 0;
    for (;;) {
      size_t t = line.find('\t', start);
      std::string c = line.substr(start, t == std::string::npos ? std::string::npos : t - start);
      while (!c.empty() && c.back() == ' ') c.pop_back();
      cs.push_back(c);
      if (t == std::string::npos) break;
      start = t + 1;
    }
    if (!cs.empty() && cs.back().empty()) cs.pop_back();
    if (drop_first_column && !header && !cs.empty()) cs[0] = "AGE";
    header = false;
    for (size_t i = 0; i < cs.size(); ++i) out += (i ? " | " : "") + cs[i];
    out += "\n";
  }
  return out;
}

void expect_golden(const std::string& name, const std::string& actual) {
  std::string path = golden_dir() + "/" + name;
  if (const char* u = std::getenv("OC_UPDATE_GOLDEN"); u && *u) {
    fs::create_directories(golden_dir());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << "missing golden file " << path << "; actual output:\n" << actual;
  EXPECT_EQ(test::read_all(path), actual) << "golden file " << path;
}

TEST_F(FluxVerbs, GetSourcesGit_PrintsFluxTable) {
  auto r = cluster->oc("get sources git");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("flux_get_sources_git.txt", normalise(r.out));
}

TEST_F(FluxVerbs, GetKustomizations_AllNamespacesAddsNamespaceColumn) {
  auto r = cluster->oc("get kustomizations");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("flux_get_ks.txt", normalise(r.out));
  auto a = cluster->oc("get ks -A");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  expect_golden("flux_get_ks_all_namespaces.txt", normalise(a.out));
}

TEST_F(FluxVerbs, GetAll_PrintsOneTablePerKindWithKindPrefixedNames) {
  auto r = cluster->oc("get all");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("flux_get_all.txt", normalise(r.out));
}

TEST_F(FluxVerbs, GetOne_OutputsYamlAndJsonAndFailsForMissingObjects) {
  auto y = cluster->oc("get ks apps -o yaml");
  ASSERT_EQ(y.exit_code, 0) << y.err;
  EXPECT_NE(y.out.find("kind: Kustomization\n"), std::string::npos) << y.out;
  EXPECT_NE(y.out.find("  name: apps\n"), std::string::npos) << y.out;
  EXPECT_EQ(y.out.find("managedFields"), std::string::npos);
  auto j = cluster->oc("get sources git -o json");
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_NE(j.out.find("\"kind\": \"List\""), std::string::npos) << j.out;
  auto missing = cluster->oc("get ks nope");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "✗ Kustomization object 'nope' not found in \"flux-system\" namespace\n");
  auto none = cluster->oc("get ks -n default");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, "✗ no Kustomization objects found in \"default\" namespace\n");
  auto selected = cluster->oc("get ks --status-selector ready=false");
  EXPECT_EQ(selected.exit_code, 0);
  EXPECT_EQ(selected.out, "NAME\tREVISION\tSUSPENDED\tREADY\tMESSAGE \n");
}

TEST_F(FluxVerbs, GetHelmReleases_WithoutTheCrdSaysSo) {
  auto r = cluster->oc("get helmreleases");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("HelmRelease"), std::string::npos) << r.err;
}

TEST_F(FluxVerbs, Tree_RecursesIntoKustomizationsOfTheInventory) {
  auto r = cluster->oc("tree kustomization root");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("flux_tree_root.txt", r.out);
  auto compact = cluster->oc("tree ks root --compact");
  ASSERT_EQ(compact.exit_code, 0) << compact.err;
  EXPECT_EQ(compact.out,
            "Kustomization/flux-system/root\n├── Kustomization/flux-system/apps\n└── "
            "Kustomization/flux-system/infra\n\n");
  auto json = cluster->oc("tree ks infra -o json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  expect_golden("flux_tree_infra.json", json.out);
}

TEST_F(FluxVerbs, Build_PrintsTheSubstitutedStream) {
  auto r = cluster->oc("build kustomization apps --path " + sh_quote(cluster->work + "/apps"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("flux_build_apps.yaml", r.out);
}

TEST_F(FluxVerbs, Diff_NoDriftExitsZero) {
  auto r = cluster->oc("diff kustomization apps --path " + sh_quote(cluster->work + "/apps"));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(FluxVerbs, Diff_LocalChangesShowCreatedAndDrifted) {
  test::TempDir local;
  fs::copy(cluster->work + "/apps", local.path(), fs::copy_options::recursive);
  local.write("settings.yaml",
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: "
              "${greeting}\n  color: green\n");
  local.write("extra.yaml",
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: b\n");
  auto r = cluster->oc("diff ks apps --path " + sh_quote(local.path()));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  expect_golden("flux_diff_local_change.txt", r.out);
  EXPECT_EQ(r.err, "⚠️ identified at least one change, exiting with non-zero exit code\n");
  auto usage = cluster->oc("diff ks apps");
  EXPECT_EQ(usage.exit_code, 2);
}

TEST_F(FluxVerbs, Events_ForAKustomizationIncludeItsSource) {
  auto r = cluster->oc("events --for Kustomization/apps");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string table = cells(normalise(r.out), true);
  EXPECT_EQ(table.substr(0, table.find('\n') + 1),
            "LAST SEEN | TYPE | REASON | OBJECT | MESSAGE\n");
  EXPECT_NE(table.find("AGE | Normal | ReconciliationSucceeded | Kustomization/apps | "),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("GitRepository/repo"), std::string::npos) << table;
  EXPECT_EQ(table.find("Kustomization/infra"), std::string::npos) << table;
  auto bad = cluster->oc("events --for Deployment/app");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.err, "✗ 'Deployment' is not a recognized Flux kind\n");
  auto none = cluster->oc("events -n default");
  EXPECT_EQ(none.exit_code, 0);
  EXPECT_EQ(none.err, "✗ No events found in default namespace.\n");
}

TEST_F(FluxVerbs, Trace_FollowsOwnerLabelsToKustomizationAndSource) {
  auto r = cluster->oc("trace deployment app -n apps");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("flux_trace_deployment.txt", normalise(r.out));
  auto slash = cluster->oc("trace deploy/app -n apps");
  EXPECT_EQ(slash.out, r.out);
  auto unmanaged = cluster->oc("trace namespace default");
  EXPECT_EQ(unmanaged.exit_code, 1);
  EXPECT_EQ(unmanaged.err,
            "✗ failed to trace Namespace/default in namespace : object not managed by Flux\n");
}

TEST_F(FluxVerbs, Logs_ReadTheLocalControllersLog) {
  auto r = cluster->oc("logs --kind Kustomization --name apps");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_FALSE(r.out.empty());
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    EXPECT_TRUE(std::regex_match(
        line, std::regex("[0-9T:.Z-]+ (info|error) Kustomization/apps\\.flux-system - .* .*")))
        << line;
  }
  auto other = test::run(kBin + " logs --data-dir " + sh_quote(cluster->data) +
                         " -A --level error --kind GitRepository");
  EXPECT_EQ(other.exit_code, 0) << other.err;
}

TEST_F(FluxVerbs, Reconcile_SourcePrintsFetchedRevisionAndRecordsTheRequest) {
  auto r = cluster->oc("reconcile source git repo");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("flux_reconcile_source_git.txt", normalise(r.err));
  auto requested = cluster->kubectl(
      "get gitrepository repo -n flux-system -o "
      "jsonpath='{.metadata.annotations.reconcile\\.fluxcd\\.io/requestedAt} "
      "{.status.lastHandledReconcileAt}'");
  ASSERT_EQ(requested.exit_code, 0) << requested.err;
  size_t sp = requested.out.find(' ');
  ASSERT_NE(sp, std::string::npos) << requested.out;
  EXPECT_FALSE(requested.out.substr(0, sp).empty());
  EXPECT_EQ(requested.out.substr(0, sp), requested.out.substr(sp + 1));
  auto missing = cluster->oc("reconcile ks nope");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "✗ Kustomization 'flux-system/nope' not found\n");
}

TEST_F(FluxVerbs, Diff_AfterScaleShowsDriftThenReconcileRestoresIt) {
  auto scale = cluster->kubectl("scale deployment app -n apps --replicas=3");
  if (scale.exit_code != 0) {
    scale = cluster->kubectl(
        "patch deployment app -n apps --type=merge -p '{\"spec\":{\"replicas\":3}}'");
  }
  ASSERT_EQ(scale.exit_code, 0) << scale.err;
  auto d = cluster->oc("diff ks apps --path " + sh_quote(cluster->work + "/apps"));
  EXPECT_EQ(d.exit_code, 1) << d.err;
  expect_golden("flux_diff_scaled.txt", normalise(d.out));
  auto r = cluster->oc("reconcile ks apps --with-source");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_golden("flux_reconcile_ks_with_source.txt", normalise(r.err));
  auto again = cluster->oc("diff ks apps --path " + sh_quote(cluster->work + "/apps"));
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST_F(FluxVerbs, SuspendAndResume_ToggleSpecSuspendAndResumeWaits) {
  auto s = cluster->oc("suspend kustomization infra");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(
      s.err,
      "► suspending kustomization infra in flux-system namespace\n✔ kustomization suspended\n");
  auto g = cluster->oc("get ks infra");
  EXPECT_NE(cells(normalise(g.out), false).find("infra | main@sha1:xxxxxxxx | True | True"),
            std::string::npos)
      << g.out;
  auto rec = cluster->oc("reconcile ks infra");
  EXPECT_EQ(rec.exit_code, 1);
  EXPECT_EQ(rec.err, "✗ resource is suspended\n");
  auto res = cluster->oc("resume kustomization infra");
  ASSERT_EQ(res.exit_code, 0) << res.err;
  expect_golden("flux_resume_ks.txt", normalise(res.err));
  auto missing = cluster->oc("suspend ks nope");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "✗ Kustomization nope not found in flux-system namespace\n");
}

}  // namespace
}  // namespace oc::cli
