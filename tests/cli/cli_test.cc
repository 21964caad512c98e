// Runs the real opencenter binary.
#include <gtest/gtest.h>
#include <set>
#include <sys/stat.h>

#include "support/process.h"

namespace oc::cli {
namespace {

const std::string kBin = OC_BINARY;

test::RunResult oc(const std::string& args, const std::string& input = "") {
  return test::run(kBin + " " + args, input);
}

TEST(Cli, VersionPrintsVersionCommitAndBuildType) {
  auto r = oc("version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out.rfind("opencenter 0.", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("commit "), std::string::npos);
  auto j = oc("version -o json");
  EXPECT_EQ(j.exit_code, 0);
  EXPECT_NE(j.out.find("\"gitCommit\":"), std::string::npos);
  EXPECT_NE(j.out.find("\"buildType\":"), std::string::npos);
}

TEST(Cli, HelpListsCommandsAndExitsZero) {
  auto r = oc("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("version"), std::string::npos);
  EXPECT_NE(r.out.find("yaml"), std::string::npos);
  EXPECT_NE(r.out.find("--kubeconfig"), std::string::npos);
  auto sub = oc("yaml fmt --help");
  EXPECT_EQ(sub.exit_code, 0);
  EXPECT_NE(sub.out.find("--in-place"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwoOnStderr) {
  auto r = oc("no-such-command");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("opencenter: error:"), std::string::npos);
  EXPECT_EQ(oc("yaml").exit_code, 2);                     // group without a verb
  EXPECT_EQ(oc("yaml fmt").exit_code, 2);                 // missing FILE
  EXPECT_EQ(oc("yaml fmt --style bogus x.yaml").exit_code, 2);
}

TEST(Cli, NoColourWhenNotATerminal) {
  auto r = oc("yaml fmt /nonexistent.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find("\033["), std::string::npos);
  EXPECT_NE(r.err.find("/nonexistent.yaml: cannot open"), std::string::npos) << r.err;
}

TEST(Cli, YamlFmtKeepsCommentsAndReadsStdin) {
  const std::string src = "# head\nb: 1 # one\na:\n- x\n";
  auto r = oc("yaml fmt -", src);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, src);
  auto k = oc("yaml fmt --style kustomize -", "b: yes\na: 'yes'\n");
  EXPECT_EQ(k.out, "a: \"yes\"\nb: \"yes\"\n");
  auto j = oc("yaml fmt -o json -", "a: [1, x]\n");
  EXPECT_EQ(j.out, "{\n  \"a\": [\n    1,\n    \"x\"\n  ]\n}\n");
}

TEST(Cli, YamlFmtReportsFileLineColumnAndLosesNothing) {
  test::TempDir dir;
  const std::string bad = "a: 1\nb: [1, 2\nc: 3\n";
  std::string path = dir.write("bad.yaml", bad);
  auto r = oc("yaml fmt -i " + path);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path + ":"), std::string::npos) << r.err;
  EXPECT_EQ(test::read_all(path), bad);  // untouched
  auto dup = oc("yaml fmt -", "a: 1\na: 2\n");
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("<stdin>:2:1: mapping key \"a\" already defined at line 1"),
            std::string::npos)
      << dup.err;
}

TEST(Cli, YamlFmtInPlaceRewritesAtomicallyKeepingMode) {
  test::TempDir dir;
  std::string path = dir.write("s.yaml", "a:   1   # c\nlist:\n    - x\n");
  ::chmod(path.c_str(), 0600);
  auto r = oc("yaml fmt -i " + path);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_EQ(test::read_all(path), "a: 1 # c\nlist:\n- x\n");
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Cli, YamlFmtReadsJson) {
  test::TempDir dir;
  std::string path = dir.write("x.json", "{\"kind\": \"ConfigMap\", \"data\": {\"on\": \"yes\"}}");
  auto r = oc("yaml fmt " + path);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "kind: ConfigMap\ndata:\n  \"on\": \"yes\"\n");
}

}  // namespace
}  // namespace oc::cli

