#include "kustomize/decode.h"

namespace oc::kustomize {

using core::Error;
using core::Node;
using core::ScalarType;
using core::Status;

namespace {

std::string_view kind_name(const Node& n) {
  if (n.is_mapping()) return "an object";
  if (n.is_sequence()) return "a list";
  switch (n.type()) {
    case ScalarType::kBool:
      return "a boolean";
    case ScalarType::kInt:
    case ScalarType::kFloat:
      return "a number";
    case ScalarType::kNull:
      return "null";
    default:
      return "a string";
  }
}

// Go's encoding/json matches names with bytes.EqualFold (Unicode simple folding; ASCII here).
bool equal_fold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Error Decoder::error(const Node& at, std::string message) const {
  return Error(std::move(message), file_, static_cast<int>(at.mark().line),
               static_cast<int>(at.mark().column));
}

Error Decoder::type_error(const Node& n, std::string_view what) const {
  return error(n, ": expected " + std::string(what) + ", got " + std::string(kind_name(n)));
}

Error Decoder::index_error(Error e, size_t i) {
  std::string sep = (!e.message.empty() && (e.message[0] == ':' || e.message[0] == '[')) ? "" : ".";
  e.message = "[" + std::to_string(i) + "]" + sep + e.message;
  return e;
}

Error Decoder::field_error(Error e, std::string_view name) {
  std::string sep = (!e.message.empty() && (e.message[0] == ':' || e.message[0] == '[')) ? "" : ".";
  e.message = std::string(name) + sep + e.message;
  return e;
}

Error Decoder::finish(Error e) {
  if (e.message.rfind(": ", 0) == 0) e.message.erase(0, 2);
  if (!e.message.empty() && e.message[0] == '.') e.message.erase(0, 1);
  return e;
}

Status Decoder::object(const Node& n, std::string_view type, const std::vector<Field>& fields,
                       bool* any) const {
  if (n.is_null()) return {};
  if (!n.is_mapping()) return type_error(n, "an object (" + std::string(type) + ")");
  for (const auto& e : n.entries()) {
    const std::string& key = e.key.text();
    const Field* match = nullptr;
    for (const auto& f : fields) {
      if (f.name == key) {
        match = &f;
        break;
      }
    }
    if (!match) {
      for (const auto& f : fields) {
        if (equal_fold(f.name, key)) {
          match = &f;
          break;
        }
      }
    }
    if (!match && !strict_) continue;
    if (!match) {
      return field_error(
          error(e.value.mark().line ? e.value : n, ": unknown field in " + std::string(type)), key);
    }
    if (any && !e.value.is_null() && match->name != "apiVersion" && match->name != "kind" &&
        !(e.value.is_scalar() && e.value.type() == ScalarType::kString && e.value.text().empty())) {
      *any = true;
    }
    if (Status s = match->set(e.value); !s.ok()) return field_error(s.error(), match->name);
  }
  return {};
}

Decoder::Setter Decoder::str(std::string& out) const {
  return [this, &out](const Node& n) -> Status {
    if (n.is_null()) return {};
    if (!n.is_scalar() || n.type() != ScalarType::kString) return type_error(n, "a string");
    out = n.text();
    return {};
  };
}

Decoder::Setter Decoder::boolean(bool& out) const {
  return [this, &out](const Node& n) -> Status {
    if (n.is_null()) return {};
    if (!n.is_scalar() || n.type() != ScalarType::kBool) return type_error(n, "a boolean");
    out = n.text() == "true";
    return {};
  };
}

Decoder::Setter Decoder::int64(int64_t& out) const {
  return [this, &out](const Node& n) -> Status {
    if (n.is_null()) return {};
    if (!n.is_scalar() || n.type() != ScalarType::kInt) return type_error(n, "an integer");
    try {
      out = std::stoll(n.text());
    } catch (...) {
      return type_error(n, "an integer");
    }
    return {};
  };
}

Decoder::Setter Decoder::strings(std::vector<std::string>& out) const {
  return [this, &out](const Node& n) -> Status {
    if (n.is_null()) return {};
    if (!n.is_sequence()) return type_error(n, "a list of strings");
    for (size_t i = 0; i < n.items().size(); ++i) {
      const Node& item = n.items()[i];
      if (item.is_null()) {
        out.emplace_back();
        continue;
      }
      if (!item.is_scalar() || item.type() != ScalarType::kString) {
        return index_error(type_error(item, "a string"), i);
      }
      out.push_back(item.text());
    }
    return {};
  };
}

Decoder::Setter Decoder::entries(std::vector<Entry>& out) const {
  return [this, &out](const Node& n) -> Status {
    std::vector<std::string> values;
    if (Status s = strings(values)(n); !s.ok()) return s;
    for (size_t i = 0; i < values.size(); ++i) {
      out.push_back(Entry{std::move(values[i]), n.items()[i].mark()});
    }
    return {};
  };
}

Decoder::Setter Decoder::string_map(StringMap& out) const {
  return [this, &out](const Node& n) -> Status {
    if (n.is_null()) return {};
    if (!n.is_mapping()) return type_error(n, "a map of strings");
    for (const auto& e : n.entries()) {
      if (e.value.is_null()) {
        out[e.key.text()] = "";
        continue;
      }
      if (!e.value.is_scalar() || e.value.type() != ScalarType::kString) {
        return field_error(type_error(e.value, "a string"), e.key.text());
      }
      out[e.key.text()] = e.value.text();
    }
    return {};
  };
}

Decoder::Setter Decoder::bool_map(std::map<std::string, bool>& out) const {
  return [this, &out](const Node& n) -> Status {
    if (n.is_null()) return {};
    if (!n.is_mapping()) return type_error(n, "a map of booleans");
    for (const auto& e : n.entries()) {
      if (e.value.is_null()) {
        out[e.key.text()] = false;
        continue;
      }
      if (!e.value.is_scalar() || e.value.type() != ScalarType::kBool) {
        return field_error(type_error(e.value, "a boolean"), e.key.text());
      }
      out[e.key.text()] = e.value.text() == "true";
    }
    return {};
  };
}

// --- kustomize's shared types (api/types) ------------------------------------------------

Status decode_selector(const Decoder& d, const Node& n, Selector& s) {
  return d.object(n, "Selector",
                  {{"group", d.str(s.gvk.group)},
                   {"version", d.str(s.gvk.version)},
                   {"kind", d.str(s.gvk.kind)},
                   {"name", d.str(s.name)},
                   {"namespace", d.str(s.ns)},
                   {"annotationSelector", d.str(s.annotation_selector)},
                   {"labelSelector", d.str(s.label_selector)}});
}

Status decode_optional_selector(const Decoder& d, const Node& n, std::optional<Selector>& s) {
  if (n.is_null()) return {};
  s.emplace();
  return decode_selector(d, n, *s);
}

Status decode_field_spec(const Decoder& d, const Node& n, FieldSpec& fs) {
  return d.object(n, "FieldSpec",
                  {{"group", d.str(fs.gvk.group)},
                   {"version", d.str(fs.gvk.version)},
                   {"kind", d.str(fs.gvk.kind)},
                   {"path", d.str(fs.path)},
                   {"create", d.boolean(fs.create)}});
}

Status decode_generator_options(const Decoder& d, const Node& n,
                                std::optional<GeneratorOptions>& o) {
  if (n.is_null()) return {};
  o.emplace();
  return d.object(n, "GeneratorOptions",
                  {{"labels", d.string_map(o->labels)},
                   {"annotations", d.string_map(o->annotations)},
                   {"disableNameSuffixHash", d.boolean(o->disable_name_suffix_hash)},
                   {"immutable", d.boolean(o->immutable)}});
}

Status decode_generator(const Decoder& d, const Node& n, GeneratorArgs& g, bool secret) {
  g.mark = n.mark();
  std::string env;
  std::vector<Decoder::Field> fields = {
      {"namespace", d.str(g.ns)},
      {"name", d.str(g.name)},
      {"behavior", d.str(g.behavior)},
      {"literals", d.strings(g.literals)},
      {"files", d.strings(g.files)},
      {"envs", d.strings(g.envs)},
      {"env", d.str(env)},
      {"options", [&](const Node& v) { return decode_generator_options(d, v, g.options); }},
  };
  if (secret) fields.push_back({"type", d.str(g.type)});
  if (Status s = d.object(n, secret ? "SecretArgs" : "ConfigMapArgs", fields); !s.ok()) return s;
  if (!env.empty()) g.envs.push_back(env);  // FixKustomization folds `env` into `envs`
  return {};
}

Status decode_patch(const Decoder& d, const Node& n, Patch& p) {
  p.mark = n.mark();
  return d.object(
      n, "Patch",
      {{"path", d.str(p.path)},
       {"patch", d.str(p.patch)},
       {"target", [&](const Node& v) { return decode_optional_selector(d, v, p.target); }},
       {"options", d.bool_map(p.options)}});
}

Status decode_image(const Decoder& d, const Node& n, Image& i) {
  return d.object(n, "Image",
                  {{"name", d.str(i.name)},
                   {"newName", d.str(i.new_name)},
                   {"tagSuffix", d.str(i.tag_suffix)},
                   {"newTag", d.str(i.new_tag)},
                   {"digest", d.str(i.digest)}});
}

Status decode_replica(const Decoder& d, const Node& n, Replica& r) {
  return d.object(n, "Replica", {{"name", d.str(r.name)}, {"count", d.int64(r.count)}});
}

Status decode_field_options(const Decoder& d, const Node& n, std::optional<FieldOptions>& o) {
  if (n.is_null()) return {};
  o.emplace();
  return d.object(n, "FieldOptions",
                  {{"delimiter", d.str(o->delimiter)},
                   {"index", d.int64(o->index)},
                   {"encoding", d.str(o->encoding)},
                   {"create", d.boolean(o->create)}});
}

Status decode_replacement(const Decoder& d, const Node& n, Replacement& r, std::string* path) {
  r.mark = n.mark();
  std::vector<Decoder::Field> fields = {
      {"source",
       [&](const Node& v) -> Status {
         if (v.is_null()) return {};
         r.source.emplace();
         ReplacementSource& s = *r.source;
         return d.object(
             v, "SourceSelector",
             {{"group", d.str(s.gvk.group)},
              {"version", d.str(s.gvk.version)},
              {"kind", d.str(s.gvk.kind)},
              {"name", d.str(s.name)},
              {"namespace", d.str(s.ns)},
              {"fieldPath", d.str(s.field_path)},
              {"options", [&](const Node& o) { return decode_field_options(d, o, s.options); }}});
       }},
      {"targets",
       d.list(r.targets,
              [&](const Node& v, ReplacementTarget& t) {
                return d.object(
                    v, "TargetSelector",
                    {{"select",
                      [&](const Node& s) { return decode_optional_selector(d, s, t.select); }},
                     {"reject",
                      d.list(t.reject, [&](const Node& s,
                                           Selector& sel) { return decode_selector(d, s, sel); })},
                     {"fieldPaths", d.strings(t.field_paths)},
                     {"options",
                      [&](const Node& o) { return decode_field_options(d, o, t.options); }}});
              })},
  };
  if (path) fields.push_back({"path", d.str(*path)});
  return d.object(n, "ReplacementField", fields);
}

Decoder::Setter field_specs(const Decoder& d, std::vector<FieldSpec>& out) {
  return d.list(out, [&d](const Node& n, FieldSpec& fs) { return decode_field_spec(d, n, fs); });
}

}  // namespace oc::kustomize
