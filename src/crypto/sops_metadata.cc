#include "crypto/sops_metadata.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/scalar.h"

namespace oc::crypto::sops {

namespace {

// The key lists of a group, in the order sops builds a group from them (internalGroupFrom).
constexpr std::string_view kForeignTypes[] = {"kms",      "gcp_kms",  "hckms",
                                              "azure_kv", "hc_vault", "pgp"};

core::Error field_error(std::string_view field, std::string msg) {
  return core::Error("sops metadata: " + std::string(field) + ": " + msg);
}

// mapstructure's weakly typed decoding into a string field.
core::Result<std::string> as_string(const Value& v, std::string_view field) {
  switch (v.kind) {
    case Kind::kNull:
      return std::string();
    case Kind::kString:
    case Kind::kTime:
      return v.text;
    case Kind::kInt:
      return std::to_string(v.i);
    case Kind::kFloat:
      return core::go_format_float(v.f, 'f', -1);
    case Kind::kBool:
      return std::string(v.b ? "1" : "0");
    default:
      return field_error(field, "expected a string");
  }
}

core::Result<bool> as_bool(const Value& v, std::string_view field) {
  if (v.kind == Kind::kBool) return v.b;
  if (v.kind == Kind::kNull) return false;
  if (v.kind == Kind::kInt) return v.i != 0;
  if (v.kind == Kind::kString) {
    const std::string& s = v.text;
    if (s.empty()) return false;
    if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True") return true;
    if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False")
      return false;
  }
  return field_error(field, "expected a boolean");
}

core::Result<int> as_int(const Value& v, std::string_view field) {
  if (v.kind == Kind::kInt) return int(v.i);
  if (v.kind == Kind::kNull) return 0;
  if (v.kind == Kind::kString) {
    if (v.text.empty()) return 0;
    if (auto n = core::go_parse_int(v.text)) return int(*n);
  }
  if (v.kind == Kind::kFloat) return int(v.f);
  return field_error(field, "expected an integer");
}

const std::vector<Value>* as_list(const Value* v) {
  return v && v->kind == Kind::kList ? &v->list : nullptr;
}

core::Status read_group(const Value& g, KeyGroup& out, std::string_view where) {
  if (g.kind != Kind::kMap) return field_error(where, "expected a map of key lists");
  if (const Value* v = g.find("age"); v && v->kind != Kind::kNull) {
    if (!as_list(v)) return field_error(std::string(where) + "age", "expected a list");
    for (const Value& e : v->list) {
      if (e.kind == Kind::kComment) continue;
      if (e.kind != Kind::kMap)
        return field_error(std::string(where) + "age", "expected {recipient, enc} entries");
      AgeKey k;
      const Value* r = e.find("recipient");
      const Value* enc = e.find("enc");
      if (r) {
        auto s = as_string(*r, "age.recipient");
        if (!s.ok()) return s.error();
        k.recipient = *s;
      }
      if (enc) {
        auto s = as_string(*enc, "age.enc");
        if (!s.ok()) return s.error();
        k.enc = *s;
      }
      out.age.push_back(std::move(k));
    }
  }
  for (std::string_view type : kForeignTypes) {
    const Value* v = g.find(type);
    if (!v || v->kind == Kind::kNull) continue;
    if (!as_list(v)) return field_error(std::string(where) + std::string(type), "expected a list");
    for (const Value& e : v->list) {
      if (e.kind == Kind::kComment) continue;
      out.foreign.push_back(ForeignKey{std::string(type), e});
    }
  }
  return {};
}

Value str(std::string s) {
  return Value::str(std::move(s));
}

// A map with its keys in Go's sort.Strings order, as sops 3.13 writes every metadata map.
Value sorted_map(std::vector<Item> items) {
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.key.text < b.key.text; });
  Value m = Value::mapping();
  m.map = std::move(items);
  return m;
}

Value sorted_copy(const Value& v) {
  if (v.kind == Kind::kMap) {
    std::vector<Item> items;
    for (const Item& it : v.map) {
      if (it.key.kind == Kind::kString) items.push_back(Item{it.key, sorted_copy(it.value)});
    }
    return sorted_map(std::move(items));
  }
  if (v.kind == Kind::kList) {
    Value l = Value::sequence();
    for (const Value& e : v.list) {
      if (!e.is_comment()) l.list.push_back(sorted_copy(e));
    }
    return l;
  }
  return v;
}

Value age_list(const std::vector<AgeKey>& keys) {
  Value l = Value::sequence();
  for (const AgeKey& k : keys) {
    l.list.push_back(
        sorted_map({Item{str("enc"), str(k.enc)}, Item{str("recipient"), str(k.recipient)}}));
  }
  return l;
}

Value foreign_list(const KeyGroup& g, std::string_view type) {
  Value l = Value::sequence();
  for (const ForeignKey& k : g.foreign) {
    if (k.type == type) l.list.push_back(sorted_copy(k.fields));
  }
  return l;
}

}  // namespace

