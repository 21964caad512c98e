// `opencenter secrets …` end to end, each test in its own directory with its own key file and
// .sops.yaml, and none of the caller's SOPS_* variables.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "helpers.h"
#include "support/process.h"

namespace oc::crypto {
namespace {

using oc::test::read_all;
using oc::test::run;
using oc::test::RunResult;
using oc::test::TempDir;

const std::string kOc = OC_BINARY;

mode_t mode_of(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0;
}

class Secrets : public ::testing::Test {
 protected:
  void SetUp() override {
    auto k = sh("secrets keygen");
    ASSERT_EQ(k.exit_code, 0) << k.err;
    recipient = k.out.substr(0, k.out.find('\n'));
    ASSERT_EQ(recipient.rfind("age1", 0), 0u);
  }
  // Runs opencenter in the test directory with a private config home.
  RunResult sh(const std::string& args, const std::string& env = "",
               const std::string& input = "") {
    return run(
        "cd " + d.path() +
            " && env -u SOPS_AGE_KEY -u SOPS_AGE_KEY_FILE -u SOPS_AGE_RECIPIENTS -u SOPS_CONFIG "
            "-u SOPS_EDITOR -u EDITOR HOME=" +
            d.path() + " XDG_CONFIG_HOME=" + d.file("cfg") + " " + env + " " + kOc + " " + args,
        input);
  }
  void write_config(const std::string& rules) {
    d.write(".sops.yaml", "creation_rules:\n" + rules);
  }

