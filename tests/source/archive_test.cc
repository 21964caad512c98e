// Storage::archive: Flux's artifact format (determinism, header normalisation, walk order,
// filtering), read back with libarchive, GNU tar and Python's tarfile, and compared byte for
// byte with Go's archive/tar writing the same headers Flux writes.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "helpers.h"
#include "source/artifact.h"
#include "source/digest.h"
#include "source/tar_writer.h"

namespace oc::source {
namespace {

using oc::test::TempDir;
using test::put;

std::string fluxgo() {
#ifdef OC_FLUXGO
  if (const char* e = std::getenv("OC_FLUXGO")) return e;
  return OC_FLUXGO;
#else
  return "";
#endif
}

// A tree with the shapes that matter: nesting, an empty directory, executables, odd modes.
void make_tree(const std::string& root) {
  put(root, "README.md", "# hello\n");
  put(root, "apps/base/deploy.yaml", "kind: Deployment\n", 0664);
  put(root, "apps/base/kustomization.yaml", "resources: [deploy.yaml]\n", 0600);
  put(root, "apps/prod/kustomization.yaml", "resources: [../base]\n", 0444);
  put(root, "scripts/run.sh", "#!/bin/sh\necho hi\n", 0755);
  put(root, "scripts/only-group-exec", "x", 0610);
  put(root, "a.txt", std::string(512, 'a'));
  put(root, "a", "file named a sorts before a.txt and a/", 0644);
  put(root, "b/c", "", 0644);
  test::mkdirs(root, "empty");
  ::chmod((root + "/apps").c_str(), 0777);
}

std::string read(const std::string& p) {
  return oc::test::read_all(p);
}

TEST(Archive, WritesArtifactFieldsAndFile) {
  TempDir store, src;
  make_tree(src.path());
  Storage s(store.path(), "http://127.0.0.1:9090/");
  auto a = s.archive("GitRepository", "flux-system", "app", "abc123.tar.gz", src.path(),
                     IgnoreRules::none(), "main@sha1:abc123");
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  EXPECT_EQ(a->path, "gitrepository/flux-system/app/abc123.tar.gz");
  EXPECT_EQ(a->url, "http://127.0.0.1:9090/gitrepository/flux-system/app/abc123.tar.gz");
  EXPECT_EQ(a->revision, "main@sha1:abc123");
  std::string bytes = read(s.local_path(*a));
  EXPECT_EQ(a->size, int64_t(bytes.size()));
  EXPECT_EQ(a->digest, detail::sha256_digest(bytes));
  EXPECT_EQ(a->last_update_time.size(), 20u);
  EXPECT_EQ(a->last_update_time[10], 'T');
  EXPECT_EQ(a->last_update_time.back(), 'Z');
  struct stat st;
  ASSERT_EQ(::stat(s.local_path(*a).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  // Only the artifact is left in the object's directory (no temporary file).
  int n = 0;
  for (auto& e :
       std::filesystem::directory_iterator(store.path() + "/gitrepository/flux-system/app")) {
    (void)e;
    ++n;
  }
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(s.verify(*a));
}

TEST(Archive, SameTreeGivesSameBytes) {
  TempDir store, src;
  make_tree(src.path());
  Storage s(store.path(), "http://x");
  auto a1 = s.archive("GitRepository", "ns", "a", "1.tar.gz", src.path(), IgnoreRules::none(), "r");
  auto a2 = s.archive("GitRepository", "ns", "a", "2.tar.gz", src.path(), IgnoreRules::none(), "r");
  ASSERT_TRUE(a1.ok() && a2.ok());
  EXPECT_EQ(a1->digest, a2->digest);
  EXPECT_EQ(read(s.local_path(*a1)), read(s.local_path(*a2)));
}

TEST(Archive, MtimesOwnersAndNonExecModeBitsDoNotChangeTheDigest) {
  TempDir store, src1, src2;
  make_tree(src1.path());
  make_tree(src2.path());
  for (auto& e : std::filesystem::recursive_directory_iterator(src2.path())) {
    test::set_mtime(e.path().string(), 1234567890);
    if (::geteuid() == 0) {
      ASSERT_EQ(::lchown(e.path().c_str(), 1234, 5678), 0);
    }
  }
  // Permission noise that Flux normalises away: 0600/0644/0666 are all 0600, any x bit is 0700.
  ::chmod((src2.path() + "/README.md").c_str(), 0666);
  ::chmod((src2.path() + "/scripts/run.sh").c_str(), 0711);
  ::chmod((src2.path() + "/apps").c_str(), 0700);
  Storage s(store.path(), "http://x");
  auto a1 =
      s.archive("GitRepository", "ns", "a", "1.tar.gz", src1.path(), IgnoreRules::none(), "r");
  auto a2 =
      s.archive("GitRepository", "ns", "a", "2.tar.gz", src2.path(), IgnoreRules::none(), "r");
  ASSERT_TRUE(a1.ok() && a2.ok());
  EXPECT_EQ(a1->digest, a2->digest);
}

TEST(Archive, ContentChangeChangesTheDigest) {
  TempDir store, src;
  make_tree(src.path());
  Storage s(store.path(), "http://x");
  auto a1 = s.archive("GitRepository", "ns", "a", "1.tar.gz", src.path(), IgnoreRules::none(), "r");
  put(src.path(), "README.md", "# hello!\n");
  auto a2 = s.archive("GitRepository", "ns", "a", "2.tar.gz", src.path(), IgnoreRules::none(), "r");
  ASSERT_TRUE(a1.ok() && a2.ok());
  EXPECT_NE(a1->digest, a2->digest);
}

TEST(Archive, HeadersAreNormalisedAndInLexicalWalkOrder) {
  TempDir store, src;
  make_tree(src.path());
  std::filesystem::create_symlink("README.md", src.path() + "/link");
  std::filesystem::create_directory_symlink("apps", src.path() + "/applink");
  ASSERT_EQ(::mkfifo((src.path() + "/fifo").c_str(), 0644), 0);
  Storage s(store.path(), "http://x");
  auto a = s.archive("GitRepository", "ns", "a", "x.tar.gz", src.path(), IgnoreRules::none(), "r");
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  auto entries = test::read_tar(read(s.local_path(*a)));
  std::vector<std::string> names;
  for (const auto& e : entries) {
    names.push_back(e.name);
    EXPECT_EQ(e.uid, 0) << e.name;
    EXPECT_EQ(e.gid, 0) << e.name;
    EXPECT_EQ(e.uname, "") << e.name;
    EXPECT_EQ(e.gname, "") << e.name;
    EXPECT_EQ(e.mtime, 0) << e.name;
    if (e.type == 'd') {
      EXPECT_EQ(e.mode, 0750) << e.name;
    } else {
      ASSERT_EQ(e.type, 'f') << e.name;
      bool exec = e.name == "scripts/run.sh" || e.name == "scripts/only-group-exec";
      EXPECT_EQ(e.mode, exec ? 0700 : 0600) << e.name;
    }
  }
  // filepath.Walk: the root ".", then each directory's entries in byte order, depth first;
  // symlinks and the FIFO are left out; directory names carry no trailing slash.
  std::vector<std::string> want = {".",
                                   "README.md",
                                   "a",
                                   "a.txt",
                                   "apps",
                                   "apps/base",
                                   "apps/base/deploy.yaml",
                                   "apps/base/kustomization.yaml",
                                   "apps/prod",
                                   "apps/prod/kustomization.yaml",
                                   "b",
                                   "b/c",
                                   "empty",
                                   "scripts",
                                   "scripts/only-group-exec",
                                   "scripts/run.sh"};
  EXPECT_EQ(names, want);
  std::string tar = test::gunzip(read(s.local_path(*a)));
  // The gzip header is Go's: no name, no time, OS unknown.
  std::string gz = read(s.local_path(*a));
  EXPECT_EQ(gz.substr(0, 10), std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10));
  // Two zero blocks end the tar, with no padding to a 10 KiB record (Go does not pad).
  EXPECT_EQ(tar.size() % 512, 0u);
  EXPECT_EQ(tar.substr(tar.size() - 1024), std::string(1024, '\0'));
  EXPECT_NE(tar.substr(tar.size() - 1536, 512), std::string(512, '\0'));
}

TEST(Archive, ListsLikeAFluxArtifactWithGnuTarAndPython) {
  TempDir store, src;
  make_tree(src.path());
  Storage s(store.path(), "http://x");
  auto a = s.archive("GitRepository", "ns", "a", "x.tar.gz", src.path(), IgnoreRules::none(), "r");
  ASSERT_TRUE(a.ok());
  std::string file = s.local_path(*a);
  if (oc::test::on_path("tar")) {
    auto r = oc::test::run("TZ=UTC tar --numeric-owner -tvzf '" + file + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    std::istringstream lines(r.out);
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line, "drwxr-x--- 0/0               0 1970-01-01 00:00 .");
    std::getline(lines, line);
    EXPECT_EQ(line, "-rw------- 0/0               8 1970-01-01 00:00 README.md");
    bool saw_exec = false, saw_dir = false;
    while (std::getline(lines, line)) {
      if (line.find(" scripts/run.sh") != std::string::npos) {
        saw_exec = line.rfind("-rwx------ 0/0", 0) == 0;
      }
      if (line.size() > 5 && line.compare(line.size() - 5, 5, " apps") == 0) {
        saw_dir = line.rfind("drwxr-x--- 0/0", 0) == 0;
      }
    }
    EXPECT_TRUE(saw_exec);
    EXPECT_TRUE(saw_dir);
  }
  if (oc::test::on_path("python3")) {
    auto r = oc::test::run(
        "python3 -c 'import sys,tarfile\n"
        "for m in tarfile.open(sys.argv[1]):\n"
        "  print(m.name, m.type.decode(), oct(m.mode), m.uid, m.gid, repr(m.uname), repr(m.gname), "
        "m.mtime, m.size)' '" +
        file + "'");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find(". 5 0o750 0 0 '' '' 0 0\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("apps 5 0o750 0 0 '' '' 0 0\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("scripts/run.sh 0 0o700 0 0 '' '' 0 18\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("a.txt 0 0o600 0 0 '' '' 0 512\n"), std::string::npos) << r.out;
  }
}

// The names that push Go's writer from USTAR to a split prefix or to PAX.
void make_awkward_tree(const std::string& root) {
  std::string d50(50, 'd'), f90(90, 'f'), f120(120, 'g');
  put(root, d50 + "/" + d50 + "/" + f90, "split into prefix and name");  // > 100, splittable
  put(root, d50 + "/" + f120, "component longer than 100: PAX");
  put(root, d50 + "/" + d50 + "/" + d50 + "/" + d50 + "/" + f90, "> 255 bytes: PAX");
  put(root, "caf\xc3\xa9/na\xc3\xafve.yaml", "non-ASCII: PAX");
  put(root, "bad-\xff-utf8", "invalid UTF-8: PAX");
  put(root, "sp ace & quote'\"", "ASCII punctuation: USTAR");
  put(root, std::string(100, 'x'), "exactly 100: USTAR");
  put(root, std::string(101, 'y'), "101 without a slash: PAX");
  put(root, "big", std::string(70000, 'z'));
  put(root, "exe", "#!/bin/sh\n", 0755);
  test::mkdirs(root, "e/m/p/t/y");
}

TEST(Archive, TarStreamIsByteForByteWhatGoArchiveTarWrites) {
  std::string go = fluxgo();
  if (go.empty() || !oc::test::executable(go)) GTEST_SKIP() << "Go oracle not built";
  TempDir store, src, out;
  make_tree(src.path());
  make_awkward_tree(src.path());
  Storage s(store.path(), "http://x");
  auto a = s.archive("GitRepository", "ns", "a", "x.tar.gz", src.path(), IgnoreRules::none(), "r");
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  std::string theirs_file = out.file("go.tar.gz");
  auto r = oc::test::run("'" + go + "' tar '" + src.path() + "' '" + theirs_file + "'");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string ours = read(s.local_path(*a)), theirs = read(theirs_file);
  // Same gzip header; the deflate streams differ (zlib vs Go's compress/flate).
  EXPECT_EQ(ours.substr(0, 10), theirs.substr(0, 10));
  std::string ours_tar = test::gunzip(ours), theirs_tar = test::gunzip(theirs);
  ASSERT_EQ(ours_tar.size(), theirs_tar.size());
  for (size_t off = 0; off < ours_tar.size(); off += 512) {
    if (ours_tar.compare(off, 512, theirs_tar, off, 512) != 0) {
      FAIL() << "first different block at offset " << off;
    }
  }
  if (oc::test::on_path("tar")) {
    auto l1 = oc::test::run("TZ=UTC tar -tvzf '" + s.local_path(*a) + "'");
    auto l2 = oc::test::run("TZ=UTC tar -tvzf '" + theirs_file + "'");
    EXPECT_EQ(l1.out, l2.out);
    EXPECT_EQ(l1.err, l2.err);
  }
}

TEST(Archive, AwkwardNamesRoundTripThroughExtract) {
  TempDir store, src;
  make_awkward_tree(src.path());
  Storage s(store.path(), "http://x");
  auto a = s.archive("GitRepository", "ns", "a", "x.tar.gz", src.path(), IgnoreRules::none(), "r");
  ASSERT_TRUE(a.ok()) << a.error().to_string();
  auto files = extract(read(s.local_path(*a)));
  ASSERT_TRUE(files.ok()) << files.error().to_string();
  size_t n = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(src.path())) {
    if (!e.is_regular_file()) continue;
    std::string rel = e.path().string().substr(src.path().size() + 1);
    ASSERT_TRUE(files->count(rel)) << rel;
    EXPECT_EQ(files->at(rel), read(e.path().string())) << rel;
    ++n;
  }
  EXPECT_EQ(files->size(), n);
}

TEST(Archive, GoTarHeaderFieldsForUstarAndPax) {
  std::string h = detail::go_tar_header("dir", detail::EntryType::kDirectory, 0750, 0);
  ASSERT_EQ(h.size(), 512u);
  EXPECT_EQ(h.substr(0, 4), std::string("dir\0", 4));
  EXPECT_EQ(h.substr(100, 8), std::string("0000750\0", 8));
  EXPECT_EQ(h.substr(108, 8), std::string("0000000\0", 8));
  EXPECT_EQ(h.substr(124, 12), std::string("00000000000\0", 12));
  EXPECT_EQ(h.substr(136, 12), std::string("00000000000\0", 12));
  EXPECT_EQ(h[156], '5');
  EXPECT_EQ(h.substr(257, 8), std::string("ustar\0"
                                          "00",
                                          8));
  EXPECT_EQ(h.substr(329, 16), std::string("0000000\0"
                                           "0000000\0",
                                           16));
  EXPECT_EQ(h[155], ' ');
  EXPECT_EQ(h[154], '\0');
  // > 8 GiB: PAX "size" record, size field zero.
  std::string big = detail::go_tar_header("f", detail::EntryType::kFile, 0600, int64_t(1) << 34);
  ASSERT_EQ(big.size(), 1536u);
  EXPECT_EQ(big[156], 'x');
  EXPECT_EQ(big.substr(0, 15), std::string("PaxHeaders.0/f\0", 15));
  EXPECT_EQ(big.substr(512, 20), "20 size=17179869184\n");
  EXPECT_EQ(big.substr(1024 + 124, 12), std::string("00000000000\0", 12));
}

TEST(Archive, DefaultIgnoreRulesLeaveOutVcsCiAndImages) {
  TempDir store, src;
  put(src.path(), "deploy.yaml", "a");
  put(src.path(), ".git/config", "b");
  put(src.path(), ".git/objects/ab/cd", "c");
  put(src.path(), ".github/workflows/ci.yaml", "d");
  put(src.path(), "logo.png", "e");
  put(src.path(), "sub/.sops.yaml", "f");
  put(src.path(), ".gitignore", "g");
  auto rules = IgnoreRules::load(src.path(), std::nullopt);
  ASSERT_TRUE(rules.ok());
  Storage s(store.path(), "http://x");
  auto a = s.archive("GitRepository", "ns", "a", "x.tar.gz", src.path(), *rules, "r");
  ASSERT_TRUE(a.ok());
  std::vector<std::string> names;
  for (auto& e : test::read_tar(read(s.local_path(*a)))) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{".", "deploy.yaml", "sub"}));
}

TEST(Archive, NegationBelowAnIgnoredDirectoryKeepsTheFileWithoutItsDirectory) {
  // Flux's filter skips "foo" itself but Walk still enters it, and "!foo/keep" matches.
  TempDir store, src;
  put(src.path(), "foo/keep", "k");
  put(src.path(), "foo/drop", "d");
  put(src.path(), "bar.yaml", "b");
  IgnoreRules rules = IgnoreRules::from_spec("foo/\n!foo/keep\n");
  Storage s(store.path(), "http://x");
  auto a = s.archive("GitRepository", "ns", "a", "x.tar.gz", src.path(), rules, "r");
  ASSERT_TRUE(a.ok());
  std::vector<std::string> names;
  for (auto& e : test::read_tar(read(s.local_path(*a)))) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{".", "bar.yaml", "foo/keep"}));
  auto files = extract(read(s.local_path(*a)));
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->count("foo/keep"), 1u);
}

