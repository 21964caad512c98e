// End to end: the local cluster (embedded API server + controllers, one process started from the
// real binary) reconciling real Git repositories served by `git daemon` on 127.0.0.1, checked
// with the real kubectl. One cluster and one git daemon serve every test; each test uses its own
// repository, namespace and object names.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <thread>

#include "core/base64.h"
#include "core/json.h"
#include "kube/object.h"
#include "support/net.h"
#include "support/process.h"

namespace fs = std::filesystem;
using oc::test::read_all;
using oc::test::run;
using oc::test::RunResult;
using oc::test::TempDir;
using namespace std::chrono_literals;

namespace {

std::string q(const std::string& s) { return "'" + s + "'"; }

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return pred();
}

const char* const kGitDaemon = "/usr/lib/git-core/git-daemon";

// A process we start and always stop.
struct Child {
  pid_t pid = 0;
  void spawn(const std::vector<std::string>& argv, const std::string& log) {
    pid = ::fork();
    if (pid == 0) {
      oc::test::die_with_parent();
      FILE* f = std::fopen(log.c_str(), "a");
      if (f) {
        ::dup2(fileno(f), 1);
        ::dup2(fileno(f), 2);
      }
      std::vector<char*> a;
      for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
      a.push_back(nullptr);
      ::execvp(a[0], a.data());
      ::_exit(127);
    }
  }
  void stop(int sig = SIGTERM) {
    if (pid > 0) {
      ::kill(pid, sig);
      ::waitpid(pid, nullptr, 0);
      pid = 0;
    }
  }
  ~Child() { stop(SIGKILL); }
};

class Env {
 public:
  TempDir root;
  Child cluster, daemon;
  int git_port = 0;
  std::string kubeconfig;

  bool start() {
    fs::create_directories(root.file("git"));
    git_port = oc::test::free_port();
    if (!start_daemon()) return false;
    kubeconfig = root.file("kubeconfig");
    cluster.spawn({OC_BINARY, "apiserver", "--data-dir", root.file("cluster"), "--listen", "127.0.0.1:0",
                   "--controllers", "--kubeconfig-out", kubeconfig},
                  root.file("cluster.log"));
    return wait_for([&] { return ::access(kubeconfig.c_str(), R_OK) == 0; }, 30s);
  }
  bool start_daemon() {
    // git-daemon itself, not `git daemon`: the git wrapper runs it as a child that outlives a
    // SIGKILL of the wrapper (every run used to leave one listening).
    daemon.spawn(
        {kGitDaemon, "--listen=127.0.0.1", "--port=" + std::to_string(git_port), "--reuseaddr",
         "--export-all", "--base-path=" + root.file("git"), root.file("git")},
        root.file("git-daemon.log"));
    return oc::test::wait_for_port(git_port);
  }
  std::string git_url(const std::string& repo) const {
    return "git://127.0.0.1:" + std::to_string(git_port) + "/" + repo + ".git";
  }
  RunResult kubectl(const std::string& args, const std::string& input = "") const {
    return run("kubectl --kubeconfig " + q(kubeconfig) + " " + args, input);
  }
  RunResult oc(const std::string& args, const std::string& input = "") const {
    return run(std::string(OC_BINARY) + " " + args + " --kubeconfig " + q(kubeconfig), input);
  }
  void apply(const std::string& yaml) const {
    auto r = kubectl("apply -f -", yaml);
    ASSERT_EQ(r.exit_code, 0) << r.err << yaml;
  }
  std::string get(const std::string& what, const std::string& ns, const std::string& jsonpath) const {
    return kubectl("get " + what + (ns.empty() ? "" : " -n " + ns) + " -o jsonpath=" + q("{" + jsonpath + "}")).out;
  }
  std::string ready(const std::string& what, const std::string& ns) const {
    return get(what, ns, ".status.conditions[?(@.type==\"Ready\")].status");
  }
  std::string ready_reason(const std::string& what, const std::string& ns) const {
    return get(what, ns, ".status.conditions[?(@.type==\"Ready\")].reason");
  }
  std::string ready_message(const std::string& what, const std::string& ns) const {
    return get(what, ns, ".status.conditions[?(@.type==\"Ready\")].message");
  }
  std::string events_for(const std::string& name, const std::string& ns) const {
    return kubectl("get events -n " + ns + " --field-selector involvedObject.name=" + name +
                   " -o jsonpath='{range .items[*]}{.reason}: {.message}{\"\\n\"}{end}'").out;
  }
};