  TempDir d;
  std::string recipient;
};

TEST_F(Secrets, KeygenAppendsToThePrivateSopsKeyFile) {
  std::string path = d.file("cfg/sops/age/keys.txt");
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of(d.file("cfg/sops/age")), 0700u);
  ASSERT_EQ(sh("secrets keygen").exit_code, 0);
  std::string keys = read_all(path);
  size_t n = 0;
  for (size_t p = keys.find("AGE-SECRET-KEY-1"); p != std::string::npos;
       p = keys.find("AGE-SECRET-KEY-1", p + 1))
    ++n;
  EXPECT_EQ(n, 2u);
}

TEST_F(Secrets, EncryptWithTheMatchingRuleAndDecrypt) {
  write_config("  - path_regex: ^secrets/\n    encrypted_regex: ^(data|stringData)$\n    age: " +
               recipient + "\n");
  std::string plain =
      "apiVersion: v1\nkind: Secret\nmetadata:\n    name: db\nstringData:\n    password: hunter2\n";
  d.write("secrets/db.yaml", plain);
  auto e = sh("secrets encrypt secrets/db.yaml");
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_EQ(e.out.find("hunter2"), std::string::npos);
  EXPECT_NE(e.out.find("    name: db\n"), std::string::npos);
  EXPECT_NE(e.out.find("    encrypted_regex: ^(data|stringData)$\n"), std::string::npos);
  d.write("secrets/db.enc.yaml", e.out);
  auto dec = sh("secrets decrypt secrets/db.enc.yaml");
  ASSERT_EQ(dec.exit_code, 0) << dec.err;
  EXPECT_EQ(dec.out, plain);
  // JSON output of a YAML file.
  auto j = sh("secrets decrypt --output-type json secrets/db.enc.yaml");
  EXPECT_NE(j.out.find("\t\"stringData\": {\n\t\t\"password\": \"hunter2\"\n\t}"),
            std::string::npos)
      << j.out;
}

TEST_F(Secrets, InPlaceKeepsTheModeAndDecryptedFilesArePrivate) {
  write_config("  - age: " + recipient + "\n");
  d.write("a.yaml", "k: v\n");
  ::chmod(d.file("a.yaml").c_str(), 0640);
  ASSERT_EQ(sh("secrets encrypt -i a.yaml").exit_code, 0);
  EXPECT_EQ(mode_of(d.file("a.yaml")), 0640u);
  EXPECT_NE(read_all(d.file("a.yaml")).find("k: ENC["), std::string::npos);
  ASSERT_EQ(sh("secrets decrypt --output plain.yaml a.yaml").exit_code, 0);
  EXPECT_EQ(mode_of(d.file("plain.yaml")), 0600u);
  EXPECT_EQ(read_all(d.file("plain.yaml")), "k: v\n");
  ASSERT_EQ(sh("secrets decrypt -i a.yaml").exit_code, 0);
  EXPECT_EQ(read_all(d.file("a.yaml")), "k: v\n");
}

TEST_F(Secrets, MissingRuleIsAnErrorNamingTheFileAndNothingIsWritten) {
  write_config("  - path_regex: ^only-here/\n    age: " + recipient + "\n");
  d.write("other.yaml", "k: v\n");
  auto r = sh("secrets encrypt -i other.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no matching creation rules found for other.yaml"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(".sops.yaml"), std::string::npos);
  EXPECT_EQ(read_all(d.file("other.yaml")), "k: v\n");
  // --age works without a rule.
  EXPECT_EQ(sh("secrets encrypt --age " + recipient + " other.yaml").exit_code, 0);
}

TEST_F(Secrets, WrongKeyAndTamperedFilesFailClearlyWithoutPlaintext) {
  write_config("  - age: " + recipient + "\n");
  d.write("a.yaml", "password: the-plaintext\n");
  ASSERT_EQ(sh("secrets encrypt -i a.yaml").exit_code, 0);
  std::string enc = read_all(d.file("a.yaml"));
  // Another key only.
  auto other = run("age-keygen 2>/dev/null || " + kOc + " age keygen 2>/dev/null");
  d.write("other.txt", other.out);
  auto wrong = sh("secrets decrypt a.yaml",
                  "SOPS_AGE_KEY_FILE=" + d.file("other.txt") + " XDG_CONFIG_HOME=/nonexistent");
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_NE(wrong.err.find("a.yaml: could not recover the data key"), std::string::npos)
      << wrong.err;
  EXPECT_EQ(wrong.err.find("the-plaintext"), std::string::npos);
  // A changed value.
  size_t p = enc.find("data:") + 5;
  std::string tampered = enc;
  tampered[p] = tampered[p] == 'A' ? 'B' : 'A';
  d.write("t.yaml", tampered);
  auto t = sh("secrets decrypt t.yaml");
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_NE(t.err.find("t.yaml: password: could not decrypt"), std::string::npos) << t.err;
  // A truncated file.
  d.write("cut.yaml", enc.substr(0, enc.size() / 2));
  auto c = sh("secrets decrypt cut.yaml");
  EXPECT_EQ(c.exit_code, 1);
  EXPECT_NE(c.err.find("cut.yaml"), std::string::npos) << c.err;
  EXPECT_EQ(c.err.find("the-plaintext"), std::string::npos);
}

TEST_F(Secrets, EditUsesAPrivateTempFileAndRemovesIt) {
  write_config("  - age: " + recipient + "\n");
  d.write("a.yaml", "a: one\nb: two\n");
  ASSERT_EQ(sh("secrets encrypt -i a.yaml").exit_code, 0);
  std::string before = read_all(d.file("a.yaml"));
  // The editor records where the file is and its mode, then changes one value.
  d.write("editor.sh", "#!/bin/sh\necho \"$1\" > " + d.file("path.log") + "\nstat -c %a \"$1\" > " +
                           d.file("mode.log") + "\nsed -i 's/two/three/' \"$1\"\n");
  ::chmod(d.file("editor.sh").c_str(), 0755);
  auto e = sh("secrets edit a.yaml", "EDITOR=" + d.file("editor.sh"));
  ASSERT_EQ(e.exit_code, 0) << e.err;
  std::string tmp = read_all(d.file("path.log"));
  tmp.pop_back();
  EXPECT_EQ(read_all(d.file("mode.log")), "600\n");
  EXPECT_FALSE(std::filesystem::exists(tmp));
  EXPECT_FALSE(std::filesystem::exists(std::filesystem::path(tmp).parent_path()));
  EXPECT_EQ(sh("secrets decrypt a.yaml").out, "a: one\nb: three\n");
  // The unchanged value kept its ciphertext.
  std::string after = read_all(d.file("a.yaml"));
  std::string a_line = before.substr(
      before.find("a: ENC["), before.find('\n', before.find("a: ENC[")) - before.find("a: ENC["));
  EXPECT_NE(after.find(a_line), std::string::npos);
}

TEST_F(Secrets, EditWithoutChangesOrWithInvalidYamlLeavesTheFile) {
  write_config("  - age: " + recipient + "\n");
  d.write("a.yaml", "a: one\n");
  ASSERT_EQ(sh("secrets encrypt -i a.yaml").exit_code, 0);
  std::string before = read_all(d.file("a.yaml"));
  auto same = sh("secrets edit a.yaml", "EDITOR=true");
  EXPECT_EQ(same.exit_code, 0);
  EXPECT_NE(same.err.find("has not changed"), std::string::npos);
  EXPECT_EQ(read_all(d.file("a.yaml")), before);
  d.write("bad.sh", "#!/bin/sh\nprintf 'a: [unclosed\\n' > \"$1\"\n");
  ::chmod(d.file("bad.sh").c_str(), 0755);
  auto bad = sh("secrets edit a.yaml < /dev/null", "EDITOR=" + d.file("bad.sh"));
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("nothing was written"), std::string::npos) << bad.err;
  EXPECT_EQ(read_all(d.file("a.yaml")), before);
  auto fail = sh("secrets edit a.yaml", "EDITOR=false");
  EXPECT_EQ(fail.exit_code, 1);
  EXPECT_EQ(read_all(d.file("a.yaml")), before);
}

