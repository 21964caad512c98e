// Differential tests against the real age and age-keygen (Debian's age 1.1.1): files and keys
// made by one tool are used by the other, through `opencenter age` as a user runs it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "helpers.h"
#include "support/process.h"

namespace oc::crypto {
namespace {

using oc::test::run;
using oc::test::TempDir;

const std::string kOc = OC_BINARY;

bool have_age() {
  return oc::test::on_path("age") && oc::test::on_path("age-keygen");
}

std::string payload(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = char((i * 131 + (i >> 7)) & 0xFF);
  return s;
}

class AgeInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_age()) GTEST_SKIP() << "age / age-keygen not installed";
    ASSERT_EQ(run("age-keygen -o " + dir.file("theirs.key") + " 2>/dev/null").exit_code, 0);
    ASSERT_EQ(run("age-keygen -o " + dir.file("third.key") + " 2>/dev/null").exit_code, 0);
    ASSERT_EQ(
        run("age-keygen -y -o " + dir.file("third.pub") + " " + dir.file("third.key")).exit_code,
        0);
    ASSERT_EQ(run(kOc + " age keygen -o " + dir.file("ours.key") + " 2>/dev/null").exit_code, 0);
    theirs = trim(run("age-keygen -y " + dir.file("theirs.key")).out);
    ours = trim(run(kOc + " age keygen -y " + dir.file("ours.key")).out);
    ASSERT_EQ(theirs.rfind("age1", 0), 0u);
    ASSERT_EQ(ours.rfind("age1", 0), 0u);
  }
  static std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
  }
  TempDir dir;
  std::string theirs, ours;
};

class AgeInteropSizes : public AgeInterop, public ::testing::WithParamInterface<size_t> {};

TEST_P(AgeInteropSizes, OursDecryptWithAgeBinaryAndArmored) {
  std::string plain = payload(GetParam());
  std::string in = dir.write("plain", plain);
  for (bool armor : {false, true}) {
    std::string out = dir.file(armor ? "ours.age.asc" : "ours.age");
    // Three recipients (age's key, ours, and one from a recipients file); age decrypts with
    // either identity file.
    auto e = run(kOc + " age " + (armor ? "-a " : "") + "-r " + theirs + " -r " + ours + " -R " +
                 dir.file("third.pub") + " -o " + out + " " + in);
    ASSERT_EQ(e.exit_code, 0) << e.err;
    for (const char* key : {"theirs.key", "ours.key", "third.key"}) {
      auto d = run("age -d -i " + dir.file(key) + " -o " + dir.file("back") + " " + out);
      ASSERT_EQ(d.exit_code, 0) << key << ": " << d.err;
      EXPECT_EQ(oc::test::read_all(dir.file("back")), plain) << key;
    }
  }
}

