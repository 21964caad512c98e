// Sprig's crypto.go over OpenSSL: hashes, bcrypt/htpasswd (bcrypt's EksBlowfish is written
// here; OpenSSL has no bcrypt), derivePassword (scrypt + HMAC), private keys, certificates
// (genCA, genSelfSignedCert, genSignedCert and their *WithKey forms, buildCustomCert),
// encryptAES/decryptAES, randBytes, uuidv4.
#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <zlib.h>

#include <chrono>
#include <cstring>
#include <memory>

#include "core/base64.h"
#include "core/node.h"
#include "helm/func_util.h"

namespace oc::helm {

namespace {

#include "helm/blowfish_tables.inc"

std::string hex(const unsigned char* d, size_t n) {
  static const char k[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(k[d[i] >> 4]);
    out.push_back(k[d[i] & 15]);
  }
  return out;
}

// The digests sha256sum and sha1sum use, fetched once: EVP_sha256() is a legacy handle that
// OpenSSL 3 resolves again on every EVP_Digest (an engine check and a provider lookup, ~36,000
// instructions per call against ~2,000 for the hash of a label block).
const EVP_MD* sha256_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  return md;
}
const EVP_MD* sha1_md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  return md;
}

std::string digest(const EVP_MD* md, std::string_view s) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), buf, &n, md, nullptr);
  return hex(buf, n);
}

std::string random_bytes(size_t n) {
  std::string out(n, '\0');
  if (n) RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n));
  return out;
}

Value f_sha256sum(CallCtx&, Args a) {
  return str_value(digest(sha256_md(), a[0].str()));
}
Value f_sha1sum(CallCtx&, Args a) {
  return str_value(digest(sha1_md(), a[0].str()));
}
Value f_adler32sum(CallCtx&, Args a) {
  std::string_view s = a[0].str();
  uLong h = adler32(1L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size()));
  return str_value(std::to_string(h));
}

// --- bcrypt (golang.org/x/crypto/bcrypt, cost 10, version 2a) ---
struct Blowfish {
  uint32_t p[18];
  uint32_t s[4][256];
  void init() {
    std::memcpy(p, kBlowfishP, sizeof p);
    std::memcpy(s[0], kBlowfishS0, sizeof s[0]);
    std::memcpy(s[1], kBlowfishS1, sizeof s[1]);
    std::memcpy(s[2], kBlowfishS2, sizeof s[2]);
    std::memcpy(s[3], kBlowfishS3, sizeof s[3]);
  }
  uint32_t f(uint32_t x) const {
    return ((s[0][x >> 24] + s[1][(x >> 16) & 0xff]) ^ s[2][(x >> 8) & 0xff]) + s[3][x & 0xff];
  }
  void encrypt(uint32_t& l, uint32_t& r) const {
    uint32_t xl = l ^ p[0], xr = r;
    for (int i = 1; i <= 16; i += 2) {
      xr ^= f(xl) ^ p[i];
      xl ^= f(xr) ^ p[i + 1];
    }
    xr ^= p[17];
    l = xr;
    r = xl;
  }
  static uint32_t next_word(std::string_view b, size_t* pos) {
    uint32_t w = 0;
    for (int i = 0; i < 4; ++i) {
      w = (w << 8) | static_cast<unsigned char>(b[*pos]);
      if (++*pos >= b.size()) *pos = 0;
    }
    return w;
  }
  void expand(std::string_view key, std::string_view salt) {
    size_t j = 0;
    for (auto& w : p) w ^= next_word(key, &j);
    j = 0;
    uint32_t l = 0, r = 0;
    auto step = [&](uint32_t* dst) {
      if (!salt.empty()) {
        l ^= next_word(salt, &j);
        r ^= next_word(salt, &j);
      }
      encrypt(l, r);
      dst[0] = l;
      dst[1] = r;
    };
    for (int i = 0; i < 18; i += 2) step(&p[i]);
    for (auto& box : s) {
      for (int i = 0; i < 256; i += 2) step(&box[i]);
    }
  }
};

constexpr char kBcryptAlphabet[] =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string bcrypt_b64(std::string_view src) {
  std::string std64 = core::base64_encode(src);
  static const char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (char c : std64) {
    if (c == '=') break;
    out.push_back(kBcryptAlphabet[std::strchr(kStd, c) - kStd]);
  }
  return out;
}