TEST(Archive, FluxExampleRepositoryArchivesOnlyItsManifestDirectories) {
  std::string dir = std::string(OC_CONFORMANCE_DIR) + "/flux-example";
  if (std::string(OC_CONFORMANCE_DIR).empty() || !std::filesystem::exists(dir + "/.sourceignore")) {
    GTEST_SKIP() << "conformance flux-example not found";
  }
  TempDir store;
  auto rules = IgnoreRules::load(dir, std::nullopt);
  ASSERT_TRUE(rules.ok());
  Storage s(store.path(), "http://x");
  auto a = s.archive("GitRepository", "flux-system", "flux-system", "x.tar.gz", dir, *rules, "r");
  ASSERT_TRUE(a.ok());
  std::set<std::string> tops;
  for (auto& e : test::read_tar(read(s.local_path(*a))))
    tops.insert(e.name.substr(0, e.name.find('/')));
  EXPECT_EQ(tops, (std::set<std::string>{".", "apps", "clusters", "infrastructure"}));
}

TEST(Archive, EmptyDirectoryGivesARootOnlyArchive) {
  TempDir store, src;
  Storage s(store.path(), "http://x");
  auto a = s.archive("GitRepository", "ns", "a", "x.tar.gz", src.path(), IgnoreRules::none(), "r");
  ASSERT_TRUE(a.ok());
  auto entries = test::read_tar(read(s.local_path(*a)));
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].name, ".");
  auto files = extract(read(s.local_path(*a)));
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty());
}

