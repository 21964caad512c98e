// `opencenter age` end to end: flags, exit codes, messages, files on disk.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "helpers.h"
#include "support/process.h"

namespace oc::crypto {
namespace {

using oc::test::run;
using oc::test::TempDir;

const std::string kOc = OC_BINARY;

std::string recipient_of(const std::string& key_file) {
  std::string r = run(kOc + " age keygen -y " + key_file).out;
  while (!r.empty() && r.back() == '\n') r.pop_back();
  return r;
}

mode_t mode_of(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0;
}

TEST(CliAge, KeygenWritesA0600FileAndNeverOverwrites) {
  TempDir d;
  auto r = run(kOc + " age keygen -o " + d.file("k.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(mode_of(d.file("k.txt")), 0600u);
  EXPECT_EQ(r.err.rfind("Public key: age1", 0), 0u);
  std::string before = oc::test::read_all(d.file("k.txt"));
  auto again = run(kOc + " age keygen -o " + d.file("k.txt"));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("k.txt"), std::string::npos);
  // Nothing generated (and no public key announced) when the file cannot be written.
  EXPECT_EQ(again.err.find("Public key"), std::string::npos);
  EXPECT_EQ(oc::test::read_all(d.file("k.txt")), before);
}

TEST(CliAge, RoundTripThroughFilesAndPipes) {
  TempDir d;
  run(kOc + " age keygen -o " + d.file("k.txt"));
  std::string r = recipient_of(d.file("k.txt"));
  std::string in = d.write("in.txt", "line one\nline two\n");
  ASSERT_EQ(run(kOc + " age -r " + r + " -o " + d.file("a.age") + " " + in).exit_code, 0);
  auto back = run(kOc + " age -d -i " + d.file("k.txt") + " " + d.file("a.age"));
  EXPECT_EQ(back.exit_code, 0);
  EXPECT_EQ(back.out, "line one\nline two\n");
  auto piped = run("cat " + in + " | " + kOc + " age -a -r " + r + " | " + kOc + " age -d -i " +
                   d.file("k.txt"));
  EXPECT_EQ(piped.out, "line one\nline two\n");
  // Decrypted output files are private.
  ASSERT_EQ(run(kOc + " age -d -i " + d.file("k.txt") + " -o " + d.file("out.txt") + " " +
                d.file("a.age"))
                .exit_code,
            0);
  EXPECT_EQ(mode_of(d.file("out.txt")), 0600u);
}

TEST(CliAge, WrongKeyFailsAndLeavesNoOutputFile) {
  TempDir d;
  run(kOc + " age keygen -o " + d.file("k1.txt"));
  run(kOc + " age keygen -o " + d.file("k2.txt"));
  std::string in = d.write("in.txt", "top secret words");
  ASSERT_EQ(
      run(kOc + " age -r " + recipient_of(d.file("k1.txt")) + " -o " + d.file("a.age") + " " + in)
          .exit_code,
      0);
  auto bad = run(kOc + " age -d -i " + d.file("k2.txt") + " -o " + d.file("out.txt") + " " +
                 d.file("a.age"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("no identity matched"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.err.find("top secret"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(d.file("out.txt")));
  // No temporary file left behind either.
  size_t n = 0;
  for (auto& e : std::filesystem::directory_iterator(d.path()))
    n += e.path().filename().string().find(".tmp-") != std::string::npos;
  EXPECT_EQ(n, 0u);
}

TEST(CliAge, TruncatedFileFailsWithoutReplacingTheOutput) {
  TempDir d;
  run(kOc + " age keygen -o " + d.file("k.txt"));
  std::string big(300000, 'x');
  std::string in = d.write("in.bin", big);
  ASSERT_EQ(
      run(kOc + " age -r " + recipient_of(d.file("k.txt")) + " -o " + d.file("a.age") + " " + in)
          .exit_code,
      0);
  std::string file = oc::test::read_all(d.file("a.age"));
  d.write("cut.age", file.substr(0, file.size() - 100));
  d.write("out.bin", "previous content");
  auto r = run(kOc + " age -d -i " + d.file("k.txt") + " -o " + d.file("out.bin") + " " +
               d.file("cut.age"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("failed to decrypt and authenticate"), std::string::npos) << r.err;
  EXPECT_EQ(oc::test::read_all(d.file("out.bin")), "previous content");
}

TEST(CliAge, UsageErrorsExitWith2) {
  TempDir d;
  EXPECT_EQ(run(kOc + " age -d -a x").exit_code, 2);
  EXPECT_EQ(run(kOc + " age -e < /dev/null").exit_code, 2);  // no recipients
  EXPECT_EQ(run(kOc + " age -p -r age1x x").exit_code, 2);
  EXPECT_EQ(run(kOc + " age -r age1x a b").exit_code, 2);
  auto r = run(kOc + " age -r not-a-key " + d.write("x", "x"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown recipient type"), std::string::npos);
}

TEST(CliAge, PassphraseFilesNeedNoIdentity) {
  TempDir d;
  std::string in = d.write("in.txt", "pw");
  ASSERT_EQ(run("AGE_PASSPHRASE=s3cret AGE_PASSPHRASE_WORK_FACTOR=10 " + kOc +
                " age -j batchpass -o " + d.file("p.age") + " " + in)
                .exit_code,
            0);
  EXPECT_EQ(run("AGE_PASSPHRASE=s3cret " + kOc + " age -d -j batchpass " + d.file("p.age")).out,
            "pw");
  run(kOc + " age keygen -o " + d.file("k.txt"));
  auto r = run(kOc + " age -d -i " + d.file("k.txt") + " " + d.file("p.age"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("passphrase-encrypted"), std::string::npos) << r.err;
  auto both = run("AGE_PASSPHRASE=a AGE_PASSPHRASE_FD=0 " + kOc + " age -d -j batchpass " +
                  d.file("p.age"));
  EXPECT_EQ(both.exit_code, 1);
  EXPECT_NE(both.err.find("mutually exclusive"), std::string::npos);
}

TEST(CliAge, RefusesToOverwriteItsInput) {
  TempDir d;
  run(kOc + " age keygen -o " + d.file("k.txt"));
  std::string in = d.write("in.txt", "x");
  auto r = run(kOc + " age -r " + recipient_of(d.file("k.txt")) + " -o " + in + " " + in);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("same"), std::string::npos);
  EXPECT_EQ(oc::test::read_all(in), "x");
}

}  // namespace
}  // namespace oc::crypto
