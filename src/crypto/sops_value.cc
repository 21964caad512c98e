#include "crypto/sops_value.h"

#include <cerrno>
#include <cstdlib>
#include <tuple>

#include "core/base64.h"
#include "core/scalar.h"
#include "crypto/regex.h"
#include "crypto/sops_metadata.h"

namespace oc::crypto::sops {

namespace {

constexpr size_t kIvSize = 32;
constexpr std::string_view kPrefix = "ENC[AES256_GCM,data:";

struct Fields {
  std::string_view data, iv, tag, type;
};

// The canonical form sops writes: each marker once, one ']' at the very end. For such strings
// the greedy regular expression splits exactly at the markers; anything else goes through RE2.
std::optional<Fields> split_fast(std::string_view s) {
  if (s.rfind(kPrefix, 0) != 0 || s.empty() || s.back() != ']') return std::nullopt;
  std::string_view rest = s.substr(kPrefix.size(), s.size() - kPrefix.size() - 1);
  if (rest.find(']') != std::string_view::npos) return std::nullopt;
  size_t iv = rest.find(",iv:"), tag = rest.find(",tag:"), type = rest.find(",type:");
  if (iv == std::string_view::npos || tag == std::string_view::npos ||
      type == std::string_view::npos) {
    return std::nullopt;
  }
  if (rest.find(",iv:", iv + 1) != std::string_view::npos ||
      rest.find(",tag:", tag + 1) != std::string_view::npos ||
      rest.find(",type:", type + 1) != std::string_view::npos || !(iv < tag && tag < type)) {
    return std::nullopt;
  }
  Fields f{rest.substr(0, iv), rest.substr(iv + 4, tag - iv - 4),
           rest.substr(tag + 5, type - tag - 5), rest.substr(type + 6)};
  if (f.data.empty() || f.iv.empty() || f.tag.empty() || f.type.empty()) return std::nullopt;
  return f;
}

std::optional<std::vector<std::string>> split_regex(std::string_view s) {
  static const Regex re =
      Regex::compile(R"(^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\])").value();
  return re.captures(s, 4);
}

bool go_parse_bool(std::string_view s, bool& out) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") {
    out = true;
    return true;
  }
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    out = false;
    return true;
  }
  return false;
}

// strconv.Atoi: optional sign, decimal digits, within int64.
bool go_atoi(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
  if (i == s.size()) return false;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] < '0' || s[j] > '9') return false;
  }
  errno = 0;
  std::string tmp(s);
  char* end = nullptr;
  long long v = std::strtoll(tmp.c_str(), &end, 10);
  if (errno == ERANGE) return false;
  out = v;
  return true;
}

const char* type_name(Kind k) {
  switch (k) {
    case Kind::kString:
    case Kind::kBytes:
      return "str";
    case Kind::kInt:
      return "int";
    case Kind::kFloat:
      return "float";
    case Kind::kBool:
      return "bool";
    case Kind::kTime:
      return "time";
    case Kind::kComment:
      return "comment";
    default:
      return nullptr;
  }
}

}  // namespace

core::Result<EncryptedValue> parse_encrypted(std::string_view s) {
  std::string_view data, iv, tag, type;
  std::optional<std::vector<std::string>> groups;
  if (auto f = split_fast(s)) {
    data = f->data;
    iv = f->iv;
    tag = f->tag;
    type = f->type;
  } else {
    groups = split_regex(s);
    if (!groups) return core::Error("does not match sops' ENC[AES256_GCM,…] format");
    data = (*groups)[0];
    iv = (*groups)[1];
    tag = (*groups)[2];
    type = (*groups)[3];
  }
  EncryptedValue v;
  for (auto [name, text, dst] : {std::tuple{"data", data, &v.data}, std::tuple{"iv", iv, &v.iv},
                                 std::tuple{"tag", tag, &v.tag}}) {
    auto decoded = core::base64_decode(text, core::Base64::kStd);
    if (!decoded) return core::Error(std::string("malformed base64 in the ") + name + " field");
    *dst = std::move(*decoded);
  }
  v.type = std::string(type);
  return v;
}

std::pair<std::string, std::string> stash_key(const Value& v, std::string_view aad) {
  const char* t = type_name(v.kind);
  return {std::string(aad), std::string(t ? t : "?") + ":" + to_bytes(v)};
}

core::Result<std::string> ValueCipher::encrypt(const Value& v, std::string_view aad,
                                               IvStash* stash) {
  const char* type = type_name(v.kind);
  if (!type) return core::Error("value to encrypt has an unsupported type");
  std::string plain = to_bytes(v);
  if ((v.kind == Kind::kString || v.kind == Kind::kBytes || v.kind == Kind::kComment) &&
      plain.empty()) {
    return std::string();
  }
  std::string iv;
  if (stash) {
    auto it = stash->find(stash_key(v, aad));
    if (it != stash->end()) iv = it->second;
  }
  if (iv.empty()) {
    iv.resize(kIvSize);
    random_bytes(reinterpret_cast<uint8_t*>(iv.data()), kIvSize);
  }
  scratch_.clear();
  uint8_t tag[AesGcm::kTagSize];
  gcm_.seal(iv, plain, aad, scratch_, tag);
  cleanse(plain);
  std::string out;
  out.reserve(kPrefix.size() + scratch_.size() * 4 / 3 + 100);
  out += kPrefix;
  out += core::base64_encode(scratch_);
  out += ",iv:";
  out += core::base64_encode(iv);
  out += ",tag:";
  out += core::base64_encode(std::string_view(reinterpret_cast<char*>(tag), sizeof tag));
  out += ",type:";
  out += type;
  out += ']';
  return out;
}

core::Result<Value> ValueCipher::decrypt(std::string_view text, std::string_view aad,
                                         IvStash* stash) {
  if (text.empty()) return Value::str("");
  auto ev = parse_encrypted(text);
  if (!ev.ok()) return ev.error();
  std::string plain;
  if (!gcm_.open(ev->iv, ev->data, ev->tag, aad, plain)) {
    return core::Error(
        "could not decrypt with AES-GCM (wrong data key, or the value or its path was changed)");
  }
  Value v;
  const std::string& t = ev->type;
  if (t == "str") {
    v = Value::str(std::move(plain));
  } else if (t == "comment") {
    v = Value::comment(std::move(plain));
  } else if (t == "bytes") {
    v.kind = Kind::kBytes;
    v.text = std::move(plain);
  } else if (t == "int") {
    if (!go_atoi(plain, v.i)) return core::Error("decrypted int value is not an integer");
    v.kind = Kind::kInt;
  } else if (t == "float") {
    auto f = core::go_parse_float(plain);
    if (!f) return core::Error("decrypted float value is not a number");
    v = Value::number(*f);
  } else if (t == "bool") {
    bool b = false;
    if (!go_parse_bool(plain, b)) return core::Error("decrypted bool value is not a boolean");
    v = Value::boolean(b);
  } else if (t == "time") {
    if (!rfc3339_canonical(plain).ok())
      return core::Error("decrypted time value is not an RFC 3339 time");
    v = Value::time(std::move(plain));
  } else {
    return core::Error("unknown value type \"" + t.substr(0, 20) + "\"");
  }
  if (stash) (*stash)[stash_key(v, aad)] = ev->iv;
  return v;
}

}  // namespace oc::crypto::sops
