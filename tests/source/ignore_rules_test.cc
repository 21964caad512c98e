// IgnoreRules: Flux's defaults vs user patterns, .sourceignore loading and scoping.
#include <gtest/gtest.h>

#include <filesystem>

#include "helpers.h"
#include "source/artifact.h"

namespace oc::source {
namespace {

using oc::test::TempDir;
using test::put;

TEST(IgnoreRules, DefaultsApplyWhenThereAreNoPatterns) {
  // sourceignore_test.go TestDefaultPatterns / TestVCSPatterns "simple matches"
  IgnoreRules r = IgnoreRules::from_spec("");
  EXPECT_EQ(r.user_pattern_count(), 0u);
  for (const char* p : {"image.jpg", "archive.tar.gz", ".github/workflows/workflow.yaml",
                        "subdir/.flux.yaml", "subdir2/.sops.yaml", ".gitignore", ".gitmodules",
                        ".gitattributes", "a/b/c.png", ".travis.yml", "cloudbuild.yaml",
                        "x/.goreleaser.yml", "codeship-steps.yml", "appveyor.yml"}) {
    EXPECT_TRUE(r.ignored(p, false)) << p;
  }
  EXPECT_TRUE(r.ignored(".git", true));
  EXPECT_TRUE(r.ignored(".git/config", false));
  EXPECT_TRUE(r.ignored(".circleci", true));
  for (const char* p :
       {"workload.yaml", "workload.yml", "simple.txt", "sops.yaml", "a/.sops.yml"}) {
    EXPECT_FALSE(r.ignored(p, false)) << p;
  }
  EXPECT_FALSE(r.ignored("", true));  // the root is never ignored
}

TEST(IgnoreRules, OnlyCommentsCountsAsNoPatterns) {
  IgnoreRules r = IgnoreRules::from_spec("# nothing here\n\n");
  EXPECT_TRUE(r.ignored("image.jpg", false));
}

TEST(IgnoreRules, AnyUserPatternDropsTheDefaultsButNotVcs) {
  IgnoreRules r = IgnoreRules::from_spec("/secret.txt\n");
  EXPECT_EQ(r.user_pattern_count(), 1u);
  EXPECT_TRUE(r.ignored("secret.txt", false));
  EXPECT_FALSE(r.ignored("a/secret.txt", false));
  EXPECT_FALSE(r.ignored("image.jpg", false));
  EXPECT_FALSE(r.ignored("x/.sops.yaml", false));
  EXPECT_FALSE(r.ignored(".github/workflows/ci.yaml", false));
  EXPECT_TRUE(r.ignored(".gitignore", false));
  EXPECT_TRUE(r.ignored(".git/HEAD", false));
}

TEST(IgnoreRules, NegatedDefaultStaysIncluded) {
  // sourceignore_test.go TestDefaultPatterns "patterns": "!*.jpg" is a pattern, so the
  // defaults are gone and image.jpg is kept.
  IgnoreRules r = IgnoreRules::from_spec("!*.jpg");
  EXPECT_FALSE(r.ignored("image.jpg", false));
  EXPECT_FALSE(r.prunes_ignored_dirs());
}

TEST(IgnoreRules, GitDirectoriesAreAlwaysIgnored) {
  IgnoreRules r = IgnoreRules::from_spec("!.git/\n!.git/config\n");
  EXPECT_TRUE(r.ignored(".git", true));
  EXPECT_TRUE(r.ignored(".git/config", false));
  EXPECT_TRUE(r.ignored("sub/.git/config", false));
  // A submodule's .git *file* is only left out by patterns, as in Flux.
  EXPECT_FALSE(IgnoreRules::from_spec("x").ignored("sub/.git", false));
  EXPECT_TRUE(IgnoreRules::none().ignored(".git", true));
  EXPECT_FALSE(IgnoreRules::none().ignored("image.jpg", false));
}

TEST(IgnoreRules, LoadScopesEachSourceignoreToItsDirectory) {
  // sourceignore_test.go TestLoadExcludePatterns
  TempDir t;
  put(t.path(), ".sourceignore", "root.txt");
  put(t.path(), "d/.gitignore", "ignored");
  put(t.path(), "z/.sourceignore", "last.txt");
  put(t.path(), "a/b/.sourceignore", "subdir.txt");
  put(t.path(), "e/last.txt", "foo");
  put(t.path(), "a/c/subdir.txt", "bar");
  auto r = IgnoreRules::load(t.path(), std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->user_pattern_count(), 3u);
  const auto& ps = r->matcher().patterns();
  ASSERT_EQ(ps.size(), 4u + 3u);  // VCS patterns first
  EXPECT_EQ(ps[4].domain(), std::vector<std::string>{});
  EXPECT_EQ(ps[5].domain(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ps[6].domain(), std::vector<std::string>{"z"});
  EXPECT_TRUE(r->ignored("root.txt", false));
  EXPECT_TRUE(r->ignored("x/root.txt", false));
  EXPECT_TRUE(r->ignored("z/last.txt", false));
  EXPECT_FALSE(r->ignored("e/last.txt", false));
  EXPECT_TRUE(r->ignored("a/b/subdir.txt", false));
  EXPECT_FALSE(r->ignored("a/c/subdir.txt", false));
  EXPECT_FALSE(r->ignored("d/ignored", false));  // .gitignore files are not read
  EXPECT_FALSE(r->ignored("image.png", false));  // patterns exist: no defaults
}

TEST(IgnoreRules, SpecIgnoreComesLastAndWins) {
  TempDir t;
  put(t.path(), ".sourceignore", "*.yaml\n");
  put(t.path(), "apps/.sourceignore", "!keep.yaml\n");
  auto r = IgnoreRules::load(t.path(), std::string("apps/keep.yaml\n!/drop.yaml\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ignored("x.yaml", false));
  EXPECT_TRUE(r->ignored("apps/keep.yaml", false));  // spec.ignore overrides apps/.sourceignore
  EXPECT_FALSE(r->ignored("drop.yaml", false));
}

TEST(IgnoreRules, SourceignoreInsideGitIsNotRead) {
  TempDir t;
  put(t.path(), ".git/.sourceignore", "*.yaml\n");
  put(t.path(), "a.yaml", "x");
  auto r = IgnoreRules::load(t.path(), std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->user_pattern_count(), 0u);
  EXPECT_FALSE(r->ignored("a.yaml", false));
}

TEST(IgnoreRules, SymlinkedSourceignoreOutsideTheTreeIsNotRead) {
  TempDir outside, t;
  put(outside.path(), "patterns", "*.yaml\n");
  put(t.path(), "inside", "*.txt\n");
  std::filesystem::create_directories(t.path() + "/sub");
  std::filesystem::create_symlink(outside.path() + "/patterns", t.path() + "/.sourceignore");
  std::filesystem::create_symlink(t.path() + "/inside", t.path() + "/sub/.sourceignore");
  auto r = IgnoreRules::load(t.path(), std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->user_pattern_count(), 1u);
  EXPECT_FALSE(r->ignored("a.yaml", false));
  EXPECT_TRUE(r->ignored("sub/a.txt", false));
}

TEST(IgnoreRules, LoadOfAMissingDirectoryFails) {
  auto r = IgnoreRules::load("/nonexistent/oc-source-test", std::nullopt);
  EXPECT_FALSE(r.ok());
}

TEST(IgnoreRules, FluxExampleRepositoryKeepsOnlyManifestDirectories) {
  std::string dir = std::string(OC_CONFORMANCE_DIR) + "/flux-example";
  if (std::string(OC_CONFORMANCE_DIR).empty() || !std::filesystem::exists(dir + "/.sourceignore")) {
    GTEST_SKIP() << "conformance flux-example not found";
  }
  // "/*" then "!/apps/" "!/clusters/" "!/infrastructure/"
  auto r = IgnoreRules::load(dir, std::nullopt);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->ignored("README.md", false));
  EXPECT_TRUE(r->ignored(".sourceignore", false));
  EXPECT_TRUE(r->ignored("SOURCE.txt", false));
  EXPECT_FALSE(r->ignored("apps", true));
  EXPECT_FALSE(r->ignored("apps/base/podinfo/release.yaml", false));
  EXPECT_FALSE(r->ignored("clusters/staging/apps.yaml", false));
  EXPECT_TRUE(r->ignored("apps", false));  // "!/apps/" needs a directory
}

}  // namespace
}  // namespace oc::source
