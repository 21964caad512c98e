#include "crypto/sops_config.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <set>

#include "core/file.h"
#include "core/scalar.h"
#include "core/yaml.h"
#include "crypto/regex.h"

namespace oc::crypto::sops {

namespace {

using core::Node;

constexpr int kMaxDepth = 100;
// Key services sops supports and opencenter does not; a rule that uses one cannot be applied.
constexpr const char* kOtherKeyFields[] = {
    "pgp", "kms", "gcp_kms", "azure_keyvault", "hc_vault_transit_uri", "hckms", "hc_vault"};

struct RuleExtra {
  std::vector<std::string> unsupported;
};

core::Error at(const std::string& path, const std::string& where, const std::string& msg,
               const Node& n) {
  return core::Error(where + ": " + msg, path, int(n.mark().line), int(n.mark().column));
}

core::Result<std::string> scalar_string(const Node& n, const std::string& path,
                                        const std::string& where) {
  if (!n.is_scalar()) return at(path, where, "expected a string", n);
  if (n.is_null()) return std::string();
  return n.text();
}

// sops parseKeyField: a comma-separated string (trimmed, empties skipped) or a list of strings.
core::Result<std::vector<std::string>> key_field(const Node& n, const std::string& path,
                                                 const std::string& where) {
  std::vector<std::string> out;
  auto split = [&](const std::string& s) {
    for (auto& item : split_key_list(s)) out.push_back(std::move(item));
  };
  if (n.is_scalar()) {
    if (!n.is_null()) split(n.text());
    return out;
  }
  if (n.is_sequence()) {
    for (const Node& i : n.items()) {
      if (!i.is_scalar() || i.is_null()) return at(path, where, "expected a string in the list", i);
      split(i.text());
    }
    return out;
  }
  return at(path, where, "expected a string or a list of strings", n);
}

bool non_empty(const Node* n) {
  if (!n) return false;
  if (n->is_scalar()) return !n->is_null() && !n->text().empty();
  return !n->empty();
}

// One entry of key_groups, with `merge` flattened in.
core::Status read_group(const Node& g, const std::string& path, const std::string& where,
                        std::vector<std::string>& age, RuleExtra& extra, int depth) {
  if (depth > 32) return at(path, where, "merge nested too deeply", g);
  if (!g.is_mapping()) return at(path, where, "expected a map", g);
  if (const Node* m = g.find("merge")) {
    if (!m->is_sequence()) return at(path, where + ".merge", "expected a list of key groups", *m);
    for (size_t i = 0; i < m->items().size(); ++i) {
      if (auto s = read_group(m->items()[i], path, where + ".merge[" + std::to_string(i) + "]", age,
                              extra, depth + 1);
          !s.ok()) {
        return s;
      }
    }
  }
  if (const Node* a = g.find("age")) {
    auto keys = key_field(*a, path, where + ".age");
    if (!keys.ok()) return keys.error();
    age.insert(age.end(), keys->begin(), keys->end());
  }
  for (const char* f : kOtherKeyFields) {
    if (non_empty(g.find(f))) extra.unsupported.push_back(f);
  }
  return {};
}

core::Result<int> int_field(const Node& n, const std::string& path, const std::string& where) {
  auto s = core::resolve(n, core::Schema::kYaml12);
  if (!s.ok() || s->type != core::Scalar::Type::kInt)
    return at(path, where, "expected an integer", n);
  return int(s->i);
}

core::Result<bool> bool_field(const Node& n, const std::string& path, const std::string& where) {
  auto s = core::resolve(n, core::Schema::kYaml12);
  if (!s.ok() || s->type != core::Scalar::Type::kBool)
    return at(path, where, "expected true or false", n);
  return s->b;
}

void dedupe(std::vector<std::string>& v) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (auto& s : v) {
    if (seen.insert(s).second) out.push_back(std::move(s));
  }
  v = std::move(out);
}

std::string dir_name(const std::string& p) {
  size_t s = p.rfind('/');
  if (s == std::string::npos) return ".";
  return s == 0 ? "/" : p.substr(0, s);
}

}  // namespace

