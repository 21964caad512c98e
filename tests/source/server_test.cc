// ArtifactServer: GET/HEAD of artifact files, 404 for everything else, no way out of the root.
#include <gtest/gtest.h>

#include <filesystem>

#include "helpers.h"
#include "source/artifact.h"
#include "support/http.h"

namespace oc::source {
namespace {

using oc::test::http;
using oc::test::TempDir;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::put(outside.path(), "secret", "top secret");
    test::put(store.path(), "root/gitrepository/ns/app/abc.tar.gz", payload);
    test::put(store.path(), "root/gitrepository/ns/app/.tmp-x", "partial");
    std::filesystem::create_symlink(outside.path() + "/secret",
                                    store.path() + "/root/gitrepository/ns/app/link.tar.gz");
    std::filesystem::create_directory_symlink(outside.path(), store.path() + "/root/escape");
    auto url = server.start(store.path() + "/root", "127.0.0.1:0");
    ASSERT_TRUE(url.ok()) << url.error().to_string();
    base = *url;
  }
  TempDir store, outside;
  ArtifactServer server;
  std::string base;
  std::string payload = std::string(200000, 'p') + "end";
};

TEST_F(ServerTest, GetServesTheFile) {
  auto r = http(base, "GET", "/gitrepository/ns/app/abc.tar.gz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, payload);
  EXPECT_NE(r.headers.find("Content-Length: " + std::to_string(payload.size())), std::string::npos)
      << r.headers;
  EXPECT_NE(r.headers.find("application/x-gzip"), std::string::npos);
  EXPECT_NE(r.headers.find("Last-Modified: "), std::string::npos);
}

TEST_F(ServerTest, HeadSendsHeadersOnly) {
  auto r = http(base, "HEAD", "/gitrepository/ns/app/abc.tar.gz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_NE(r.headers.find("Content-Length: " + std::to_string(payload.size())), std::string::npos)
      << r.headers;
}

TEST_F(ServerTest, MissingFilesDirectoriesAndOtherMethodsAre404) {
  for (const char* path : {"/gitrepository/ns/app/nope.tar.gz", "/", "/gitrepository",
                           "/gitrepository/ns/app/", "/gitrepository/ns/app"}) {
    EXPECT_EQ(http(base, "GET", path).status, 404) << path;
  }
  EXPECT_EQ(http(base, "POST", "/gitrepository/ns/app/abc.tar.gz", "x").status, 404);
  EXPECT_EQ(http(base, "DELETE", "/gitrepository/ns/app/abc.tar.gz").status, 404);
  EXPECT_TRUE(std::filesystem::exists(store.path() + "/root/gitrepository/ns/app/abc.tar.gz"));
}

TEST_F(ServerTest, TraversalAttemptsAre404) {
  for (const char* path :
       {"/../secret", "/gitrepository/../../secret", "/%2e%2e/secret", "/%2E%2E/%2e%2e/secret",
        "/gitrepository/ns/app/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2fsecret",
        "/%2e%2e%2fsecret", "/gitrepository/./ns/app/abc.tar.gz", "//etc/passwd",
        "/gitrepository//ns/app/abc.tar.gz", "/escape/secret", "/gitrepository/ns/app/link.tar.gz",
        "/gitrepository/ns/app/.tmp-x", "/gitrepository/ns/app/abc.tar.gz%00.png", "/..\\secret",
        "/etc/passwd"}) {
    auto r = http(base, "GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.body.find("top secret"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
  }
}

TEST_F(ServerTest, PercentEncodedNamesAreDecoded) {
  test::put(store.path(), "root/gitrepository/ns/app/a b.tar.gz", "spaced");
  auto r = http(base, "GET", "/gitrepository/ns/app/a%20b.tar.gz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "spaced");
}

TEST_F(ServerTest, StopThenStartAgain) {
  server.stop();
  EXPECT_EQ(http(base, "GET", "/gitrepository/ns/app/abc.tar.gz").status, 0);
  auto url = server.start(store.path() + "/root", "127.0.0.1:0");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(http(*url, "GET", "/gitrepository/ns/app/abc.tar.gz").status, 200);
}

TEST(ArtifactServer, RefusesBadArguments) {
  ArtifactServer s;
  EXPECT_FALSE(s.start("/nonexistent/oc-source", "127.0.0.1:0").ok());
  TempDir t;
  EXPECT_FALSE(s.start(t.path(), "no-port").ok());
  auto ok = s.start(t.path(), "127.0.0.1:0");
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(s.start(t.path(), "127.0.0.1:0").ok());  // already running
}

}  // namespace
}  // namespace oc::source
