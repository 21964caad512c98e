// The sops document model and the walk that encrypts, decrypts and hashes it (getsops/sops
// sops.go, research/sops-age.md §3.2–3.4).
//
// Every format is read into the same tree: a branch is a list of items whose keys are strings
// or comments; values are scalars, nested branches or lists (which may hold comments). Walking
// it in document order gives each leaf its AAD (ancestor keys joined by ':' plus ':'), decides
// from the rules whether it is encrypted, and feeds the MAC.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "crypto/primitives.h"
#include "crypto/regex.h"

namespace oc::crypto::sops {

enum class Kind : uint8_t {
  kNull,
  kString,
  kInt,
  kFloat,
  kBool,
  kTime,
  kBytes,
  kComment,
  kMap,
  kList
};

struct Item;

struct Value {
  Kind kind = Kind::kNull;
  // kString, kBytes: the bytes. kComment: the text after '#'. kTime: RFC 3339 with nanoseconds
  // (Go's time.MarshalText), the form sops hashes and encrypts.
  std::string text;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  bool inline_comment = false;  // kComment: written on the line of the next value
  std::vector<Item> map;        // kMap
  std::vector<Value> list;      // kList

  // Constructors by kind (defined below, where Item is complete).
  static Value null();
  static Value str(std::string s);
  static Value comment(std::string s, bool is_inline = false);
  static Value integer(int64_t n);
  static Value number(double d);
  static Value boolean(bool x);
  static Value time(std::string rfc3339nano);
  static Value mapping();
  static Value sequence();
  bool is_comment() const { return kind == Kind::kComment; }
  // The value under a string key of a map, or nullptr.
  const Value* find(std::string_view key) const;
};

struct Item {
  Value key;  // kString for data, kComment for a comment line (value is null)
  Value value;
};

inline Value Value::null() {
  return Value();
}
inline Value Value::str(std::string s) {
  Value v;
  v.kind = Kind::kString;
  v.text = std::move(s);
  return v;
}
inline Value Value::comment(std::string s, bool is_inline) {
  Value v;
  v.kind = Kind::kComment;
  v.text = std::move(s);
  v.inline_comment = is_inline;
  return v;
}
inline Value Value::integer(int64_t n) {
  Value v;
  v.kind = Kind::kInt;
  v.i = n;
  return v;
}
inline Value Value::number(double d) {
  Value v;
  v.kind = Kind::kFloat;
  v.f = d;
  return v;
}
inline Value Value::boolean(bool x) {
  Value v;
  v.kind = Kind::kBool;
  v.b = x;
  return v;
}
inline Value Value::time(std::string rfc3339nano) {
  Value v;
  v.kind = Kind::kTime;
  v.text = std::move(rfc3339nano);
  return v;
}
inline Value Value::mapping() {
  Value v;
  v.kind = Kind::kMap;
  return v;
}
inline Value Value::sequence() {
  Value v;
  v.kind = Kind::kList;
  return v;
}

// Same kind and content (and inline flag for comments).
bool operator==(const Value& a, const Value& b);
inline bool operator==(const Item& a, const Item& b) {
  return a.key == b.key && a.value == b.value;
}

using Branch = std::vector<Item>;

// The bytes sops hashes and encrypts for a scalar (sops ToBytes): str as is, int decimal,
// float strconv.FormatFloat(f, 'f', -1, 64), bool True/False, time MarshalText.
std::string to_bytes(const Value& v);

// Which leaves are encrypted. At most one of the six options may be set; with none,
// unencrypted_suffix defaults to "_unencrypted" (sops stores.go ToInternal).
struct Rules {
  std::string unencrypted_suffix;
  std::string encrypted_suffix;
  std::string unencrypted_regex;
  std::string encrypted_regex;
  std::string unencrypted_comment_regex;
  std::string encrypted_comment_regex;
  bool mac_only_encrypted = false;

  int count() const;
  // Errors when more than one option is set; applies the default when none is.
  core::Status normalize();
};

// The AES-GCM IVs of values decrypted in this session, keyed by (AAD, typed plaintext), so a
// value that did not change is re-encrypted to the same ciphertext (sops aes.Cipher stash):
// `secrets edit` then changes only the lines the user changed.
using IvStash = std::map<std::pair<std::string, std::string>, std::string>;

// Encrypts the leaves chosen by `rules` in place and returns the MAC (upper-case hex SHA-512).
// Plaintext leaves, comments and empty strings stay as they are; nulls are skipped.
core::Result<std::string> encrypt_branches(std::vector<Branch>& branches, const Rules& rules,
                                           const SecretBytes& data_key, IvStash* stash = nullptr);

// Decrypts in place and returns the recomputed MAC. A comment that does not decrypt is kept as
// it is (older sops did not encrypt comments). Errors name the value's path, never its content.
core::Result<std::string> decrypt_branches(std::vector<Branch>& branches, const Rules& rules,
                                           const SecretBytes& data_key, IvStash* stash = nullptr);

}  // namespace oc::crypto::sops
