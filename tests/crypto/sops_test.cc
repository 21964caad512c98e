// sops behaviour: which values are encrypted under each rule, the MAC, AAD binding, types,
// every store's output, key groups and Shamir, rotate/updatekeys, the IV stash, .sops.yaml and
// identity sources. Outputs marked "go-yaml" were produced by go-yaml v3 through sops's store
// logic and are compared byte for byte.
#include "crypto/sops.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include "crypto/age.h"
#include "crypto/sops_keys.h"
#include "crypto/sops_value.h"
#include "helpers.h"
#include "support/process.h"

namespace oc::crypto::sops {
namespace {

struct Key {
  age::X25519Identity id = age::X25519Identity::generate();
  std::string recipient = id.recipient().to_string();
};

EncryptSpec spec_for(const Key& k, Rules rules = {}) {
  EncryptSpec s;
  s.recipients = {{k.recipient}};
  s.rules = std::move(rules);
  return s;
}

std::string encrypt_yaml(std::string_view text, const Key& k, Rules rules = {}) {
  auto r = encrypt_document(text, "t.yaml", Format::kYaml, Format::kYaml, StoreConfig(),
                            spec_for(k, std::move(rules)));
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return r.ok() ? *r : "";
}

core::Result<std::string> decrypt_yaml(std::string_view text, const Key& k,
                                       bool ignore_mac = false) {
  DecryptOptions o;
  o.ignore_mac = ignore_mac;
  return decrypt_document(text, "t.yaml", Format::kYaml, Format::kYaml, StoreConfig(), {&k.id}, o);
}

// The data part of an encrypted YAML file (before "sops:").
std::string data_part(const std::string& enc) {
  return enc.substr(0, enc.find("\nsops:\n") + 1);
}

size_t count(const std::string& s, std::string_view needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  size_t p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

// The ENC[…] value on the line of `key:`.
std::string enc_of(const std::string& enc, const std::string& key) {
  size_t p = enc.find(key + ": ENC[");
  if (p == std::string::npos) return "";
  size_t b = p + key.size() + 2;
  return enc.substr(b, enc.find(']', b) - b + 1);
}

const char* kDoc =
    "# head\n"
    "name: app\n"
    "password: hunter2 # the password\n"
    "port: 8080\n"
    "ratio: 0.25\n"
    "\"on\": true\n"
    "when: 2024-01-02T03:04:05Z\n"
    "empty: \"\"\n"
    "nothing: null\n"
    "list:\n"
    "    - a\n"
    "    # in list\n"
    "    - 2\n"
    "nested:\n"
    "    user_unencrypted: admin\n"
    "    token: t0k\n";

TEST(SopsEncrypt, DefaultRuleEncryptsEverythingButUnencryptedSuffixes) {
  Key k;
  std::string enc = encrypt_yaml(kDoc, k);
  std::string data = data_part(enc);
  for (const char* plain : {"hunter2", "8080", "0.25", "t0k", "app", "the password", "in list"}) {
    EXPECT_EQ(data.find(plain), std::string::npos) << plain << " is visible:\n" << data;
  }
  EXPECT_NE(data.find("user_unencrypted: admin\n"), std::string::npos);
  EXPECT_NE(data.find("empty: \"\"\n"), std::string::npos);
  EXPECT_NE(data.find("nothing: null\n"), std::string::npos);
  for (const char* t :
       {"type:str]", "type:int]", "type:float]", "type:bool]", "type:time]", "type:comment]"}) {
    EXPECT_NE(data.find(t), std::string::npos) << t;
  }
  // A comment in a list is stored as an encrypted list item, as sops does.
  EXPECT_NE(data.find("    - ENC[AES256_GCM,"), std::string::npos);
  EXPECT_EQ(count(data, "#ENC["), 2u);
  auto back = decrypt_yaml(enc, k);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, kDoc);
}

TEST(SopsEncrypt, MetadataIsWrittenInSops313Order) {
  Key k;
  std::string enc = encrypt_yaml("a: b\n", k);
  std::string meta = enc.substr(enc.find("\nsops:\n") + 1);
  // Keys sorted, age entries {enc, recipient}, enc as a literal block.
  EXPECT_EQ(
      meta.rfind(
          "sops:\n    age:\n        - enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n", 0),
      0u)
      << meta;
  size_t rcpt = meta.find("          recipient: " + k.recipient + "\n");
  size_t lm = meta.find("    lastmodified: \""), mac = meta.find("    mac: ENC[AES256_GCM,");
  size_t suffix = meta.find("    unencrypted_suffix: _unencrypted\n"),
         ver = meta.find("    version: 3.13.2\n");
  ASSERT_NE(rcpt, std::string::npos);
  EXPECT_LT(rcpt, lm);
  EXPECT_LT(lm, mac);
  EXPECT_LT(mac, suffix);
  EXPECT_LT(suffix, ver);
  EXPECT_EQ(meta.size(), ver + std::string("    version: 3.13.2\n").size());
}

struct RuleCase {
  std::string name;
  Rules rules;
  std::vector<std::string> encrypted, plain;
};

class SopsRules : public ::testing::TestWithParam<RuleCase> {};

TEST_P(SopsRules, EncryptsExactlyTheChosenValues) {
  const RuleCase& c = GetParam();
  Key k;
  const char* doc =
      "apiVersion: v1\n"
      "data:\n"
      "    secret_enc: s1\n"
      "    other: o1\n"
      "stringData:\n"
      "    # sops:enc\n"
      "    marked: m1\n"
      "    unmarked: u1\n"
      "meta_unencrypted: x1\n";
  std::string enc = encrypt_yaml(doc, k, c.rules);
  std::string data = data_part(enc);
  for (const auto& v : c.encrypted)
    EXPECT_EQ(data.find(": " + v + "\n"), std::string::npos) << v << "\n" << data;
  for (const auto& v : c.plain)
    EXPECT_NE(data.find(": " + v + "\n"), std::string::npos) << v << "\n" << data;
  auto back = decrypt_yaml(enc, k);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, doc);
}

Rules rule(std::string Rules::*field, std::string v) {
  Rules r;
  r.*field = std::move(v);
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Each, SopsRules,
    ::testing::Values(RuleCase{"default_suffix", Rules(), {"v1", "s1", "o1", "m1", "u1"}, {"x1"}},
                      RuleCase{"encrypted_regex",
                               rule(&Rules::encrypted_regex, "^(data|stringData)$"),
                               {"s1", "o1", "m1", "u1"},
                               {"v1", "x1"}},
                      RuleCase{"unencrypted_regex",
                               rule(&Rules::unencrypted_regex, "^(apiVersion|data)$"),
                               {"m1", "u1", "x1"},
                               {"v1", "s1", "o1"}},
                      RuleCase{"encrypted_suffix",
                               rule(&Rules::encrypted_suffix, "_enc"),
                               {"s1"},
                               {"v1", "o1", "m1", "u1", "x1"}},
                      RuleCase{"unencrypted_suffix",
                               rule(&Rules::unencrypted_suffix, "Version"),
                               {"s1", "o1", "m1", "u1", "x1"},
                               {"v1"}},
                      RuleCase{"encrypted_comment_regex",
                               rule(&Rules::encrypted_comment_regex, "sops:enc"),
                               {"m1"},
                               {"v1", "s1", "o1", "u1", "x1"}},
                      RuleCase{"unencrypted_comment_regex",
                               rule(&Rules::unencrypted_comment_regex, "sops:enc"),
                               {"v1", "s1", "o1", "u1", "x1"},
                               {"m1"}}),
    [](const auto& info) { return info.param.name; });

TEST(SopsEncrypt, RefusesTwoRulesAndAlreadyEncryptedFiles) {
  Key k;
  Rules two;
  two.encrypted_regex = "a";
  two.unencrypted_suffix = "_x";
  auto r = encrypt_document("a: 1\n", "t.yaml", Format::kYaml, Format::kYaml, StoreConfig(),
                            spec_for(k, two));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("more than one"), std::string::npos);
  std::string enc = encrypt_yaml("a: 1\n", k);
  auto again =
      encrypt_document(enc, "t.yaml", Format::kYaml, Format::kYaml, StoreConfig(), spec_for(k));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().file, "t.yaml");
  EXPECT_NE(again.error().message.find("encrypted already"), std::string::npos);
}

