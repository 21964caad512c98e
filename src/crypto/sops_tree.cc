#include "crypto/sops_tree.h"

#include <algorithm>
#include <functional>
#include <memory>

#include "core/scalar.h"
#include "crypto/parallel.h"
#include "crypto/sops_value.h"

namespace oc::crypto::sops {

namespace {

// sops.MACOnlyEncryptedInitialization = SHA-256("sops").
constexpr uint8_t kMacOnlyEncryptedSeed[32] = {
    0x8a, 0x3f, 0xd2, 0xad, 0x54, 0xce, 0x66, 0x52, 0x7b, 0x10, 0x34, 0xf3, 0xd1, 0x47, 0xbe, 0x0b,
    0x0b, 0x97, 0x5b, 0x3b, 0xf4, 0x4f, 0x72, 0xc6, 0xfd, 0xad, 0xec, 0x81, 0x76, 0xf2, 0x7d, 0x69};

std::string hex_upper(const std::array<uint8_t, 64>& d) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(128);
  for (uint8_t c : d) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// sops Tree.shouldBeEncrypted, with the regexes compiled once per walk.
class Decider {
 public:
  static core::Result<Decider> make(const Rules& r) {
    Decider d;
    d.r_ = &r;
    for (auto [src, dst] :
         {std::pair{&r.unencrypted_regex, &d.unenc_}, std::pair{&r.encrypted_regex, &d.enc_},
          std::pair{&r.unencrypted_comment_regex, &d.unenc_comment_},
          std::pair{&r.encrypted_comment_regex, &d.enc_comment_}}) {
      if (src->empty()) continue;
      auto re = Regex::compile(*src);
      if (!re.ok()) return re.error();
      dst->emplace(std::move(*re));
    }
    return d;
  }

  bool encrypt(const std::vector<std::string>& path,
               const std::vector<std::vector<std::string>>& comments, bool is_comment) const {
    bool encrypted = true;
    if (!r_->unencrypted_suffix.empty()) {
      for (const auto& p : path) {
        if (ends_with(p, r_->unencrypted_suffix)) {
          encrypted = false;
          break;
        }
      }
    }
    if (!r_->encrypted_suffix.empty()) {
      encrypted = false;
      for (const auto& p : path) {
        if (ends_with(p, r_->encrypted_suffix)) {
          encrypted = true;
          break;
        }
      }
    }
    if (unenc_) {
      for (const auto& p : path) {
        if (unenc_->search(p)) {
          encrypted = false;
          break;
        }
      }
    }
    if (enc_) {
      encrypted = false;
      for (const auto& p : path) {
        if (enc_->search(p)) {
          encrypted = true;
          break;
        }
      }
    }
    if (unenc_comment_) {
      for (const auto& level : comments) {
        for (const auto& c : level) {
          if (unenc_comment_->search(c)) return false;
        }
      }
    }
    if (enc_comment_) {
      encrypted = false;
      // The comment that matches stays readable itself; what follows it is encrypted.
      for (size_t i = 0; i < comments.size() && !encrypted; ++i) {
        for (size_t j = 0; j < comments[i].size(); ++j) {
          if (is_comment && i + 1 == comments.size() && j + 1 == comments[i].size()) continue;
          if (enc_comment_->search(comments[i][j])) {
            encrypted = true;
            break;
          }
        }
      }
    }
    return encrypted;
  }

  const Regex* unencrypted_comment_regex() const {
    return unenc_comment_ ? &*unenc_comment_ : nullptr;
  }

 private:
  const Rules* r_ = nullptr;
  std::optional<Regex> unenc_, enc_, unenc_comment_, enc_comment_;
};

// The walk of sops.go walkBranch/walkSlice: document order, the path of ancestor keys, and the
// stack of comments seen at each level since the last value.
class Walker {
 public:
  // visit(leaf, aad, comments) may replace the leaf.
  using Visit = std::function<core::Status(Value& leaf, const std::string& aad,
                                           const std::vector<std::string>& path,
                                           const std::vector<std::vector<std::string>>& comments)>;
  explicit Walker(Visit v) : visit_(std::move(v)) {}

  core::Status branch(std::vector<Item>& items) {
    comments_.emplace_back();
    for (Item& it : items) {
      if (it.key.is_comment()) {
        comments_.back().push_back(it.key.text);
        bool was_inline = it.key.inline_comment;
        if (auto s = leaf(it.key); !s.ok()) return s;
        // An encrypted comment stays a comment (with its ENC[…] text).
        if (it.key.kind == Kind::kString)
          it.key = Value::comment(std::move(it.key.text), was_inline);
        it.key.inline_comment = was_inline;
        continue;
      }
      if (it.key.kind != Kind::kString) {
        return core::Error("the document has a non-string key at " + where() +
                           "; sops supports only string keys");
      }
      bool value_is_comment = it.value.is_comment();
      if (value_is_comment) comments_.back().push_back(it.value.text);
      path_.push_back(it.key.text);
      core::Status s = value(it.value);
      path_.pop_back();
      if (!s.ok()) return s;
      if (!value_is_comment) comments_.back().clear();
    }
    comments_.pop_back();
    return {};
  }

