#include "kustomize/fieldspec.h"

#include <algorithm>

#include "core/scalar.h"
#include "core/yaml.h"
#include "kustomize/decode.h"
#include "kustomize/resource.h"

namespace oc::kustomize {

using core::Error;
using core::Node;
using core::Status;

namespace {

#include "kustomize/default_config.inc"

struct Walk {
  const FieldSpec& fs;
  CreateKind create_kind;
  const SetFn& set;
  const std::vector<std::string>& path;
};

Status walk(const Walk& w, Node& node, size_t depth);

Status handle_map(const Walk& w, Node& obj, size_t depth) {
  std::string_view name = w.path[depth];
  bool is_seq = name.size() >= 2 && name.substr(name.size() - 2) == "[]";
  if (is_seq) name.remove_suffix(2);
  if (name.empty()) return Error("cannot set or create an empty field name");
  bool last = depth + 1 == w.path.size();
  Node* field = obj.find(name);
  // What a null field turns into (kyaml converts it when the lookup could create).
  enum { kNoKind, kScalarKind, kMapKind, kSeqKind } kind = kNoKind;
  if (!w.fs.create || w.create_kind == CreateKind::kNone || is_seq) {
    if (is_seq) kind = kSeqKind;
  } else {
    kind = !last ? kMapKind : (w.create_kind == CreateKind::kScalar ? kScalarKind : kMapKind);
    if (field == nullptr) {
      obj.entries().push_back(
          core::MapEntry{created_key(name),
                         kind == kScalarKind ? Node::string("") : Node::mapping()});
      field = &obj.entries().back().value;
    }
  }
  if (field == nullptr) return {};
  if (field->is_scalar() && field->is_null() && kind != kNoKind) {
    *field = kind == kSeqKind   ? Node::sequence()
             : kind == kMapKind ? Node::mapping()
                                : Node::string("");
  }
  return walk(w, *field, depth + 1);
}

Status walk(const Walk& w, Node& node, size_t depth) {
  if (depth == w.path.size()) return w.set(node);
  if (node.is_null()) return {};
  if (node.is_sequence()) {
    for (auto& item : node.items()) {
      if (Status s = walk(w, item, depth); !s.ok()) return s;
    }
    return {};
  }
  if (node.is_mapping()) return handle_map(w, node, depth);
  return Error("expected sequence or mapping node");
}

bool gvk_matches(const FieldSpec& fs, const Gvk& g) {
  return (fs.gvk.kind.empty() || fs.gvk.kind == g.kind) &&
         (fs.gvk.group.empty() || fs.gvk.group == g.group) &&
         (fs.gvk.version.empty() || fs.gvk.version == g.version);
}

bool effectively_equal(const FieldSpec& a, const FieldSpec& b) {
  return a.gvk.is_selected_by(b.gvk) && a.path == b.path;
}

void sort_specs(std::vector<FieldSpec>& v) {
  std::stable_sort(v.begin(), v.end(),
                   [](const FieldSpec& a, const FieldSpec& b) { return a.gvk.legacy_less(b.gvk); });
}

Status merge_name_refs(std::vector<NameBackReference>& into,
                       const std::vector<NameBackReference>& add) {
  for (const auto& o : add) {
    bool found = false;
    for (auto& c : into) {
      if (c.gvk == o.gvk) {
        if (Status s = merge_field_specs(c.referrers, o.referrers); !s.ok()) return s;
        found = true;
      }
    }
    if (!found) into.push_back(o);
  }
  return {};
}

void sort_all(TransformerConfig& t) {
  for (auto* v :
       {&t.name_prefix, &t.name_suffix, &t.name_space, &t.common_labels, &t.labels,
        &t.template_labels, &t.common_annotations, &t.var_reference, &t.images, &t.replicas}) {
    sort_specs(*v);
  }
  std::stable_sort(t.name_reference.begin(), t.name_reference.end(),
                   [](const NameBackReference& a, const NameBackReference& b) {
                     return a.gvk.legacy_less(b.gvk);
                   });
}

}  // namespace

std::vector<std::string> split_field_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  std::vector<std::string_view> raw;
  while (true) {
    size_t slash = path.find('/', start);
    raw.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (raw.size() > 1 && raw[0].empty()) raw.erase(raw.begin());
  for (auto p : raw) {
    if (!parts.empty() && !parts.back().empty() && parts.back().back() == '\\') {
      parts.back().pop_back();
      parts.back().push_back('/');
      parts.back().append(p);
    } else {
      parts.emplace_back(p);
    }
  }
  return parts;
}

Status apply_field_spec(Node& obj, const Gvk& gvk, const FieldSpec& fs, CreateKind create_kind,
                        const SetFn& set) {
  if (!gvk_matches(fs, gvk)) return {};
  std::vector<std::string> path = split_field_path(fs.path);
  Walk w{fs, create_kind, set, path};
  return walk(w, obj, 0);
}

Status merge_field_specs(std::vector<FieldSpec>& into, const std::vector<FieldSpec>& add) {
  for (const auto& x : add) {
    auto it = std::find_if(into.begin(), into.end(),
                           [&](const FieldSpec& f) { return effectively_equal(f, x); });
    if (it != into.end()) {
      if (it->create != x.create) return Error("conflicting fieldspecs");
      continue;
    }
    into.push_back(x);
  }
  return {};
}

Status TransformerConfig::merge(const TransformerConfig& o) {
  struct Pair {
    std::vector<FieldSpec>* into;
    const std::vector<FieldSpec>* add;
  };
  for (auto [into, add] :
       {Pair{&name_prefix, &o.name_prefix}, Pair{&name_suffix, &o.name_suffix},
        Pair{&name_space, &o.name_space}, Pair{&common_annotations, &o.common_annotations},
        Pair{&common_labels, &o.common_labels}, Pair{&labels, &o.labels},
        Pair{&template_labels, &o.template_labels}, Pair{&var_reference, &o.var_reference},
        Pair{&images, &o.images}, Pair{&replicas, &o.replicas}}) {
    if (Status s = merge_field_specs(*into, *add); !s.ok()) return s;
  }
  if (Status s = merge_name_refs(name_reference, o.name_reference); !s.ok()) return s;
  sort_all(*this);
  return {};
}

core::Result<TransformerConfig> parse_transformer_config(std::string_view text,
                                                         const std::string& file) {
  core::ParseOptions po;
  po.file = file;
  po.comments = false;
  auto doc = core::parse_yaml(text, po);
  if (!doc.ok()) return doc.error();
  auto model = core::to_json_model(*doc, core::Schema::kYaml11);
  if (!model.ok()) return model.error().in_file(file);
  Decoder d(file);
  TransformerConfig t;
  auto specs = [&](std::vector<FieldSpec>& out) { return field_specs(d, out); };
  Status s =
      d.object(*model, "TransformerConfig",
               {{"namePrefix", specs(t.name_prefix)},
                {"nameSuffix", specs(t.name_suffix)},
                {"namespace", specs(t.name_space)},
                {"commonLabels", specs(t.common_labels)},
                {"labels", specs(t.labels)},
                {"templateLabels", specs(t.template_labels)},
                {"commonAnnotations", specs(t.common_annotations)},
                {"nameReference", d.list(t.name_reference,
                                         [&](const Node& n, NameBackReference& r) {
                                           return d.object(n, "NameBackReferences",
                                                           {{"group", d.str(r.gvk.group)},
                                                            {"version", d.str(r.gvk.version)},
                                                            {"kind", d.str(r.gvk.kind)},
                                                            {"fieldSpecs", specs(r.referrers)}});
                                         })},
                {"varReference", specs(t.var_reference)},
                {"images", specs(t.images)},
                {"replicas", specs(t.replicas)}});
  if (!s.ok()) return Decoder::finish(s.error());
  sort_all(t);
  return t;
}

const TransformerConfig& TransformerConfig::defaults() {
  static const TransformerConfig* config = [] {
    std::string text;
    for (const char* chunk : kDefaultConfigChunks) text += chunk;
    auto t = parse_transformer_config(text, "<default transformer config>");
    return new TransformerConfig(t.ok() ? std::move(*t) : TransformerConfig());
  }();
  return *config;
}

}  // namespace oc::kustomize