std::string bcrypt_hash(std::string_view password) {
  const int cost = 10;
  std::string salt = random_bytes(16);
  std::string key(password);
  key.push_back('\0');
  auto bf = std::make_unique<Blowfish>();
  bf->init();
  bf->expand(key, salt);
  for (uint64_t i = 0; i < (uint64_t(1) << cost); ++i) {
    bf->expand(key, "");
    bf->expand(salt, "");
  }
  unsigned char data[24];
  std::memcpy(data, "OrpheanBeholderScryDoubt", 24);
  for (int i = 0; i < 24; i += 8) {
    uint32_t l = (uint32_t(data[i]) << 24) | (uint32_t(data[i + 1]) << 16) |
                 (uint32_t(data[i + 2]) << 8) | data[i + 3];
    uint32_t r = (uint32_t(data[i + 4]) << 24) | (uint32_t(data[i + 5]) << 16) |
                 (uint32_t(data[i + 6]) << 8) | data[i + 7];
    for (int j = 0; j < 64; ++j) bf->encrypt(l, r);
    for (int k = 0; k < 4; ++k) {
      data[i + k] = static_cast<unsigned char>(l >> (24 - 8 * k));
      data[i + 4 + k] = static_cast<unsigned char>(r >> (24 - 8 * k));
    }
  }
  return "$2a$10$" + bcrypt_b64(salt) +
         bcrypt_b64(std::string_view(reinterpret_cast<char*>(data), 23));
}

Value f_bcrypt(CallCtx&, Args a) {
  return str_value(bcrypt_hash(a[0].str()));
}
Value f_htpasswd(CallCtx&, Args a) {
  std::string_view user = a[0].str();
  if (user.find(':') != std::string_view::npos)
    return str_value("invalid username: " + std::string(user));
  return str_value(std::string(user) + ":" + bcrypt_hash(a[1].str()));
}

Value f_rand_bytes(CallCtx& ctx, Args a) {
  int64_t n = a[0].as_int();
  if (n < 0) func_fail("runtime error: makeslice: len out of range");
  ctx.exec.check_size(static_cast<size_t>(n), "randBytes");
  return str_value(core::base64_encode(random_bytes(static_cast<size_t>(n))));
}

Value f_uuidv4(CallCtx&, Args) {
  std::string b = random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  std::string h = hex(reinterpret_cast<const unsigned char*>(b.data()), 16);
  return str_value(h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" +
                   h.substr(16, 4) + "-" + h.substr(20));
}

// --- derivePassword (Master Password algorithm) ---
const std::vector<std::pair<std::string, std::vector<std::string>>>& password_templates() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> t = {
      {"maximum", {"anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"}},
      {"long",
       {"CvcvnoCvcvCvcv", "CvcvCvcvnoCvcv", "CvcvCvcvCvcvno", "CvccnoCvcvCvcv", "CvccCvcvnoCvcv",
        "CvccCvcvCvcvno", "CvcvnoCvccCvcv", "CvcvCvccnoCvcv", "CvcvCvccCvcvno", "CvcvnoCvcvCvcc",
        "CvcvCvcvnoCvcc", "CvcvCvcvCvccno", "CvccnoCvccCvcv", "CvccCvccnoCvcv", "CvccCvccCvcvno",
        "CvcvnoCvccCvcc", "CvcvCvccnoCvcc", "CvcvCvccCvccno", "CvccnoCvcvCvcc", "CvccCvcvnoCvcc",
        "CvccCvcvCvccno"}},
      {"medium", {"CvcnoCvc", "CvcCvcno"}},
      {"short", {"Cvcn"}},
      {"basic", {"aaanaaan", "aannaaan", "aaannaaa"}},
      {"pin", {"nnnn"}}};
  return t;
}

std::string_view template_chars(char c) {
  switch (c) {
    case 'V':
      return "AEIOU";
    case 'C':
      return "BCDFGHJKLMNPQRSTVWXYZ";
    case 'v':
      return "aeiou";
    case 'c':
      return "bcdfghjklmnpqrstvwxyz";
    case 'A':
      return "AEIOUBCDFGHJKLMNPQRSTVWXYZ";
    case 'a':
      return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
    case 'n':
      return "0123456789";
    case 'o':
      return "@&%?,=[]_:-+*$#!'^~;()/.";
    case 'x':
      return "AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()";
    default:
      return "";
  }
}

void put_u32(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v >> 24));
  s.push_back(static_cast<char>(v >> 16));
  s.push_back(static_cast<char>(v >> 8));
  s.push_back(static_cast<char>(v));
}