std::vector<std::string> split_key_list(std::string_view s) {
  std::vector<std::string> out;
  size_t p = 0;
  for (;;) {
    size_t c = s.find(',', p);
    std::string_view item =
        s.substr(p, c == std::string_view::npos ? std::string_view::npos : c - p);
    size_t b = item.find_first_not_of(" \t\r\n"), e = item.find_last_not_of(" \t\r\n");
    if (b != std::string_view::npos) out.emplace_back(item.substr(b, e - b + 1));
    if (c == std::string_view::npos) break;
    p = c + 1;
  }
  return out;
}

std::string absolute_path(const std::string& p) {
  std::string full = p;
  if (full.empty() || full[0] != '/') {
    char cwd[PATH_MAX];
    if (::getcwd(cwd, sizeof cwd)) full = std::string(cwd) + "/" + p;
  }
  // Clean like Go's filepath.Clean: drop "." and empty parts, resolve "..".
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= full.size()) {
    size_t s = full.find('/', i);
    std::string part = full.substr(i, s == std::string::npos ? std::string::npos : s - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    if (s == std::string::npos) break;
    i = s + 1;
  }
  std::string out;
  for (const auto& part : parts) out += "/" + part;
  return out.empty() ? "/" : out;
}

std::optional<std::string> find_config(const std::string& start_dir) {
  std::string dir = absolute_path(start_dir);
  for (int i = 0; i < kMaxDepth; ++i) {
    std::string candidate = (dir == "/" ? std::string() : dir) + "/.sops.yaml";
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0) return candidate;
    if (dir == "/") break;
    dir = dir_name(dir);
  }
  return std::nullopt;
}

core::Result<Config> load_config(const std::string& path) {
  auto text = core::read_file(path, size_t(4) << 20);
  if (!text.ok()) return text.error();
  return parse_config(*text, path);
}