TEST(SopsDecrypt, TamperedValueNamesThePathButNotThePlaintext) {
  Key k;
  std::string enc = encrypt_yaml("db:\n    password: correct-horse\n", k);
  std::string v = enc_of(enc, "password");
  std::string data = v.substr(v.find("data:") + 5, 4);
  std::string flipped = data;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  auto r = decrypt_yaml(replace_once(enc, "data:" + data, "data:" + flipped), k);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().file, "t.yaml");
  EXPECT_NE(r.error().message.find("db.password"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("correct-horse"), std::string::npos);
}

// Large files decrypt their values on several threads; the error is still the first damaged
// value in document order, whichever thread found it.
TEST(SopsDecrypt, ManyValuesTheFirstDamagedOneIsReported) {
  Key k;
  std::string plain;
  for (int i = 0; i < 1200; ++i)
    plain += "k" + std::to_string(i) + ": value-" + std::to_string(i) + "\n";
  std::string enc = encrypt_yaml(plain, k);
  auto flip = [&](std::string doc, const std::string& key) {
    std::string v = enc_of(doc, key);
    std::string data = v.substr(v.find("data:") + 5, 4);
    std::string flipped = data;
    flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
    return replace_once(doc, key + ": ENC[AES256_GCM,data:" + data,
                        key + ": ENC[AES256_GCM,data:" + flipped);
  };
  for (const char* first : {"k3", "k700"}) {
    auto r = decrypt_yaml(flip(flip(enc, first), "k1100"), k);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.rfind(std::string(first) + ": could not decrypt", 0), 0u)
        << r.error().message;
  }
}

