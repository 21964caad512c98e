// ReplacementTransformer (api/filters/replacement): copy a field of one object into fields of
// others, optionally through a delimiter-split part of a scalar.
#include "core/scalar.h"
#include "core/yaml.h"
#include "kube/selector.h"
#include "kustomize/decode.h"
#include "kustomize/kpath.h"
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Error;
using core::Node;
using core::Status;

namespace {

// Every id of a resource, current first then previous (utils.MakeResIds).
std::vector<ResId> all_ids(const Resource& r, const OpenApiSchema& schema) {
  std::vector<ResId> ids{r.cur_id(schema)};
  for (auto& id : r.prev_res_ids()) ids.push_back(std::move(id));
  return ids;
}

ResId selector_id(const Selector& s) {
  ResId id;
  id.gvk = s.gvk;
  id.name = s.name;
  id.ns = s.ns;
  return id;
}

bool selector_id_empty(const Selector& s) {
  return s.gvk.group.empty() && s.gvk.version.empty() && s.gvk.kind.empty() && s.name.empty() &&
         s.ns.empty();
}

core::Result<bool> matches_labels(const Resource& r, const Selector& s) {
  for (auto [sel, kv] : {std::pair{&s.label_selector, r.labels()},
                         std::pair{&s.annotation_selector, r.annotations()}}) {
    if (sel->empty()) continue;
    auto parsed = kube::LabelSelector::parse(*sel);
    if (!parsed.ok()) return parsed.error();
    if (!parsed->matches(kube::Labels(kv.begin(), kv.end()))) return false;
  }
  return true;
}

std::vector<std::string> split(const std::string& s, const std::string& delim) {
  std::vector<std::string> out;
  if (delim.empty()) return {s};
  size_t start = 0;
  while (true) {
    size_t pos = s.find(delim, start);
    out.push_back(s.substr(start, pos == std::string::npos ? pos : pos - start));
    if (pos == std::string::npos) break;
    start = pos + delim.size();
  }
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& delim) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? delim : "") + v[i];
  return out;
}

std::string source_string(const ReplacementSource& s) {
  ResId id;
  id.gvk = s.gvk;
  id.name = s.name;
  id.ns = s.ns;
  return id.to_string() + (s.field_path.empty() ? "" : ":" + s.field_path);
}

// getReplacement.
core::Result<Node> source_value(ResMap& m, const ReplacementSource& src) {
  const OpenApiSchema& schema = m.schema();
  ResId sel;
  sel.gvk = src.gvk;
  sel.name = src.name;
  sel.ns = src.ns;
  Resource* found = nullptr;
  for (auto& r : m.list()) {
    for (const auto& id : all_ids(*r, schema)) {
      if (id.is_selected_by(sel)) {
        if (found) return Error("multiple matches for selector " + source_string(src));
        found = r.get();
        break;
      }
    }
  }
  if (!found) return Error("nothing selected by " + source_string(src));
  std::string fp = src.field_path.empty() ? "metadata.name" : src.field_path;
  auto node = path_get(found->obj, split_dotted_path(fp));
  if (!node.ok()) return Error("error looking up replacement source: " + node.error().message);
  const Node* n = *node;
  if (n == nullptr || n->is_null() || ((n->is_mapping() || n->is_sequence()) && n->empty())) {
    return Error("fieldPath `" + fp + "` is missing for replacement source " + sel.to_string());
  }
  Node value = *n;
  if (src.options && !src.options->delimiter.empty()) {
    if (!value.is_scalar()) return Error("delimiter option can only be used with scalar nodes");
    auto parts = split(value.text(), src.options->delimiter);
    if (src.options->index < 0 || src.options->index >= static_cast<int64_t>(parts.size())) {
      return Error("options.index " + std::to_string(src.options->index) +
                   " is out of bounds for value " + value.text());
    }
    value.set_text(parts[src.options->index], value.type());
  }
  return value;
}

// setFieldValue: a scalar target keeps its own type and takes the value's text; other targets
// are replaced by the value.
Status set_value(const std::optional<FieldOptions>& opts, Node& target, Node value) {
  if (opts && !opts->delimiter.empty()) {
    if (!target.is_scalar()) return Error("delimiter option can only be used with scalar nodes");
    auto tv = split(target.text(), opts->delimiter);
    std::string v = value.is_scalar() && !value.is_null() ? value.text() : "";
    if (opts->index < 0) {
      tv.insert(tv.begin(), v);
    } else if (opts->index >= static_cast<int64_t>(tv.size())) {
      tv.push_back(v);
    } else {
      tv[opts->index] = v;
    }
    value.set_text(join(tv, opts->delimiter), value.type());
  }
  if (target.is_scalar()) {
    std::string text = value.is_scalar() ? value.text() : "";
    bool was_string = target.type() == core::ScalarType::kString ||
                      (target.type() == core::ScalarType::kUnresolved && !target.text().empty() &&
                       core::resolve_plain(target.text(), core::Schema::kYaml12).type ==
                           core::Scalar::Type::kString);
    if (target.type() == core::ScalarType::kUnresolved && !target.tag().empty()) {
      was_string = target.tag() == "tag:yaml.org,2002:str";
    }
    target = was_string ? Node::string(std::move(text))
                        : Node::scalar(std::move(text), core::ScalarType::kUnresolved);
    return {};
  }
  target = std::move(value);
  return {};
}

