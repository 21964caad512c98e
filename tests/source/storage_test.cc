// Storage: paths and URLs, verification, Flux's garbage collection, removal.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "helpers.h"
#include "source/artifact.h"
#include "source/digest.h"

namespace oc::source {
namespace {

using oc::test::TempDir;

TEST(StoragePaths, ArtifactPathLowercasesTheKind) {
  auto p = Storage::artifact_path("GitRepository", "flux-system", "app", "abc.tar.gz");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, "gitrepository/flux-system/app/abc.tar.gz");
  EXPECT_FALSE(Storage::artifact_path("GitRepository", "", "app", "f").ok());
  EXPECT_FALSE(Storage::artifact_path("GitRepository", "ns", "..", "f").ok());
  EXPECT_FALSE(Storage::artifact_path("GitRepository", "ns", ".", "f").ok());
  EXPECT_FALSE(Storage::artifact_path("GitRepository", "ns", "a/b", "f").ok());
  EXPECT_FALSE(Storage::artifact_path("GitRepository", "ns", "a", std::string("f\0g", 3)).ok());
}

TEST(StoragePaths, UrlFollowsFluxSetArtifactUrl) {
  EXPECT_EQ(Storage("/s", "source-controller.flux-system.svc.cluster.local.").url_for("a/b"),
            "http://source-controller.flux-system.svc.cluster.local./a/b");
  EXPECT_EQ(Storage("/s", "https://h:8443/").url_for("/a/b"), "https://h:8443/a/b");
  EXPECT_EQ(Storage("/s", "http://127.0.0.1:9090").url_for("a"), "http://127.0.0.1:9090/a");
}

TEST(StoragePaths, LocalPathCannotClimbAboveTheRoot) {
  Storage s("/data/", "h");
  EXPECT_EQ(s.root(), "/data");
  Artifact a;
  EXPECT_EQ(s.local_path(a), "");
  a.path = "gitrepository/ns/n/f.tar.gz";
  EXPECT_EQ(s.local_path(a), "/data/gitrepository/ns/n/f.tar.gz");
  a.path = "../../etc/passwd";
  EXPECT_EQ(s.local_path(a), "/data/etc/passwd");
  a.path = "/gitrepository/./ns/../ns//n/f";
  EXPECT_EQ(s.local_path(a), "/data/gitrepository/ns/n/f");
}

class StorageTest : public ::testing::Test {
 protected:
  // Writes an artifact file whose mtime is `age` seconds in the past.
  Artifact file(const std::string& name, int age, const std::string& content = "x") {
    Artifact a;
    a.path = "gitrepository/ns/app/" + name;
    std::string p = store.path() + "/" + a.path;
    test::put(store.path(), a.path, content);
    test::set_mtime(p, std::time(nullptr) - age);
    a.digest = detail::sha256_digest(content);
    return a;
  }
  std::vector<std::string> left() const {
    std::vector<std::string> names;
    for (auto& e : std::filesystem::directory_iterator(store.path() + "/gitrepository/ns/app")) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  TempDir store;
  Storage s{store.path(), "http://x"};
};

TEST_F(StorageTest, VerifyChecksTheDigestOfTheFile) {
  Artifact a = file("a.tar.gz", 0, "content");
  EXPECT_TRUE(s.verify(a));
  Artifact wrong = a;
  wrong.digest = detail::sha256_digest("other");
  EXPECT_FALSE(s.verify(wrong));
  Artifact none = a;
  none.digest = "";
  EXPECT_FALSE(s.verify(none));
  Artifact bad = a;
  bad.digest = "md5:abc";
  EXPECT_FALSE(s.verify(bad));
  test::put(store.path(), a.path, "tampered");
  EXPECT_FALSE(s.verify(a));
  Artifact missing = a;
  missing.path = "gitrepository/ns/app/missing.tar.gz";
  EXPECT_FALSE(s.verify(missing));
}

TEST_F(StorageTest, VerifyAcceptsSha512AndRefusesSymlinks) {
  Artifact a = file("a.tar.gz", 0, "content");
  auto h = detail::Hasher::create("sha512");
  h->update("content", 7);
  a.digest = "sha512:" + h->finish_hex();
  EXPECT_TRUE(s.verify(a));
  std::filesystem::create_symlink("a.tar.gz", store.path() + "/gitrepository/ns/app/l.tar.gz");
  Artifact l = a;
  l.path = "gitrepository/ns/app/l.tar.gz";
  EXPECT_FALSE(s.verify(l));
}

TEST_F(StorageTest, GarbageCollectKeepsTheNewestUpToTheRetentionCount) {
  // Fresh files are not protected by the TTL: Flux trims to `keep` files in all.
  file("1.tar.gz", 50);
  file("2.tar.gz", 40);
  file("3.tar.gz", 30);
  file("4.tar.gz", 20);
  Artifact cur = file("5.tar.gz", 10);
  auto deleted = s.garbage_collect(cur, 2, std::chrono::seconds(60));
  std::sort(deleted.begin(), deleted.end());
  EXPECT_EQ(deleted, (std::vector<std::string>{"gitrepository/ns/app/1.tar.gz",
                                               "gitrepository/ns/app/2.tar.gz",
                                               "gitrepository/ns/app/3.tar.gz"}));
  EXPECT_EQ(left(), (std::vector<std::string>{"4.tar.gz", "5.tar.gz"}));
}

TEST_F(StorageTest, GarbageCollectDeletesExpiredFilesEvenUnderTheCount) {
  file("old.tar.gz", 120);
  Artifact cur = file("cur.tar.gz", 5);
  auto deleted = s.garbage_collect(cur, 2, std::chrono::seconds(60));
  EXPECT_EQ(deleted, (std::vector<std::string>{"gitrepository/ns/app/old.tar.gz"}));
  EXPECT_EQ(left(), (std::vector<std::string>{"cur.tar.gz"}));
}

TEST_F(StorageTest, GarbageCollectNeverDeletesTheCurrentArtifact) {
  Artifact cur = file("cur.tar.gz", 500);  // oldest and expired, still kept
  file("a.tar.gz", 10);
  file("b.tar.gz", 9);
  file("c.tar.gz", 8);
  auto deleted = s.garbage_collect(cur, 2, std::chrono::seconds(60));
  EXPECT_EQ(left(), (std::vector<std::string>{"c.tar.gz", "cur.tar.gz"}));
  EXPECT_EQ(deleted.size(), 2u);
}

TEST_F(StorageTest, GarbageCollectWithinCountAndTtlDeletesNothing) {
  file("a.tar.gz", 30);
  Artifact cur = file("b.tar.gz", 10);
  EXPECT_TRUE(s.garbage_collect(cur).empty());
  EXPECT_EQ(left(), (std::vector<std::string>{"a.tar.gz", "b.tar.gz"}));
}

TEST_F(StorageTest, GarbageCollectSkipsLockFilesAndRemovesTheLockOfGarbage) {
  file("a.tar.gz", 300);
  file("a.tar.gz.lock", 300);
  file("b.tar.gz.lock", 300);
  Artifact cur = file("b.tar.gz", 1);
  auto deleted = s.garbage_collect(cur, 2, std::chrono::seconds(60));
  EXPECT_EQ(deleted, (std::vector<std::string>{"gitrepository/ns/app/a.tar.gz"}));
  EXPECT_EQ(left(), (std::vector<std::string>{"b.tar.gz", "b.tar.gz.lock"}));
}

TEST_F(StorageTest, GarbageCollectRemovesStaleTemporaryFilesOnly) {
  file(".tmp-x.tar.gz-abc123", 300);
  file(".tmp-y.tar.gz-def456", 1);  // maybe being written right now
  Artifact cur = file("cur.tar.gz", 1);
  auto deleted = s.garbage_collect(cur, 1, std::chrono::seconds(60));
  EXPECT_EQ(deleted, (std::vector<std::string>{"gitrepository/ns/app/.tmp-x.tar.gz-abc123"}));
  EXPECT_EQ(left(), (std::vector<std::string>{".tmp-y.tar.gz-def456", "cur.tar.gz"}));
}

TEST_F(StorageTest, GarbageCollectOnlyTouchesTheObjectsDirectory) {
  Artifact cur = file("cur.tar.gz", 1);
  test::put(store.path(), "gitrepository/ns/other/old.tar.gz", "x");
  test::set_mtime(store.path() + "/gitrepository/ns/other/old.tar.gz", std::time(nullptr) - 999);
  EXPECT_TRUE(s.garbage_collect(cur).empty());
  EXPECT_TRUE(std::filesystem::exists(store.path() + "/gitrepository/ns/other/old.tar.gz"));
}

TEST_F(StorageTest, RemoveAllDeletesTheObjectsDirectory) {
  file("a.tar.gz", 1);
  test::put(store.path(), "gitrepository/ns/other/keep.tar.gz", "x");
  ASSERT_TRUE(s.remove_all("GitRepository", "ns", "app").ok());
  EXPECT_FALSE(std::filesystem::exists(store.path() + "/gitrepository/ns/app"));
  EXPECT_TRUE(std::filesystem::exists(store.path() + "/gitrepository/ns/other/keep.tar.gz"));
  EXPECT_TRUE(s.remove_all("GitRepository", "ns", "app").ok());  // already gone
  EXPECT_FALSE(s.remove_all("GitRepository", "ns", "..").ok());
}

}  // namespace
}  // namespace oc::source