Value f_derive_password(CallCtx&, Args a) {
  uint32_t counter = static_cast<uint32_t>(a[0].as_uint());
  std::string_view type = a[1].str(), password = a[2].str(), user = a[3].str(), site = a[4].str();
  const std::vector<std::string>* templates = nullptr;
  for (const auto& [k, v] : password_templates()) {
    if (k == type) templates = &v;
  }
  if (!templates) return str_value("cannot find password template " + std::string(type));
  std::string salt = "com.lyndir.masterpassword";
  put_u32(salt, static_cast<uint32_t>(user.size()));
  salt += user;
  unsigned char key[64];
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), 32768, 8, 2,
                     64ull << 20, key, sizeof key) != 1) {
    return str_value("failed to derive password: scrypt failed");
  }
  std::string msg = "com.lyndir.masterpassword";
  put_u32(msg, static_cast<uint32_t>(site.size()));
  msg += site;
  put_u32(msg, counter);
  unsigned char seed[32];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key, sizeof key, reinterpret_cast<const unsigned char*>(msg.data()),
       msg.size(), seed, &n);
  const std::string& tmpl = (*templates)[seed[0] % templates->size()];
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    std::string_view chars = template_chars(tmpl[i]);
    out.push_back(chars[seed[i + 1] % chars.size()]);
  }
  return str_value(std::move(out));
}

// --- keys and certificates ---
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

std::string bio_string(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  return std::string(data, static_cast<size_t>(n));
}

// The PEM Sprig writes for a key: PKCS#1 for RSA, SEC1 for EC, the DSA sequence for DSA, and
// PKCS#8 for others (ed25519).
std::string key_pem(EVP_PKEY* k) {
  int id = EVP_PKEY_get_base_id(k);
  const char* structure = (id == EVP_PKEY_RSA || id == EVP_PKEY_EC || id == EVP_PKEY_DSA)
                              ? "type-specific"
                              : "PrivateKeyInfo";
  OSSL_ENCODER_CTX* ctx =
      OSSL_ENCODER_CTX_new_for_pkey(k, OSSL_KEYMGMT_SELECT_ALL, "PEM", structure, nullptr);
  unsigned char* data = nullptr;
  size_t len = 0;
  std::string out;
  if (ctx && OSSL_ENCODER_to_data(ctx, &data, &len) == 1) {
    out.assign(reinterpret_cast<char*>(data), len);
    OPENSSL_free(data);
  }
  OSSL_ENCODER_CTX_free(ctx);
  return out;
}

Pkey gen_key(const char* type, int bits) {
  if (std::strcmp(type, "RSA") == 0) return Pkey(EVP_RSA_gen(static_cast<unsigned>(bits)));
  if (std::strcmp(type, "EC") == 0) return Pkey(EVP_EC_gen("P-256"));
  if (std::strcmp(type, "ED25519") == 0)
    return Pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (std::strcmp(type, "DSA") == 0) {
    EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr);
    EVP_PKEY* params = nullptr;
    if (!pctx || EVP_PKEY_paramgen_init(pctx) <= 0 ||
        EVP_PKEY_CTX_set_dsa_paramgen_bits(pctx, 2048) <= 0 ||
        EVP_PKEY_CTX_set_dsa_paramgen_q_bits(pctx, 256) <= 0 ||
        EVP_PKEY_paramgen(pctx, &params) <= 0) {
      EVP_PKEY_CTX_free(pctx);
      return nullptr;
    }
    EVP_PKEY_CTX_free(pctx);
    EVP_PKEY_CTX* kctx = EVP_PKEY_CTX_new_from_pkey(nullptr, params, nullptr);
    EVP_PKEY* key = nullptr;
    if (kctx && EVP_PKEY_keygen_init(kctx) > 0) EVP_PKEY_keygen(kctx, &key);
    EVP_PKEY_CTX_free(kctx);
    EVP_PKEY_free(params);
    return Pkey(key);
  }
  return nullptr;
}

Value f_gen_private_key(CallCtx&, Args a) {
  std::string_view t = a[0].str();
  Pkey k;
  if (t.empty() || t == "rsa") {
    k = gen_key("RSA", 4096);
  } else if (t == "dsa") {
    k = gen_key("DSA", 2048);
  } else if (t == "ecdsa") {
    k = gen_key("EC", 256);
  } else if (t == "ed25519") {
    k = gen_key("ED25519", 0);
  } else {
    return str_value("Unknown type " + std::string(t));
  }
  if (!k) return str_value("failed to generate private key");
  return str_value(key_pem(k.get()));
}