Status apply_replacement(ResMap& m, const Replacement& r) {
  if (!r.source || r.targets.empty()) {
    return Error("replacements must specify a source and at least one target");
  }
  auto value = source_value(m, *r.source);
  if (!value.ok()) return value.error();
  const OpenApiSchema& schema = m.schema();
  for (const auto& t : r.targets) {
    if (!t.select) return Error("target must specify resources to select");
    std::vector<std::string> paths = t.field_paths;
    if (paths.empty()) paths.push_back("metadata.name");
    for (auto& rp : m.list()) {
      Resource& res = *rp;
      auto sel = matches_labels(res, *t.select);
      if (!sel.ok()) return sel.error();
      if (!*sel) continue;
      bool rejected = false;
      for (const auto& rej : t.reject) {
        if (rej.annotation_selector.empty() && rej.label_selector.empty()) continue;
        auto mr = matches_labels(res, rej);
        if (!mr.ok()) return mr.error();
        if (*mr) rejected = true;
      }
      if (rejected) continue;
      std::vector<ResId> ids = all_ids(res, schema);
      bool selected = false;
      for (const auto& id : ids) {
        if (!id.is_selected_by(selector_id(*t.select))) continue;
        for (const auto& rej : t.reject) {
          if (selector_id_empty(rej)) continue;
          for (const auto& id2 : ids) rejected |= id2.is_selected_by(selector_id(rej));
        }
        selected = !rejected;
        break;
      }
      if (!selected) continue;
      PathCreate create = PathCreate::kNone;
      if (t.options && t.options->create) {
        create = value->is_mapping()    ? PathCreate::kMapping
                 : value->is_sequence() ? PathCreate::kSequence
                                        : PathCreate::kScalar;
      }
      for (const auto& fp : paths) {
        auto what = [&] {
          return std::string(create != PathCreate::kNone ? "unable to find or create field \""
                                                         : "unable to find field \"") +
                 fp + "\" in replacement target";
        };
        auto fields = path_match(res.obj, split_dotted_path(fp), create);
        if (!fields.ok()) return Error(what() + ": " + fields.error().message);
        if (fields->empty()) return Error(what());
        for (Node* f : *fields) {
          if (Status s = set_value(t.options, *f, *value); !s.ok()) return s;
        }
      }
    }
  }
  m.invalidate();
  return {};
}

}  // namespace

Status transform_replacements(ResMap& m, const Loader& ldr,
                              const std::vector<ReplacementField>& replacements,
                              const std::string& kust_file) {
  // ReplacementTransformer.Config: inline entries, and files holding a list of them.
  std::vector<Replacement> all;
  for (const auto& rf : replacements) {
    if (rf.path.empty()) {
      all.push_back(rf.replacement);
      continue;
    }
    auto text = ldr.load(rf.path);
    if (!text.ok()) {
      return Error("replacements: " + text.error().message, kust_file,
                   static_cast<int>(rf.replacement.mark.line),
                   static_cast<int>(rf.replacement.mark.column));
    }
    std::string file = ldr.display_path(rf.path);
    core::ParseOptions po;
    po.file = file;
    po.comments = false;
    auto docs = core::parse_yaml_stream(*text, po);
    if (!docs.ok()) return docs.error();
    Decoder d(file);
    for (const auto& doc : *docs) {
      auto model = core::to_json_model(doc, core::Schema::kYaml11);
      if (!model.ok()) return model.error().in_file(file);
      std::vector<const Node*> items;
      if (model->is_sequence()) {
        for (const auto& i : model->items()) items.push_back(&i);
      } else if (!model->is_null()) {
        items.push_back(&*model);
      }
      for (const Node* item : items) {
        Replacement r;
        if (Status s = decode_replacement(d, *item, r, nullptr); !s.ok()) {
          return Decoder::finish(s.error());
        }
        all.push_back(std::move(r));
      }
    }
  }
  for (const auto& r : all) {
    if (Status s = apply_replacement(m, r); !s.ok()) return s.error().in_file(kust_file);
  }
  return {};
}

}  // namespace oc::kustomize