TEST(SopsDecrypt, ValueMovedToAnotherKeyFailsItsAad) {
  Key k;
  std::string enc = encrypt_yaml("a: one\nb: two\n", k);
  std::string a = enc_of(enc, "a"), b = enc_of(enc, "b");
  std::string swapped = replace_once(replace_once(enc, "a: " + a, "a: @"), "b: " + b, "b: " + a);
  auto r = decrypt_yaml(replace_once(swapped, "a: @", "a: " + b), k);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("could not decrypt"), std::string::npos);
}

TEST(SopsDecrypt, TamperedMacAndChangedPlaintextValuesFailTheMac) {
  Key k;
  std::string enc = encrypt_yaml("a: one\nb_unencrypted: two\n", k);
  auto changed = decrypt_yaml(replace_once(enc, "b_unencrypted: two", "b_unencrypted: six"), k);
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.error().message.find("MAC mismatch"), std::string::npos)
      << changed.error().message;
  EXPECT_TRUE(
      decrypt_yaml(replace_once(enc, "b_unencrypted: two", "b_unencrypted: six"), k, true).ok());
  std::string mac_line = enc.substr(enc.find("    mac: ENC["));
  mac_line = mac_line.substr(0, mac_line.find('\n'));
  std::string bad_mac = mac_line;
  bad_mac[30] = bad_mac[30] == 'A' ? 'B' : 'A';
  auto mac = decrypt_yaml(replace_once(enc, mac_line, bad_mac), k);
  ASSERT_FALSE(mac.ok());
  EXPECT_NE(mac.error().message.find("MAC"), std::string::npos);
  auto lm = decrypt_yaml(replace_once(enc, "lastmodified: \"20", "lastmodified: \"19"), k);
  ASSERT_FALSE(lm.ok());  // the MAC's AAD is lastmodified
}

TEST(SopsDecrypt, ReorderedKeysFailTheMac) {
  Key k;
  std::string enc = encrypt_yaml("a_unencrypted: 1\nb_unencrypted: 2\n", k);
  auto r = decrypt_yaml(replace_once(replace_once(enc, "a_unencrypted: 1\nb_unencrypted: 2\n",
                                                  "b_unencrypted: 2\na_unencrypted: 1\n"),
                                     "x", "x"),
                        k);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("MAC mismatch"), std::string::npos);
}

TEST(SopsDecrypt, MacOnlyEncryptedIgnoresPlaintextValues) {
  Key k;
  Rules r;
  r.encrypted_regex = "^secret$";
  r.mac_only_encrypted = true;
  std::string enc = encrypt_yaml("secret: s\nother: o\n", k, r);
  EXPECT_NE(enc.find("    mac_only_encrypted: true\n"), std::string::npos);
  auto ok = decrypt_yaml(replace_once(enc, "other: o", "other: changed"), k);
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(*ok, "secret: s\nother: changed\n");
}

TEST(SopsDecrypt, MalformedEncValueIsAClearError) {
  Key k;
  std::string enc = encrypt_yaml("a: one\n", k);
  std::string v = enc_of(enc, "a");
  for (std::string bad : {std::string("ENC[AES256_GCM,data:xx"),
                          "ENC[AES256_GCM,data:@@@@,iv:" + v.substr(v.find("iv:") + 3),
                          std::string("plain text where ciphertext belongs")}) {
    auto r = decrypt_yaml(replace_once(enc, v, bad), k);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.error().message.find("a: "), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find("plain text where"), std::string::npos);
  }
}

TEST(SopsDecrypt, WrongKeySaysWhichRecipientsWereTried) {
  Key k, other;
  std::string enc = encrypt_yaml("a: one\n", k);
  auto r = decrypt_yaml(enc, other);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("could not recover the data key"), std::string::npos);
  EXPECT_NE(r.error().message.find(k.recipient), std::string::npos);
}

