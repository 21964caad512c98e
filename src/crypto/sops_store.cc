#include "crypto/sops_store.h"

#include "crypto/sops_formats.h"

namespace oc::crypto::sops {

namespace {

enum class Flatten { kNone, kBelowTop, kFull };

Flatten flatten_mode(Format f) {
  if (f == Format::kDotenv) return Flatten::kFull;
  if (f == Format::kIni) return Flatten::kBelowTop;
  return Flatten::kNone;
}

constexpr std::string_view kSopsKey = "sops";
constexpr std::string_view kSopsPrefix = "sops_";

bool is_key(const Item& it, std::string_view k) {
  return it.key.kind == Kind::kString && it.key.text == k;
}

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
  size_t p = 0;
  while ((p = s.find(from, p)) != std::string::npos) {
    s.replace(p, from.size(), to);
    p += to.size();
  }
  return s;
}

core::Result<std::vector<Branch>> load_raw(Format f, std::string_view text,
                                           const std::string& file) {
  core::Result<Branch> one = Branch();
  switch (f) {
    case Format::kYaml:
      return formats::yaml_load(text, file);
    case Format::kJson:
    case Format::kBinary:
      one = formats::json_load(text, file);
      break;
    case Format::kDotenv:
      one = formats::dotenv_load(text, file);
      break;
    case Format::kIni:
      one = formats::ini_load(text, file);
      break;
  }
  if (!one.ok()) return one.error();
  return std::vector<Branch>{std::move(*one)};
}

core::Result<std::string> emit_raw(Format f, const std::vector<Branch>& b, const StoreConfig& cfg,
                                   bool encrypted) {
  if (f == Format::kYaml) return formats::yaml_emit(b, cfg.yaml_indent);
  if (b.size() != 1) {
    return core::Error(std::string("a ") + format_name(f) +
                       " file holds exactly one document, not " + std::to_string(b.size()));
  }
  switch (f) {
    case Format::kJson:
      return formats::json_emit(b[0], cfg.json_indent);
    case Format::kBinary:
      if (encrypted) return formats::json_emit(b[0], cfg.json_binary_indent);
      for (const Item& it : b[0]) {
        if (is_key(it, "data")) {
          if (it.value.kind != Kind::kString)
            return core::Error("'data' key in tree does not have a string value");
          return it.value.text;
        }
      }
      return core::Error("no binary data found in tree");
    case Format::kDotenv:
      return formats::dotenv_emit(b[0]);
    case Format::kIni:
      return formats::ini_emit(b[0]);
    default:
      return core::Error("unreachable");
  }
}

}  // namespace

const char* format_name(Format f) {
  switch (f) {
    case Format::kYaml:
      return "yaml";
    case Format::kJson:
      return "json";
    case Format::kDotenv:
      return "dotenv";
    case Format::kIni:
      return "ini";
    case Format::kBinary:
      return "binary";
  }
  return "?";
}

Format format_for_path(std::string_view path) {
  auto ends = [&](std::string_view s) {
    return path.size() >= s.size() && path.substr(path.size() - s.size()) == s;
  };
  if (ends(".yaml") || ends(".yml")) return Format::kYaml;
  if (ends(".json")) return Format::kJson;
  if (ends(".env")) return Format::kDotenv;
  if (ends(".ini")) return Format::kIni;
  return Format::kBinary;
}

core::Result<Format> parse_format(std::string_view name) {
  for (Format f : {Format::kYaml, Format::kJson, Format::kDotenv, Format::kIni, Format::kBinary}) {
    if (name == format_name(f)) return f;
  }
  return core::Error("unknown format \"" + std::string(name) +
                     "\" (yaml, json, dotenv, ini or binary)");
}

core::Result<std::vector<Branch>> load_plain(Format f, std::string_view text,
                                             const std::string& file) {
  if (f == Format::kBinary) {
    Branch b;
    b.push_back(Item{Value::str("data"), Value::str(std::string(text))});
    return std::vector<Branch>{std::move(b)};
  }
  auto b = load_raw(f, text, file);
  if (!b.ok()) return b.error().in_file(file);
  return b;
}

core::Result<std::string> emit_plain(Format f, const std::vector<Branch>& branches,
                                     const StoreConfig& cfg) {
  return emit_raw(f, branches, cfg, false);
}