 private:
  core::Status list(std::vector<Value>& items) {
    comments_.emplace_back();
    for (Value& v : items) {
      bool is_comment = v.is_comment();
      if (is_comment) comments_.back().push_back(v.text);
      if (auto s = value(v); !s.ok()) return s;
      // sops keeps the walk's result here, so an encrypted comment becomes a string item.
      if (!is_comment) comments_.back().clear();
    }
    comments_.pop_back();
    return {};
  }

  core::Status value(Value& v) {
    switch (v.kind) {
      case Kind::kNull:
        return {};
      case Kind::kMap:
        return branch(v.map);
      case Kind::kList:
        return list(v.list);
      default:
        return leaf(v);
    }
  }

  core::Status leaf(Value& v) {
    aad_.clear();
    for (const auto& p : path_) {
      aad_ += p;
      aad_ += ':';
    }
    if (path_.empty()) aad_ = ":";
    return visit_(v, aad_, path_, comments_);
  }

  std::string where() const {
    std::string w;
    for (const auto& p : path_) w += (w.empty() ? "" : ".") + p;
    return w.empty() ? "the top level" : w;
  }

  Visit visit_;
  std::vector<std::string> path_;
  std::vector<std::vector<std::string>> comments_;
  std::string aad_;
};

std::string path_name(const std::vector<std::string>& path) {
  std::string w;
  for (const auto& p : path) w += (w.empty() ? "" : ".") + p;
  return w.empty() ? "<top level>" : w;
}

}  // namespace

const Value* Value::find(std::string_view key) const {
  for (const Item& it : map) {
    if (it.key.kind == Kind::kString && it.key.text == key) return &it.value;
  }
  return nullptr;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Kind::kNull:
      return true;
    case Kind::kInt:
      return a.i == b.i;
    case Kind::kFloat:
      return a.f == b.f || (a.f != a.f && b.f != b.f);
    case Kind::kBool:
      return a.b == b.b;
    case Kind::kComment:
      return a.text == b.text && a.inline_comment == b.inline_comment;
    case Kind::kMap:
      return a.map == b.map;
    case Kind::kList:
      return a.list == b.list;
    default:
      return a.text == b.text;
  }
}

std::string to_bytes(const Value& v) {
  switch (v.kind) {
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kComment:
    case Kind::kTime:
      return v.text;
    case Kind::kInt:
      return std::to_string(v.i);
    case Kind::kFloat:
      return core::go_format_float(v.f, 'f', -1);
    case Kind::kBool:
      return v.b ? "True" : "False";
    default:
      return {};
  }
}

int Rules::count() const {
  return int(!unencrypted_suffix.empty()) + int(!encrypted_suffix.empty()) +
         int(!unencrypted_regex.empty()) + int(!encrypted_regex.empty()) +
         int(!unencrypted_comment_regex.empty()) + int(!encrypted_comment_regex.empty());
}

core::Status Rules::normalize() {
  int n = count();
  if (n > 1) {
    return core::Error(
        "cannot use more than one of encrypted_suffix, unencrypted_suffix, encrypted_regex, "
        "unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex in the same "
        "file");
  }
  if (n == 0) unencrypted_suffix = "_unencrypted";
  return {};
}

namespace {

// The MAC hash as sops starts it: seeded with SHA-256("sops") for mac_only_encrypted.
std::unique_ptr<Sha512> start_mac(const Rules& rules) {
  auto mac = std::make_unique<Sha512>();
  if (rules.mac_only_encrypted) {
    mac->update(std::string_view(reinterpret_cast<const char*>(kMacOnlyEncryptedSeed), 32));
  }
  return mac;
}

core::Result<std::string> walk_all(std::vector<Branch>& branches, Walker::Visit visit,
                                   Sha512& mac) {
  Walker w(std::move(visit));
  for (Branch& b : branches) {
    if (auto s = w.branch(b); !s.ok()) return s.error();
  }
  return hex_upper(mac.finish());
}

}  // namespace

core::Result<std::string> encrypt_branches(std::vector<Branch>& branches, const Rules& rules,
                                           const SecretBytes& data_key, IvStash* stash) {
  auto decider = Decider::make(rules);
  if (!decider.ok()) return decider.error();
  auto mac = start_mac(rules);
  ValueCipher cipher(data_key);
  auto visit = [&](Value& leaf, const std::string& aad, const std::vector<std::string>& path,
                   const std::vector<std::vector<std::string>>& comments) -> core::Status {
    bool is_comment = leaf.is_comment();
    bool encrypted = decider->encrypt(path, comments, is_comment);
    if ((!rules.mac_only_encrypted || encrypted) && !is_comment) mac->update(to_bytes(leaf));
    if (!encrypted) return {};
    auto enc = cipher.encrypt(leaf, aad, stash);
    if (!enc.ok()) return core::Error(path_name(path) + ": " + enc.error().message);
    if (is_comment && decider->unencrypted_comment_regex() &&
        decider->unencrypted_comment_regex()->search(*enc)) {
      return core::Error(
          "an encrypted comment matches unencrypted_comment_regex; make sure the "
          "regex cannot match an encrypted comment");
    }
    leaf = Value::str(std::move(*enc));
    return {};
  };
  return walk_all(branches, visit, *mac);
}

