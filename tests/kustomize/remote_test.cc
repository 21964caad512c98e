// Remote resources: http(s) files fetched from a server on 127.0.0.1, and git repositories
// created with the git CLI in a temporary directory and named by file:// URLs (both compared
// with kubectl kustomize when present); HttpFetcher alone refuses git URLs and says so.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <tuple>

#include "differential.h"
#include "kustomize/git_fetcher.h"
#include "kustomize/http_fetcher.h"
#include "kustomize/kustomize.h"
#include "support/process.h"

// libgit2 1.5 as Debian 12 ships it leaks the pcre2 match data of its regular-expression helper
// (config lookups during a fetch); under LeakSanitizer that is reported at exit. Not ours to
// fix: suppressed for this binary, and for the CLI these tests run (LSAN_OPTIONS below).
constexpr const char* kLibgit2LeakSuppressions = "leak:libpcre2-8.so\n";
extern "C" const char* __lsan_default_suppressions() {
  return kLibgit2LeakSuppressions;
}

namespace oc::kustomize {
namespace {

// A static file server (python3's http.server) on 127.0.0.1 with an ephemeral port.
class LocalHttpServer {
 public:
  explicit LocalHttpServer(const std::string& dir) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      test::die_with_parent();
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::execlp("python3", "python3", "-c",
               "import http.server,os,sys\n"
               "os.chdir(sys.argv[1])\n"
               "class H(http.server.SimpleHTTPRequestHandler):\n"
               "  def log_message(self,*a): pass\n"
               "s=http.server.ThreadingHTTPServer(('127.0.0.1',0),H)\n"
               "print(s.server_address[1],flush=True)\n"
               "s.serve_forever()\n",
               dir.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    FILE* f = ::fdopen(fds[0], "r");
    if (f && std::fscanf(f, "%d", &port_) != 1) port_ = 0;
    if (f) std::fclose(f);
  }
  ~LocalHttpServer() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + path;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

const char* kConfigMap =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: remote\ndata:\n  a: b\n";

TEST(Remote, HttpFileIsFetchedAndTransformed) {
  if (!test::on_path("python3")) GTEST_SKIP() << "python3 not found: no local HTTP server";
  test::TempDir served, work;
  served.write("cm.yaml", kConfigMap);
  LocalHttpServer server(served.path());
  ASSERT_GT(server.port(), 0);
  work.write("app/kustomization.yaml",
             "resources:\n- " + server.url("cm.yaml") + "\nnamePrefix: p-\n");
  HttpFetcher fetcher;
  BuildOptions o;
  o.remote = &fetcher;
  auto r = build(work.path() + "/app", o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(to_yaml(*r),
            "apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  name: p-remote\n");
  if (difftest::have_kubectl()) {
    EXPECT_EQ(difftest::compare(work.path() + "/app"), "");
  }
}

TEST(Remote, HttpNotFoundIsAnErrorNamingTheUrl) {
  if (!test::on_path("python3")) GTEST_SKIP() << "python3 not found: no local HTTP server";
  test::TempDir served, work;
  LocalHttpServer server(served.path());
  ASSERT_GT(server.port(), 0);
  work.write("app/kustomization.yaml", "resources:\n- " + server.url("missing.yaml") + "\n");
  auto f = difftest::run_ours(work.path() + "/app");
  EXPECT_FALSE(f.ok);
  EXPECT_EQ(f.out, "");
  EXPECT_NE(f.err.find("kustomization.yaml:2:3:"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("HTTP status 404"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find(server.url("missing.yaml")), std::string::npos) << f.err;
}

TEST(Remote, WithoutAFetcherRemoteFilesAreAnError) {
  test::TempDir work;
  work.write("app/kustomization.yaml", "resources:\n- https://example.com/cm.yaml\n");
  auto r = build(work.path() + "/app", BuildOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not available"), std::string::npos) << r.error().to_string();
}

TEST(Remote, GitUrlsAreRecognisedAndNeedTheGitLayer) {
  for (const char* url : {"github.com/org/repo//deploy?ref=v1", "https://github.com/org/repo.git",
                          "git@github.com:org/repo.git//base", "ssh://git@host/org/repo//x"}) {
    test::TempDir work;
    work.write("app/kustomization.yaml", std::string("resources:\n- ") + url + "\n");
    HttpFetcher fetcher;
    BuildOptions o;
    o.remote = &fetcher;
    auto r = build(work.path() + "/app", o);
    ASSERT_FALSE(r.ok()) << url;
    EXPECT_NE(r.error().message.find("git repositories is not available"), std::string::npos)
        << url << ": " << r.error().to_string();
  }
}

// A git layer stand-in: serves one repository from memory and records what was asked.
class FakeGit : public RemoteFetcher {
 public:
  FakeGit() : fs_(std::make_shared<MemoryFileSystem>()) {
    fs_->add_file("/checkout/base/kustomization.yaml", "resources:\n- cm.yaml\nnamePrefix: git-\n");
    fs_->add_file("/checkout/base/cm.yaml", kConfigMap);
    fs_->add_file("/checkout/escape/kustomization.yaml", "resources:\n- ../../elsewhere\n");
    fs_->add_file("/elsewhere/kustomization.yaml", "resources: [x.yaml]\n");
  }
  core::Result<std::string> fetch_file(const std::string& url) override {
    return core::Error("no files here: " + url);
  }
  core::Result<Checkout> fetch_repo(const std::string& url, const std::string& ref) override {
    asked.push_back(url + "@" + ref);
    return Checkout{fs_, "/checkout"};
  }
  std::vector<std::string> asked;

 private:
  std::shared_ptr<MemoryFileSystem> fs_;
};

TEST(Remote, GitBaseComesThroughTheFetcherWithItsRef) {
  auto local = std::make_shared<MemoryFileSystem>();
  local->add_file("app/kustomization.yaml",
                  "resources:\n- github.com/org/repo//base?ref=v1.2\nnamespace: prod\n");
  FakeGit git;
  BuildOptions o;
  o.fs = local;
  o.remote = &git;
  auto r = build("app", o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(to_yaml(*r),
            "apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  name: git-remote\n"
            "  namespace: prod\n");
  EXPECT_EQ(git.asked, std::vector<std::string>{"https://github.com/org/repo@v1.2"});
}

TEST(Remote, BaseInsideACloneMayNotLeaveIt) {
  auto local = std::make_shared<MemoryFileSystem>();
  local->add_file("app/kustomization.yaml",
                  "resources:\n- https://example.com/org/repo.git//escape\n");
  FakeGit git;
  BuildOptions o;
  o.fs = local;
  o.remote = &git;
  auto r = build("app", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("must be within the repo"), std::string::npos)
      << r.error().to_string();
}

// A repository made with the git CLI: base/ at "one" (tagged v1 and "same"), "two" on main,
// "three" on branch feature; branch "same" points at "two" (a tag wins over a branch of the
// same name, as with `git fetch <url> same`).
class LocalRepo {
 public:
  LocalRepo() {
    auto git = [&](const std::string& args) {
      auto r = test::run("cd '" + dir_.path() + "/repo' && git -c user.name=t -c user.email=t@t " +
                         "-c init.defaultBranch=main " + args);
      if (r.exit_code != 0) ok_ = false;
      return r.out;
    };
    dir_.write("repo/base/kustomization.yaml", "resources:\n- cm.yaml\nnamePrefix: git-\n");
    dir_.write("repo/base/cm.yaml", std::string(kConfigMap) + "  v: one\n");
    git("init -q . && git -c user.name=t -c user.email=t@t add . && "
        "git -c user.name=t -c user.email=t@t commit -qm one && git tag v1 && git tag same");
    first_ = git("rev-parse HEAD");
    first_.erase(first_.find_last_not_of("\n") + 1);
    dir_.write("repo/base/cm.yaml", std::string(kConfigMap) + "  v: two\n");
    git("commit -qam two && git branch same && git checkout -qb feature");
    dir_.write("repo/base/cm.yaml", std::string(kConfigMap) + "  v: three\n");
    git("commit -qam three && git checkout -q main");
  }
  bool ok() const { return ok_; }
  std::string url(const std::string& query) const {
    return "file://" + dir_.path() + "/repo//base" + query;
  }
  const std::string& first_commit() const { return first_; }

 private:
  test::TempDir dir_;
  bool ok_ = true;
  std::string first_;
};

struct RefCase {
  std::string query;
  std::string want;  // the value of data.v
};

std::vector<RefCase> ref_cases(const LocalRepo& repo) {
  return {{"", "two"},
          {"?ref=v1", "one"},
          {"?ref=feature", "three"},
          {"?ref=same", "one"},
          {"?ref=refs/heads/same", "two"},
          {"?ref=" + repo.first_commit(), "one"}};
}

TEST(Remote, GitFetcherChecksOutTagsBranchesCommitsAndHead) {
  if (!test::on_path("git")) GTEST_SKIP() << "git not found: no local repository";
  LocalRepo repo;
  ASSERT_TRUE(repo.ok());
  test::TempDir cache;
  GitFetcher::Options go;
  go.cache_dir = cache.path();
  GitFetcher fetcher(go);
  for (const auto& c : ref_cases(repo)) {
    test::TempDir work;
    work.write("app/kustomization.yaml", "resources:\n- " + repo.url(c.query) + "\n");
    BuildOptions o;
    o.remote = &fetcher;
    auto r = build(work.path() + "/app", o);
    ASSERT_TRUE(r.ok()) << c.query << ": " << r.error().to_string();
    EXPECT_EQ(to_yaml(*r), "apiVersion: v1\ndata:\n  a: b\n  v: " + c.want +
                               "\nkind: ConfigMap\nmetadata:\n  name: git-remote\n")
        << c.query;
  }
}

TEST(Remote, GitBaseSameBytesAsKubectl) {
  if (!test::on_path("git")) GTEST_SKIP() << "git not found: no local repository";
  if (!difftest::have_kubectl()) GTEST_SKIP() << "kubectl not found: differential test skipped";
  LocalRepo repo;
  ASSERT_TRUE(repo.ok());
  test::TempDir cache;
  // The CLI keeps its mirrors under $XDG_CACHE_HOME; point it at a temporary directory.
  const char* old = std::getenv("XDG_CACHE_HOME");
  std::string saved = old ? old : "";
  ::setenv("XDG_CACHE_HOME", cache.path().c_str(), 1);
  // The sanitizer build of the CLI: the same libgit2 leak suppressed (see the top of the file).
  const char* old_lsan = std::getenv("LSAN_OPTIONS");
  std::string saved_lsan = old_lsan ? old_lsan : "";
  std::string supp = cache.write("lsan.supp", kLibgit2LeakSuppressions);
  ::setenv("LSAN_OPTIONS", ("suppressions=" + supp).c_str(), 1);
  for (const auto& c : ref_cases(repo)) {
    test::TempDir work;
    work.write("app/kustomization.yaml",
               "resources:\n- " + repo.url(c.query) + "\nnamespace: prod\n");
    EXPECT_EQ(difftest::compare(work.path() + "/app"), "") << c.query;
  }
  test::TempDir work;
  work.write("app/kustomization.yaml", "resources:\n- " + repo.url("?ref=missing") + "\n");
  EXPECT_EQ(difftest::compare(work.path() + "/app"), "") << "a ref that does not exist";
  for (auto [name, was_set, value] :
       {std::tuple{"XDG_CACHE_HOME", old != nullptr, saved},
        std::tuple{"LSAN_OPTIONS", old_lsan != nullptr, saved_lsan}}) {
    if (was_set) {
      ::setenv(name, value.c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
}

TEST(Remote, GitRepositoryThatCannotBeReachedIsAnError) {
  test::TempDir cache;
  GitFetcher::Options go;
  go.cache_dir = cache.path();
  GitFetcher fetcher(go);
  test::TempDir work;
  work.write("app/kustomization.yaml",
             "resources:\n- file://" + work.path() + "/missing/repo.git//base?ref=v1\n");
  BuildOptions o;
  o.remote = &fetcher;
  auto r = build(work.path() + "/app", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find("kustomization.yaml:2:3:"), std::string::npos)
      << r.error().to_string();
  EXPECT_NE(r.error().message.find("missing/repo.git"), std::string::npos) << r.error().to_string();
}

}  // namespace
}  // namespace oc::kustomize