core::Result<std::optional<EncryptedFile>> load_encrypted(Format f, std::string_view text,
                                                          const std::string& file) {
  auto raw = load_raw(f, text, file);
  if (!raw.ok()) return raw.error().in_file(file);
  EncryptedFile ef;
  ef.branches = std::move(*raw);
  Branch meta;
  bool found = false;
  // One pass per branch, keeping the order of what stays (no erase in a loop: quadratic on
  // hostile input).
  if (flatten_mode(f) != Flatten::kFull) {
    for (size_t bi = 0; bi < ef.branches.size(); ++bi) {
      Branch kept;
      kept.reserve(ef.branches[bi].size());
      for (Item& it : ef.branches[bi]) {
        if (!is_key(it, kSopsKey)) {
          kept.push_back(std::move(it));
          continue;
        }
        if (bi != 0) continue;  // sops reads the metadata of the first document only
        if (found) return core::Error("found a duplicate sops entry", file);
        found = true;
        if (it.value.kind != Kind::kMap)
          return core::Error("found a sops entry that is not a mapping", file);
        meta = std::move(it.value.map);
      }
      ef.branches[bi] = std::move(kept);
    }
  } else if (!ef.branches.empty()) {
    Branch kept;
    for (Item& it : ef.branches[0]) {
      if (it.key.kind == Kind::kString && it.key.text.rfind(kSopsPrefix, 0) == 0) {
        it.key.text.erase(0, kSopsPrefix.size());
        meta.push_back(std::move(it));
        found = true;
      } else {
        kept.push_back(std::move(it));
      }
    }
    ef.branches[0] = std::move(kept);
  }
  if (!found) return std::optional<EncryptedFile>();
  if (flatten_mode(f) != Flatten::kNone) {
    if (f == Format::kIni) {
      for (Item& it : meta) {
        if (it.value.kind == Kind::kString)
          it.value.text = replace_all(std::move(it.value.text), "\\n", "\n");
      }
    }
    auto un = formats::unflatten(meta);
    if (!un.ok()) return un.error().in_file(file);
    meta = std::move(*un);
  }
  Value mv = Value::mapping();
  mv.map = std::move(meta);
  auto md = metadata_from_value(mv);
  if (!md.ok()) return md.error().in_file(file);
  ef.metadata = std::move(*md);
  return std::optional<EncryptedFile>(std::move(ef));
}

core::Result<std::string> emit_encrypted(Format f, const std::vector<Branch>& branches,
                                         const Metadata& m, const StoreConfig& cfg) {
  Value md = metadata_to_value(m);
  Branch extra;
  Flatten mode = flatten_mode(f);
  if (mode != Flatten::kNone) {
    auto flat = formats::flatten(md.map, mode == Flatten::kFull ? std::string(kSopsPrefix) : "");
    if (!flat.ok()) return flat.error();
    extra = std::move(*flat);
    if (f == Format::kIni) {
      for (Item& it : extra) {
        if (it.value.kind == Kind::kString)
          it.value.text = replace_all(std::move(it.value.text), "\n", "\\n");
      }
    }
  }
  if (mode != Flatten::kFull) {
    Value wrapped = Value::mapping();
    wrapped.map = mode == Flatten::kNone ? std::move(md.map) : std::move(extra);
    extra.clear();
    extra.push_back(Item{Value::str(std::string(kSopsKey)), std::move(wrapped)});
  }
  std::vector<Branch> out;
  for (const Branch& b : branches) {
    Branch nb;
    nb.reserve(b.size() + extra.size());
    for (const Item& it : b) {
      if (it.key.kind == Kind::kString) {
        if (mode == Flatten::kFull ? it.key.text.rfind(kSopsPrefix, 0) == 0
                                   : it.key.text == kSopsKey) {
          return core::Error("found key \"" + it.key.text +
                             "\" in the data, which is reserved for the sops metadata");
        }
      }
      nb.push_back(it);
    }
    nb.insert(nb.end(), extra.begin(), extra.end());
    out.push_back(std::move(nb));
  }
  return emit_raw(f, out, cfg, true);
}

bool has_sops_key(Format f, const std::vector<Branch>& branches) {
  if (branches.empty()) return false;
  for (const Item& it : branches[0]) {
    if (it.key.kind != Kind::kString) continue;
    if (f == Format::kDotenv ? it.key.text.rfind(kSopsPrefix, 0) == 0 : it.key.text == kSopsKey)
      return true;
  }
  return false;
}

}  // namespace oc::crypto::sops
