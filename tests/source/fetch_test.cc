// fetch() and extract(): round trip through the server, digest and HTTP failures, retries,
// and hostile tarballs (made here byte by byte, and with Python's tarfile when present).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "core/base64.h"
#include "helpers.h"
#include "source/artifact.h"
#include "source/digest.h"

namespace oc::source {
namespace {

using oc::test::TempDir;
using test::raw_entry;
using test::raw_header;
using test::tar_end;

FetchLimits fast() {
  FetchLimits l;
  l.retry_wait_min_ms = 10;
  l.retry_wait_max_ms = 40;
  l.timeout_seconds = 10;
  return l;
}

TEST(Fetch, RoundTripThroughStorageAndServer) {
  TempDir store, src;
  test::put(src.path(), "apps/deploy.yaml", "kind: Deployment\n");
  test::put(src.path(), "apps/secret.enc.yaml", "sops: {}\n");
  test::put(src.path(), "kustomization.yaml", "resources: [apps/deploy.yaml]\n");
  test::put(src.path(), "logo.png", "png");  // a default exclusion
  ArtifactServer server;
  auto base = server.start(store.path(), "127.0.0.1:0");
  ASSERT_TRUE(base.ok());
  Storage s(store.path(), *base);
  auto rules = IgnoreRules::load(src.path(), std::nullopt);
  ASSERT_TRUE(rules.ok());
  auto a = s.archive("GitRepository", "ns", "app", "sha.tar.gz", src.path(), *rules, "main@sha1:x");
  ASSERT_TRUE(a.ok());
  auto files = fetch(a->url, a->digest, fast());
  ASSERT_TRUE(files.ok()) << files.error().to_string();
  EXPECT_EQ(*files, (FileTree{{"apps/deploy.yaml", "kind: Deployment\n"},
                              {"apps/secret.enc.yaml", "sops: {}\n"},
                              {"kustomization.yaml", "resources: [apps/deploy.yaml]\n"}}));
  // A bare hex digest means sha256, as in fluxcd/pkg http/fetch.
  auto bare = fetch(a->url, a->digest.substr(7), fast());
  EXPECT_TRUE(bare.ok());
}

TEST(Fetch, DigestMismatchIsAnErrorAndReturnsNothing) {
  TempDir store, src;
  test::put(src.path(), "a.yaml", "a: 1\n");
  ArtifactServer server;
  auto base = server.start(store.path(), "127.0.0.1:0");
  ASSERT_TRUE(base.ok());
  Storage s(store.path(), *base);
  auto a =
      s.archive("GitRepository", "ns", "app", "x.tar.gz", src.path(), IgnoreRules::none(), "r");
  ASSERT_TRUE(a.ok());
  auto r = fetch(a->url, detail::sha256_digest("something else"), fast());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("digest"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("a: 1"), std::string::npos);  // no content in errors
  EXPECT_FALSE(fetch(a->url, "", fast()).ok());
  EXPECT_FALSE(fetch(a->url, "sha256:zz", fast()).ok());
  EXPECT_FALSE(fetch(a->url, "md5:" + std::string(32, 'a'), fast()).ok());
}

TEST(Fetch, NotFoundHasCode404AndIsNotRetried) {
  TempDir store;
  ArtifactServer server;
  auto base = server.start(store.path(), "127.0.0.1:0");
  ASSERT_TRUE(base.ok());
  FetchLimits l = fast();
  l.retry_wait_min_ms = 2000;  // a retry would show in the time taken
  auto t0 = std::chrono::steady_clock::now();
  auto r = fetch(*base + "/gitrepository/ns/app/missing.tar.gz", detail::sha256_digest(""), l);
  auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 404);
  EXPECT_LT(took, std::chrono::milliseconds(1500));
}

// A server whose first `failures` answers to a path are `status`.
class FlakyServer {
 public:
  FlakyServer(int failures, int status, std::string body) : failures_(failures), status_(status) {
    server_.Get("/a.tar.gz", [this, body](const httplib::Request&, httplib::Response& res) {
      if (hits_++ < failures_) {
        res.status = status_;
        res.set_content("try again", "text/plain");
        return;
      }
      res.set_content(body, "application/x-gzip");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FlakyServer() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/a.tar.gz"; }
  int hits() const { return hits_; }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  int failures_, status_;
  std::atomic<int> hits_{0};
};

std::string small_artifact() {
  return test::gzip(raw_entry("a.yaml", '0', "a: 1\n") + tar_end());
}

TEST(Fetch, RetriesServerErrorsUntilTheServerRecovers) {
  std::string body = small_artifact();
  FlakyServer server(2, 503, body);
  auto r = fetch(server.url(), detail::sha256_digest(body), fast());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(server.hits(), 3);
  EXPECT_EQ(r->at("a.yaml"), "a: 1\n");
}

TEST(Fetch, GivesUpAfterTheRetriesWithTheLastStatus) {
  std::string body = small_artifact();
  FlakyServer server(100, 500, body);
  FetchLimits l = fast();
  l.retries = 2;
  auto r = fetch(server.url(), detail::sha256_digest(body), l);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 500);
  EXPECT_EQ(server.hits(), 3);
}

TEST(Fetch, DoesNotRetryNotImplementedOrClientErrors) {
  std::string body = small_artifact();
  for (int status : {501, 403, 400}) {
    FlakyServer server(100, status, body);
    auto r = fetch(server.url(), detail::sha256_digest(body), fast());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, status);
    EXPECT_EQ(server.hits(), 1) << status;
  }
}

TEST(Fetch, RetriesConnectionFailures) {
  FetchLimits l = fast();
  l.retries = 1;
  auto r = fetch("http://127.0.0.1:1/a.tar.gz", detail::sha256_digest(""), l);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, 0);
}

TEST(Fetch, RefusesDownloadsOverTheLimit) {
  std::string body = test::gzip(raw_entry("big", '0', std::string(100000, 'r')) + tar_end(), 0);
  FlakyServer server(0, 200, body);
  FetchLimits l = fast();
  l.max_compressed = 1000;
  auto r = fetch(server.url(), detail::sha256_digest(body), l);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("max download size"), std::string::npos) << r.error().message;
  EXPECT_EQ(server.hits(), 1);
}