core::Result<std::string> rfc3339_canonical(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±hh:mm)
  auto digits = [&](size_t at, size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h, mi, se;
  if (!digits(0, 4, y) || s.size() < 20 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' ||
      !digits(8, 2, d) || s[10] != 'T' || !digits(11, 2, h) || s[13] != ':' || !digits(14, 2, mi) ||
      s[16] != ':' || !digits(17, 2, se) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
      mi > 59 || se > 59) {
    return core::Error("\"" + std::string(s.substr(0, 40)) + "\" is not an RFC 3339 time");
  }
  size_t p = 19;
  if (p < s.size() && s[p] == '.') {
    ++p;
    size_t start = p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
    if (p == start) return core::Error("\"" + std::string(s) + "\" is not an RFC 3339 time");
  }
  std::string out(s.substr(0, 19));
  if (p < s.size() && s[p] == 'Z' && p + 1 == s.size()) return out + "Z";
  int oh, om;
  if (p + 6 == s.size() && (s[p] == '+' || s[p] == '-') && digits(p + 1, 2, oh) &&
      s[p + 3] == ':' && digits(p + 4, 2, om) && oh < 24 && om < 60) {
    if (oh == 0 && om == 0) return out + "Z";
    return out + std::string(s.substr(p));
  }
  return core::Error("\"" + std::string(s.substr(0, 40)) + "\" is not an RFC 3339 time");
}

std::string now_rfc3339_utc() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

core::Result<Metadata> metadata_from_value(const Value& sops) {
  if (sops.kind != Kind::kMap) return core::Error("sops metadata is not a map");
  Metadata m;
  auto get_string = [&](std::string_view key, std::string& out) -> core::Status {
    if (const Value* v = sops.find(key)) {
      auto s = as_string(*v, key);
      if (!s.ok()) return s.error();
      out = std::move(*s);
    }
    return {};
  };
  for (auto [key, dst] :
       {std::pair{"lastmodified", &m.lastmodified}, std::pair{"mac", &m.mac},
        std::pair{"version", &m.version},
        std::pair{"unencrypted_suffix", &m.rules.unencrypted_suffix},
        std::pair{"encrypted_suffix", &m.rules.encrypted_suffix},
        std::pair{"unencrypted_regex", &m.rules.unencrypted_regex},
        std::pair{"encrypted_regex", &m.rules.encrypted_regex},
        std::pair{"unencrypted_comment_regex", &m.rules.unencrypted_comment_regex},
        std::pair{"encrypted_comment_regex", &m.rules.encrypted_comment_regex}}) {
    if (auto s = get_string(key, *dst); !s.ok()) return s.error();
  }
  if (const Value* v = sops.find("mac_only_encrypted")) {
    auto b = as_bool(*v, "mac_only_encrypted");
    if (!b.ok()) return b.error();
    m.rules.mac_only_encrypted = *b;
  }
  if (const Value* v = sops.find("shamir_threshold")) {
    auto n = as_int(*v, "shamir_threshold");
    if (!n.ok()) return n.error();
    m.shamir_threshold = *n;
  }
  if (auto t = rfc3339_canonical(m.lastmodified); !t.ok()) {
    return field_error("lastmodified", m.lastmodified.empty() ? "missing" : t.error().message);
  }
  KeyGroup top;
  if (auto s = read_group(sops, top, ""); !s.ok()) return s.error();
  if (!top.empty()) {
    m.key_groups.push_back(std::move(top));
  } else if (const Value* g = sops.find("key_groups");
             g && g->kind == Kind::kList && !g->list.empty()) {
    for (size_t i = 0; i < g->list.size(); ++i) {
      KeyGroup kg;
      if (auto s = read_group(g->list[i], kg, "key_groups[" + std::to_string(i) + "]."); !s.ok())
        return s.error();
      m.key_groups.push_back(std::move(kg));
    }
  } else {
    return core::Error("sops metadata: no keys found in file");
  }
  if (auto s = m.rules.normalize(); !s.ok()) return s.error();
  return m;
}

Value metadata_to_value(const Metadata& m) {
  std::vector<Item> items;
  auto add = [&](std::string key, Value v) {
    items.push_back(Item{str(std::move(key)), std::move(v)});
  };
  if (m.key_groups.size() == 1) {
    const KeyGroup& g = m.key_groups[0];
    if (!g.age.empty()) add("age", age_list(g.age));
    for (std::string_view type : kForeignTypes) {
      Value l = foreign_list(g, type);
      if (!l.list.empty()) add(std::string(type), std::move(l));
    }
  } else if (!m.key_groups.empty()) {
    Value groups = Value::sequence();
    for (const KeyGroup& g : m.key_groups) {
      std::vector<Item> gi;
      // hc_vault and age have no omitempty in sops's keygroup struct: always written.
      gi.push_back(Item{str("age"), age_list(g.age)});
      for (std::string_view type : kForeignTypes) {
        Value l = foreign_list(g, type);
        if (!l.list.empty() || type == "hc_vault")
          gi.push_back(Item{str(std::string(type)), std::move(l)});
      }
      groups.list.push_back(sorted_map(std::move(gi)));
    }
    add("key_groups", std::move(groups));
  }
  add("lastmodified", str(m.lastmodified));
  add("mac", str(m.mac));
  if (m.rules.mac_only_encrypted) add("mac_only_encrypted", Value::boolean(true));
  if (m.shamir_threshold != 0) add("shamir_threshold", Value::integer(m.shamir_threshold));
  const Rules& r = m.rules;
  for (auto [key, val] : {std::pair{"unencrypted_suffix", &r.unencrypted_suffix},
                          std::pair{"encrypted_suffix", &r.encrypted_suffix},
                          std::pair{"unencrypted_regex", &r.unencrypted_regex},
                          std::pair{"encrypted_regex", &r.encrypted_regex},
                          std::pair{"unencrypted_comment_regex", &r.unencrypted_comment_regex},
                          std::pair{"encrypted_comment_regex", &r.encrypted_comment_regex}}) {
    if (!val->empty()) add(key, str(*val));
  }
  add("version", str(m.version));
  return sorted_map(std::move(items));
}

}  // namespace oc::crypto::sops