TEST_F(Secrets, EditCreatesANewFileFromTheRule) {
  write_config("  - age: " + recipient + "\n");
  d.write("w.sh", "#!/bin/sh\nprintf 'token: abc\\n' > \"$1\"\n");
  ::chmod(d.file("w.sh").c_str(), 0755);
  ASSERT_EQ(sh("secrets edit new.yaml", "EDITOR=" + d.file("w.sh")).exit_code, 0);
  EXPECT_EQ(sh("secrets decrypt new.yaml").out, "token: abc\n");
}

TEST_F(Secrets, RotateAndUpdatekeys) {
  write_config("  - age: " + recipient + "\n");
  d.write("a.env", "TOKEN=abc\n");
  ASSERT_EQ(sh("secrets encrypt -i a.env").exit_code, 0);
  std::string before = read_all(d.file("a.env"));
  ASSERT_EQ(sh("secrets rotate -i a.env").exit_code, 0);
  std::string rotated = read_all(d.file("a.env"));
  EXPECT_NE(rotated.substr(0, rotated.find('\n')), before.substr(0, before.find('\n')));
  EXPECT_EQ(sh("secrets decrypt a.env").out, "TOKEN=abc\n");
  // A second recipient in the rule; updatekeys re-wraps without touching the values.
  auto second = run(kOc + " age keygen 2>/dev/null");
  d.write("second.txt", second.out);
  std::string r2 = run(kOc + " age keygen -y " + d.file("second.txt")).out;
  r2.pop_back();
  write_config("  - age: " + recipient + "," + r2 + "\n");
  auto no = sh("secrets updatekeys a.env < /dev/null");
  EXPECT_EQ(no.exit_code, 1);
  EXPECT_NE(no.err.find("-y"), std::string::npos);
  auto up = sh("secrets updatekeys -y a.env");
  ASSERT_EQ(up.exit_code, 0) << up.err;
  EXPECT_NE(up.out.find("+++ group 0: " + r2), std::string::npos) << up.out;
  std::string updated = read_all(d.file("a.env"));
  EXPECT_EQ(updated.substr(0, updated.find('\n')), rotated.substr(0, rotated.find('\n')));
  auto with_second = sh("secrets decrypt a.env", "SOPS_AGE_KEY_FILE=" + d.file("second.txt") +
                                                     " XDG_CONFIG_HOME=/nonexistent");
  EXPECT_EQ(with_second.out, "TOKEN=abc\n") << with_second.err;
  auto again = sh("secrets updatekeys -y a.env");
  EXPECT_NE(again.err.find("already up to date"), std::string::npos);
}

TEST_F(Secrets, StatusFindsPlaintextThatARuleCoversAndBrokenMacs) {
  write_config("  - path_regex: \\.yaml$\n    age: " + recipient + "\n");
  d.write("ok.yaml", "a: 1\n");
  ASSERT_EQ(sh("secrets encrypt -i ok.yaml").exit_code, 0);
  d.write("leak.yaml", "password: oops\n");
  d.write("README.md", "not covered by a rule\n");
  std::string enc = read_all(d.file("ok.yaml"));
  d.write("sub/changed.yaml", enc.substr(0, enc.find("\nsops:")) + "\nextra_unencrypted: x" +
                                  enc.substr(enc.find("\nsops:")));
  auto clean = sh("secrets status ok.yaml");
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("encrypted  ok.yaml  MAC ok"), std::string::npos) << clean.out;
  auto all = sh("secrets status");
  EXPECT_EQ(all.exit_code, 1);
  EXPECT_NE(all.out.find("plaintext   ./leak.yaml"), std::string::npos) << all.out;
  EXPECT_NE(all.out.find("mac-failed  ./sub/changed.yaml"), std::string::npos) << all.out;
  EXPECT_EQ(all.out.find("README"), std::string::npos);
  auto json = sh("secrets status -o json leak.yaml");
  EXPECT_NE(json.out.find("\"status\": \"plaintext\""), std::string::npos) << json.out;
}

TEST_F(Secrets, IdentitiesFromSopsAgeKey) {
  write_config("  - age: " + recipient + "\n");
  d.write("a.json", "{\"k\": \"v\"}");
  ASSERT_EQ(sh("secrets encrypt -i a.json").exit_code, 0);
  std::string keys = read_all(d.file("cfg/sops/age/keys.txt"));
  std::string key = keys.substr(keys.find("AGE-SECRET-KEY-1"), 74);
  auto r = sh("secrets decrypt a.json", "SOPS_AGE_KEY=" + key + " XDG_CONFIG_HOME=/nonexistent");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\n\t\"k\": \"v\"\n}\n");
}