Env* env = nullptr;

// A Git repository served by the daemon, with a work clone to commit from.
class Repo {
 public:
  explicit Repo(const std::string& name) : name_(name) {
    bare_ = env->root.file("git/" + name + ".git");
    work_ = env->root.file("work-" + name);
    sh("git init -q --bare -b main " + q(bare_));
    sh("git init -q -b main " + q(work_));
  }
  void write(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(work_ + "/" + path).parent_path());
    std::ofstream(work_ + "/" + path) << content;
  }
  void remove(const std::string& path) { fs::remove(work_ + "/" + path); }
  void copy_tree(const std::string& from) {
    fs::copy(from, work_, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  }
  std::string commit(const std::string& msg) {
    sh("cd " + q(work_) + " && git add -A && git -c user.name=Ada -c user.email=ada@example.com commit -q -m " +
       q(msg) + " && git push -q " + q(bare_) + " HEAD:main");
    return trim(run("cd " + q(work_) + " && git rev-parse HEAD").out);
  }
  std::string url() const { return env->git_url(name_); }

 private:
  static void sh(const std::string& cmd) {
    auto r = run(cmd);
    ASSERT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
  }
  std::string name_, bare_, work_;
};

std::string git_repository(const std::string& name, const std::string& url, const std::string& interval = "1m") {
  return "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: " + name +
         "\n  namespace: flux-system\nspec:\n  interval: " + interval + "\n  url: " + url +
         "\n  ref:\n    branch: main\n";
}

std::string kustomization(const std::string& name, const std::string& source, const std::string& path,
                          const std::string& extra = "", const std::string& interval = "1m") {
  return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: " + name +
         "\n  namespace: flux-system\nspec:\n  interval: " + interval + "\n  path: " + path +
         "\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: " + source + "\n" + extra;
}

std::string deployment(const std::string& name, const std::string& ns, int replicas, const std::string& annotations = "") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name + "\n  namespace: " + ns + "\n" +
         annotations + "spec:\n  replicas: " + std::to_string(replicas) +
         "\n  selector:\n    matchLabels:\n      app: " + name + "\n  template:\n    metadata:\n      labels:\n        app: " +
         name + "\n    spec:\n      containers:\n      - name: app\n        image: nginx:1.27\n";
}

std::string ns_yaml(const std::string& ns) { return "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + ns + "\n"; }

class E2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!oc::test::on_path("kubectl") || !oc::test::executable(kGitDaemon)) return;
    env = new Env();
    if (!env->start()) {
      delete env;
      env = nullptr;
      return;
    }
    env->apply(ns_yaml("flux-system"));
  }
  static void TearDownTestSuite() {
    const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    if (env && suite && suite->failed_test_count() > 0) {
      std::cerr << "--- cluster log (tail) ---\n" << run("grep -v '^{' " + q(env->root.file("cluster.log")) + " | head -n 120").out
                << "--- controllers log (tail) ---\n" << run("tail -n 60 " + q(env->root.file("cluster/controllers.log"))).out;
    }
    delete env;
    env = nullptr;
  }
  void SetUp() override {
    if (!env) GTEST_SKIP() << "needs kubectl and git-daemon, and the local cluster must start";
  }
};