TEST(SopsValues, TypesSurviveEncryption) {
  Key k;
  const char* doc =
      "i: -42\n"
      "f: 3.5e-07\n"
      "g: 1.5e+300\n"
      "b: false\n"
      "t: 2001-12-14T21:59:43.1Z\n"
      "s: \"123\"\n"
      "u: héllo wörld ✓\n"
      "m: |\n"
      "    multi\n"
      "    line\n";
  std::string enc = encrypt_yaml(doc, k);
  auto back = decrypt_yaml(enc, k);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, doc);
  EXPECT_NE(enc.find("type:int]"), std::string::npos);
  EXPECT_NE(enc.find("type:time]"), std::string::npos);
}

TEST(SopsValues, EncValueSyntaxMatchesSops) {
  SecretBytes key = SecretBytes::random(32);
  ValueCipher c(key);
  auto e = c.encrypt(Value::str("x"), "a:", nullptr);
  ASSERT_TRUE(e.ok());
  auto parsed = parse_encrypted(*e);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->iv.size(), 32u);
  EXPECT_EQ(parsed->tag.size(), 16u);
  EXPECT_EQ(parsed->type, "str");
  EXPECT_EQ(*c.encrypt(Value::str(""), "a:", nullptr), "");
  // sops's regular expression is greedy and anchored only at the start.
  auto odd = parse_encrypted(*e + "trailing]");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->type, "str]trailing");
}

TEST(SopsYaml, MultiDocumentStreamsCarryTheMetadataInEveryDocument) {
  Key k;
  const char* doc = "a: 1\n---\nb: 2\n";
  std::string enc = encrypt_yaml(doc, k);
  EXPECT_EQ(count(enc, "\nsops:\n"), 2u);
  auto back = decrypt_yaml(enc, k);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, doc);
}

TEST(SopsYaml, CommentsLandWhereGoYamlPutsThem) {
  // Input and output of go-yaml v3 through sops's YAML store (checked with a local oracle).
  const char* in =
      "# top\n\n# top2\na:\n  # c\n  b: 1 # inline b\n  c: [1, 2]\n  # foot of a\nlist:\n  # "
      "before first\n"
      "  - x # inline x\n  # between\n  - y\n  # after last\nnested:\n  - k: v\n    # in map\n    "
      "k2: v2\n"
      "  - # comment on second\n    z: 1\nempty: {}\nwhen: 2024-01-02\nf: 1.0\nbig: "
      "1234567890.5\ns: \"yes\"\n"
      "ml: |\n  line1\n  line2\n# end of doc\n";
  const char* go =
      "# top\n# top2\na:\n    # c\n    b: 1 # inline b\n    c:\n        - 1\n        - 2\n    # "
      "foot of a\nlist:\n"
      "    # before first\n    - x # inline x\n    # between\n    - \"y\"\n    # after "
      "last\nnested:\n    - k: v\n"
      "      # in map\n      k2: v2\n    # comment on second\n    - z: 1\nempty: {}\nwhen: "
      "2024-01-02T00:00:00Z\n"
      "f: 1\nbig: 1.2345678905e+09\ns: \"yes\"\nml: |\n    line1\n    line2\n# end of doc\n";
  auto b = load_plain(Format::kYaml, in, "in.yaml");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*emit_plain(Format::kYaml, *b, StoreConfig()), go);
  // Through encryption, a comment inside a list is stored as an encrypted list item and comes
  // back as a head comment: sops loses the inline placement there, and so do we.
  Key k;
  std::string enc = encrypt_yaml(in, k);
  auto back = decrypt_yaml(enc, k);
  ASSERT_TRUE(back.ok());
  std::string expected = go;
  expected.replace(expected.find("    - x # inline x\n"), 19, "    # inline x\n    - x\n");
  EXPECT_EQ(*back, expected);
}

TEST(SopsYaml, TrailingCommentsOfNestedCollections) {
  // go-yaml v3 output for these trees (local oracle): the trailing comment of a sequence whose
  // last item is a map goes inside the map; of a map, at its entries' indentation.
  const char* canonical =
      "k0_0:\n    - alpha\n    # c54\n    - x\n    # c89\n# c25\nk0_1:\n    - k: 7\n      k2: a "
      "b\n      # c77\n"
      "k0_2:\n    k1_0:\n        k2_0: alpha\n        # c15\n    # c50\n";
  auto b = load_plain(Format::kYaml, canonical, "c.yaml");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*emit_plain(Format::kYaml, *b, StoreConfig()), canonical);
}

