#include "kustomize/generators.h"

#include <algorithm>
#include <map>

#include "core/utf8.h"
#include "kustomize/paths.h"

namespace oc::kustomize {

using core::Error;
using core::Node;
using core::Status;

namespace {

struct Pair {
  std::string key, value;
};

// kv.removeQuotes: one pair of matching surrounding quotes.
std::string remove_quotes(std::string s) {
  if (s.size() < 2 || s.front() != s.back()) return s;
  if (s.front() == '"' || s.front() == '\'') return s.substr(1, s.size() - 2);
  return s;
}

std::string base64(std::string_view in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], t[v & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint8_t(in[i]) << 16;
    out += {t[v >> 18], t[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {t[v >> 18], t[(v >> 12) & 63], t[(v >> 6) & 63], '='};
  }
  return out;
}

// kyaml encodeBase64: lines of 70 characters, each ending in '\n' once there is more than one.
std::string encode_base64(std::string_view s) {
  std::string in = base64(s);
  size_t lines = in.size() / 70 + 1;
  if (lines == 1) return in;
  std::string out;
  for (size_t i = 0; i < in.size(); i += 70) {
    out.append(in, i, 70);
    out.push_back('\n');
  }
  return out;
}

bool is_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0;
}

// keyValuesFromLines: one KEY=VALUE per line, '#' comments, a BOM on the first line.
core::Result<std::vector<Pair>> env_pairs(std::string_view content, const std::string& file) {
  std::vector<Pair> out;
  size_t pos = 0;
  int line_no = 0;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    std::string_view line = content.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? content.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // bufio.ScanLines
    ++line_no;
    if (!core::utf8_valid(line)) {
      return Error("line " + std::to_string(line_no) + " has invalid utf8 bytes", file, line_no);
    }
    if (line_no == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    while (!line.empty() && is_space(static_cast<unsigned char>(line.front())))
      line.remove_prefix(1);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    Pair p;
    p.key = std::string(line.substr(0, eq));
    if (eq != std::string_view::npos) p.value = std::string(line.substr(eq + 1));
    if (p.key.empty()) continue;
    out.push_back(std::move(p));
  }
  return out;
}

// kv.loader.Load: envs, then literals, then files.
core::Result<std::vector<Pair>> load_pairs(const Loader& ldr, const GeneratorArgs& g,
                                           const std::string& kust_file) {
  auto at = [&](const std::string& msg) {
    return Error(msg, kust_file, static_cast<int>(g.mark.line), static_cast<int>(g.mark.column));
  };
  std::vector<Pair> all;
  for (const auto& env : g.envs) {
    auto text = ldr.load(env);
    if (!text.ok()) return at("env source file: " + text.error().message);
    auto pairs = env_pairs(*text, ldr.display_path(env));
    if (!pairs.ok()) return pairs.error();
    for (auto& p : *pairs) all.push_back(std::move(p));
  }
  for (const auto& lit : g.literals) {
    size_t eq = lit.find('=');
    if (eq == 0 || eq == std::string::npos) {
      return at("invalid literal source " + lit + ", expected key=value");
    }
    all.push_back(Pair{lit.substr(0, eq), remove_quotes(lit.substr(eq + 1))});
  }
  for (const auto& src : g.files) {
    // generators.ParseFileSource: "[key=]path".
    size_t n = std::count(src.begin(), src.end(), '=');
    std::string key, path;
    if (n == 0) {
      key = base_name(src);
      path = src;
    } else if (n == 1 && src.front() == '=') {
      return at("missing key name for file path \"" + src.substr(1) + "\" in source \"" + src +
                "\"");
    } else if (n == 1 && src.back() == '=') {
      return at("missing file path for key name \"" + src.substr(0, src.size() - 1) +
                "\" in source \"" + src + "\"");
    } else if (n > 1) {
      return at("source \"" + src + "\" key name or file path contains '='");
    } else {
      size_t eq = src.find('=');
      key = src.substr(0, eq);
      path = src.substr(eq + 1);
    }
    auto content = ldr.load(path);
    if (!content.ok()) return at("file source: " + content.error().message);
    all.push_back(Pair{key, std::move(*content)});
  }
  return all;
}

Node make_map(const std::map<std::string, std::string>& m) {
  Node n = Node::mapping();
  for (const auto& [k, v] : m)
    n.entries().push_back(core::MapEntry{created_key(k), Node::string(v)});
  return n;
}

void merge_into(StringMap& local, const StringMap& global) {
  for (const auto& [k, v] : global) local.emplace(k, v);
}

Behavior parse_behavior(const std::string& b) {
  if (b == "create") return Behavior::kCreate;
  if (b == "merge") return Behavior::kMerge;
  if (b == "replace") return Behavior::kReplace;
  return Behavior::kUnspecified;  // a generated object always records one
}

StringMap data_map(const Resource& r, std::string_view field) {
  StringMap out;
  const Node* d = r.obj.is_mapping() ? r.obj.find(field) : nullptr;
  if (d == nullptr || !d->is_mapping()) return out;
  for (const auto& e : d->entries()) {
    out[e.key.text()] = e.value.is_scalar() && !e.value.is_null() ? e.value.text() : "";
  }
  return out;
}

void set_data_map(Resource& r, std::string_view field, const StringMap& m) {
  r.obj.erase(field);
  if (m.empty()) return;
  r.obj.set(field, make_map(m));
}

}  // namespace

core::Result<ResourcePtr> generate(const Loader& ldr, const GeneratorArgs& args,
                                   const std::optional<GeneratorOptions>& global, bool secret,
                                   const std::string& kust_file) {
  std::optional<GeneratorOptions> opts = args.options;
  if (global) {
    if (!opts) opts.emplace();
    merge_into(opts->labels, global->labels);
    merge_into(opts->annotations, global->annotations);
    opts->disable_name_suffix_hash |= global->disable_name_suffix_hash;
    opts->immutable |= global->immutable;
  }
  if (args.name.empty()) {
    return Error("a configmap must have a name", kust_file, static_cast<int>(args.mark.line),
                 static_cast<int>(args.mark.column));
  }
  auto pairs = load_pairs(ldr, args, kust_file);
  if (!pairs.ok()) return pairs.error();
  std::map<std::string, std::string> data, binary;
  for (auto& p : *pairs) {
    if (data.count(p.key) || binary.count(p.key)) {
      return Error((secret ? "secret " : "configmap ") + args.name +
                       " illegally repeats the key `" + p.key + "`",
                   kust_file, static_cast<int>(args.mark.line), static_cast<int>(args.mark.column));
    }
    if (secret) {
      data[p.key] = encode_base64(p.value);
    } else if (core::utf8_valid(p.value)) {
      data[p.key] = std::move(p.value);
    } else {
      binary[p.key] = encode_base64(p.value);
    }
  }
  Node obj = Node::mapping();
  obj.set("apiVersion", Node::string("v1"));
  obj.set("kind", Node::string(secret ? "Secret" : "ConfigMap"));
  Node md = Node::mapping();
  md.set("name", Node::string(args.name));
  if (!args.ns.empty()) md.set("namespace", Node::string(args.ns));
  obj.set("metadata", std::move(md));
  if (secret) obj.set("type", Node::string(args.type.empty() ? "Opaque" : args.type));
  // LoadMapIntoSecretData always creates `data`; ConfigMaps only get the maps they use.
  if (secret || !data.empty()) obj.set("data", make_map(data));
  if (!binary.empty()) obj.set("binaryData", make_map(binary));
  auto r = std::make_unique<Resource>(std::move(obj));
  if (opts) {
    for (const auto& [k, v] : opts->labels) {
      auto l = r->labels();
      l.emplace_back(k, v);
      r->set_labels(l);
    }
    for (const auto& [k, v] : opts->annotations) {
      auto a = r->annotations();
      a.emplace_back(k, v);
      r->set_annotations(a);
    }
    if (opts->immutable) r->obj.set("immutable", Node::boolean(true));
  }
  r->needs_hash = !opts || !opts->disable_name_suffix_hash;
  r->behavior = parse_behavior(args.behavior);
  return r;
}

Status absorb(ResMap& m, ResourcePtr res) {
  const OpenApiSchema& schema = m.schema();
  ResId id = res->cur_id(schema);
  auto matches = m.by_any_id(id);
  if (matches.empty()) {
    if (res->behavior == Behavior::kMerge || res->behavior == Behavior::kReplace) {
      return Error("id " + id.to_string() + " does not exist; cannot merge or replace");
    }
    return m.append(std::move(res));
  }
  if (matches.size() > 1) {
    return Error("found multiple objects that could accept merge of " + id.to_string());
  }
  Resource* old = matches[0];
  Behavior behavior = res->behavior;
  if (behavior != Behavior::kMerge && behavior != Behavior::kReplace) {
    return Error("id " + id.to_string() + " exists; behavior must be merge or replace");
  }
  // CopyMergeMetaDataFieldsFrom(old): labels and annotations merged (the new values win); the
  // build bookkeeping, name and namespace come from the old object.
  auto merged = [](std::vector<std::pair<std::string, std::string>> base,
                   const std::vector<std::pair<std::string, std::string>>& over) {
    for (const auto& kv : over) {
      auto it = std::find_if(base.begin(), base.end(),
                             [&kv](const auto& e) { return e.first == kv.first; });
      if (it != base.end()) {
        it->second = kv.second;
      } else {
        base.push_back(kv);
      }
    }
    return base;
  };
  res->set_labels(merged(old->labels(), res->labels()));
  res->set_annotations(merged(old->annotations(), res->annotations()));
  res->set_name(old->name());
  res->set_namespace(old->ns());
  res->needs_hash = res->needs_hash && old->needs_hash;
  res->behavior = old->behavior;
  res->prev_ids = old->prev_ids;
  res->prefixes = old->prefixes;
  res->suffixes = old->suffixes;
  res->ref_var_names = old->ref_var_names;
  // The origin annotation: merge keeps the old object's; replace takes the new one's.
  if (behavior == Behavior::kMerge ? old->origin.has_value() : !res->origin)
    res->origin = old->origin;
  if (res->transformations.empty()) res->transformations = old->transformations;
  if (behavior == Behavior::kMerge) {
    // MergeDataMapFrom / MergeBinaryDataMapFrom: the new values win.
    for (std::string_view field : {"data", "binaryData"}) {
      StringMap combined = data_map(*old, field);
      for (auto& [k, v] : data_map(*res, field)) combined[k] = v;
      set_data_map(*res, field, combined);
    }
  }
  size_t index = m.index_of(old);
  m.list()[index] = std::move(res);
  m.invalidate();
  return {};
}

}  // namespace oc::kustomize