// 1. Three Kustomizations chained by dependsOn reconcile in order and all become Ready.
TEST_F(E2E, DependsOnChainReconcilesInOrder) {
  Repo repo("chain");
  repo.write("infra/ns.yaml", ns_yaml("chain"));
  repo.write("infra/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: chain\ndata:\n  a: b\n");
  repo.write("apps/deploy.yaml", deployment("web", "chain", 1));
  repo.write("extra/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: chain\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n");
  repo.commit("chain");
  // Created in reverse so order comes from dependsOn, not from creation.
  env->apply(kustomization("chain-extra", "chain", "./extra", "  dependsOn:\n  - name: chain-apps\n"));
  env->apply(kustomization("chain-apps", "chain", "./apps", "  dependsOn:\n  - name: chain-infra\n  wait: true\n"));
  env->apply(kustomization("chain-infra", "chain", "./infra"));
  env->apply(git_repository("chain", repo.url()));
  ASSERT_TRUE(wait_for([&] {
    for (const char* k : {"chain-infra", "chain-apps", "chain-extra"}) {
      if (env->ready("kustomization/" + std::string(k), "flux-system") != "True") return false;
    }
    return true;
  }, 60s)) << env->kubectl("get ks -n flux-system").out;
  // Order, from the controllers' log (written in order): a Kustomization's first apply comes
  // after its dependency's first successful reconciliation. (Sampling Ready with kubectl cannot
  // tell: Ready goes Unknown while an object is reconciled again.)
  std::string log = read_all(env->root.file("cluster/controllers.log"));
  auto first_line = [&](const std::string& msg, const std::string& name) {
    size_t pos = 0;
    while ((pos = log.find(msg, pos)) != std::string::npos) {
      size_t eol = log.find('\n', pos);
      size_t bol = log.rfind('\n', pos);
      std::string line = log.substr(bol == std::string::npos ? 0 : bol + 1, eol - (bol == std::string::npos ? 0 : bol + 1));
      if (line.find("\"name\":\"" + name + "\"") != std::string::npos) return pos;
      pos = eol;
    }
    return std::string::npos;
  };
  size_t infra_done = first_line("Reconciliation finished", "chain-infra");
  size_t apps_apply = first_line("server-side apply completed", "chain-apps");
  size_t apps_done = first_line("Reconciliation finished", "chain-apps");
  size_t extra_apply = first_line("server-side apply completed", "chain-extra");
  ASSERT_NE(infra_done, std::string::npos);
  ASSERT_NE(apps_apply, std::string::npos);
  ASSERT_NE(apps_done, std::string::npos);
  ASSERT_NE(extra_apply, std::string::npos);
  EXPECT_LT(infra_done, apps_apply);
  EXPECT_LT(apps_done, extra_apply);
  EXPECT_EQ(env->get("deploy/web", "chain", ".spec.replicas"), "1");
  EXPECT_EQ(env->get("svc/web", "chain", ".metadata.labels.kustomize\\.toolkit\\.fluxcd\\.io/name"), "chain-extra");
  // Flux's status: revision, inventory, observedGeneration.
  std::string rev = env->get("gitrepository/chain", "flux-system", ".status.artifact.revision");
  EXPECT_EQ(rev.rfind("main@sha1:", 0), 0u) << rev;
  EXPECT_EQ(env->get("ks/chain-apps", "flux-system", ".status.lastAppliedRevision"), rev);
  EXPECT_EQ(env->get("ks/chain-apps", "flux-system", ".status.inventory.entries[0].id"), "chain_web_apps_Deployment");
  EXPECT_EQ(env->ready_message("ks/chain-infra", "flux-system"), "Applied revision: " + rev);
  // The artifact is served where status.artifact.url says, with the advertised digest.
  std::string url = env->get("gitrepository/chain", "flux-system", ".status.artifact.url");
  std::string digest = env->get("gitrepository/chain", "flux-system", ".status.artifact.digest");
  auto sum = run("curl -sf " + q(url) + " | sha256sum");
  EXPECT_EQ("sha256:" + sum.out.substr(0, 64), digest);
  auto listing = run("curl -sf " + q(url) + " | tar -tzf -");
  EXPECT_NE(listing.out.find("apps/deploy.yaml"), std::string::npos) << listing.out;
}