TEST(SopsYaml, RefusesSequencesAtTheTopAndNonStringKeys) {
  Key k;
  auto seq =
      encrypt_document("- a\n", "t.yaml", Format::kYaml, Format::kYaml, StoreConfig(), spec_for(k));
  ASSERT_FALSE(seq.ok());
  EXPECT_NE(seq.error().message.find("sequences are not supported"), std::string::npos);
  auto key = encrypt_document("1: a\n", "t.yaml", Format::kYaml, Format::kYaml, StoreConfig(),
                              spec_for(k));
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().message.find("non-string key"), std::string::npos);
}

TEST(SopsYaml, IndentComesFromTheStoreConfig) {
  Key k;
  StoreConfig cfg;
  cfg.yaml_indent = 2;
  auto enc =
      encrypt_document("a:\n  b: 1\n", "t.yaml", Format::kYaml, Format::kYaml, cfg, spec_for(k));
  ASSERT_TRUE(enc.ok());
  EXPECT_NE(enc->find("\n  b: ENC["), std::string::npos);
  EXPECT_NE(enc->find("\nsops:\n  age:\n    - enc: |\n"), std::string::npos) << *enc;
}

TEST(SopsJson, NumbersAndLayoutFollowSops) {
  Key k;
  const char* doc =
      "{\n\t\"i\": 7,\n\t\"f\": 2.5,\n\t\"big\": 1e+30,\n\t\"l\": "
      "[\n\t\ttrue,\n\t\tnull,\n\t\t\"<x>\"\n\t],\n\t\"o\": {}\n}\n";
  auto enc =
      encrypt_document(doc, "t.json", Format::kJson, Format::kJson, StoreConfig(), spec_for(k));
  ASSERT_TRUE(enc.ok()) << enc.error().to_string();
  EXPECT_NE(enc->find("\"i\": \"ENC[AES256_GCM,"), std::string::npos);
  EXPECT_NE(enc->find("type:int]"), std::string::npos);
  EXPECT_NE(enc->find("\t\"sops\": {\n\t\t\"age\": [\n\t\t\t{\n\t\t\t\t\"enc\": \"-----BEGIN AGE "
                      "ENCRYPTED FILE-----\\n"),
            std::string::npos)
      << *enc;
  auto back =
      decrypt_document(*enc, "t.json", Format::kJson, Format::kJson, StoreConfig(), {&k.id});
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back,
            "{\n\t\"i\": 7,\n\t\"f\": 2.5,\n\t\"big\": 1e+30,\n\t\"l\": "
            "[\n\t\ttrue,\n\t\tnull,\n\t\t\"\\u003cx\\u003e\"\n\t],\n\t\"o\": {}\n}\n");
  auto yaml =
      decrypt_document(*enc, "t.json", Format::kJson, Format::kYaml, StoreConfig(), {&k.id});
  ASSERT_TRUE(yaml.ok());
  EXPECT_EQ(*yaml, "i: 7\nf: 2.5\nbig: 1e+30\nl:\n    - true\n    - null\n    - <x>\no: {}\n");
}

TEST(SopsDotenv, CommentsEscapesAndFlattenedMetadata) {
  Key k;
  const char* doc = "# database\nDB_URL=postgres://u:p@h/db\nMULTI=a\\nb\nSPACED = v \n";
  auto enc =
      encrypt_document(doc, "t.env", Format::kDotenv, Format::kDotenv, StoreConfig(), spec_for(k));
  ASSERT_TRUE(enc.ok()) << enc.error().to_string();
  EXPECT_EQ(enc->find("postgres"), std::string::npos);
  EXPECT_NE(enc->find("\n#ENC[AES256_GCM,") == std::string::npos ? enc->find("#ENC[") : 0,
            std::string::npos);
  EXPECT_NE(enc->find("SPACED =ENC["), std::string::npos);
  EXPECT_NE(enc->find("\nsops_age__list_0__map_enc=-----BEGIN AGE ENCRYPTED FILE-----\\n"),
            std::string::npos)
      << *enc;
  EXPECT_NE(enc->find("\nsops_age__list_0__map_recipient=" + k.recipient + "\n"),
            std::string::npos);
  EXPECT_NE(enc->find("\nsops_mac=ENC["), std::string::npos);
  auto back =
      decrypt_document(*enc, "t.env", Format::kDotenv, Format::kDotenv, StoreConfig(), {&k.id});
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, doc);
}