TEST_P(AgeInteropSizes, AgeBinaryFilesDecryptWithOurs) {
  std::string plain = payload(GetParam());
  std::string in = dir.write("plain", plain);
  for (bool armor : {false, true}) {
    std::string file = dir.file("theirs.age");
    auto e = run(std::string("age ") + (armor ? "-a " : "") + "-r " + theirs + " -r " + ours +
                 " -R " + dir.file("third.pub") + " -o " + file + " " + in);
    ASSERT_EQ(e.exit_code, 0) << e.err;
    auto d =
        run(kOc + " age -d -i " + dir.file("ours.key") + " -o " + dir.file("back") + " " + file);
    ASSERT_EQ(d.exit_code, 0) << d.err;
    EXPECT_EQ(oc::test::read_all(dir.file("back")), plain);
    // From standard input redirected from the file (mapped when large), and through pipes.
    auto r = run(kOc + " age -d -i " + dir.file("ours.key") + " < " + file + " > " +
                 dir.file("redirected"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(oc::test::read_all(dir.file("redirected")), plain);
    auto p = run("age " + std::string(armor ? "-a " : "") + "-r " + ours + " < " + in + " | " +
                 kOc + " age -d -i " + dir.file("ours.key") + " > " + dir.file("piped"));
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_EQ(oc::test::read_all(dir.file("piped")), plain);
  }
}

INSTANTIATE_TEST_SUITE_P(Sizes, AgeInteropSizes,
                         ::testing::Values(0, 1, 65535, 65536, 65537, 3 * 65536, 5 << 20,
                                           (16 << 20) + 17),
                         [](const auto& info) { return "bytes_" + std::to_string(info.param); });

TEST_F(AgeInterop, KeysFromAgeKeygenWorkWithOursAndViceVersa) {
  std::string in = dir.write("p", "cross keys");
  // Our tool encrypting to an identity file made by age-keygen (-e -i), age decrypting.
  auto e =
      run(kOc + " age -e -i " + dir.file("theirs.key") + " -o " + dir.file("x.age") + " " + in);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(run("age -d -i " + dir.file("theirs.key") + " " + dir.file("x.age")).out, "cross keys");
  // age encrypting to an identity file made by us.
  auto e2 = run("age -e -i " + dir.file("ours.key") + " -o " + dir.file("y.age") + " " + in);
  ASSERT_EQ(e2.exit_code, 0) << e2.err;
  EXPECT_EQ(run(kOc + " age -d -i " + dir.file("ours.key") + " " + dir.file("y.age")).out,
            "cross keys");
  // age-keygen -y agrees with our public key.
  EXPECT_EQ(trim(run("age-keygen -y " + dir.file("ours.key")).out), ours);
  EXPECT_EQ(trim(run(kOc + " age keygen -y " + dir.file("theirs.key")).out), theirs);
  // Recipients files.
  dir.write("recipients.txt", "# both\n" + ours + "\n" + theirs + "\n");
  auto e3 =
      run(kOc + " age -R " + dir.file("recipients.txt") + " -o " + dir.file("z.age") + " " + in);
  ASSERT_EQ(e3.exit_code, 0) << e3.err;
  EXPECT_EQ(run("age -d -i " + dir.file("theirs.key") + " " + dir.file("z.age")).out, "cross keys");
}

TEST_F(AgeInterop, PassphraseFilesInteroperate) {
  if (!oc::test::on_path("script")) GTEST_SKIP() << "script(1) is needed to type into age's prompt";
  std::string in = dir.write("p", "by passphrase");
  // Ours (batchpass), age -d typing the passphrase on its terminal.
  auto e = run("AGE_PASSPHRASE=pw-123 AGE_PASSPHRASE_WORK_FACTOR=12 " + kOc +
               " age -j batchpass -o " + dir.file("ours.age") + " " + in);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  auto d = run("(sleep 1; printf 'pw-123\\n') | script -qec \"age -d -o " + dir.file("out1") + " " +
               dir.file("ours.age") + "\" /dev/null");
  EXPECT_EQ(oc::test::read_all(dir.file("out1")), "by passphrase") << d.out << d.err;
  // age -p (typed twice on its terminal), ours with batchpass.
  run("(sleep 1; printf 'pw-456\\n'; sleep 1; printf 'pw-456\\n') | script -qec \"age -p -o " +
      dir.file("theirs.age") + " " + in + "\" /dev/null");
  auto d2 = run("AGE_PASSPHRASE=pw-456 " + kOc + " age -d -j batchpass " + dir.file("theirs.age"));
  ASSERT_EQ(d2.exit_code, 0) << d2.err;
  EXPECT_EQ(d2.out, "by passphrase");
  auto wrong = run("AGE_PASSPHRASE=nope " + kOc + " age -d -j batchpass " + dir.file("theirs.age"));
  EXPECT_EQ(wrong.exit_code, 1);
  // Ours prompting on the terminal (-p), as age does.
  run("(sleep 1; printf 'pw-789\\n'; sleep 1; printf 'pw-789\\n') | script -qec \"" + kOc +
      " age -p -o " + dir.file("prompted.age") + " " + in + "\" /dev/null");
  auto d3 = run("(sleep 1; printf 'pw-789\\n') | script -qec \"age -d -o " + dir.file("out3") +
                " " + dir.file("prompted.age") + "\" /dev/null");
  EXPECT_EQ(oc::test::read_all(dir.file("out3")), "by passphrase") << d3.out;
}

TEST_F(AgeInterop, EncryptedIdentityFilesFromAgeWork) {
  if (!oc::test::on_path("script")) GTEST_SKIP() << "script(1) is needed to type into age's prompt";
  // age -p over an identity file, then our -d -i on it (the passphrase typed on our prompt).
  run("(sleep 1; printf 'idpass\\n'; sleep 1; printf 'idpass\\n') | script -qec \"age -p -o " +
      dir.file("key.age") + " " + dir.file("ours.key") + "\" /dev/null");
  std::string in = dir.write("p", "via encrypted identity");
  ASSERT_EQ(run(kOc + " age -r " + ours + " -o " + dir.file("m.age") + " " + in).exit_code, 0);
  auto d = run("(sleep 1; printf 'idpass\\n') | script -qec \"" + kOc + " age -d -i " +
               dir.file("key.age") + " -o " + dir.file("out") + " " + dir.file("m.age") +
               "\" /dev/null");
  EXPECT_EQ(oc::test::read_all(dir.file("out")), "via encrypted identity") << d.out;
}

}  // namespace
}  // namespace oc::crypto