TEST(Fetch, RefusesNonHttpSchemes) {
  auto r = fetch("file:///etc/passwd", detail::sha256_digest(""), fast());
  EXPECT_FALSE(r.ok());
}

// --- extract() on hostile and odd tarballs ---

core::Result<FileTree> extract_tar(const std::string& tar, const FetchLimits& l = {}) {
  return extract(test::gzip(tar), l);
}

void expect_refused(const std::string& tar, const std::string& why, const FetchLimits& l = {}) {
  auto r = extract_tar(tar, l);
  ASSERT_FALSE(r.ok()) << "accepted: " << why;
  EXPECT_NE(r.error().message.find(why), std::string::npos) << r.error().message;
}

TEST(Extract, RefusesPathsThatEscape) {
  expect_refused(raw_entry("../x", '0', "x") + tar_end(), "escapes");
  expect_refused(raw_entry("a/../../x", '0', "x") + tar_end(), "escapes");
  expect_refused(raw_entry("a/..", '5', "") + tar_end(), "escapes");
  expect_refused(raw_entry("/abs", '0', "x") + tar_end(), "escapes");
  expect_refused(raw_entry("/", '5', "") + tar_end(), "escapes");
}

TEST(Extract, RefusesLinksDevicesAndFifos) {
  expect_refused(raw_entry("l", '2', "", "/etc/passwd") + tar_end(), "symbolic link");
  expect_refused(raw_entry("a", '0', "x") + raw_entry("h", '1', "", "a") + tar_end(), "hard link");
  expect_refused(raw_entry("h", '1', "", "/etc/shadow") + tar_end(), "hard link");
  expect_refused(raw_entry("c", '3', "") + tar_end(), "devices");
  expect_refused(raw_entry("b", '4', "") + tar_end(), "devices");
  expect_refused(raw_entry("p", '6', "") + tar_end(), "FIFOs");
}

TEST(Extract, RefusesHugeDeclaredSizesBeforeReading) {
  // 10 GiB declared, nothing behind it: refused on the header, nothing allocated.
  expect_refused(raw_header("huge", '0', uint64_t(10) << 30) + tar_end(), "limit");
  FetchLimits l;
  l.max_uncompressed = 1000;
  expect_refused(raw_entry("a", '0', std::string(600, 'a')) +
                     raw_entry("b", '0', std::string(600, 'b')) + tar_end(),
                 "limit", l);
}

TEST(Extract, RefusesAGzipBombOverTheLimit) {
  // 64 MiB of zeros compress to ~64 KiB.
  std::string tar = raw_entry("zeros", '0', std::string(size_t(64) << 20, '\0')) + tar_end();
  std::string gz = test::gzip(tar, 9);
  ASSERT_LT(gz.size(), size_t(200) << 10);
  FetchLimits l;
  l.max_uncompressed = size_t(16) << 20;
  auto r = extract(gz, l);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("limit"), std::string::npos);
  l.max_uncompressed = size_t(128) << 20;
  EXPECT_TRUE(extract(gz, l).ok());
}

TEST(Extract, RefusesTooManyEntries) {
  std::string tar;
  for (int i = 0; i < 20; ++i) tar += raw_entry("f" + std::to_string(i), '0', "x");
  FetchLimits l;
  l.max_files = 10;
  expect_refused(tar + tar_end(), "more than 10 entries", l);
  l.max_files = 20;
  EXPECT_TRUE(extract_tar(tar + tar_end(), l).ok());
}

TEST(Extract, RefusesAPathThatIsBothFileAndDirectory) {
  expect_refused(raw_entry("a", '0', "x") + raw_entry("a/b", '0', "y") + tar_end(), "both");
  expect_refused(raw_entry("a/b", '0', "y") + raw_entry("a", '0', "x") + tar_end(), "both");
  expect_refused(raw_entry("a", '5', "") + raw_entry("a", '0', "x") + tar_end(), "both");
  expect_refused(raw_entry("a", '0', "x") + raw_entry("a", '5', "") + tar_end(), "both");
}

