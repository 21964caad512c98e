#include "kustomize/resource.h"

#include <algorithm>

#include "core/scalar.h"
#include "core/yaml.h"
#include "kustomize/paths.h"

namespace oc::kustomize {

using core::Node;

Node created_key(std::string_view text) {
  return Node::scalar(std::string(text), core::ScalarType::kUnresolved, core::ScalarStyle::kAny);
}

void set_entry(Node& map, std::string_view key, Node value) {
  if (Node* existing = map.find(key)) {
    *existing = std::move(value);
    return;
  }
  map.entries().push_back(core::MapEntry{created_key(key), std::move(value)});
}

core::Status check_created_keys(const Node& n) {
  if (n.is_sequence()) {
    for (const auto& item : n.items()) {
      if (auto s = check_created_keys(item); !s.ok()) return s;
    }
  } else if (n.is_mapping()) {
    for (const auto& e : n.entries()) {
      const Node& k = e.key;
      if (k.is_scalar() && k.type() == core::ScalarType::kUnresolved &&
          k.style() == core::ScalarStyle::kAny && k.tag().empty() &&
          core::resolve_plain(k.text(), core::Schema::kYaml12).type !=
              core::Scalar::Type::kString) {
        return core::Error("the key '" + k.text() +
                           "' set by the build reads back as a non-string, which kustomize "
                           "cannot write (json: unsupported type: map[interface {}]interface {})");
      }
      if (auto s = check_created_keys(e.value); !s.ok()) return s;
    }
  }
  return {};
}

namespace {

std::string_view scalar_text(const Node* n) {
  if (n == nullptr || !n->is_scalar() || n->is_null()) return {};
  return n->text();
}

const Node* metadata(const Node& obj) {
  return obj.is_mapping() ? obj.find("metadata") : nullptr;
}

Node& metadata_create(Node& obj) {
  if (!obj.is_mapping()) obj = Node::mapping();
  Node* md = obj.find("metadata");
  if (md == nullptr) {
    obj.set("metadata", Node::mapping());
    md = obj.find("metadata");
  } else if (!md->is_mapping()) {
    *md = Node::mapping();
  }
  return *md;
}

std::vector<std::pair<std::string, std::string>> string_map(const Node* m) {
  std::vector<std::pair<std::string, std::string>> out;
  if (m == nullptr || !m->is_mapping()) return out;
  for (const auto& e : m->entries()) {
    // GetLabels/GetAnnotations read the node's raw value: `null` stays the text "null".
    out.emplace_back(e.key.text(), e.value.is_scalar() ? e.value.text() : std::string());
  }
  return out;
}

void set_metadata_map(Node& obj, std::string_view field,
                      std::vector<std::pair<std::string, std::string>> m) {
  Node& md = metadata_create(obj);
  md.erase(field);
  if (m.empty()) return;
  std::sort(m.begin(), m.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Node map = Node::mapping();
  for (auto& [k, v] : m) set_entry(map, k, Node::string(std::move(v)));
  set_entry(md, field, std::move(map));
}

bool same_ending_sub_slice(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  // utils.SameEndingSubSlice: the shorter is a suffix of the longer (both empty: true).
  if (a.empty() || b.empty()) return a.empty() && b.empty();
  const auto& shorter = a.size() <= b.size() ? a : b;
  const auto& longer = a.size() <= b.size() ? b : a;
  return std::equal(shorter.rbegin(), shorter.rend(), longer.rbegin());
}

}  // namespace

std::string_view Resource::api_version() const {
  return obj.is_mapping() ? scalar_text(obj.find("apiVersion")) : std::string_view();
}
std::string_view Resource::kind() const {
  return obj.is_mapping() ? scalar_text(obj.find("kind")) : std::string_view();
}
std::string_view Resource::name() const {
  const Node* md = metadata(obj);
  return md && md->is_mapping() ? scalar_text(md->find("name")) : std::string_view();
}
std::string_view Resource::ns() const {
  const Node* md = metadata(obj);
  return md && md->is_mapping() ? scalar_text(md->find("namespace")) : std::string_view();
}

Gvk Resource::gvk() const {
  return Gvk::from_api_version(api_version(), kind());
}

ResId Resource::cur_id(const OpenApiSchema& schema) const {
  ResId id;
  id.gvk = gvk();
  id.name = name();
  id.ns = ns();
  id.cluster_scoped = schema.is_cluster_scoped(api_version(), kind());
  return id;
}

std::vector<ResId> Resource::prev_res_ids() const {
  std::vector<ResId> out;
  out.reserve(prev_ids.size());
  Gvk g = gvk();
  for (const auto& p : prev_ids) {
    ResId id;
    id.gvk = Gvk{g.group, g.version, p.kind};
    id.name = p.name;
    id.ns = p.ns;
    out.push_back(std::move(id));
  }
  return out;
}

ResId Resource::org_id(const OpenApiSchema& schema) const {
  if (!prev_ids.empty()) {
    Gvk g = gvk();
    ResId id;
    id.gvk = Gvk{g.group, g.version, prev_ids[0].kind};
    id.name = prev_ids[0].name;
    id.ns = prev_ids[0].ns;
    return id;
  }
  return cur_id(schema);
}

bool Resource::empty() const {
  if (obj.is_null()) return true;
  if (obj.is_mapping() || obj.is_sequence()) return obj.empty();
  return false;
}

std::vector<std::pair<std::string, std::string>> Resource::labels() const {
  const Node* md = metadata(obj);
  return string_map(md && md->is_mapping() ? md->find("labels") : nullptr);
}

std::vector<std::pair<std::string, std::string>> Resource::annotations() const {
  const Node* md = metadata(obj);
  return string_map(md && md->is_mapping() ? md->find("annotations") : nullptr);
}

void Resource::set_name(std::string_view name) {
  metadata_create(obj).set("name", Node::string(std::string(name)));
}

void Resource::set_namespace(std::string_view ns) {
  if (ns.empty()) {
    Node* md = obj.is_mapping() ? obj.find("metadata") : nullptr;
    if (md && md->is_mapping()) md->erase("namespace");
    return;
  }
  metadata_create(obj).set("namespace", Node::string(std::string(ns)));
}

void Resource::set_kind(std::string_view kind) {
  if (!obj.is_mapping()) obj = Node::mapping();
  obj.set("kind", Node::string(std::string(kind)));
}

void Resource::set_api_version(std::string_view api_version) {
  if (!obj.is_mapping()) obj = Node::mapping();
  obj.set("apiVersion", Node::string(std::string(api_version)));
}

void Resource::set_labels(const std::vector<std::pair<std::string, std::string>>& m) {
  set_metadata_map(obj, "labels", m);
}

void Resource::set_annotations(const std::vector<std::pair<std::string, std::string>>& m) {
  set_metadata_map(obj, "annotations", m);
}

void Resource::store_previous_id(const OpenApiSchema& schema) {
  ResId id = cur_id(schema);
  prev_ids.push_back(PrevId{id.gvk.kind, id.name, std::string(id.effective_namespace())});
}

void Resource::add_prefix(const std::string& p) {
  if (p.empty()) return;
  prefixes.push_back(p);
}

void Resource::add_suffix(const std::string& s) {
  if (s.empty()) return;
  suffixes.push_back(s);
}

bool Resource::prefixes_suffixes_equal(const Resource& o, bool allow_empty) const {
  if (allow_empty) {
    bool prefix_empty = prefixes.empty() || o.prefixes.empty();
    bool suffix_empty = suffixes.empty() || o.suffixes.empty();
    return (prefix_empty || same_ending_sub_slice(prefixes, o.prefixes)) &&
           (suffix_empty || same_ending_sub_slice(suffixes, o.suffixes));
  }
  return same_ending_sub_slice(prefixes, o.prefixes) && same_ending_sub_slice(suffixes, o.suffixes);
}

namespace {

// The annotation keys kustomize keeps its bookkeeping under (api/internal/utils/annotations.go).
constexpr std::string_view kPreviousNames = "internal.config.kubernetes.io/previousNames";
constexpr std::string_view kPreviousNamespaces = "internal.config.kubernetes.io/previousNamespaces";
constexpr std::string_view kPreviousKinds = "internal.config.kubernetes.io/previousKinds";
constexpr std::string_view kPrefixes = "internal.config.kubernetes.io/prefixes";
constexpr std::string_view kSuffixes = "internal.config.kubernetes.io/suffixes";
constexpr std::string_view kNeedsHash = "internal.config.kubernetes.io/needsHashSuffix";
constexpr std::string_view kBehavior = "internal.config.kubernetes.io/generatorBehavior";
constexpr std::string_view kOrigin = "config.kubernetes.io/origin";
constexpr std::string_view kTransformations = "alpha.config.kubernetes.io/transformations";

// resource.BuildAnnotations: what RemoveBuildAnnotations deletes at the end of a build, from
// every object — including annotations of these names that the input itself carried.
constexpr std::string_view kBuildAnnotations[] = {
    kPreviousKinds,
    kPreviousNames,
    kPrefixes,
    kSuffixes,
    kPreviousNamespaces,
    "internal.config.kubernetes.io/allowNameChange",
    "internal.config.kubernetes.io/allowKindChange",
    "internal.config.kubernetes.io/refBy",
    kBehavior,
    kNeedsHash,
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/seqindent",
    "internal.config.kubernetes.io/id",
    "internal.config.kubernetes.io/annotations-migration-resource-id",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
    "config.k8s.io/id",
};

std::string join_csv(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out;
}

std::vector<std::string> split_csv(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::string_view behavior_name(Behavior b) {
  switch (b) {
    case Behavior::kCreate:
      return "create";
    case Behavior::kMerge:
      return "merge";
    case Behavior::kReplace:
      return "replace";
    default:
      return "unspecified";
  }
}

core::YamlStyle annotation_yaml_style() {
  core::YamlStyle style;
  style.width = -1;  // yaml.v3 does not fold
  style.comments = false;
  return style;
}

std::string origin_text(const Origin& o) {
  return core::write_yaml(o.to_node(), annotation_yaml_style());
}

std::string transformations_text(const std::vector<Origin>& ts) {
  Node list = Node::sequence();
  for (const auto& t : ts) list.push_back(t.to_node());
  return core::write_yaml(list, annotation_yaml_style());
}

// Origin from its annotation text (resource.GetOrigin / GetTransformations: yaml.Unmarshal).
core::Result<Origin> parse_origin(const Node& n) {
  Origin o;
  if (n.is_null()) return o;
  if (!n.is_mapping()) return core::Error("an origin annotation must hold a mapping");
  auto text = [](const Node* v) { return v && v->is_scalar() && !v->is_null() ? v->text() : ""; };
  o.path = text(n.find("path"));
  o.repo = text(n.find("repo"));
  o.ref = text(n.find("ref"));
  o.configured_in = text(n.find("configuredIn"));
  if (const Node* by = n.find("configuredBy"); by && by->is_mapping()) {
    o.by_api_version = text(by->find("apiVersion"));
    o.by_kind = text(by->find("kind"));
    o.by_name = text(by->find("name"));
    o.by_namespace = text(by->find("namespace"));
  }
  return o;
}

core::Result<Node> parse_annotation_yaml(const std::string& text, std::string_view key) {
  core::ParseOptions po;
  po.comments = false;
  auto doc = core::parse_yaml(text, po);
  if (!doc.ok()) return core::Error("annotation " + std::string(key) + ": " + doc.error().message);
  return doc;
}

}  // namespace

Resource::Exposed Resource::expose_build_annotations() {
  Exposed token;
  auto& w = token.written;
  if (!prev_ids.empty()) {
    // setPreviousId appends names, namespaces and kinds to three parallel lists.
    std::vector<std::string> names, nss, kinds;
    for (const auto& p : prev_ids) {
      names.push_back(p.name);
      nss.push_back(p.ns);
      kinds.push_back(p.kind);
    }
    w.emplace_back(kPreviousNames, join_csv(names));
    w.emplace_back(kPreviousNamespaces, join_csv(nss));
    w.emplace_back(kPreviousKinds, join_csv(kinds));
  }
  if (!prefixes.empty()) w.emplace_back(kPrefixes, join_csv(prefixes));
  if (!suffixes.empty()) w.emplace_back(kSuffixes, join_csv(suffixes));
  if (needs_hash) w.emplace_back(kNeedsHash, "enabled");
  if (behavior != Behavior::kNone) w.emplace_back(kBehavior, behavior_name(behavior));
  if (origin) w.emplace_back(kOrigin, origin_text(*origin));
  if (!transformations.empty())
    w.emplace_back(kTransformations, transformations_text(transformations));
  if (w.empty() || !obj.is_mapping()) return token;
  Node& md = metadata_create(obj);
  Node* anns = md.find("annotations");
  if (anns == nullptr || !anns->is_mapping()) {
    token.created_map = anns == nullptr || anns->is_null();
    set_entry(md, "annotations", Node::mapping());
    anns = md.find("annotations");
  }
  for (const auto& [k, v] : w) set_entry(*anns, k, Node::string(v));
  return token;
}

core::Status Resource::absorb_build_annotations(const Exposed& token) {
  Node* md = obj.is_mapping() ? obj.find("metadata") : nullptr;
  Node* anns = md && md->is_mapping() ? md->find("annotations") : nullptr;
  if (anns != nullptr && !anns->is_mapping()) anns = nullptr;
  // What the patch left under `key` (removed from the object), and what expose wrote there.
  auto take = [&](std::string_view key) -> std::optional<std::string> {
    if (anns == nullptr) return std::nullopt;
    const Node* v = anns->find(key);
    if (v == nullptr) return std::nullopt;
    std::string text = v->is_scalar() ? v->text() : "";
    anns->erase(key);
    return text;
  };
  auto written = [&](std::string_view key) -> const std::string* {
    for (const auto& [k, v] : token.written) {
      if (k == key) return &v;
    }
    return nullptr;
  };
  auto names = take(kPreviousNames), nss = take(kPreviousNamespaces), kinds = take(kPreviousKinds);
  // utils.PrevIds: no previousNames means no previous ids; otherwise the three lists zip.
  if (!names) {
    prev_ids.clear();
  } else if (!(written(kPreviousNames) && *names == *written(kPreviousNames) && nss &&
               *nss == *written(kPreviousNamespaces) && kinds &&
               *kinds == *written(kPreviousKinds))) {
    auto n = split_csv(*names), s = split_csv(nss.value_or("")), k = split_csv(kinds.value_or(""));
    if (n.size() != s.size() || n.size() != k.size()) {
      return core::Error(
          "number of previous names, number of previous namespaces, number of previous kinds "
          "not equal");
    }
    prev_ids.clear();
    for (size_t i = 0; i < n.size(); ++i) prev_ids.push_back(PrevId{k[i], n[i], s[i]});
  }
  auto pre = take(kPrefixes), suf = take(kSuffixes);
  prefixes = pre ? split_csv(*pre) : std::vector<std::string>{};
  suffixes = suf ? split_csv(*suf) : std::vector<std::string>{};
  needs_hash = take(kNeedsHash) == std::optional<std::string>("enabled");
  auto b = take(kBehavior);
  behavior = !b                ? Behavior::kNone
             : *b == "create"  ? Behavior::kCreate
             : *b == "merge"   ? Behavior::kMerge
             : *b == "replace" ? Behavior::kReplace
                               : Behavior::kUnspecified;
  // The origin and transformations are only read back when the build wrote them (it tracks
  // origins); otherwise kustomize never reads such an annotation, it only removes it at the end.
  if (const std::string* w = written(kOrigin)) {
    auto o = take(kOrigin);
    if (!o) {
      origin.reset();
    } else if (*o != *w) {
      auto doc = parse_annotation_yaml(*o, kOrigin);
      if (!doc.ok()) return doc.error();
      auto parsed = parse_origin(*doc);
      if (!parsed.ok()) return parsed.error();
      origin = *parsed;
    }
  }
  if (const std::string* w = written(kTransformations)) {
    auto t = take(kTransformations);
    if (!t) {
      transformations.clear();
    } else if (*t != *w) {
      auto doc = parse_annotation_yaml(*t, kTransformations);
      if (!doc.ok()) return doc.error();
      transformations.clear();
      if (!doc->is_sequence())
        return core::Error("annotation " + std::string(kTransformations) + ": expected a list");
      for (const auto& item : doc->items()) {
        auto parsed = parse_origin(item);
        if (!parsed.ok()) return parsed.error();
        transformations.push_back(*parsed);
      }
    }
  }
  if (token.created_map && anns != nullptr && anns->empty()) md->erase("annotations");
  return {};
}

void Resource::finish_build_annotations(bool origin_annotations, bool transformer_annotations) {
  // RemoveBuildAnnotations, RemoveOriginAnnotations and RemoveTransformerAnnotations each
  // rewrite metadata.annotations through SetAnnotations: values become strings, keys sorted,
  // and an empty map disappears — for every object, whether or not it carried internal ones.
  if (!obj.is_mapping()) return;
  auto anns = annotations();
  std::erase_if(anns, [&](const auto& kv) {
    for (std::string_view b : kBuildAnnotations) {
      if (kv.first == b) return true;
    }
    // An origin or transformation annotation the input carried goes unless asked for; when
    // asked for, the build's own (below) replaces it.
    if (kv.first == kOrigin) return !origin_annotations || origin.has_value();
    if (kv.first == kTransformations) return !transformer_annotations || !transformations.empty();
    return false;
  });
  if (origin_annotations && origin) anns.emplace_back(kOrigin, origin_text(*origin));
  if (transformer_annotations && !transformations.empty()) {
    anns.emplace_back(kTransformations, transformations_text(transformations));
  }
  set_annotations(anns);
}

Origin Origin::append(const std::string& p) const {
  Origin o = *this;
  o.path = join_path(path, p);
  return o;
}

Origin Origin::configured_by(const std::string& kust_file_name, const std::string& kind) const {
  Origin o;
  o.repo = repo;
  o.ref = ref;
  o.configured_in = join_path(path, kust_file_name);
  o.by_api_version = "builtin";
  o.by_kind = kind;
  return o;
}

Node Origin::to_node() const {
  Node m = Node::mapping();
  auto add = [](Node& n, const char* k, const std::string& v) {
    if (!v.empty()) n.entries().push_back(core::MapEntry{Node::string(k), Node::string(v)});
  };
  add(m, "path", path);
  add(m, "repo", repo);
  add(m, "ref", ref);
  add(m, "configuredIn", configured_in);
  Node by = Node::mapping();
  add(by, "apiVersion", by_api_version);
  add(by, "kind", by_kind);
  add(by, "name", by_name);
  add(by, "namespace", by_namespace);
  if (!by.empty())
    m.entries().push_back(core::MapEntry{Node::string("configuredBy"), std::move(by)});
  return m;
}

// --- ResMap ---------------------------------------------------------------------------------

void ResMap::build_cur_index() {
  cur_index_.clear();
  cur_index_.reserve(list_.size() * 2);
  for (auto& r : list_) cur_index_.emplace(r->cur_id(schema()).key(), r.get());
  cur_index_valid_ = true;
}

void ResMap::build_any_index() {
  any_index_.clear();
  any_index_.reserve(list_.size() * 2);
  for (auto& r : list_) {
    std::vector<std::string> keys;
    for (const auto& id : r->prev_res_ids()) keys.push_back(id.key());
    keys.push_back(r->cur_id(schema()).key());
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (auto& k : keys) any_index_.emplace(std::move(k), r.get());
  }
  any_index_valid_ = true;
}

core::Status ResMap::append(ResourcePtr r) {
  if (!cur_index_valid_) build_cur_index();
  ResId id = r->cur_id(schema());
  std::string key = id.key();
  if (cur_index_.count(key) != 0) {
    return core::Error("may not add resource with an already registered id: " + id.to_string());
  }
  cur_index_.emplace(std::move(key), r.get());
  any_index_valid_ = false;
  list_.push_back(std::move(r));
  return {};
}

core::Status ResMap::append_all(ResMap&& other) {
  for (auto& r : other.list_) {
    if (core::Status s = append(std::move(r)); !s.ok()) return s;
  }
  other.list_.clear();
  other.invalidate();
  return {};
}

std::vector<Resource*> ResMap::by_current_id(const ResId& id) {
  if (!cur_index_valid_) build_cur_index();
  std::vector<Resource*> out;
  auto [b, e] = cur_index_.equal_range(id.key());
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  // Keep list order, as a scan would.
  std::sort(out.begin(), out.end(),
            [this](Resource* a, Resource* b2) { return index_of(a) < index_of(b2); });
  return out;
}

std::vector<Resource*> ResMap::by_any_id(const ResId& id) {
  if (!any_index_valid_) build_any_index();
  std::vector<Resource*> out;
  auto [b, e] = any_index_.equal_range(id.key());
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  if (out.size() > 1) {
    std::sort(out.begin(), out.end(),
              [this](Resource* a, Resource* b2) { return index_of(a) < index_of(b2); });
  }
  return out;
}

size_t ResMap::index_of(const Resource* r) const {
  for (size_t i = 0; i < list_.size(); ++i) {
    if (list_[i].get() == r) return i;
  }
  return list_.size();
}

void ResMap::drop_empties() {
  auto it =
      std::remove_if(list_.begin(), list_.end(), [](const ResourcePtr& r) { return r->empty(); });
  if (it != list_.end()) {
    list_.erase(it, list_.end());
    invalidate();
  }
}

}  // namespace oc::kustomize