core::Result<std::string> decrypt_branches(std::vector<Branch>& branches, const Rules& rules,
                                           const SecretBytes& data_key, IvStash* stash) {
  auto decider = Decider::make(rules);
  if (!decider.ok()) return decider.error();
  // 1. Walk in document order: which leaves are encrypted, with which AAD (the rules and the
  //    comment stack depend on the order).
  // A job is small (the leaf, its AAD); results go to vectors sized once after the walk. (A
  // job holding its result and error was 384 bytes: 6 MB of fresh memory for 10,000 values,
  // most of a decryption's peak.)
  struct Job {
    Value* leaf;
    std::string aad;
    bool encrypted;
  };
  std::vector<Job> jobs;
  auto collect = [&](Value& leaf, const std::string& aad, const std::vector<std::string>& path,
                     const std::vector<std::vector<std::string>>& comments) -> core::Status {
    bool encrypted = decider->encrypt(path, comments, leaf.is_comment());
    jobs.push_back(Job{&leaf, encrypted ? aad : std::string(), encrypted});
    return {};
  };
  Walker w(collect);
  for (Branch& b : branches) {
    if (auto s = w.branch(b); !s.ok()) return s.error();
  }
  // 2. Decrypt the values; they are independent, so large files use every core. Each worker
  //    keeps its first failure (its range is in document order).
  std::vector<std::optional<Value>> plain(jobs.size());
  struct Failure {
    size_t job;
    core::Error error;
  };
  auto decrypt_range = [&](ValueCipher& cipher, size_t begin, size_t end,
                           std::optional<Failure>& failed) {
    for (size_t i = begin; i < end; ++i) {
      Job& j = jobs[i];
      if (!j.encrypted) continue;
      Value& leaf = *j.leaf;
      if (leaf.is_comment()) {
        // Comments written by sops < 3.0 were not encrypted: keep those as they are.
        if (!looks_encrypted(leaf.text)) continue;
        auto v = cipher.decrypt(leaf.text, j.aad, nullptr);
        if (v.ok()) plain[i] = std::move(*v);
      } else if (leaf.kind == Kind::kString) {
        auto v = cipher.decrypt(leaf.text, j.aad, nullptr);
        if (!v.ok()) {
          failed = Failure{i, v.error()};
          return;
        }
        plain[i] = std::move(*v);
      } else {
        failed =
            Failure{i, core::Error("expected an encrypted value (a string), found a plain value")};
        return;
      }
    }
  };
  constexpr size_t kParallelFrom = 512;
  Workers workers(jobs.size() >= kParallelFrom ? Workers::default_threads() : 1);
  std::vector<std::unique_ptr<ValueCipher>> ciphers;
  for (size_t i = 0; i < workers.size(); ++i)
    ciphers.push_back(std::make_unique<ValueCipher>(data_key));
  std::vector<std::optional<Failure>> failures(workers.size());
  workers.run(jobs.size(),
              [&](size_t w, size_t b, size_t e) { decrypt_range(*ciphers[w], b, e, failures[w]); });
  // 3. The first failure in document order; else the plaintext in place, and the MAC.
  const Failure* first = nullptr;
  for (const auto& f : failures) {
    if (f && (!first || f->job < first->job)) first = &*f;
  }
  if (first) {
    const std::string& aad = jobs[first->job].aad;
    std::string where = aad == ":" ? "<top level>" : aad.substr(0, aad.size() - 1);
    std::replace(where.begin(), where.end(), ':', '.');
    return core::Error(where + ": " + first->error.message);
  }
  auto mac = start_mac(rules);
  for (size_t i = 0; i < jobs.size(); ++i) {
    Job& j = jobs[i];
    Value& leaf = *j.leaf;
    if (plain[i]) {
      if (stash) (*stash)[stash_key(*plain[i], j.aad)] = parse_encrypted(leaf.text)->iv;
      bool was_comment = leaf.is_comment(), was_inline = leaf.inline_comment;
      leaf = std::move(*plain[i]);
      if (was_comment && !leaf.is_comment()) leaf = Value::comment(to_bytes(leaf));
      if (was_comment) leaf.inline_comment = was_inline;
    }
    // A value that decrypts to a comment (a comment inside a list) is not part of the MAC,
    // like any comment (sops >= 3.13.3 / <= 3.13.1, getsops/sops#2245).
    if ((!rules.mac_only_encrypted || j.encrypted) && !leaf.is_comment()) {
      if (leaf.kind == Kind::kString)
        mac->update(leaf.text);
      else
        mac->update(to_bytes(leaf));
    }
  }
  return hex_upper(mac->finish());
}

}  // namespace oc::crypto::sops