namespace oc::cli {
namespace {

TEST(CliLocalCluster, UpIsIdempotentStatusReportsAndDownStops) {
  test::TempDir dir;
  std::string flags = " --data-dir " + dir.file("local");
  auto up = oc("up" + flags);
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.out.find("The local cluster is running"), std::string::npos) << up.out;
  std::string kubeconfig = dir.file("local/kubeconfig");
  EXPECT_NE(up.out.find(kubeconfig), std::string::npos);
  struct stat st;
  ASSERT_EQ(::stat(kubeconfig.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = oc("up" + flags);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("already running"), std::string::npos) << again.out;
  auto status = oc("status" + flags);
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.out.find("is running"), std::string::npos);
  if (test::on_path("kubectl")) {
    auto ns = test::run("KUBECONFIG=" + kubeconfig + " kubectl get namespaces -o name");
    EXPECT_EQ(ns.exit_code, 0) << ns.err;
    EXPECT_NE(ns.out.find("namespace/kube-system"), std::string::npos);
  }
  auto down = oc("down" + flags);
  EXPECT_EQ(down.exit_code, 0) << down.err;
  EXPECT_NE(down.out.find("stopped"), std::string::npos);
  auto after = oc("status" + flags);
  EXPECT_EQ(after.exit_code, 1);
  EXPECT_NE(after.out.find("not running"), std::string::npos);
  // Data survives: a second up finds the namespaces it created before.
  ASSERT_EQ(oc("up" + flags).exit_code, 0);
  if (test::on_path("kubectl")) {
    auto ns = test::run("KUBECONFIG=" + kubeconfig + " kubectl get ns default -o name");
    EXPECT_EQ(ns.out, "namespace/default\n");
  }
  EXPECT_EQ(oc("down" + flags).exit_code, 0);
}

TEST(CliLocalCluster, ApiserverRefusesNonLoopbackWithoutTls) {
  test::TempDir dir;
  auto r = oc("apiserver --data-dir " + dir.file("d") + " --listen 0.0.0.0:0");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("requires --tls-cert-file, --tls-key-file and --token"), std::string::npos) << r.err;
}

// libcurl, libgit2 and libarchive are opened on first use (src/core/dynlib.h). The loader's
// own trace (LD_DEBUG=files) shows which libraries a command really opens: none of the three for
// local work, libcurl as soon as a command talks to an API server.
TEST(Cli, LocalCommandsDoNotLoadTheNetworkGitArchiveOrHttpServerLibraries) {
  test::TempDir dir;
  dir.write("k/kustomization.yaml",
            "resources: [cm.yaml]\nconfigMapGenerator:\n- name: gen\n  literals: [a=b]\n");
  dir.write("k/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n");
  dir.write("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 0.1.0\n");
  dir.write("chart/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n");
  for (const std::string& cmd : {"kustomize build " + dir.file("k"),
                                 "helm template rel " + dir.file("chart"),
                                 "age keygen -o " + dir.file("key.txt")}) {
    auto r = test::run("LD_DEBUG=files " + kBin + " " + cmd);
    EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0);
    EXPECT_NE(r.err.find("libstdc++.so"), std::string::npos) << "LD_DEBUG gave no trace";
    // Only the C and C++ runtimes: libcrypto, SQLite, libyaml, RE2 and zlib are linked from
    // their archives (CMakeLists.txt, OC_STATIC_DEPS), the rest is opened on first use.
    std::set<std::string> opened;  // from the loader's lines "file=<name> [0];  needed by …"
    for (size_t p = r.err.find("file="); p != std::string::npos; p = r.err.find("file=", p + 1)) {
      size_t end = r.err.find(" [0];  needed by", p);
      if (end != std::string::npos && r.err.find('\n', p) > end) {
        opened.insert(r.err.substr(p + 5, end - p - 5));
      }
    }
    EXPECT_EQ(opened, (std::set<std::string>{"libstdc++.so.6", "libm.so.6", "libgcc_s.so.1",
                                             "libc.so.6"}))
        << cmd;
  }
  // Talking to an API server (here: nothing listens on port 1) loads libcurl and reports the
  // connection failure, not a loading failure.
  dir.write("kubeconfig",
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n"
            "    server: http://127.0.0.1:1\ncontexts:\n- name: c\n  context:\n    cluster: c\n"
            "    user: u\nusers:\n- name: u\n  user: {}\ncurrent-context: c\n");
  auto r = test::run("LD_DEBUG=files " + kBin + " --kubeconfig " + dir.file("kubeconfig") +
                     " get kustomizations -A");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("libcurl.so"), std::string::npos);
  EXPECT_EQ(r.err.find("cannot load"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace oc::cli
