// The Git layer against real repositories made with the git CLI, served over file:// and over
// git:// by a `git daemon` on 127.0.0.1.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "git/git.h"
#include "support/net.h"
#include "support/process.h"

namespace fs = std::filesystem;
using oc::test::read_all;
using oc::test::run;
using oc::test::TempDir;

namespace {

// A repository with: master (2 commits), branch "dev", lightweight tag v1.0.0, annotated tags
// v1.2.0 and v2.0.0-rc.1, a pull-request style ref and a symlink.
class Upstream {
 public:
  Upstream() {
    sh("git init -q -b master .");
    dir_.write("README.md", "one\n");
    dir_.write("deploy/app.yaml", "kind: ConfigMap\n");
    sh("ln -s README.md link.md && git add -A && git commit -q -m first");
    first_ = head();
    sh("git tag v1.0.0");
    dir_.write("README.md", "two\n");
    sh("git commit -q -am second && git tag -a v1.2.0 -m release");
    second_ = head();
    sh("git checkout -q -b dev && echo dev > dev.txt && git add dev.txt && git commit -q -m dev");
    dev_ = head();
    sh("git tag -a v2.0.0-rc.1 -m rc && git update-ref refs/pull/7/head HEAD && git checkout -q master");
  }
  void sh(const std::string& cmd) {
    auto r = run("cd '" + dir_.path() + "' && GIT_AUTHOR_NAME=Ada GIT_AUTHOR_EMAIL=ada@example.com "
                 "GIT_COMMITTER_NAME=Ada GIT_COMMITTER_EMAIL=ada@example.com " + cmd);
    ASSERT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
  }
  std::string head() { return trim(run("cd '" + dir_.path() + "' && git rev-parse HEAD").out); }
  static std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }
  std::string url() const { return "file://" + dir_.path(); }
  const std::string& path() const { return dir_.path(); }
  std::string first_, second_, dev_;

 private:
  TempDir dir_;
};

oc::git::FetchOptions opts(const std::string& url) {
  oc::git::FetchOptions o;
  o.url = url;
  o.timeout_seconds = 30;
  return o;
}

TEST(Git, DefaultBranchIsMasterAndTreeHasNoGitDirOrSymlinks) {
  Upstream up;
  TempDir work;
  auto c = oc::git::checkout(opts(up.url()), work.file("cache"), work.file("tree"));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->hash, up.second_);
  EXPECT_EQ(c->revision, "master@sha1:" + up.second_);
  EXPECT_EQ(c->message, "second\n");
  EXPECT_EQ(c->author, "Ada <ada@example.com>");
  EXPECT_GT(c->time, 1600000000);
  EXPECT_EQ(read_all(work.file("tree/README.md")), "two\n");
  EXPECT_EQ(read_all(work.file("tree/deploy/app.yaml")), "kind: ConfigMap\n");
  EXPECT_FALSE(fs::exists(work.file("tree/.git")));
  EXPECT_FALSE(fs::exists(fs::symlink_status(work.file("tree/link.md"))));
  EXPECT_FALSE(fs::exists(work.file("tree/dev.txt")));
}

TEST(Git, ResolveMatchesCheckoutWithoutFetching) {
  Upstream up;
  auto o = opts(up.url());
  o.ref.branch = "dev";
  auto r = oc::git::resolve(o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->hash, up.dev_);
  EXPECT_EQ(r->revision, "dev@sha1:" + up.dev_);
  TempDir work;
  auto c = oc::git::checkout(o, work.file("cache"), work.file("tree"));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->revision, r->revision);
  EXPECT_EQ(read_all(work.file("tree/dev.txt")), "dev\n");
}

TEST(Git, TagsLightweightAndAnnotatedResolveToTheCommit) {
  Upstream up;
  for (auto [tag, want] : {std::pair<std::string, std::string>{"v1.0.0", up.first_}, {"v1.2.0", up.second_}}) {
    auto o = opts(up.url());
    o.ref.tag = tag;
    auto r = oc::git::resolve(o);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->revision, tag + "@sha1:" + want);
    TempDir work;
    auto c = oc::git::checkout(o, work.file("cache"), work.file("tree"));
    ASSERT_TRUE(c.ok()) << c.error().to_string();
    EXPECT_EQ(c->hash, want) << tag;
  }
}

TEST(Git, SemverPicksTheHighestMatchingTag) {
  Upstream up;
  auto o = opts(up.url());
  o.ref.semver = ">=1.0.0";
  auto r = oc::git::resolve(o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->revision, "v1.2.0@sha1:" + up.second_);  // the prerelease is excluded
  o.ref.semver = ">=2.0.0-0";
  r = oc::git::resolve(o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->revision, "v2.0.0-rc.1@sha1:" + up.dev_);
  TempDir work;
  auto c = oc::git::checkout(o, work.file("cache"), work.file("tree"));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->hash, up.dev_);
  o.ref.semver = ">=3";
  r = oc::git::resolve(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find("no tag found matching the semver range '>=3'"), std::string::npos);
}

