// Path helpers follow Go's path/filepath (what kustomize's loader uses), and the loader's
// restrictions treat symlinks by where they lead.
#include "kustomize/paths.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "kustomize/loader.h"
#include "support/process.h"

namespace oc::kustomize {
namespace {

TEST(Paths, CleanLikeGo) {
  EXPECT_EQ(clean_path(""), ".");
  EXPECT_EQ(clean_path("a//b/./c/.."), "a/b");
  EXPECT_EQ(clean_path("/../a"), "/a");
  EXPECT_EQ(clean_path("../../a/"), "../../a");
  EXPECT_EQ(clean_path("a/../.."), "..");
  EXPECT_EQ(join_path("/root/overlay", "../base"), "/root/base");
  EXPECT_EQ(dir_name("/a/b/c.yaml"), "/a/b");
  EXPECT_EQ(base_name("dir/file.env"), "file.env");
}

TEST(Paths, WithinIsByComponentNotPrefix) {
  EXPECT_TRUE(path_within("/a/b", "/a"));
  EXPECT_TRUE(path_within("/a", "/a"));
  EXPECT_FALSE(path_within("/ab", "/a"));
  EXPECT_TRUE(path_within("/x", "/"));
}

TEST(Loader, SymlinkInsideTheRootIsAllowed) {
  test::TempDir d;
  d.write("app/real/cm.yaml", "x");
  ASSERT_EQ(::symlink("real/cm.yaml", (d.path() + "/app/link.yaml").c_str()), 0);
  auto l = Loader::make_root(disk_file_system(), d.path() + "/app", LoadRestrictions::kRootOnly, nullptr);
  ASSERT_TRUE(l.ok()) << l.error().to_string();
  auto text = (*l)->load("link.yaml");
  ASSERT_TRUE(text.ok()) << text.error().to_string();
  EXPECT_EQ(*text, "x");
}

TEST(Loader, RootOnlyRefusesAndNoneAllowsFilesAbove) {
  test::TempDir d;
  d.write("shared.yaml", "y");
  d.write("app/kustomization.yaml", "");
  auto strict = Loader::make_root(disk_file_system(), d.path() + "/app", LoadRestrictions::kRootOnly,
                                  nullptr);
  ASSERT_TRUE(strict.ok());
  EXPECT_FALSE((*strict)->load("../shared.yaml").ok());
  auto open = Loader::make_root(disk_file_system(), d.path() + "/app", LoadRestrictions::kNone, nullptr);
  ASSERT_TRUE(open.ok());
  auto text = (*open)->load("../shared.yaml");
  ASSERT_TRUE(text.ok()) << text.error().to_string();
  EXPECT_EQ(*text, "y");
}

TEST(Loader, RecognisesRemoteForms) {
  EXPECT_TRUE(Loader::is_repo_url("github.com/org/repo//path?ref=v1"));
  EXPECT_TRUE(Loader::is_repo_url("https://github.com/org/repo.git"));
  EXPECT_TRUE(Loader::is_repo_url("git::https://host/org/repo"));
  EXPECT_TRUE(Loader::is_repo_url("git@github.com:org/repo"));
  EXPECT_FALSE(Loader::is_repo_url("https://example.com/deploy.yaml"));
  EXPECT_FALSE(Loader::is_repo_url("../base"));
  EXPECT_TRUE(Loader::is_remote_file("https://example.com/deploy.yaml"));
  EXPECT_FALSE(Loader::is_remote_file("base/deploy.yaml"));
}

}  // namespace
}  // namespace oc::kustomize