core::Result<Config> parse_config(std::string_view text, const std::string& path) {
  core::ParseOptions po;
  po.file = path;
  po.comments = false;
  auto doc = core::parse_yaml(text, po);
  if (!doc.ok()) return doc.error();
  Config c;
  c.path = path;
  c.dir = dir_name(absolute_path(path));
  if (doc->is_null()) return c;
  if (!doc->is_mapping()) return at(path, "config", "expected a map", *doc);
  if (const Node* stores = doc->find("stores"); stores && stores->is_mapping()) {
    for (auto [name, dst] :
         {std::pair{"yaml", &c.stores.yaml_indent}, std::pair{"json", &c.stores.json_indent},
          std::pair{"json_binary", &c.stores.json_binary_indent}}) {
      const Node* s = stores->find(name);
      if (!s || !s->is_mapping()) continue;
      if (const Node* ind = s->find("indent")) {
        auto v = int_field(*ind, path, std::string("stores.") + name + ".indent");
        if (!v.ok()) return v.error();
        *dst = *v;
      }
    }
    if (c.stores.yaml_indent == 0) c.stores.yaml_indent = 4;
    if (c.stores.yaml_indent < 0)
      return core::Error("stores.yaml.indent: negative indentation is not accepted", path);
    if (c.stores.yaml_indent < 2 || c.stores.yaml_indent > 9) {
      return core::Error("stores.yaml.indent: " + std::to_string(c.stores.yaml_indent) +
                             " is not supported (2 to 9 spaces)",
                         path);
    }
    if (c.stores.json_indent < -1 || c.stores.json_binary_indent < -1) {
      return core::Error("stores.json.indent: values below -1 are not accepted", path);
    }
  }
  const Node* rules = doc->find("creation_rules");
  if (!rules || rules->is_null()) return c;
  if (!rules->is_sequence()) return at(path, "creation_rules", "expected a list", *rules);
  c.has_creation_rules = true;
  for (size_t i = 0; i < rules->items().size(); ++i) {
    const Node& r = rules->items()[i];
    std::string where = "creation_rules[" + std::to_string(i) + "]";
    if (!r.is_mapping()) return at(path, where, "expected a map", r);
    CreationRule rule;
    rule.index = i;
    RuleExtra extra;
    for (const core::MapEntry& e : r.entries()) {
      const std::string& k = e.key.text();
      std::string w = where + "." + k;
      auto str = [&](std::string& dst) -> core::Status {
        auto s = scalar_string(e.value, path, w);
        if (!s.ok()) return s.error();
        dst = *s;
        return {};
      };
      core::Status st;
      if (k == "path_regex")
        st = str(rule.path_regex);
      else if (k == "unencrypted_suffix")
        st = str(rule.rules.unencrypted_suffix);
      else if (k == "encrypted_suffix")
        st = str(rule.rules.encrypted_suffix);
      else if (k == "unencrypted_regex")
        st = str(rule.rules.unencrypted_regex);
      else if (k == "encrypted_regex")
        st = str(rule.rules.encrypted_regex);
      else if (k == "unencrypted_comment_regex")
        st = str(rule.rules.unencrypted_comment_regex);
      else if (k == "encrypted_comment_regex")
        st = str(rule.rules.encrypted_comment_regex);
      else if (k == "mac_only_encrypted") {
        auto b = bool_field(e.value, path, w);
        if (!b.ok()) return b.error();
        rule.rules.mac_only_encrypted = *b;
      } else if (k == "shamir_threshold") {
        auto n = int_field(e.value, path, w);
        if (!n.ok()) return n.error();
        rule.shamir_threshold = *n;
      }
      if (!st.ok()) return st.error();
    }
    if (const Node* groups = r.find("key_groups");
        groups && !groups->is_null() && !groups->empty()) {
      if (!groups->is_sequence())
        return at(path, where + ".key_groups", "expected a list", *groups);
      for (size_t g = 0; g < groups->items().size(); ++g) {
        std::vector<std::string> age;
        if (auto s = read_group(groups->items()[g], path,
                                where + ".key_groups[" + std::to_string(g) + "]", age, extra, 0);
            !s.ok()) {
          return s.error();
        }
        dedupe(age);
        rule.key_groups.push_back(std::move(age));
      }
    } else {
      std::vector<std::string> age;
      if (const Node* a = r.find("age")) {
        auto keys = key_field(*a, path, where + ".age");
        if (!keys.ok()) return keys.error();
        age = std::move(*keys);
      }
      for (const char* f : kOtherKeyFields) {
        if (non_empty(r.find(f))) extra.unsupported.push_back(f);
      }
      dedupe(age);
      rule.key_groups.push_back(std::move(age));
    }
    if (rule.rules.count() > 1) {
      return at(path, where,
                "cannot use more than one of encrypted_suffix, unencrypted_suffix, "
                "encrypted_regex, unencrypted_regex, encrypted_comment_regex, or "
                "unencrypted_comment_regex for the same rule",
                r);
    }
    rule.unsupported_keys = std::move(extra.unsupported);
    c.creation_rules.push_back(std::move(rule));
  }
  return c;
}

core::Result<const CreationRule*> rule_for_file(const Config& c, const std::string& file) {
  std::string abs = absolute_path(file);
  std::string rel = abs;
  if (rel.rfind(c.dir + "/", 0) == 0) rel = rel.substr(c.dir.size() + 1);
  for (const CreationRule& r : c.creation_rules) {
    bool match = r.path_regex.empty();
    if (!match) {
      auto re = Regex::compile(r.path_regex);
      if (!re.ok())
        return core::Error("creation_rules[" + std::to_string(r.index) + "]: " + re.error().message,
                           c.path);
      match = re->search(rel);
    }
    if (!match) continue;
    if (!r.unsupported_keys.empty()) {
      std::string list;
      for (const auto& u : r.unsupported_keys) list += (list.empty() ? "" : ", ") + u;
      return core::Error("the creation rule for " + file + " (creation_rules[" +
                             std::to_string(r.index) + "]) uses " + list +
                             " keys; opencenter encrypts with age keys only",
                         c.path);
    }
    return &r;
  }
  return core::Error("no matching creation rules found for " + file, c.path);
}

}  // namespace oc::crypto::sops