TEST(Git, PickSemverSkipsNonVersionTags) {
  EXPECT_EQ(oc::git::pick_semver({"latest", "v0.9.0", "1.10.0", "1.9.0"}, "~1"), "1.10.0");
  EXPECT_EQ(oc::git::pick_semver({"latest"}, "*"), "");
  EXPECT_EQ(oc::git::pick_semver({"v1.0.0"}, "not a range"), "");
}

TEST(Git, NameAndCommitReferences) {
  Upstream up;
  auto o = opts(up.url());
  o.ref.name = "refs/pull/7/head";
  o.ref.branch = "master";  // name wins over branch
  TempDir w1;
  auto c = oc::git::checkout(o, w1.file("cache"), w1.file("tree"));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->revision, "refs/pull/7/head@sha1:" + up.dev_);

  o = opts(up.url());
  o.ref.commit = up.first_;
  TempDir w2;
  c = oc::git::checkout(o, w2.file("cache"), w2.file("tree"));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->revision, "sha1:" + up.first_);
  EXPECT_EQ(read_all(w2.file("tree/README.md")), "one\n");

  o.ref.branch = "dev";
  o.ref.commit = up.dev_;
  TempDir w3;
  c = oc::git::checkout(o, w3.file("cache"), w3.file("tree"));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->revision, "dev@sha1:" + up.dev_);
}

TEST(Git, ErrorsNameWhatIsMissing) {
  Upstream up;
  auto o = opts(up.url());
  o.ref.branch = "nope";
  auto r = oc::git::resolve(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find("refs/heads/nope"), std::string::npos) << r.error().to_string();
  TempDir work;
  auto c = oc::git::checkout(o, work.file("cache"), work.file("tree"));
  ASSERT_FALSE(c.ok());

  o = opts(up.url());
  o.ref.commit = "abc";
  EXPECT_FALSE(oc::git::resolve(o).ok());
  o.ref.commit = std::string(40, 'a');
  c = oc::git::checkout(o, work.file("cache2"), work.file("tree2"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().to_string().find("not found"), std::string::npos) << c.error().to_string();

  o = opts("file:///nonexistent/repo");
  r = oc::git::resolve(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find("/nonexistent/repo"), std::string::npos);
}

TEST(Git, CacheIsReusedAndFollowsNewCommits) {
  Upstream up;
  TempDir work;
  auto o = opts(up.url());
  ASSERT_TRUE(oc::git::checkout(o, work.file("cache"), work.file("t1")).ok());
  up.sh("echo three > README.md && git commit -q -am third");
  std::string third = up.head();
  auto c = oc::git::checkout(o, work.file("cache"), work.file("t2"));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->hash, third);
  EXPECT_EQ(read_all(work.file("t2/README.md")), "three\n");
  // Force-pushed history: the mirror follows.
  up.sh("git reset -q --hard " + up.first_);
  c = oc::git::checkout(o, work.file("cache"), work.file("t3"));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->hash, up.first_);
}

TEST(Git, ConcurrentCheckoutsShareOneCache) {
  Upstream up;
  TempDir work;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      auto o = opts(up.url());
      if (i % 2) o.ref.branch = "dev";
      auto c = oc::git::checkout(o, work.file("cache"), work.file("t" + std::to_string(i)));
      if (c.ok() && c->hash == (i % 2 ? up.dev_ : up.second_)) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 6);
}

const char* const kGitDaemon = "/usr/lib/git-core/git-daemon";

// `git daemon` serving one directory on 127.0.0.1.
struct GitDaemon {
  pid_t pid = 0;
  int port = 0;
  explicit GitDaemon(const std::string& base) {
    port = oc::test::free_port();
    pid = ::fork();
    if (pid == 0) {
      oc::test::die_with_parent();
      std::string p = "--port=" + std::to_string(port), b = "--base-path=" + base;
      // git-daemon itself: `git daemon` would run it as a child that outlives the wrapper.
      ::execl(kGitDaemon, kGitDaemon, "--listen=127.0.0.1", p.c_str(), b.c_str(), "--export-all",
              "--reuseaddr", "--informative-errors", base.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    oc::test::wait_for_port(port);
  }
  ~GitDaemon() {
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      ::waitpid(pid, nullptr, 0);
    }
  }
};

TEST(Git, OverGitDaemon) {
  if (!oc::test::executable(kGitDaemon)) GTEST_SKIP() << "git-daemon not installed";
  Upstream up;
  GitDaemon daemon(fs::path(up.path()).parent_path().string());
  std::string url = "git://127.0.0.1:" + std::to_string(daemon.port) + "/" + fs::path(up.path()).filename().string();
  auto o = opts(url);
  o.ref.semver = "1.x";
  auto r = oc::git::resolve(o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->revision, "v1.2.0@sha1:" + up.second_);
  TempDir work;
  auto c = oc::git::checkout(o, work.file("cache"), work.file("tree"));
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->revision, r->revision);
  EXPECT_EQ(read_all(work.file("tree/README.md")), "two\n");
  // A repository the daemon does not have.
  auto missing = oc::git::resolve(opts("git://127.0.0.1:" + std::to_string(daemon.port) + "/nope"));
  EXPECT_FALSE(missing.ok());
}

}  // namespace
