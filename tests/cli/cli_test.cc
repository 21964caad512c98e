// Runs the real opencenter binary.
#include <gtest/gtest.h>
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