// Regression (found by fuzzing): a list index beyond long's range in flattened metadata (Go's
// Atoi gives the largest int) overflowed the "is the list complete" check.
TEST(SopsDotenv, Regression_HugeListIndexInMetadataIsAnError) {
  auto r = load_encrypted(
      Format::kDotenv,
      "A=x\nsops_age__list_0__map_enc=x\nsops_age__list_99999999999999999999999__map_enc=x\n"
      "sops_version=3.13.2\n",
      "f.env");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("incomplete list"), std::string::npos) << r.error().message;
}

TEST(SopsIni, SectionsCommentsAndTheSopsSection) {
  Key k;
  const char* doc =
      "; about the db\n[db]\nuser = admin\n; the password\npass = s3cret\n\n[other]\nkey = value "
      "with spaces\n";
  auto enc = encrypt_document(doc, "t.ini", Format::kIni, Format::kIni, StoreConfig(), spec_for(k));
  ASSERT_TRUE(enc.ok()) << enc.error().to_string();
  EXPECT_EQ(enc->find("s3cret"), std::string::npos);
  EXPECT_NE(enc->find("\n[sops]\n"), std::string::npos);
  EXPECT_NE(enc->find("age__list_0__map_enc       = -----BEGIN AGE ENCRYPTED FILE-----\\n"),
            std::string::npos)
      << *enc;
  auto back = decrypt_document(*enc, "t.ini", Format::kIni, Format::kIni, StoreConfig(), {&k.id});
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, doc);
}

TEST(SopsIni, DuplicateKeysKeepTheFirstPositionAndTheLastValue) {
  auto b = load_plain(Format::kIni, "[s]\na = 1\nb = 2\na = 3\n", "d.ini");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*emit_plain(Format::kIni, *b, StoreConfig()), "[s]\na = 3\nb = 2\n");
}

TEST(SopsIni, ManyKeysLoadInLinearTime) {
  // Regression: key lookup was linear per key, quadratic per section (found by fuzzing). Four
  // times the keys must cost about four times the CPU (quadratic: sixteen); CPU time of this
  // thread, best of three, so neither machine load nor sanitizer slowdown decides the verdict.
  auto cost = [](int keys) {
    std::string text = "[s]\n";
    for (int i = 0; i < keys; ++i) text += "k" + std::to_string(i) + " = v\n";
    double best = 1e9;
    for (int run = 0; run < 3; ++run) {
      timespec t0{}, t1{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
      auto b = load_plain(Format::kIni, text, "big.ini");
      EXPECT_TRUE(b.ok());
      auto out = emit_plain(Format::kIni, *b, StoreConfig());
      EXPECT_TRUE(out.ok());
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
      EXPECT_EQ((*b)[0][1].value.map.size(), size_t(keys));
      best = std::min(best, double(t1.tv_sec - t0.tv_sec) + 1e-9 * double(t1.tv_nsec - t0.tv_nsec));
    }
    return best;
  };
  double small = cost(10000), large = cost(40000);
  EXPECT_LT(large / small, 9.0) << small << " s for 10,000 keys, " << large << " s for 40,000";
}

TEST(SopsBinary, AnyBytesRoundTripThroughTheJsonEnvelope) {
  Key k;
  std::string bytes;
  for (int i = 0; i < 512; ++i) bytes.push_back(char(i * 7));
  auto enc = encrypt_document(bytes, "blob.bin", Format::kBinary, Format::kBinary, StoreConfig(),
                              spec_for(k));
  ASSERT_TRUE(enc.ok()) << enc.error().to_string();
  EXPECT_EQ(enc->rfind("{\n\t\"data\": \"ENC[AES256_GCM,", 0), 0u);
  EXPECT_EQ(enc->find("unencrypted_suffix"),
            std::string::npos);  // single-value stores have no rule
  auto back =
      decrypt_document(*enc, "blob.bin", Format::kBinary, Format::kBinary, StoreConfig(), {&k.id});
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, bytes);
}

TEST(SopsKeyGroups, ShamirNeedsTheThresholdOfGroups) {
  Key a, b, c;
  EncryptSpec s;
  s.recipients = {{a.recipient}, {b.recipient}, {c.recipient}};
  s.shamir_threshold = 2;
  auto enc = encrypt_document("x: y\n", "t.yaml", Format::kYaml, Format::kYaml, StoreConfig(), s);
  ASSERT_TRUE(enc.ok()) << enc.error().to_string();
  EXPECT_NE(enc->find("    key_groups:\n        - age:\n"), std::string::npos) << *enc;
  EXPECT_NE(enc->find("          hc_vault: []\n"), std::string::npos);
  EXPECT_NE(enc->find("    shamir_threshold: 2\n"), std::string::npos);
  auto two =
      decrypt_document(*enc, "t.yaml", Format::kYaml, Format::kYaml, StoreConfig(), {&a.id, &c.id});
  ASSERT_TRUE(two.ok()) << two.error().to_string();
  EXPECT_EQ(*two, "x: \"y\"\n");  // go-yaml v3 quotes the YAML 1.1 boolean y
  auto one = decrypt_document(*enc, "t.yaml", Format::kYaml, Format::kYaml, StoreConfig(), {&b.id});
  ASSERT_FALSE(one.ok());
  EXPECT_NE(one.error().message.find("1 of 2 required key groups"), std::string::npos)
      << one.error().message;
}

