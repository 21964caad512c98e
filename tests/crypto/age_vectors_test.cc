// The C2SP/CCTV age test vectors (../shared/conformance/age): every file is decrypted with its
// identities or passphrases and must give exactly the expected outcome, and, where it applies,
// the plaintext hash (including the plaintext released before a payload failure). Vectors for
// recipient types we do not implement (ML-KEM hybrid) are skipped, except hybrid_x25519_arg,
// which checks our X25519 identity against a hybrid-sized share.
#include <gtest/gtest.h>

#include "crypto/age.h"
#include "crypto/armor.h"
#include "helpers.h"

namespace oc::crypto {
namespace {

using test::kConformance;

struct Vector {
  std::string expect;
  std::string payload_hash;
  std::vector<std::string> identities, passphrases;
  bool armored = false, compressed = false, unknown_key = false;
  std::string file;
};

Vector parse_vector(const std::string& text) {
  Vector v;
  size_t p = 0;
  for (;;) {
    size_t nl = text.find('\n', p);
    std::string line = text.substr(p, nl - p);
    p = nl + 1;
    if (line.empty()) break;
    size_t c = line.find(": ");
    std::string k = line.substr(0, c), val = c == std::string::npos ? "" : line.substr(c + 2);
    if (k == "expect")
      v.expect = val;
    else if (k == "payload")
      v.payload_hash = val;
    else if (k == "identity")
      v.identities.push_back(val);
    else if (k == "passphrase")
      v.passphrases.push_back(val);
    else if (k == "armored")
      v.armored = val == "yes";
    else if (k == "compressed")
      v.compressed = val == "zlib";
    else if (k != "file key" && k != "comment")
      v.unknown_key = true;
  }
  v.file = text.substr(p);
  if (v.compressed) v.file = test::inflate_zlib(v.file);
  return v;
}

std::vector<std::string> vectors() {
  std::vector<std::string> out;
  for (const auto& f : test::files_in("age")) {
    if (f != "README.md" && f != "PROVENANCE.md") out.push_back(f);
  }
  return out;
}

class AgeVector : public ::testing::TestWithParam<std::string> {};

TEST_P(AgeVector, DecryptsWithTheExpectedOutcome) {
  auto text = core::read_file(kConformance + "/age/" + GetParam());
  ASSERT_TRUE(text.ok());
  Vector v = parse_vector(*text);
  if (v.unknown_key) GTEST_SKIP() << "unknown header key (the README says to ignore the file)";
  age::Identities ids;
  for (const auto& s : v.identities) {
    if (s.rfind("AGE-SECRET-KEY-PQ-1", 0) == 0) {
      if (GetParam() == "hybrid_x25519_arg") continue;
      GTEST_SKIP() << "ML-KEM-768 hybrid identities are not implemented";
    }
    auto id = age::X25519Identity::parse(s);
    ASSERT_TRUE(id.ok()) << id.error().message;
    ids.push_back(std::make_unique<age::X25519Identity>(std::move(*id)));
  }
  for (const auto& p : v.passphrases) {
    ids.push_back(std::make_unique<age::ScryptIdentity>(SecretBytes(p)));
  }
  std::vector<const age::Identity*> refs;
  for (auto& i : ids) refs.push_back(i.get());

  // Threads on, as the CLI runs: the parallel path must release exactly what the sequential
  // algorithm releases.
  for (size_t threads : {size_t(1), size_t(3)}) {
    StringSource in(v.file);
    StringSink out;
    age::DecryptOptions o;
    o.armor = v.armored ? age::ArmorMode::kArmored : age::ArmorMode::kBinary;
    o.stream.threads = threads;
    age::AgeStatus st = age::decrypt(in, out, refs, o);
    EXPECT_EQ(age::failure_name(st.failure), v.expect) << st.error.message;
    if (v.expect == "success" || v.expect == "payload failure" || v.expect == "armor failure") {
      if (!v.payload_hash.empty()) {
        EXPECT_EQ(test::sha256_hex(out.data), v.payload_hash)
            << "released " << out.data.size() << " bytes (threads " << threads << ")";
      }
    } else {
      EXPECT_TRUE(out.data.empty());
    }
  }
}

// Armor and header encodings round-trip (the README's suggested round-trip checks).
TEST_P(AgeVector, ValidEncodingsRoundTrip) {
  auto text = core::read_file(kConformance + "/age/" + GetParam());
  ASSERT_TRUE(text.ok());
  Vector v = parse_vector(*text);
  if (v.armored) {
    if (v.expect == "armor failure") return;
    StringSource in(v.file);
    age::ArmorReader r(in);
    StringSink decoded;
    uint8_t buf[4096];
    for (;;) {
      auto n = r.read(buf, sizeof buf);
      ASSERT_TRUE(n.ok()) << n.error().message;
      if (*n == 0) break;
      decoded.write(buf, *n);
    }
    StringSink re;
    age::ArmorWriter w(re);
    ASSERT_TRUE(w.write(decoded.data).ok());
    ASSERT_TRUE(w.close().ok());
    // CRLF ↔ LF and surrounding whitespace are tolerated on input and do not round-trip.
    std::string expect;
    for (size_t i = 0; i < v.file.size(); ++i) {
      if (v.file[i] == '\r' && i + 1 < v.file.size() && v.file[i + 1] == '\n') continue;
      expect += v.file[i];
    }
    size_t b = expect.find_first_not_of(" \t\r\n"), e = expect.find_last_not_of(" \t\r\n");
    expect = expect.substr(b, e - b + 1) + "\n";
    EXPECT_EQ(re.data, expect);
    return;
  }
  if (v.expect == "header failure") return;
  StringSource in(v.file);
  BufferedSource b(in);
  auto h = age::parse_header(b);
  ASSERT_TRUE(h.ok()) << h.error().message;
  std::string rest;
  uint8_t buf[4096];
  for (;;) {
    auto n = b.read(buf, sizeof buf);
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    rest.append(reinterpret_cast<char*>(buf), *n);
  }
  EXPECT_EQ(age::marshal(*h) + rest, v.file);
}

INSTANTIATE_TEST_SUITE_P(CCTV, AgeVector, ::testing::ValuesIn(vectors()),
                         [](const auto& info) { return test::case_name(info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(AgeVector);

TEST(AgeVectors, CorpusIsPresent) {
  if (!test::have_conformance("age")) GTEST_SKIP() << "no conformance cases";
  EXPECT_GE(vectors().size(), 140u);
}

}  // namespace
}  // namespace oc::crypto