TEST(Extract, RefusesNonGzipTruncatedAndCorruptInput) {
  std::string tar = raw_entry("a", '0', "hello") + tar_end();
  auto plain = extract(tar);
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message.find("gzip"), std::string::npos);
  std::string gz = test::gzip(raw_entry("a", '0', std::string(100000, 'q')) + tar_end(), 0);
  EXPECT_FALSE(extract(gz.substr(0, gz.size() / 2)).ok());
  EXPECT_FALSE(extract(test::gzip("not a tar at all, just text")).ok());
  EXPECT_FALSE(extract("").ok());
  std::string bad_checksum = raw_entry("a", '0', "x") + tar_end();
  bad_checksum[148] = '7';
  EXPECT_FALSE(extract_tar(bad_checksum).ok());
}

TEST(Extract, OpenFailureWithoutALibarchiveMessageIsAnError) {
  // Found by fuzz/artifact_extract_fuzz: archive_read_open_memory fails on this gzip stream
  // without setting an error string, which was dereferenced.
  const char kB64[] =
      "H4sIAAAAAAACA+3VvQ6DIBiFYWavghuoYhRNnHsjpDKYihqlSe3Vl7jVNO2k6c/7LB8DCcPhQJyIzamg1GqZwXo+WRd"
      "hv5Ba7OAyeTOGI8V/MsMwJZ+Xf6ky8t8t/9oObT/Hs3HtVvkX6kX+uX7MP02VLoVU5C2/uXPT1ZU8LhfA2c5HznpT"
      "G2+qSMrOOFsv48lOVXSQ68+A4gMAAAAAAAAAAADA17gDtNEpnygAAA==";
  auto bytes = oc::core::base64_decode(kB64);
  ASSERT_TRUE(bytes.has_value());
  EXPECT_FALSE(extract(*bytes).ok());
}

TEST(Extract, AcceptsDotSlashNamesDirectoriesAndDuplicates) {
  auto r = extract_tar(raw_entry("./", '5', "") + raw_entry("./a/", '5', "") +
                       raw_entry("./a/b.yaml", '0', "one") + raw_entry("a//c", '0', "c") +
                       raw_entry("a/b.yaml", '0', "two") + tar_end());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(*r, (FileTree{{"a/b.yaml", "two"}, {"a/c", "c"}}));
}

TEST(Extract, EmptyArchiveIsAnEmptyTree) {
  auto r = extract_tar(tar_end());
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_TRUE(r->empty());
}

TEST(Extract, HostileTarballsMadeByPythonTarfile) {
  if (!oc::test::on_path("python3")) GTEST_SKIP() << "python3 not installed";
  TempDir t;
  // Each case: a tarfile script body run with `tf` open for writing; the expected refusal.
  struct Case {
    const char* script;
    const char* why;
  } cases[] = {
      {"add(tf, '../evil', b'x')", "escapes"},
      {"add(tf, '/etc/evil', b'x')", "escapes"},
      {"i = tarfile.TarInfo('link'); i.type = tarfile.SYMTYPE; i.linkname = '../../etc/passwd'; "
       "tf.addfile(i)",
       "symbolic link"},
      {"add(tf, 'a', b'x'); i = tarfile.TarInfo('h'); i.type = tarfile.LNKTYPE; i.linkname = 'a'; "
       "tf.addfile(i)",
       "hard link"},
      {"i = tarfile.TarInfo('dev'); i.type = tarfile.CHRTYPE; i.devmajor = 1; i.devminor = 3; "
       "tf.addfile(i)",
       "devices"},
      {"i = tarfile.TarInfo('fifo'); i.type = tarfile.FIFOTYPE; tf.addfile(i)", "FIFOs"},
      {"add(tf, 'x/' * 60 + '../' * 80 + 'evil', b'x')", "escapes"},  // PAX long name
  };
  int n = 0;
  for (const Case& c : cases) {
    std::string out = t.file("case" + std::to_string(n++) + ".tar.gz");
    std::string py =
        "import io, sys, tarfile\n"
        "def add(tf, name, data):\n"
        "  i = tarfile.TarInfo(name); i.size = len(data); tf.addfile(i, io.BytesIO(data))\n"
        "with tarfile.open(sys.argv[1], 'w:gz', format=tarfile.PAX_FORMAT) as tf:\n"
        "  " +
        std::string(c.script) + "\n";
    std::string script = t.write("make.py", py);
    auto r = oc::test::run("python3 '" + script + "' '" + out + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto files = extract(oc::test::read_all(out));
    ASSERT_FALSE(files.ok()) << c.script;
    EXPECT_NE(files.error().message.find(c.why), std::string::npos)
        << c.script << ": " << files.error().message;
  }
}

}  // namespace
}  // namespace oc::source