// --- bad input ---------------------------------------------------------------------------------
//
// Every kind of damage the issue lists, through the real command: exit status 1, an error that
// names the file, no plaintext on stdout or stderr, and with -i the file byte for byte as it was
// and no temporary file left next to it.

struct BadInput {
  std::string name;
  // Turns the encrypted file (YAML, one secret value) into the damaged one.
  std::string (*damage)(const std::string& enc);
  std::string command;       // run on "bad.yaml"
  std::string expect_error;  // a substring of stderr, naming the file
  bool other_key = false;    // decrypt with an unrelated identity only
};

constexpr const char* kSecret = "pl41n-s3cr3t-value";

std::string flip_after(const std::string& s, const std::string& marker) {
  std::string out = s;
  size_t p = out.find(marker);
  if (p == std::string::npos) return out;
  p += marker.size();
  out[p] = out[p] == 'A' ? 'B' : 'A';
  return out;
}

std::vector<BadInput> bad_inputs() {
  return {
      {"WrongKey", [](const std::string& e) { return e; }, "secrets decrypt -i bad.yaml",
       "bad.yaml: could not recover the data key", true},
      {"TamperedValue",
       [](const std::string& e) { return flip_after(e, "password: ENC[AES256_GCM,data:"); },
       "secrets decrypt -i bad.yaml", "bad.yaml: password: could not decrypt"},
      {"TamperedMac",
       [](const std::string& e) { return flip_after(e, "mac: ENC[AES256_GCM,data:"); },
       "secrets decrypt -i bad.yaml", "bad.yaml: cannot decrypt the MAC"},
      {"ChangedUnencryptedValue",
       [](const std::string& e) {
         std::string s = e;
         s.replace(s.find("user_unencrypted: admin"), 23, "user_unencrypted: root!");
         return s;
       },
       "secrets decrypt -i bad.yaml", "bad.yaml: MAC mismatch"},
      {"TruncatedFile",
       [](const std::string& e) { return e.substr(0, e.find("    lastmodified:")); },
       "secrets decrypt -i bad.yaml", "bad.yaml: "},
      {"TruncatedValue",
       [](const std::string& e) {
         std::string s = e;
         size_t p = s.find("password: ENC[");
         return s.erase(s.find(",tag:", p), s.find('\n', p) - s.find(",tag:", p));
       },
       "secrets decrypt -i bad.yaml", "bad.yaml: password: "},
      {"MalformedEncValue",
       [](const std::string& e) {
         std::string s = e;
         size_t p = s.find("password: ENC[AES256_GCM,data:") + 30;
         return s.insert(p, "@@");
       },
       "secrets decrypt -i bad.yaml", "bad.yaml: password: "},
      {"MissingCreationRule",
       [](const std::string&) { return std::string("password: ") + kSecret + "\n"; },
       "secrets encrypt -i bad.yaml", "no matching creation rules found for bad.yaml"},
  };
}

void PrintTo(const BadInput& c, std::ostream* os) {
  *os << c.name;
}

class SecretsBadInput : public Secrets, public ::testing::WithParamInterface<BadInput> {};

TEST_P(SecretsBadInput, FailsNamingTheFileWithoutPlaintextAndLeavesItUntouched) {
  const BadInput& c = GetParam();
  // The rule covers only files under ok/, so bad.yaml has no rule (which only the encrypt case
  // needs); the good file is made from ok/.
  write_config("  - path_regex: ^ok/\n    age: " + recipient + "\n");
  d.write("ok/a.yaml", std::string("password: ") + kSecret + "\nuser_unencrypted: admin\n");
  ASSERT_EQ(sh("secrets encrypt -i ok/a.yaml").exit_code, 0);
  std::string damaged = c.damage(read_all(d.file("ok/a.yaml")));
  d.write("bad.yaml", damaged);
  std::string env;
  if (c.other_key) {
    d.write("other.txt", run(kOc + " age keygen 2>/dev/null").out);
    env = "SOPS_AGE_KEY_FILE=" + d.file("other.txt") + " XDG_CONFIG_HOME=/nonexistent";
  }
  for (bool in_place : {false, true}) {
    std::string cmd = c.command;
    if (!in_place) cmd.replace(cmd.find(" -i "), 4, " ");
    auto r = sh(cmd, env);
    EXPECT_EQ(r.exit_code, 1) << cmd << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expect_error), std::string::npos) << cmd << "\n" << r.err;
    EXPECT_EQ(r.err.find(kSecret), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find(kSecret), std::string::npos) << r.out;
    EXPECT_EQ(r.out, "") << cmd;
    EXPECT_EQ(read_all(d.file("bad.yaml")), damaged) << cmd;
  }
  for (const auto& e : std::filesystem::directory_iterator(d.path())) {
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, SecretsBadInput, ::testing::ValuesIn(bad_inputs()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace oc::crypto