TEST(Archive, RefusesAMissingDirectoryAndBadNames) {
  TempDir store, src;
  Storage s(store.path(), "http://x");
  EXPECT_FALSE(s.archive("GitRepository", "ns", "a", "x.tar.gz", src.path() + "/nope",
                         IgnoreRules::none(), "r")
                   .ok());
  EXPECT_FALSE(
      s.archive("GitRepository", "..", "a", "x.tar.gz", src.path(), IgnoreRules::none(), "r").ok());
  EXPECT_FALSE(
      s.archive("GitRepository", "ns", "a/b", "x.tar.gz", src.path(), IgnoreRules::none(), "r")
          .ok());
  EXPECT_FALSE(
      s.archive("GitRepository", "ns", "a", "", src.path(), IgnoreRules::none(), "r").ok());
  EXPECT_FALSE(std::filesystem::exists(store.path() + "/gitrepository"));
}

TEST(Archive, PathTooLongFailsAndLeavesNoTemporaryFile) {
  // 25 nested 200-byte names: past PATH_MAX, as a hostile repository could be. Go's Walk fails
  // on it too.
  TempDir store, src;
  int fd = ::open(src.path().c_str(), O_RDONLY | O_DIRECTORY);
  for (int i = 0; i < 25; ++i) {
    std::string name(200, char('a' + i % 26));
    ASSERT_EQ(::mkdirat(fd, name.c_str(), 0755), 0);
    int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY);
    ::close(fd);
    fd = next;
  }
  ::close(fd);
  Storage s(store.path(), "http://x");
  auto a = s.archive("GitRepository", "ns", "a", "x.tar.gz", src.path(), IgnoreRules::none(), "r");
  EXPECT_FALSE(a.ok());
  EXPECT_TRUE(std::filesystem::is_empty(store.path() + "/gitrepository/ns/a"));
  // TempDir cannot remove what it cannot name: take the tree apart from the bottom.
  EXPECT_EQ(oc::test::run("cd '" + src.path() + "' && rm -rf -- *").exit_code, 0);
}

TEST(Archive, UnreadableFileFailsAndLeavesNoTemporaryFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  TempDir store, src;
  put(src.path(), "secret", "x", 0000);
  Storage s(store.path(), "http://x");
  auto a = s.archive("GitRepository", "ns", "a", "x.tar.gz", src.path(), IgnoreRules::none(), "r");
  EXPECT_FALSE(a.ok());
  EXPECT_TRUE(std::filesystem::is_empty(store.path() + "/gitrepository/ns/a"));
}

}  // namespace
}  // namespace oc::source