// 2. A new commit is applied at once after `opencenter reconcile source git`, and without it
//    after the interval.
TEST_F(E2E, NewCommitsAreAppliedOnRequestAndOnInterval) {
  Repo repo("scale");
  repo.write("app/ns.yaml", ns_yaml("scale"));
  repo.write("app/deploy.yaml", deployment("web", "scale", 1));
  repo.commit("one replica");
  env->apply(git_repository("scale", repo.url(), "1h"));
  env->apply(kustomization("scale", "scale", "./app"));
  ASSERT_TRUE(wait_for([&] { return env->get("deploy/web", "scale", ".spec.replicas") == "1"; }, 30s));
  repo.write("app/deploy.yaml", deployment("web", "scale", 3));
  std::string hash = repo.commit("three replicas");
  auto start = std::chrono::steady_clock::now();
  auto r = env->oc("reconcile source git scale -n flux-system");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  // Like flux, the progress lines go to stderr.
  EXPECT_NE((r.out + r.err).find(hash), std::string::npos) << r.out << r.err;
  ASSERT_TRUE(wait_for([&] { return env->get("deploy/web", "scale", ".spec.replicas") == "3"; }, 15s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_NE(env->get("gitrepository/scale", "flux-system", ".status.lastHandledReconcileAt"), "");
  // On the interval, no request: a 5s source interval picks up the next commit.
  auto patch = env->kubectl("patch gitrepository scale -n flux-system --type merge -p '{\"spec\":{\"interval\":\"5s\"}}'");
  ASSERT_EQ(patch.exit_code, 0) << patch.err;
  repo.write("app/deploy.yaml", deployment("web", "scale", 2));
  repo.commit("two replicas");
  EXPECT_TRUE(wait_for([&] { return env->get("deploy/web", "scale", ".spec.replicas") == "2"; }, 30s));
}

// 3. kubectl scale is reverted at the next reconciliation, with an event that says so.
TEST_F(E2E, DriftIsCorrectedWithAnEvent) {
  Repo repo("drift");
  repo.write("app/ns.yaml", ns_yaml("drift"));
  repo.write("app/deploy.yaml", deployment("web", "drift", 3));
  repo.commit("three");
  env->apply(git_repository("drift", repo.url()));
  env->apply(kustomization("drift", "drift", "./app", "", "5s"));
  ASSERT_TRUE(wait_for([&] { return env->ready("ks/drift", "flux-system") == "True"; }, 30s));
  auto s = env->kubectl("scale deploy web -n drift --replicas=5");
  ASSERT_EQ(s.exit_code, 0) << s.err;
  EXPECT_EQ(env->get("deploy/web", "drift", ".spec.replicas"), "5");
  ASSERT_TRUE(wait_for([&] { return env->get("deploy/web", "drift", ".spec.replicas") == "3"; }, 20s));
  EXPECT_TRUE(wait_for([&] { return env->events_for("drift", "flux-system").find("Deployment/drift/web configured") != std::string::npos; }, 10s))
      << env->events_for("drift", "flux-system");
}

// 4. A manifest deleted from Git is pruned; an object without the owner labels is never touched.
TEST_F(E2E, PruneRemovesWhatLeftGitAndNothingElse) {
  Repo repo("prune");
  repo.write("app/ns.yaml", ns_yaml("prune"));
  repo.write("app/keep.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  namespace: prune\n");
  repo.write("app/gone.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gone\n  namespace: prune\n");
  repo.commit("two maps");
  env->apply(git_repository("prune", repo.url(), "2s"));
  env->apply(kustomization("prune", "prune", "./app"));
  ASSERT_TRUE(wait_for([&] { return env->kubectl("get cm gone -n prune").exit_code == 0; }, 30s));
  // Someone else's ConfigMap in the same namespace, and one that claims the name of ours but
  // lost its owner labels.
  env->apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: manual\n  namespace: prune\ndata:\n  x: y\n");
  std::string manual_rv = env->get("cm/manual", "prune", ".metadata.resourceVersion");
  repo.remove("app/gone.yaml");
  repo.commit("drop gone");
  ASSERT_TRUE(wait_for([&] { return env->kubectl("get cm gone -n prune").exit_code != 0; }, 30s));
  EXPECT_EQ(env->kubectl("get cm keep -n prune").exit_code, 0);
  EXPECT_EQ(env->get("cm/manual", "prune", ".metadata.resourceVersion"), manual_rv);
  EXPECT_TRUE(wait_for([&] { return env->events_for("prune", "flux-system").find("ConfigMap/prune/gone deleted") != std::string::npos; }, 10s))
      << env->events_for("prune", "flux-system");
  // An inventory object whose owner labels were removed survives its removal from Git.
  ASSERT_EQ(env->kubectl("label cm keep -n prune kustomize.toolkit.fluxcd.io/name-").exit_code, 0);
  repo.remove("app/keep.yaml");
  repo.commit("drop keep");
  std::string rev_before = env->get("ks/prune", "flux-system", ".status.lastAppliedRevision");
  ASSERT_TRUE(wait_for([&] { return env->get("ks/prune", "flux-system", ".status.lastAppliedRevision") != rev_before; }, 30s));
  EXPECT_EQ(env->kubectl("get cm keep -n prune").exit_code, 0);
}

// 5. A sops-encrypted Secret (age) reaches the cluster decrypted; no plaintext on disk.
TEST_F(E2E, SopsSecretArrivesDecryptedAndNeverOnDisk) {
  TempDir keys;
  auto kg = run(std::string(OC_BINARY) + " age keygen -o " + q(keys.file("key.txt")));
  ASSERT_EQ(kg.exit_code, 0) << kg.err;
  std::string key_file = read_all(keys.file("key.txt"));
  size_t p = key_file.find("# public key: ");
  ASSERT_NE(p, std::string::npos);
  std::string recipient = trim(key_file.substr(p + 14, key_file.find('\n', p) - p - 14));
  const std::string secret_value = "hunter2-" + oc::kube::new_uid();
  std::string plain = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: sops\nstringData:\n  password: " + secret_value + "\n";
  std::string plain_path = keys.write("secret.yaml", plain);
  auto enc = run(std::string(OC_BINARY) + " secrets encrypt --age " + recipient + " --encrypted-regex '^(data|stringData)$' " + q(plain_path));
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  ASSERT_EQ(enc.out.find(secret_value), std::string::npos);
  Repo repo("sops");
  repo.write("app/ns.yaml", ns_yaml("sops"));
  repo.write("app/secret.yaml", enc.out);
  // Flux's DecryptSources and Secret fields: a secretGenerator's encrypted env file, JSON file
  // (under another key) and binary file, and a Secret whose data field is an encrypted YAML file.
  auto encrypt_file = [&](const std::string& name, const std::string& text) {
    auto r = run(std::string(OC_BINARY) + " secrets encrypt --age " + recipient + " " +
                 q(keys.write(name, text)));
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.err;
    EXPECT_EQ(r.out.find(secret_value), std::string::npos) << name;
    return r.out;
  };
  repo.write("app/app.env", encrypt_file("app.env", "API_TOKEN=tok-" + secret_value + "\n"));
  repo.write("app/config.enc.json",
             encrypt_file("config.json", "{\"password\": \"" + secret_value + "\"}\n"));
  repo.write("app/tls.key", encrypt_file("tls.key", "KEY-" + secret_value));
  repo.write("app/packed.yaml",
             "apiVersion: v1\nkind: Secret\nmetadata:\n  name: packed\n  namespace: sops\ndata:\n  "
             "settings.yaml: " +
                 oc::core::base64_encode(
                     encrypt_file("settings.yaml", "password: " + secret_value + "\n")) +
                 "\n");
  repo.write("app/kustomization.yaml",
             "resources: [ns.yaml, secret.yaml, packed.yaml]\n"
             "secretGenerator:\n- name: generated\n  namespace: sops\n  envs: [app.env]\n"
             "  files: [config.json=config.enc.json, tls.key]\n"
             "generatorOptions:\n  disableNameSuffixHash: true\n");
  repo.commit("encrypted secret");
  env->apply("apiVersion: v1\nkind: Secret\nmetadata:\n  name: sops-age\n  namespace: flux-system\ndata:\n  identity.agekey: " +
             oc::core::base64_encode(key_file) + "\n");
  env->apply(git_repository("sops", repo.url()));
  env->apply(kustomization("sops", "sops", "./app", "  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n"));
  ASSERT_TRUE(wait_for([&] { return env->ready("ks/sops", "flux-system") == "True"; }, 30s))
      << env->ready_message("ks/sops", "flux-system");
  std::string got = env->get("secret/db", "sops", ".data.password");
  auto decoded = oc::core::base64_decode(got);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, secret_value);
  auto field = [&](const std::string& secret, const std::string& key) {
    auto d = oc::core::base64_decode(env->get("secret/" + secret, "sops", ".data." + key));
    return d ? *d : std::string("(not base64)");
  };
  EXPECT_EQ(field("generated", "API_TOKEN"), "tok-" + secret_value);
  EXPECT_NE(field("generated", "config\\.json").find("\"password\": \"" + secret_value + "\""),
            std::string::npos)
      << field("generated", "config\\.json");
  EXPECT_EQ(field("generated", "tls\\.key"), "KEY-" + secret_value);
  EXPECT_EQ(field("packed", "settings\\.yaml"), "password: " + secret_value + "\n");
  // Neither the plaintext nor its base64 form is in the controllers' files (artifacts, Git
  // mirrors, temporary checkouts, logs).
  std::string b64 = oc::core::base64_encode(secret_value);
  for (const std::string& needle : {secret_value, b64}) {
    auto g = run("grep -rl --binary-files=text " + q(needle) + " " + q(env->root.file("cluster/controllers")) + " " +
                 q(env->root.file("cluster/controllers.log")) + " " + q(env->root.file("cluster.log")));
    EXPECT_EQ(g.out, "") << "plaintext found in: " << g.out;
  }
  auto g = run("grep -rl --binary-files=text " + q(secret_value) + " /tmp 2>/dev/null | grep -v " + q(keys.path()));
  EXPECT_EQ(g.out, "") << "plaintext found in: " << g.out;
}

// 6. The Git server stops: Ready=False with the reason, the last artifact kept, recovery after
//    the server is back without anyone doing anything.
TEST_F(E2E, GitServerDownKeepsTheArtifactAndRecovers) {
  Repo repo("outage");
  repo.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outage\n  namespace: flux-system\n");
  repo.commit("cm");
  env->apply(git_repository("outage", repo.url(), "2s"));
  ASSERT_TRUE(wait_for([&] { return env->ready("gitrepository/outage", "flux-system") == "True"; }, 30s));
  std::string url = env->get("gitrepository/outage", "flux-system", ".status.artifact.url");
  env->daemon.stop();
  EXPECT_TRUE(wait_for([&] { return env->ready("gitrepository/outage", "flux-system") == "False"; }, 30s));
  EXPECT_EQ(env->ready_reason("gitrepository/outage", "flux-system"), "GitOperationFailed");
  std::string msg = env->ready_message("gitrepository/outage", "flux-system");
  EXPECT_NE(msg.find("127.0.0.1"), std::string::npos) << msg;
  EXPECT_EQ(env->get("gitrepository/outage", "flux-system", ".status.artifact.url"), url);
  EXPECT_EQ(run("curl -sf -o /dev/null " + q(url)).exit_code, 0) << "the last artifact must stay served";
  ASSERT_TRUE(env->start_daemon());
  EXPECT_TRUE(wait_for([&] { return env->ready("gitrepository/outage", "flux-system") == "True"; }, 30s))
      << env->ready_message("gitrepository/outage", "flux-system");
}

// 7. Invalid YAML, a failing substitution, an undecryptable file: Ready=False naming the file,
//    nothing applied, the previous state untouched.
TEST_F(E2E, BadCommitsAreRejectedWithoutTouchingTheCluster) {
  Repo repo("bad");
  repo.write("app/ns.yaml", ns_yaml("bad"));
  repo.write("app/deploy.yaml", deployment("web", "bad", 2));
  repo.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: bad\ndata:\n  env: ${env}\n");
  repo.commit("good");
  env->apply(git_repository("bad", repo.url(), "2s"));
  env->apply(kustomization("bad", "bad", "./app", "  postBuild:\n    substitute:\n      env: prod\n"));
  ASSERT_TRUE(wait_for([&] { return env->ready("ks/bad", "flux-system") == "True"; }, 30s)) << env->ready_message("ks/bad", "flux-system");
  EXPECT_EQ(env->get("cm/settings", "bad", ".data.env"), "prod");
  std::string good_rev = env->get("ks/bad", "flux-system", ".status.lastAppliedRevision");
  std::string rv_deploy = env->get("deploy/web", "bad", ".metadata.resourceVersion");
  // `commit` is the rejected commit: the Kustomization must have attempted exactly it.
  auto expect_rejected = [&](const std::string& commit, const std::string& reason, const std::string& needle) {
    ASSERT_TRUE(wait_for([&] {
      return env->get("ks/bad", "flux-system", ".status.lastAttemptedRevision").find(commit) != std::string::npos &&
             env->ready("ks/bad", "flux-system") == "False";
    }, 30s)) << env->ready_message("ks/bad", "flux-system");
    EXPECT_EQ(env->ready_reason("ks/bad", "flux-system"), reason);
    EXPECT_NE(env->ready_message("ks/bad", "flux-system").find(needle), std::string::npos)
        << env->ready_message("ks/bad", "flux-system");
    EXPECT_EQ(env->get("ks/bad", "flux-system", ".status.lastAppliedRevision"), good_rev);
    EXPECT_EQ(env->get("deploy/web", "bad", ".spec.replicas"), "2");
    EXPECT_EQ(env->get("deploy/web", "bad", ".metadata.resourceVersion"), rv_deploy);
  };
  // Invalid YAML, with a change to the Deployment in the same commit that must not be applied.
  repo.write("app/deploy.yaml", deployment("web", "bad", 4));
  repo.write("app/broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  namespace: bad\ndata: {a: b\n");
  expect_rejected(repo.commit("broken yaml"), "BuildFailed", "broken.yaml");
  // A failing substitution.
  repo.remove("app/broken.yaml");
  repo.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: bad\ndata:\n  env: ${undefined_var}\n");
  expect_rejected(repo.commit("bad substitution"), "BuildFailed", "undefined_var");
  EXPECT_EQ(env->get("cm/settings", "bad", ".data.env"), "prod");
  // An encrypted file nobody can decrypt.
  repo.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: bad\ndata:\n  env: ${env}\n");
  TempDir keys;
  ASSERT_EQ(run(std::string(OC_BINARY) + " age keygen -o " + q(keys.file("k.txt"))).exit_code, 0);
  std::string kf = read_all(keys.file("k.txt"));
  size_t p = kf.find("# public key: ");
  std::string recipient = trim(kf.substr(p + 14, kf.find('\n', p) - p - 14));
  std::string plain = keys.write("s.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: bad\nstringData:\n  k: v\n");
  auto enc = run(std::string(OC_BINARY) + " secrets encrypt --encrypted-regex '^(data|stringData)$' --age " + recipient + " " + q(plain));
  ASSERT_EQ(enc.exit_code, 0) << enc.err;
  repo.write("app/secret.yaml", enc.out);
  expect_rejected(repo.commit("secret for someone else"), "BuildFailed", "Secret/bad/s");
  // Fixed: everything applies again.
  repo.remove("app/secret.yaml");
  repo.commit("fixed");
  EXPECT_TRUE(wait_for([&] { return env->get("deploy/web", "bad", ".spec.replicas") == "4"; }, 30s));
  EXPECT_TRUE(wait_for([&] { return env->ready("ks/bad", "flux-system") == "True"; }, 30s));
}

// 8. A failing health check times out with HealthCheckFailed and names the object.
TEST_F(E2E, FailingHealthCheckTimesOut) {
  Repo repo("health");
  repo.write("app/ns.yaml", ns_yaml("health"));
  repo.write("app/deploy.yaml", deployment("stuck", "health", 1, "  annotations:\n    opencenter.dev/simulate: unavailable\n"));
  repo.commit("stuck rollout");
  env->apply(git_repository("health", repo.url()));
  env->apply(kustomization("health", "health", "./app",
                           "  timeout: 3s\n  healthChecks:\n  - apiVersion: apps/v1\n    kind: Deployment\n    name: stuck\n    namespace: health\n"));
  // The conditions are read once: the controller retries every second, and separate reads
  // could see the failed reconcile and the next one's "progressing" conditions.
  oc::core::Node conds;
  auto field = [&](const std::string& type, const std::string& key) -> std::string {
    if (!conds.is_sequence()) return "";
    for (const auto& c : conds.items()) {
      if (oc::kube::text(c, {"type"}) == type) return oc::kube::text(c, {key});
    }
    return "";
  };
  ASSERT_TRUE(wait_for([&] {
    auto c = oc::core::parse_json(env->get("ks/health", "flux-system", ".status.conditions"));
    conds = c.ok() ? *c : oc::core::Node();
    return field("Ready", "reason") == "HealthCheckFailed";
  }, 30s)) << env->ready_message("ks/health", "flux-system");
  std::string msg = field("Ready", "message");
  EXPECT_NE(msg.find("timeout waiting for: [Deployment/health/stuck status: 'InProgress']"), std::string::npos) << msg;
  EXPECT_EQ(field("Healthy", "status"), "False");
  EXPECT_EQ(field("Ready", "status"), "False");
}

// 9. Flux's example repository (the Kustomization tree; Helm objects are applied, not run).
TEST_F(E2E, FluxExampleRepositoryReconciles) {
  std::string example = std::string(OC_CONFORMANCE_DIR) + "/flux-example";
  if (std::string(OC_CONFORMANCE_DIR).empty() || !fs::exists(example)) GTEST_SKIP() << "no conformance cases";
  Repo repo("flux-example");
  repo.copy_tree(example);
  repo.commit("flux2-kustomize-helm-example");
  env->apply(git_repository("flux-example", repo.url()));
  // clusters/staging's Kustomizations, with the monorepo as their source instead of the
  // ArtifactGenerator's ExternalArtifacts (a remote-artifact feature).
  env->apply(kustomization("ex-flux-system", "flux-example", "./clusters/staging/flux-system"));
  env->apply(kustomization("ex-infra-controllers", "flux-example", "./infrastructure/controllers"));
  env->apply(kustomization("ex-apps", "flux-example", "./apps/staging", "  dependsOn:\n  - name: ex-infra-controllers\n"));
  for (const char* k : {"ex-flux-system", "ex-infra-controllers", "ex-apps"}) {
    EXPECT_TRUE(wait_for([&] { return env->ready("ks/" + std::string(k), "flux-system") == "True"; }, 60s))
        << k << ": " << env->ready_message("ks/" + std::string(k), "flux-system");
  }
  EXPECT_EQ(env->kubectl("get namespace cert-manager").exit_code, 0);
  EXPECT_EQ(env->get("helmrelease/podinfo", "podinfo", ".metadata.labels.kustomize\\.toolkit\\.fluxcd\\.io/name"), "ex-apps");
  EXPECT_EQ(env->get("ocirepository/cert-manager", "cert-manager", ".spec.ref.semver"), "1.x");
  // The repository's .sourceignore ("/*" then "!/apps/" …) shapes the artifact.
  std::string url = env->get("gitrepository/flux-example", "flux-system", ".status.artifact.url");
  auto listing = run("curl -sf " + q(url) + " | tar -tzf -");
  EXPECT_NE(listing.out.find("apps/staging/kustomization.yaml"), std::string::npos) << listing.out;
  EXPECT_EQ(listing.out.find("README.md"), std::string::npos) << listing.out;
}

// The controllers' /metrics names things as Flux does.
TEST_F(E2E, MetricsUseFluxNames) {
  std::string endpoints = read_all(env->root.file("cluster/endpoints"));
  size_t p = endpoints.find("metrics: ");
  ASSERT_NE(p, std::string::npos) << endpoints;
  std::string url = trim(endpoints.substr(p + 9, endpoints.find('\n', p) - p - 9));
  Repo repo("metrics");
  repo.write("app/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: metrics\n  namespace: flux-system\n");
  repo.commit("cm");
  env->apply(git_repository("metrics", repo.url()));
  env->apply(kustomization("metrics", "metrics", "./app"));
  ASSERT_TRUE(wait_for([&] { return env->ready("ks/metrics", "flux-system") == "True"; }, 30s));
  auto m = run("curl -sf " + q(url));
  EXPECT_NE(m.out.find("gotk_reconcile_condition{kind=\"Kustomization\",name=\"metrics\",namespace=\"flux-system\",type=\"Ready\",status=\"True\"} 1"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("gotk_reconcile_duration_seconds_count{kind=\"GitRepository\",name=\"metrics\",namespace=\"flux-system\"}"), std::string::npos);
  EXPECT_NE(m.out.find("gotk_suspend_status{kind=\"Kustomization\",name=\"metrics\",namespace=\"flux-system\"} 0"), std::string::npos);
  // Suspending shows in the metric and stops reconciliation.
  ASSERT_EQ(env->kubectl("patch ks metrics -n flux-system --type merge -p '{\"spec\":{\"suspend\":true}}'").exit_code, 0);
  EXPECT_TRUE(wait_for([&] {
    return run("curl -sf " + q(url)).out.find("gotk_suspend_status{kind=\"Kustomization\",name=\"metrics\",namespace=\"flux-system\"} 1") != std::string::npos;
  }, 10s));
}

}  // namespace
