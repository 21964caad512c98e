// Real sops files (../shared/conformance/sops-upstream and sops-flux), one test per file.
//
// sops-upstream: PGP-wrapped files whose data keys were extracted (<file>.datakey.hex): every
// value decrypts, the MAC verifies (no_mac.yaml must fail), and re-encrypting with the same
// key and rules decrypts back to the same tree in sops's own layout. sops-flux: age-wrapped
// files decrypt with the README's keys to the README's plaintext, MAC verified.
#include <gtest/gtest.h>

#include "core/base64.h"
#include "crypto/age_keys.h"
#include "crypto/sops.h"
#include "helpers.h"

namespace oc::crypto::sops {
namespace {

using test::kConformance;

std::vector<std::string> upstream_files() {
  std::vector<std::string> out;
  for (const auto& f : test::files_in("sops-upstream")) {
    if (f.size() > 12 && f.substr(f.size() - 12) == ".datakey.hex")
      out.push_back(f.substr(0, f.size() - 12));
  }
  return out;
}

struct Loaded {
  std::string text;
  Format format;
  EncryptedFile file;
  SecretBytes key;
};

Loaded load_upstream(const std::string& name) {
  Loaded l;
  std::string path = kConformance + "/sops-upstream/" + name;
  auto text = core::read_file(path);
  EXPECT_TRUE(text.ok());
  l.text = *text;
  auto hex = core::read_file(path + ".datakey.hex");
  EXPECT_TRUE(hex.ok());
  std::string h = *hex;
  while (!h.empty() && (h.back() == '\n' || h.back() == '\r')) h.pop_back();
  l.key = SecretBytes(test::unhex(h));
  l.format = format_for_path(name);
  auto ef = load_encrypted(l.format, l.text, name);
  EXPECT_TRUE(ef.ok()) << ef.error().to_string();
  if (ef.ok() && *ef) l.file = std::move(**ef);
  return l;
}

class SopsUpstream : public ::testing::TestWithParam<std::string> {};

TEST_P(SopsUpstream, DecryptsWithItsDataKeyAndChecksTheMac) {
  Loaded l = load_upstream(GetParam());
  ASSERT_EQ(l.key.size(), 32u);
  auto d = decrypt_with_key(l.file, l.key, GetParam());
  if (GetParam() == "no_mac.yaml") {
    ASSERT_FALSE(d.ok());
    EXPECT_NE(d.error().message.find("no MAC"), std::string::npos) << d.error().message;
    // Every value still decrypts when the MAC check is off.
    DecryptOptions o;
    o.ignore_mac = true;
    auto forced = decrypt_with_key(l.file, l.key, GetParam(), o);
    EXPECT_TRUE(forced.ok()) << forced.error().to_string();
    return;
  }
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  // Nothing encrypted is left in the plaintext tree.
  auto plain = emit_plain(l.format, d->branches, StoreConfig());
  ASSERT_TRUE(plain.ok()) << plain.error().to_string();
  EXPECT_EQ(plain->find("ENC[AES256_GCM"), std::string::npos) << *plain;
}

// Every ENC[…] value reduced to its type, so files encrypted twice can be compared.
std::string mask_values(std::string s) {
  for (size_t p = s.find("ENC[AES256_GCM,"); p != std::string::npos;
       p = s.find("ENC[AES256_GCM,", p + 1)) {
    size_t t = s.find(",type:", p);
    s.erase(p + 4, t + 1 - (p + 4));
  }
  return s;
}

// The data part of an encrypted file: everything before the metadata.
std::string data_part(const std::string& s, Format f) {
  const char* marker = f == Format::kYaml     ? "\nsops:\n"
                       : f == Format::kIni    ? "\n[sops]\n"
                       : f == Format::kDotenv ? "\nsops_"
                                              : "\"sops\": {";
  return s.substr(0, s.find(marker));
}

// Re-encrypting with the same data key and metadata decrypts back to the same tree, and has
// "exactly sops's shape": it is what sops wrote, but for the random IVs (so the ciphertexts)
// and the metadata block (which we write in 3.13's form) — for every file, sops 3.3 to 3.13.
TEST_P(SopsUpstream, ReEncryptingRoundTripsInSopsOwnLayout) {
  Loaded l = load_upstream(GetParam());
  // no_mac.yaml is read with the check off; re-encrypting gives it a MAC, checked below.
  DecryptOptions o;
  o.ignore_mac = GetParam() == "no_mac.yaml";
  auto d = decrypt_with_key(l.file, l.key, GetParam(), o);
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  auto enc = encrypt(d->branches, d->metadata, l.key, l.format, StoreConfig());
  ASSERT_TRUE(enc.ok()) << enc.error().to_string();
  std::string theirs = mask_values(data_part(l.text, l.format));
  ASSERT_NE(theirs.find("ENC[type:"), std::string::npos) << theirs;
  EXPECT_EQ(mask_values(data_part(*enc, l.format)), theirs);

  auto again = load_encrypted(l.format, *enc, GetParam());
  ASSERT_TRUE(again.ok() && *again) << *enc;
  auto d2 = decrypt_with_key(std::move(**again), l.key, GetParam());
  ASSERT_TRUE(d2.ok()) << d2.error().to_string() << "\n" << *enc;
  EXPECT_TRUE(d2->branches == d->branches);
  auto p1 = emit_plain(l.format, d->branches, StoreConfig());
  auto p2 = emit_plain(l.format, d2->branches, StoreConfig());
  ASSERT_TRUE(p1.ok() && p2.ok());
  EXPECT_EQ(*p1, *p2);
}

INSTANTIATE_TEST_SUITE_P(Files, SopsUpstream, ::testing::ValuesIn(upstream_files()),
                         [](const auto& info) { return test::case_name(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SopsUpstream);

TEST(SopsUpstreamFiles, CommentsDecryptToTheUpstreamPlaintext) {
  if (!test::have_conformance("sops-upstream")) GTEST_SKIP() << "no conformance cases";
  Loaded l = load_upstream("comments.enc.yaml");
  auto d = decrypt_with_key(l.file, l.key, "comments.enc.yaml");
  ASSERT_TRUE(d.ok()) << d.error().to_string();
  auto plain = emit_plain(Format::kYaml, d->branches, StoreConfig());
  ASSERT_TRUE(plain.ok());
  auto expected = core::read_file(kConformance + "/sops-upstream/comments.yaml");
  ASSERT_TRUE(expected.ok());
  // The upstream file lacks a final newline; sops (go-yaml) always writes one.
  std::string want = *expected;
  if (want.empty() || want.back() != '\n') want += '\n';
  EXPECT_EQ(*plain, want);
}

TEST(SopsUpstreamFiles, AllFilesArePresent) {
  if (!test::have_conformance("sops-upstream")) GTEST_SKIP() << "no conformance cases";
  EXPECT_EQ(upstream_files().size(), 13u);
}

// --- Flux's age-encrypted files --------------------------------------------------------------

struct FluxCase {
  std::string file, key_file, expect;  // expect: a substring of the decrypted output
};

std::vector<FluxCase> flux_cases() {
  return {
      {"algorithms/age.yaml", "keys/age.txt", "stringData:\n    key: value\n"},
      {"patches/merge1.yaml", "keys/age.txt", "stringData:\n    key: merge1\n"},
      {"patches/merge2.yaml", "keys/age.txt", "stringData:\n    merge2: merge2\n"},
      {"global/secret.yaml", "keys/age-global.txt", "stringData:\n    key: global-value\n"},
      {"files/file.txt", "keys/age.txt", "value"},
      {"envs/env.env", "keys/age.txt", "key=value\n"},
      {"component/env.env", "keys/age.txt", "key=value\n"},
      {"remote/env.env", "keys/age.txt", "key=value\n"},
  };
}

class SopsFlux : public ::testing::TestWithParam<FluxCase> {};

TEST_P(SopsFlux, DecryptsWithTheReadmeKeyToTheReadmePlaintext) {
  if (!test::have_conformance("sops-flux")) GTEST_SKIP() << "no conformance cases";
  const FluxCase& c = GetParam();
  auto text = core::read_file(kConformance + "/sops-flux/" + c.file);
  auto keys = core::read_file(kConformance + "/sops-flux/" + c.key_file);
  ASSERT_TRUE(text.ok() && keys.ok());
  auto ids = age::parse_identities(*keys);
  ASSERT_TRUE(ids.ok());
  IdentityList refs;
  for (auto& i : *ids) refs.push_back(i.get());
  Format f = format_for_path(c.file);
  auto out = decrypt_document(*text, c.file, f, f, StoreConfig(), refs);
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  if (f == Format::kBinary) {
    EXPECT_EQ(*out, c.expect);
  } else {
    EXPECT_NE(out->find(c.expect), std::string::npos) << *out;
  }
}

TEST_P(SopsFlux, FailsWithTheOtherKey) {
  if (!test::have_conformance("sops-flux")) GTEST_SKIP() << "no conformance cases";
  const FluxCase& c = GetParam();
  auto text = core::read_file(kConformance + "/sops-flux/" + c.file);
  std::string other = c.key_file == "keys/age.txt" ? "keys/age-global.txt" : "keys/age.txt";
  auto keys = core::read_file(kConformance + "/sops-flux/" + other);
  ASSERT_TRUE(text.ok() && keys.ok());
  auto ids = age::parse_identities(*keys);
  ASSERT_TRUE(ids.ok());
  Format f = format_for_path(c.file);
  auto out = decrypt_document(*text, c.file, f, f, StoreConfig(), {(*ids)[0].get()});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().file, c.file);
  EXPECT_NE(out.error().message.find("could not recover the data key"), std::string::npos)
      << out.error().message;
}

// The MAC is really checked: the same file with one character of its MAC changed fails.
TEST_P(SopsFlux, FailsWhenItsMacIsTampered) {
  if (!test::have_conformance("sops-flux")) GTEST_SKIP() << "no conformance cases";
  const FluxCase& c = GetParam();
  auto text = core::read_file(kConformance + "/sops-flux/" + c.file);
  auto keys = core::read_file(kConformance + "/sops-flux/" + c.key_file);
  ASSERT_TRUE(text.ok() && keys.ok());
  // The MAC is the ENC[…] value whose key ends in "mac" (mac:, sops_mac=, "mac": ).
  std::string t = *text;
  size_t at = std::string::npos;
  for (size_t p = t.find("ENC[AES256_GCM,data:"); p != std::string::npos;
       p = t.find("ENC[AES256_GCM,data:", p + 1)) {
    if (t.substr(p >= 8 ? p - 8 : 0, p >= 8 ? 8 : p).find("mac") != std::string::npos) at = p + 20;
  }
  ASSERT_NE(at, std::string::npos) << "no MAC in " << c.file;
  t[at] = t[at] == 'A' ? 'B' : 'A';
  auto ids = age::parse_identities(*keys);
  ASSERT_TRUE(ids.ok());
  Format f = format_for_path(c.file);
  auto out = decrypt_document(t, c.file, f, f, StoreConfig(), {(*ids)[0].get()});
  ASSERT_FALSE(out.ok()) << *out;
  EXPECT_EQ(out.error().file, c.file);
  EXPECT_NE(out.error().message.find("MAC"), std::string::npos) << out.error().message;
}

INSTANTIATE_TEST_SUITE_P(Files, SopsFlux, ::testing::ValuesIn(flux_cases()),
                         [](const auto& info) { return test::case_name(info.param.file); });

// Flux decrypts sops documents found base64-encoded in Secret data (inside/secret.yaml).
TEST(SopsFluxFiles, DecryptsTheDocumentInsideASecret) {
  if (!test::have_conformance("sops-flux")) GTEST_SKIP() << "no conformance cases";
  auto text = core::read_file(kConformance + "/sops-flux/inside/secret.yaml");
  auto keys = core::read_file(kConformance + "/sops-flux/keys/age.txt");
  ASSERT_TRUE(text.ok() && keys.ok());
  size_t p = text->find("key: ");
  ASSERT_NE(p, std::string::npos);
  std::string b64 = text->substr(p + 5, text->find('\n', p) - p - 5);
  auto doc = core::base64_decode(b64);
  ASSERT_TRUE(doc);
  auto ids = age::parse_identities(*keys);
  ASSERT_TRUE(ids.ok());
  auto out = decrypt_document(*doc, "inside/secret.yaml:data.key", Format::kBinary, Format::kBinary,
                              StoreConfig(), {(*ids)[0].get()});
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  EXPECT_FALSE(out->empty());
}

TEST(SopsFluxFiles, PgpOnlyFilesSayWhyTheyCannotBeDecrypted) {
  if (!test::have_conformance("sops-flux")) GTEST_SKIP() << "no conformance cases";
  auto text = core::read_file(kConformance + "/sops-flux/algorithms/pgp.yaml");
  ASSERT_TRUE(text.ok());
  auto out = decrypt_document(*text, "pgp.yaml", Format::kYaml, Format::kYaml, StoreConfig(), {});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("pgp"), std::string::npos) << out.error().message;
}

}  // namespace
}  // namespace oc::crypto::sops