TEST(SopsRotate, NewDataKeyAndRecipientChanges) {
  Key a, b;
  std::string enc = encrypt_yaml("s: v\n", a);
  auto rot = rotate_document(enc, "t.yaml", Format::kYaml, StoreConfig(), {&a.id}, {b.recipient},
                             {a.recipient});
  ASSERT_TRUE(rot.ok()) << rot.error().to_string();
  EXPECT_NE(enc_of(*rot, "s"), enc_of(enc, "s"));
  EXPECT_EQ(rot->find(a.recipient), std::string::npos);
  auto back = decrypt_yaml(*rot, b);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, "s: v\n");
  EXPECT_FALSE(decrypt_yaml(*rot, a).ok());
}

TEST(SopsUpdateKeys, RewrapsForTheRuleWithoutTouchingValues) {
  Key a, b;
  std::string enc = encrypt_yaml("s: v\n", a);
  CreationRule rule;
  rule.key_groups = {{a.recipient, b.recipient}};
  auto plan =
      plan_update_keys(load_encrypted(Format::kYaml, enc, "t.yaml")->value().metadata, rule, 0);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->added.size(), 1u);
  EXPECT_EQ(plan->added[0], "group 0: " + b.recipient);
  auto up = update_keys(enc, "t.yaml", Format::kYaml, StoreConfig(), {&a.id}, rule, 0);
  ASSERT_TRUE(up.ok()) << up.error().to_string();
  EXPECT_EQ(data_part(*up), data_part(enc));
  auto back = decrypt_yaml(*up, b);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, "s: v\n");
  // Already up to date: unchanged text.
  auto same = update_keys(*up, "t.yaml", Format::kYaml, StoreConfig(), {&a.id}, rule, 0);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, *up);
}

TEST(SopsEdit, UnchangedValuesKeepTheirCiphertext) {
  Key k;
  std::string enc = encrypt_yaml("a: one\nb: two\n", k);
  auto loaded = load_encrypted(Format::kYaml, enc, "t.yaml");
  ASSERT_TRUE(loaded.ok() && *loaded);
  DecryptOptions keep;
  keep.keep_ivs = true;
  auto d = decrypt(std::move(**loaded), {&k.id}, "t.yaml", keep);
  ASSERT_TRUE(d.ok());
  auto edited = load_plain(Format::kYaml, "a: one\nb: three\n", "t.yaml");
  ASSERT_TRUE(edited.ok());
  auto out = encrypt(std::move(*edited), d->metadata, d->data_key, Format::kYaml, StoreConfig(),
                     &d->stash);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(enc_of(*out, "a"), enc_of(enc, "a"));
  EXPECT_NE(enc_of(*out, "b"), enc_of(enc, "b"));
  auto back = decrypt_yaml(*out, k);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "a: one\nb: three\n");
}

