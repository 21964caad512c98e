// Known-answer tests for the primitives (RFC vectors) and our hand-written encoders.
#include "crypto/primitives.h"

#include <gtest/gtest.h>

#include "core/base64.h"
#include "crypto/base64.h"
#include "crypto/bech32.h"
#include "crypto/shamir.h"
#include "helpers.h"

namespace oc::crypto {
namespace {

using test::hex;
using test::unhex;

std::string sv(const uint8_t* p, size_t n) {
  return std::string(reinterpret_cast<const char*>(p), n);
}

TEST(X25519, MatchesRfc7748Vector) {
  // RFC 7748 §6.1: Alice's key pair and the shared secret with Bob.
  std::string a = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  std::string b_pub = unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  uint8_t pub[32], shared[32];
  x25519_base(reinterpret_cast<const uint8_t*>(a.data()), pub);
  EXPECT_EQ(hex(sv(pub, 32)), "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  ASSERT_TRUE(x25519(reinterpret_cast<const uint8_t*>(a.data()),
                     reinterpret_cast<const uint8_t*>(b_pub.data()), shared));
  EXPECT_EQ(hex(sv(shared, 32)),
            "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
}

TEST(X25519, RefusesTheAllZeroSharedSecret) {
  std::string a = unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  uint8_t zero_point[32] = {}, out[32];
  EXPECT_FALSE(x25519(reinterpret_cast<const uint8_t*>(a.data()), zero_point, out));
}

TEST(Hkdf, MatchesRfc5869Case1) {
  std::string ikm(22, '\x0b');
  std::string salt = unhex("000102030405060708090a0b0c");
  std::string info = unhex("f0f1f2f3f4f5f6f7f8f9");
  uint8_t okm[42];
  hkdf_sha256(ikm, salt, info, okm, sizeof okm);
  EXPECT_EQ(hex(sv(okm, 42)),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(Scrypt, MatchesRfc7914Vector) {
  // RFC 7914 §12: P = "pleaseletmein", S = "SodiumChloride", N = 16384, r = 8, p = 1 (first
  // 32 bytes of the 64-byte output).
  uint8_t out[32];
  ASSERT_TRUE(scrypt("pleaseletmein", "SodiumChloride", 14, out).ok());
  EXPECT_EQ(hex(sv(out, 32)), "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2");
}

TEST(ChaChaPoly, MatchesRfc8439AeadVector) {
  std::string key = unhex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
  std::string nonce = unhex("070000004041424344454647");
  std::string aad = unhex("50515253c0c1c2c3c4c5c6c7");
  (void)aad;  // our interface has no AAD (age never uses one): check the cipher against itself
  std::string plain =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
      "sunscreen would be it.";
  ChaChaPoly c(reinterpret_cast<const uint8_t*>(key.data()));
  std::string sealed(plain.size() + 16, '\0');
  c.seal(reinterpret_cast<const uint8_t*>(nonce.data()),
         reinterpret_cast<const uint8_t*>(plain.data()), plain.size(),
         reinterpret_cast<uint8_t*>(sealed.data()));
  // RFC 8439 §2.8.2 ciphertext (the keystream does not depend on the AAD).
  EXPECT_EQ(hex(sealed.substr(0, 16)), "d31a8d34648e60db7b86afbc53ef7ec2");
  std::string opened(plain.size(), '\0');
  EXPECT_TRUE(c.open(reinterpret_cast<const uint8_t*>(nonce.data()),
                     reinterpret_cast<const uint8_t*>(sealed.data()), sealed.size(),
                     reinterpret_cast<uint8_t*>(opened.data())));
  EXPECT_EQ(opened, plain);
  sealed[5] ^= 1;
  EXPECT_FALSE(c.open(reinterpret_cast<const uint8_t*>(nonce.data()),
                      reinterpret_cast<const uint8_t*>(sealed.data()), sealed.size(),
                      reinterpret_cast<uint8_t*>(opened.data())));
}

TEST(AesGcm, RoundTripsWith32ByteIvsAndRejectsWrongAad) {
  std::string key(32, 'k');
  AesGcm g(reinterpret_cast<const uint8_t*>(key.data()));
  std::string iv(32, '\x01'), ct;
  uint8_t tag[16];
  g.seal(iv, "secret", "a:b:", ct, tag);
  std::string pt;
  EXPECT_TRUE(g.open(iv, ct, sv(tag, 16), "a:b:", pt));
  EXPECT_EQ(pt, "secret");
  pt.clear();
  EXPECT_FALSE(g.open(iv, ct, sv(tag, 16), "a:c:", pt));
  EXPECT_TRUE(pt.empty());
  // A 12-byte IV after a 32-byte one (the context switches IV lengths).
  std::string iv12(12, '\x02'), ct2;
  g.seal(iv12, "x", "", ct2, tag);
  EXPECT_TRUE(g.open(iv12, ct2, sv(tag, 16), "", pt));
}

TEST(Base64, StrictRefusesNonCanonicalPaddingAndWhitespace) {
  EXPECT_EQ(*base64::decode_strict("YQ", false), "a");
  EXPECT_FALSE(base64::decode_strict("YR", false));    // non-zero trailing bits
  EXPECT_FALSE(base64::decode_strict("YQ==", false));  // padding in raw
  EXPECT_EQ(*base64::decode_strict("YQ==", true), "a");
  EXPECT_FALSE(base64::decode_strict("YQ=", true));
  EXPECT_FALSE(base64::decode_strict("YQ", true));
  EXPECT_FALSE(base64::decode_strict("Y Q=", true));
  EXPECT_FALSE(base64::decode_strict("YQ\n", false));
  EXPECT_FALSE(base64::decode_strict("Y", false));
  EXPECT_EQ(*base64::decode_strict("", false), "");
}

// sops's ENC[…] fields are read with core's decoder, which must be Go's lenient StdEncoding.
TEST(Base64, SopsFieldsUseGoLenientDecoding) {
  EXPECT_EQ(*core::base64_decode("YR==\n"), "a");
  EXPECT_EQ(*core::base64_decode("aGVs\r\nbG8="), "hello");
  EXPECT_FALSE(core::base64_decode("aGVsbG8"));  // padding required
}

// Our buffer encoder agrees with core's (which age's header and sops's values use) and
// decodes strictly back, for every length and tail.
TEST(Base64, BufferEncoderAgreesWithCoreForAllLengths) {
  std::string data;
  for (int i = 0; i < 200; ++i) {
    data.push_back(char(i * 37));
    for (bool pad : {true, false}) {
      std::string e(base64::encoded_size(data.size(), pad), '?');
      base64::encode(reinterpret_cast<const uint8_t*>(data.data()), data.size(), e.data(), pad);
      EXPECT_EQ(e, core::base64_encode(data, pad ? core::Base64::kStd : core::Base64::kRawStd));
      EXPECT_EQ(*base64::decode_strict(e, pad), data);
    }
  }
}

TEST(Bech32, DerivesTheFluxTestRecipient) {
  // ../shared/research/sops-age.md §6.1.
  auto b =
      bech32_decode("AGE-SECRET-KEY-1RH87A5Z54ZGUR9S0AS3R6WHFSEFNPLYMAKF5Z2CEU7R06VRJ0A3Q7242AM");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->hrp, "AGE-SECRET-KEY-");
  ASSERT_EQ(b->data.size(), 32u);
  uint8_t pub[32];
  x25519_base(reinterpret_cast<const uint8_t*>(b->data.data()), pub);
  EXPECT_EQ(bech32_encode("age", sv(pub, 32)),
            "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29");
  EXPECT_EQ(bech32_encode("AGE-SECRET-KEY-", b->data),
            "AGE-SECRET-KEY-1RH87A5Z54ZGUR9S0AS3R6WHFSEFNPLYMAKF5Z2CEU7R06VRJ0A3Q7242AM");
}

TEST(Bech32, RejectsMixedCaseAndBadChecksum) {
  EXPECT_FALSE(
      bech32_decode("age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys2A").ok());
  auto bad = bech32_decode("age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys28");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "invalid checksum");
}

TEST(Shamir, AnyThresholdSubsetRecoversTheSecret) {
  SecretBytes secret = SecretBytes::random(32);
  auto parts = shamir_split(secret, 3, 2);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);
  for (auto [i, j] : {std::pair{0, 1}, std::pair{0, 2}, std::pair{1, 2}}) {
    auto k = shamir_combine({(*parts)[size_t(i)], (*parts)[size_t(j)]});
    ASSERT_TRUE(k.ok());
    EXPECT_TRUE(*k == secret);
  }
  auto one = shamir_combine({(*parts)[0]});
  EXPECT_FALSE(one.ok());
  auto dup = shamir_combine({(*parts)[0], (*parts)[0]});
  EXPECT_FALSE(dup.ok());
}

}  // namespace
}  // namespace oc::crypto