// parsePrivateKeyPEM: "PRIVATE KEY" (PKCS#8) or "<TYPE> PRIVATE KEY".
Pkey parse_key_pem(std::string_view pem, std::string* err) {
  size_t b = pem.find("-----BEGIN ");
  if (b == std::string_view::npos) {
    *err = "no PEM data in input";
    return nullptr;
  }
  size_t e = pem.find("-----", b + 11);
  std::string type(pem.substr(b + 11, e == std::string_view::npos ? 0 : e - b - 11));
  if (type != "PRIVATE KEY" &&
      (type.size() < 12 || type.compare(type.size() - 12, 12, " PRIVATE KEY") != 0)) {
    *err = "no private key data in PEM block of type " + type;
    return nullptr;
  }
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (!k) {
    *err = type == "PRIVATE KEY" ? "decoding PEM as PKCS#8: invalid key"
                                 : "invalid private key type " + type;
    return nullptr;
  }
  return Pkey(k);
}

// The certificate struct Sprig returns ({Cert, Key}).
class CertObject : public Object {
 public:
  CertObject(std::string cert, std::string key) : cert_(std::move(cert)), key_(std::move(key)) {}
  std::string type_name() const override { return "sprig.certificate"; }
  bool field(std::string_view name, Value* out) const override {
    if (name == "Cert")
      *out = Value::string(cert_);
    else if (name == "Key")
      *out = Value::string(key_);
    else
      return false;
    return true;
  }
  size_t num_fields() const override { return 2; }
  std::string_view field_name(size_t i) const override { return i == 0 ? "Cert" : "Key"; }
  Value field_at(size_t i) const override { return Value::string(i == 0 ? cert_ : key_); }
  const std::string& cert() const { return cert_; }
  const std::string& key() const { return key_; }

 private:
  std::string cert_, key_;
};

bool parse_ip(const std::string& s, std::string* raw) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1) {
    raw->assign(reinterpret_cast<char*>(buf), 4);
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    raw->assign(reinterpret_cast<char*>(buf), 16);
    return true;
  }
  return false;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext) {
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
  }
}