TEST(SopsConfig, FirstMatchingRuleRelativeToTheConfigDirectory) {
  const char* text =
      "creation_rules:\n"
      "  - path_regex: ^prod/.*\\.yaml$\n"
      "    encrypted_regex: ^(data|stringData)$\n"
      "    age: &team age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29, \n"
      "  - path_regex: \\.json$\n"
      "    key_groups:\n"
      "      - age:\n"
      "          - age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29\n"
      "        merge:\n"
      "          - age: [age1henwn645drkd3fa34t27t2w2x0nsgw3w4h62gmg5x5xflyjpy38s5cncph]\n"
      "      - age: [age1henwn645drkd3fa34t27t2w2x0nsgw3w4h62gmg5x5xflyjpy38s5cncph]\n"
      "    shamir_threshold: 1\n"
      "  - path_regex: legacy/\n"
      "    pgp: FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4\n"
      "stores:\n"
      "  yaml:\n"
      "    indent: 2\n";
  auto c = parse_config(text, "/repo/.sops.yaml");
  ASSERT_TRUE(c.ok()) << c.error().to_string();
  EXPECT_EQ(c->stores.yaml_indent, 2);
  auto prod = rule_for_file(*c, "/repo/prod/db.yaml");
  ASSERT_TRUE(prod.ok());
  EXPECT_EQ((*prod)->index, 0u);
  EXPECT_EQ((*prod)->rules.encrypted_regex, "^(data|stringData)$");
  ASSERT_EQ((*prod)->key_groups.size(), 1u);
  EXPECT_EQ((*prod)->key_groups[0].size(), 1u);  // trailing comma skipped
  auto json = rule_for_file(*c, "/repo/x.json");
  ASSERT_TRUE(json.ok());
  ASSERT_EQ((*json)->key_groups.size(), 2u);
  EXPECT_EQ((*json)->key_groups[0].size(), 2u);  // merged
  EXPECT_EQ((*json)->shamir_threshold, 1);
  // Relative to the config's directory: "prod/" does not match /other/prod/…'s prefix.
  auto none = rule_for_file(*c, "/elsewhere/prod/db.yaml");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(
      none.error().message.find("no matching creation rules found for /elsewhere/prod/db.yaml"),
      std::string::npos);
  auto pgp = rule_for_file(*c, "/repo/legacy/a.yaml");
  ASSERT_FALSE(pgp.ok());
  EXPECT_NE(pgp.error().message.find("pgp"), std::string::npos);
}

TEST(SopsConfig, BadRulesAreErrorsWithPositions) {
  auto two = parse_config("creation_rules:\n  - encrypted_regex: a\n    unencrypted_suffix: b\n",
                          "c.yaml");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().file, "c.yaml");
  EXPECT_GT(two.error().line, 0);
  auto bad = parse_config("creation_rules:\n  - path_regex: \"(\"\n", "c.yaml");
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(rule_for_file(*bad, "x").ok());
}

TEST(SopsConfig, DiscoveryWalksUpFromTheStartDirectory) {
  oc::test::TempDir d;
  d.write("a/.sops.yaml", "creation_rules: []\n");
  d.write("a/b/c/file.yaml", "x: 1\n");
  auto found = find_config(d.file("a/b/c"));
  ASSERT_TRUE(found);
  EXPECT_EQ(*found, absolute_path(d.file("a/.sops.yaml")));
}

TEST(SopsIdentities, EnvironmentSourcesAreAllLoaded) {
  oc::test::TempDir d;
  Key a, b, c;
  KeyEnvironment env;
  env.sops_age_key = a.id.to_string() + "  " + b.id.to_string() + "\n";  // several per line
  env.sops_age_key_file = d.write("k.txt", "# comment\n" + c.id.to_string() + "\n");
  env.config_dir = d.file("none");
  LoadedIdentities l = load_identities(env);
  EXPECT_EQ(l.identities.size(), 3u);
  EXPECT_TRUE(l.errors.empty());
  env.sops_age_key_file = d.write("bad.txt", "not a key\n");
  l = load_identities(env);
  EXPECT_EQ(l.identities.size(), 2u);
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_EQ(l.errors[0].find("not a key"), std::string::npos);
}

TEST(SopsIdentities, DefaultKeyFileAndEncryptedKeyFiles) {
  oc::test::TempDir d;
  Key a;
  d.write("cfg/sops/age/keys.txt", a.id.to_string() + "\n");
  KeyEnvironment env;
  env.config_dir = d.file("cfg");
  EXPECT_EQ(load_identities(env).identities.size(), 1u);
  // An identity file encrypted with a passphrase.
  age::ScryptRecipient r(SecretBytes(std::string("pw")), 10);
  auto enc = age::encrypt_string(a.id.to_string() + "\n", {&r}, true);
  ASSERT_TRUE(enc.ok());
  auto ids = parse_identity_text(
      *enc, false, [] { return core::Result<SecretBytes>(SecretBytes(std::string("pw"))); });
  ASSERT_TRUE(ids.ok()) << ids.error().message;
  EXPECT_EQ(ids->size(), 1u);
}

TEST(SopsIdentities, FluxSecretKeysEndingInAgekey) {
  Key a;
  auto ids =
      identities_from_secret({{"age.agekey", a.id.to_string() + "\n"}, {"other", "ignored"}});
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 1u);
  std::string enc = encrypt_yaml("a: b\n", a);
  auto back = decrypt_document(enc, "t.yaml", Format::kYaml, Format::kYaml, StoreConfig(),
                               {(*ids)[0].get()});
  EXPECT_TRUE(back.ok());
}

}  // namespace
}  // namespace oc::crypto::sops