// getBaseCertTemplate + x509.CreateCertificate + PEM encoding.
Value make_cert(const std::string& cn, const Value& ips, const Value& dns, int64_t days, bool is_ca,
                EVP_PKEY* key, X509* parent, EVP_PKEY* signer) {
  // Go's x509 writes DNS names before IP addresses.
  std::vector<std::string> san;
  for (const Value& d : dns.items()) {
    if (d.kind() != Kind::kString) {
      func_fail("error processing alternate dns name: " + go_sprint1(d) + " is not a string");
    }
    san.push_back("DNS:" + std::string(d.str()));
  }
  for (const Value& ip : ips.items()) {
    if (ip.kind() != Kind::kString)
      func_fail("error parsing ip: " + go_sprint1(ip) + " is not a string");
    std::string raw;
    if (!parse_ip(std::string(ip.str()), &raw))
      func_fail("error parsing ip: " + std::string(ip.str()));
    san.push_back("IP:" + std::string(ip.str()));
  }
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  // A random 128-bit serial number.
  std::string serial = random_bytes(16);
  BIGNUM* bn = BN_bin2bn(reinterpret_cast<const unsigned char*>(serial.data()), 16, nullptr);
  ASN1_INTEGER* asn = BN_to_ASN1_INTEGER(bn, nullptr);
  X509_set_serialNumber(cert.get(), asn);
  ASN1_INTEGER_free(asn);
  BN_free(bn);
  X509_NAME* name = X509_NAME_new();
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  X509_set_subject_name(cert.get(), name);
  X509_NAME_free(name);
  X509_set_issuer_name(cert.get(),
                       parent ? X509_get_subject_name(parent) : X509_get_subject_name(cert.get()));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(days) * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509* issuer = parent ? parent : cert.get();
  add_ext(cert.get(), issuer, NID_key_usage,
          is_ca ? "critical,digitalSignature,keyEncipherment,keyCertSign"
                : "critical,digitalSignature,keyEncipherment");
  add_ext(cert.get(), issuer, NID_ext_key_usage, "serverAuth,clientAuth");
  add_ext(cert.get(), issuer, NID_basic_constraints,
          is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (is_ca) add_ext(cert.get(), issuer, NID_subject_key_identifier, "hash");
  if (parent) add_ext(cert.get(), issuer, NID_authority_key_identifier, "keyid");
  if (!san.empty()) {
    std::string v;
    for (size_t i = 0; i < san.size(); ++i) v += (i ? "," : "") + san[i];
    add_ext(cert.get(), issuer, NID_subject_alt_name, v);
  }
  int id = EVP_PKEY_get_base_id(signer);
  const EVP_MD* md = (id == EVP_PKEY_ED25519) ? nullptr : EVP_sha256();
  if (X509_sign(cert.get(), signer, md) <= 0)
    func_fail("error creating certificate: signing failed");
  Bio out(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(out.get(), cert.get());
  return Value::object(new CertObject(bio_string(out.get()), key_pem(key)));
}

Value f_gen_ca(CallCtx&, Args a) {
  Pkey k = gen_key("RSA", 2048);
  return make_cert(std::string(a[0].str()), Value::slice({}), Value::slice({}), a[1].as_int(), true,
                   k.get(), nullptr, k.get());
}
Value f_gen_ca_with_key(CallCtx&, Args a) {
  std::string err;
  Pkey k = parse_key_pem(a[2].str(), &err);
  if (!k) func_fail("parsing private key: " + err);
  return make_cert(std::string(a[0].str()), Value::slice({}), Value::slice({}), a[1].as_int(), true,
                   k.get(), nullptr, k.get());
}
Value f_gen_self_signed(CallCtx&, Args a) {
  Pkey k = gen_key("RSA", 2048);
  return make_cert(std::string(a[0].str()), a[1], a[2], a[3].as_int(), false, k.get(), nullptr,
                   k.get());
}
Value f_gen_self_signed_with_key(CallCtx&, Args a) {
  std::string err;
  Pkey k = parse_key_pem(a[4].str(), &err);
  if (!k) func_fail("parsing private key: " + err);
  return make_cert(std::string(a[0].str()), a[1], a[2], a[3].as_int(), false, k.get(), nullptr,
                   k.get());
}

const CertObject& cert_arg(const Value& v) {
  if (v.kind() != Kind::kObject || v.object_ptr()->type_name() != "sprig.certificate") {
    func_fail("wrong type for value; expected sprig.certificate; got " + v.type_name());
  }
  return *static_cast<const CertObject*>(v.object_ptr());
}

Value signed_cert(Args a, EVP_PKEY* key) {
  const CertObject& ca = cert_arg(a[4]);
  Bio cb(BIO_new_mem_buf(ca.cert().data(), static_cast<int>(ca.cert().size())));
  X509Ptr parent(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  if (!parent) func_fail("unable to decode certificate");
  std::string err;
  Pkey signer = parse_key_pem(ca.key(), &err);
  if (!signer) func_fail("error parsing private key: " + err);
  return make_cert(std::string(a[0].str()), a[1], a[2], a[3].as_int(), false, key, parent.get(),
                   signer.get());
}
Value f_gen_signed(CallCtx&, Args a) {
  Pkey k = gen_key("RSA", 2048);
  return signed_cert(a, k.get());
}
Value f_gen_signed_with_key(CallCtx&, Args a) {
  std::string err;
  Pkey k = parse_key_pem(a[5].str(), &err);
  if (!k) func_fail("parsing private key: " + err);
  return signed_cert(a, k.get());
}

Value f_build_custom_cert(CallCtx&, Args a) {
  auto cert = core::base64_decode(a[0].str());
  if (!cert) func_fail("unable to decode base64 certificate");
  auto key = core::base64_decode(a[1].str());
  if (!key) func_fail("unable to decode base64 private key");
  Bio cb(BIO_new_mem_buf(cert->data(), static_cast<int>(cert->size())));
  X509Ptr x(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  if (!x) func_fail("unable to decode certificate");
  std::string err;
  if (!parse_key_pem(*key, &err)) func_fail("error parsing private key: " + err);
  return Value::object(new CertObject(*cert, *key));
}

// --- AES-256-CBC with PKCS#7 padding, IV first, base64 ---
Value f_encrypt_aes(CallCtx&, Args a) {
  std::string_view plain = a[1].str();
  if (plain.empty()) return Value::string("");
  unsigned char key[32] = {0};
  std::memcpy(key, a[0].str().data(), std::min<size_t>(32, a[0].str().size()));
  std::string iv = random_bytes(16);
  size_t pad = 16 - plain.size() % 16;
  std::string content(plain);
  content.append(pad, static_cast<char>(pad));
  std::string out = iv;
  out.resize(16 + content.size());
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  int n1 = 0, n2 = 0;
  EVP_EncryptInit_ex(c, EVP_aes_256_cbc(), nullptr, key,
                     reinterpret_cast<const unsigned char*>(iv.data()));
  EVP_CIPHER_CTX_set_padding(c, 0);
  EVP_EncryptUpdate(c, reinterpret_cast<unsigned char*>(out.data() + 16), &n1,
                    reinterpret_cast<const unsigned char*>(content.data()),
                    static_cast<int>(content.size()));
  EVP_EncryptFinal_ex(c, reinterpret_cast<unsigned char*>(out.data() + 16 + n1), &n2);
  EVP_CIPHER_CTX_free(c);
  return str_value(core::base64_encode(out));
}

Value f_decrypt_aes(CallCtx&, Args a) {
  std::string_view crypt64 = a[1].str();
  if (crypt64.empty()) return Value::string("");
  unsigned char key[32] = {0};
  std::memcpy(key, a[0].str().data(), std::min<size_t>(32, a[0].str().size()));
  auto crypt = core::base64_decode(crypt64);
  if (!crypt) func_fail("illegal base64 data");
  if (crypt->size() < 16)
    func_fail("runtime error: slice bounds out of range [:16] with capacity " +
              std::to_string(crypt->size()));
  if ((crypt->size() - 16) % 16 != 0) func_fail("crypto/cipher: input not full blocks");
  std::string body = crypt->substr(16);
  std::string out(body.size(), '\0');
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  int n1 = 0;
  EVP_DecryptInit_ex(c, EVP_aes_256_cbc(), nullptr, key,
                     reinterpret_cast<const unsigned char*>(crypt->data()));
  EVP_CIPHER_CTX_set_padding(c, 0);
  EVP_DecryptUpdate(c, reinterpret_cast<unsigned char*>(out.data()), &n1,
                    reinterpret_cast<const unsigned char*>(body.data()),
                    static_cast<int>(body.size()));
  EVP_CIPHER_CTX_free(c);
  if (out.empty()) func_fail("runtime error: index out of range [-1]");
  size_t pad = static_cast<unsigned char>(out.back());
  if (pad > out.size()) func_fail("runtime error: slice bounds out of range");
  out.resize(out.size() - pad);
  return str_value(std::move(out));
}

}  // namespace

void add_sprig_crypto_funcs(FuncTable& t) {
  using P = Param;
  def(t, "sha256sum", {P::kString}, f_sha256sum);
  def(t, "sha1sum", {P::kString}, f_sha1sum);
  def(t, "adler32sum", {P::kString}, f_adler32sum);
  def(t, "bcrypt", {P::kString}, f_bcrypt);
  def(t, "htpasswd", {P::kString, P::kString}, f_htpasswd);
  def(t, "randBytes", {P::kInt}, f_rand_bytes);
  def(t, "uuidv4", {}, f_uuidv4);
  def(t, "derivePassword", {P::kUint32, P::kString, P::kString, P::kString, P::kString},
      f_derive_password);
  def(t, "genPrivateKey", {P::kString}, f_gen_private_key);
  def(t, "buildCustomCert", {P::kString, P::kString}, f_build_custom_cert);
  def(t, "genCA", {P::kString, P::kInt}, f_gen_ca);
  def(t, "genCAWithKey", {P::kString, P::kInt, P::kString}, f_gen_ca_with_key);
  def(t, "genSelfSignedCert", {P::kString, P::kSliceIface, P::kSliceIface, P::kInt},
      f_gen_self_signed);
  def(t, "genSelfSignedCertWithKey",
      {P::kString, P::kSliceIface, P::kSliceIface, P::kInt, P::kString},
      f_gen_self_signed_with_key);
  def(t, "genSignedCert", {P::kString, P::kSliceIface, P::kSliceIface, P::kInt, P::kCertificate},
      f_gen_signed);
  def(t, "genSignedCertWithKey",
      {P::kString, P::kSliceIface, P::kSliceIface, P::kInt, P::kCertificate, P::kString},
      f_gen_signed_with_key);
  def(t, "encryptAES", {P::kString, P::kString}, f_encrypt_aes);
  def(t, "decryptAES", {P::kString, P::kString}, f_decrypt_aes);
}

}  // namespace oc::helm
