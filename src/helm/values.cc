// Values coalescing and dependency processing, following helm pkg/chartutil coalesce.go and
// dependencies.go (Helm 3.16): a null from a higher-priority source deletes the key, parents
// override subcharts, globals flow down (parent wins), subchart tables merge with nulls kept.
#include "helm/values.h"

#include "core/scalar.h"
#include "core/yaml.h"
#include "helm/funcs.h"
#include "helm/semver.h"
#include "helm/value_codec.h"

namespace oc::helm {

namespace {

bool is_table(const Value& v) {
  return v.kind() == Kind::kMap && v.map_obj() != nullptr &&
         (v.type() == GoType::kMapIface || v.type() == GoType::kValues);
}

MapObj* table(const Value& v) {
  return is_table(v) ? v.map_obj() : nullptr;
}

// A shallow copy of a map (copyMap).
Value copy_map(const Value& m) {
  Value out = Value::map(GoType::kMapIface);
  out.map_obj()->entries() = m.map_obj()->entries();
  return out;
}

// coalesceTablesFullKey: dst has priority; tables merge recursively.
void coalesce_tables(MapObj* dst, MapObj* src, bool merge, int depth) {
  if (depth > 10000) return;
  if (!src) return;
  // Nulls in dst mark keys to remove from the result (when not merging).
  for (const auto& e : dst->entries()) {
    if (e.value.kind() == Kind::kNil) src->set(e.key, Value::nil());
  }
  std::vector<MapObj::Entry> src_entries = src->entries();
  for (const auto& e : src_entries) {
    Value* dv = dst->find(e.key.str());
    if (dv && !merge && dv->kind() == Kind::kNil) {
      dst->erase(e.key.str());
    } else if (!dv) {
      dst->set(e.key, e.value);
    } else if (is_table(e.value)) {
      if (is_table(*dv)) coalesce_tables(dv->map_obj(), e.value.map_obj(), merge, depth + 1);
      // else: "cannot overwrite table with non table" (a warning in Helm)
    }
  }
}

// coalesceGlobals: copies the parent's globals into the child's (parent wins).
void coalesce_globals(MapObj* dest, MapObj* src) {
  Value dg;
  if (Value* g = dest->find("global")) {
    if (!is_table(*g)) return;  // "skipping globals because destination global is not a table"
    dg = *g;
  } else {
    dg = Value::map(GoType::kMapIface);
  }
  Value sg;
  if (Value* g = src->find("global")) {
    if (!is_table(*g)) return;
    sg = *g;
  } else {
    sg = Value::map(GoType::kMapIface);
  }
  MapObj* dgm = dg.map_obj();
  std::vector<MapObj::Entry> entries = sg.map_obj()->entries();
  for (const auto& e : entries) {
    if (is_table(e.value)) {
      Value vv = copy_map(e.value);
      Value* destv = dgm->find(e.key.str());
      if (!destv) {
        dgm->set(e.key, vv);
      } else if (is_table(*destv)) {
        coalesce_tables(vv.map_obj(), destv->map_obj(), true, 0);
        dgm->set(e.key, vv);
      }
      // else: "cannot merge map onto non-map"
    } else if (Value* dv = dgm->find(e.key.str()); dv && is_table(*dv)) {
      // "key is table. Skipping"
    } else {
      dgm->set(e.key, e.value);
    }
  }
  dest->set("global", dg);
}

bool child_chart_key(const ChartNode& c, std::string_view key) {
  for (const auto& d : c.deps) {
    if (d->name == key) return true;
  }
  return false;
}

// coalesceValues: the chart's defaults under `v`.
void coalesce_chart_values(const ChartNode& c, MapObj* v, bool merge) {
  Value vc = c.default_values();
  for (const auto& e : vc.map_obj()->entries()) {
    Value* value = v->find(e.key.str());
    if (value) {
      if (value->kind() == Kind::kNil && !merge) {
        v->erase(e.key.str());
      } else if (is_table(*value)) {
        if (is_table(e.value)) {
          bool m = merge || child_chart_key(c, e.key.str());
          coalesce_tables(value->map_obj(), e.value.map_obj(), m, 0);
        }
      }
    } else {
      v->set(e.key, e.value);
    }
  }
}

core::Status coalesce(const ChartNode& c, Value& dest, bool merge, int depth);

core::Status coalesce_deps(const ChartNode& c, Value& dest, bool merge, int depth) {
  MapObj* dm = dest.map_obj();
  for (const auto& sub : c.deps) {
    Value* cur = dm->find(sub->name);
    if (!cur) {
      dm->set(sub->name, Value::map(GoType::kMapIface));
    } else if (!is_table(*cur)) {
      std::string kind = cur->kind() == Kind::kBool
                             ? (cur->as_bool() ? "true" : "false")
                             : "%!t(" + cur->type_name() + "=" + go_sprint1(*cur) + ")";
      return core::Error("type mismatch on " + sub->name + ": " + kind);
    }
    Value dv = *dm->find(sub->name);
    coalesce_globals(dv.map_obj(), dm);
    if (auto st = coalesce(*sub, dv, merge, depth + 1); !st.ok()) return st;
    dm->set(sub->name, dv);
  }
  return {};
}

core::Status coalesce(const ChartNode& c, Value& dest, bool merge, int depth) {
  if (depth > 100) return core::Error("chart dependencies nested too deeply");
  coalesce_chart_values(c, dest.map_obj(), merge);
  return coalesce_deps(c, dest, merge, depth);
}

core::Result<Value> coalesce_with(const ChartNode& c, const Value& user, bool merge) {
  Value v =
      is_table(user) ? deep_copy(user).with_type(GoType::kMapIface) : Value::map(GoType::kMapIface);
  if (auto st = coalesce(c, v, merge, 0); !st.ok()) return st.error();
  return v;
}

// Values.PathValue semantics for condition paths: the value at a dotted path, if present.
const Value* path_value(const Value& root, std::string_view path) {
  const Value* cur = &root;
  size_t p = 0;
  for (;;) {
    size_t d = path.find('.', p);
    std::string_view part =
        path.substr(p, d == std::string_view::npos ? std::string_view::npos : d - p);
    const MapObj* m = table(*cur);
    if (!m) return nullptr;
    const Value* next = m->find(part);
    if (!next) return nullptr;
    if (d == std::string_view::npos) return next;
    cur = next;
    p = d + 1;
  }
}

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  size_t p = 0;
  for (;;) {
    size_t q = s.find(',', p);
    out.emplace_back(s.substr(p, q == std::string_view::npos ? std::string_view::npos : q - p));
    if (q == std::string_view::npos) break;
    p = q + 1;
  }
  return out;
}

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

struct DepState {
  const ChartDependency* req;
  std::string name;  // alias or name
  bool enabled = true;
};

std::unique_ptr<ChartNode> make_node(const Chart* chart, std::string name,
                                     const ChartNode* parent) {
  auto n = std::make_unique<ChartNode>();
  n->chart = chart;
  n->name = std::move(name);
  n->parent = parent;
  for (const auto& d : chart->dependencies)
    n->deps.push_back(make_node(d.get(), d->metadata.name, n.get()));
  return n;
}

void reparent(ChartNode* n) {
  for (auto& d : n->deps) {
    d->parent = n;
    reparent(d.get());
  }
}

// processDependencyEnabled
core::Status process_enabled(ChartNode& c, const Value& v, const std::string& path, int depth) {
  if (depth > 100) return core::Error("chart dependencies nested too deeply");
  const auto& reqs = c.chart->metadata.dependencies;
  if (reqs.empty()) return {};
  std::vector<std::unique_ptr<ChartNode>> existing = std::move(c.deps);
  std::vector<std::unique_ptr<ChartNode>> chart_deps;
  // Subcharts not declared in Chart.yaml (by name and compatible version) stay.
  std::vector<bool> declared(existing.size(), false);
  for (size_t i = 0; i < existing.size(); ++i) {
    for (const auto& r : reqs) {
      if (existing[i]->name == r.name &&
          semver_compatible(r.version, existing[i]->chart->metadata.version)) {
        declared[i] = true;
        break;
      }
    }
  }
  for (size_t i = 0; i < existing.size(); ++i) {
    if (!declared[i]) chart_deps.push_back(std::move(existing[i]));
  }
  std::vector<DepState> states;
  for (const auto& r : reqs) {
    for (size_t i = 0; i < existing.size(); ++i) {
      if (!declared[i] || !existing[i]) continue;
      if (existing[i]->name != r.name) continue;
      if (!semver_compatible(r.version, existing[i]->chart->metadata.version)) continue;
      auto copy = make_node(existing[i]->chart, r.alias.empty() ? r.name : r.alias, &c);
      chart_deps.push_back(std::move(copy));
      break;
    }
    states.push_back(DepState{&r, r.alias.empty() ? r.name : r.alias, true});
  }
  c.deps = std::move(chart_deps);
  reparent(&c);

  auto cvals = coalesce_with(c, v, false);
  if (!cvals.ok()) return cvals.error();
  // Tags, then conditions (conditions win).
  if (const MapObj* tags =
          table(path_value(*cvals, "tags") ? *path_value(*cvals, "tags") : Value())) {
    for (auto& s : states) {
      bool has_true = false, has_false = false;
      for (const auto& k : s.req->tags) {
        if (const Value* b = tags->find(k); b && b->kind() == Kind::kBool) {
          (b->as_bool() ? has_true : has_false) = true;
        }
      }
      if (!has_true && has_false) {
        s.enabled = false;
      } else if (has_true || !has_false) {
        s.enabled = true;
      }
    }
  }
  for (auto& s : states) {
    for (const auto& cond : split_commas(trim(s.req->condition))) {
      if (cond.empty()) continue;
      const Value* vv = path_value(*cvals, path + cond);
      if (vv && vv->kind() == Kind::kBool) {
        s.enabled = vv->as_bool();
        break;
      }
    }
  }
  std::vector<std::unique_ptr<ChartNode>> kept;
  for (auto& d : c.deps) {
    bool removed = false;
    for (const auto& s : states) {
      if (!s.enabled && s.name == d->name) removed = true;
    }
    if (!removed) kept.push_back(std::move(d));
  }
  c.deps = std::move(kept);
  for (auto& d : c.deps) {
    if (auto st = process_enabled(*d, *cvals, path + d->name + ".", depth + 1); !st.ok()) return st;
  }
  return {};
}

// pathToMap: "a.b" + data → {a: {b: data}}; "." → data.
Value path_to_map(std::string_view path, const Value& data) {
  if (path == ".") return data;
  std::vector<std::string> parts;
  size_t p = 0;
  for (;;) {
    size_t d = path.find('.', p);
    std::string part(path.substr(p, d == std::string_view::npos ? std::string_view::npos : d - p));
    if (!part.empty()) parts.push_back(part);
    if (d == std::string_view::npos) break;
    p = d + 1;
  }
  Value out = data;
  for (size_t i = parts.size(); i-- > 0;) {
    Value m = Value::map(GoType::kMapIface);
    m.map_obj()->set(parts[i], out);
    out = m;
  }
  return out;
}

bool table_at(const Value& root, std::string_view path, Value* out) {
  const Value* v = path_value(root, path);
  if (!v || !is_table(*v)) return false;
  *out = *v;
  return true;
}

// processImportValues (merge semantics, as ProcessDependenciesWithMerge).
core::Status process_imports(ChartNode& c, int depth) {
  if (depth > 100) return core::Error("chart dependencies nested too deeply");
  for (auto& d : c.deps) {
    if (auto st = process_imports(*d, depth + 1); !st.ok()) return st;
  }
  bool any = false;
  for (const auto& r : c.chart->metadata.dependencies) any = any || r.import_values.is_sequence();
  if (!any) return {};
  auto cvals = coalesce_with(c, Value::map(GoType::kMapIface), true);
  if (!cvals.ok()) return cvals.error();
  Value b = Value::map(GoType::kMapIface);
  for (const auto& r : c.chart->metadata.dependencies) {
    if (!r.import_values.is_sequence()) continue;
    std::string rname = r.alias.empty() ? r.name : r.alias;
    for (const auto& iv : r.import_values.items()) {
      if (iv.is_mapping()) {
        const core::Node* child = iv.find("child");
        const core::Node* parent = iv.find("parent");
        if (!child || !parent || !child->is_scalar() || !parent->is_scalar()) continue;
        Value vv;
        if (!table_at(*cvals, rname + "." + child->text(), &vv)) continue;
        Value src = path_to_map(parent->text(), vv);
        coalesce_tables(b.map_obj(), table(src) ? src.map_obj() : nullptr, true, 0);
      } else if (iv.is_scalar()) {
        Value vm;
        if (!table_at(*cvals, rname + ".exports." + iv.text(), &vm)) continue;
        coalesce_tables(b.map_obj(), vm.map_obj(), true, 0);
      }
    }
  }
  // Imported values have a lower priority than the parent's own values.
  coalesce_tables(cvals->map_obj(), b.map_obj(), true, 0);
  auto node = value_to_typed_node(*cvals);
  if (!node.ok()) return node.error();
  c.imported_values = std::make_shared<core::Node>(std::move(*node));
  return {};
}

}  // namespace

std::string ChartNode::full_path() const {
  if (!parent) return name;
  return parent->full_path() + "/charts/" + name;
}

Value ChartNode::default_values() const {
  if (imported_values) return user_values_to_value(*imported_values);
  return node_to_value(chart->values);
}

core::Result<std::unique_ptr<ChartNode>> process_dependencies(const Chart& chart,
                                                              const Value& user) {
  auto root = make_node(&chart, chart.metadata.name, nullptr);
  if (auto st = process_enabled(*root, user, "", 0); !st.ok()) return st.error();
  if (auto st = process_imports(*root, 0); !st.ok()) return st.error();
  return root;
}

core::Result<Value> coalesce_values(const ChartNode& chart, const Value& user) {
  return coalesce_with(chart, user, false);
}

// --- typed user values -------------------------------------------------------------------------

Value user_values_to_value(const core::Node& n) {
  using core::ScalarType;
  switch (n.kind()) {
    case core::NodeKind::kScalar:
      switch (n.type()) {
        case ScalarType::kNull:
          return Value::nil();
        case ScalarType::kBool:
          return Value::boolean(n.text() == "true");
        case ScalarType::kInt: {
          auto i = core::go_parse_int(n.text());
          if (i) return Value::integer(*i, GoType::kInt64);
          return Value::floating(std::strtod(n.text().c_str(), nullptr));
        }
        case ScalarType::kFloat:
          return Value::floating(std::strtod(n.text().c_str(), nullptr));
        case ScalarType::kString:
          return Value::string(n.text());
        case ScalarType::kUnresolved:
          return node_to_value(n);
      }
      return Value::nil();
    case core::NodeKind::kSequence: {
      std::vector<Value> items;
      items.reserve(n.items().size());
      for (const auto& e : n.items()) items.push_back(user_values_to_value(e));
      return Value::slice(std::move(items), GoType::kSliceIface);
    }
    case core::NodeKind::kMapping: {
      Value m = Value::map(GoType::kMapIface);
      for (const auto& e : n.entries())
        m.map_obj()->append_unsorted(Value::string(e.key.text()), user_values_to_value(e.value));
      m.map_obj()->sort_and_dedupe();
      return m;
    }
  }
  return Value::nil();
}

core::Result<core::Node> value_to_typed_node(const Value& v) {
  // value_to_node writes ints as kInt and floats as kFloat already.
  return value_to_node(v);
}

core::Result<core::Node> parse_values_yaml(std::string_view text, const std::string& file) {
  auto v = yaml_to_value(text, file);
  if (!v.ok()) return v.error();
  if (v->kind() == Kind::kNil) return core::Node::mapping();
  if (v->kind() != Kind::kMap) {
    return core::Error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                           std::string(v->kind() == Kind::kSlice    ? "array"
                                       : v->kind() == Kind::kString ? "string"
                                                                    : "value") +
                           " into Go value of type map[string]interface {}",
                       file);
  }
  return value_to_node(*v);
}

namespace {
// Helm's mergeMaps for -f files: later wins, maps merge recursively.
Value merge_maps(const Value& a, const Value& b) {
  Value out = Value::map(GoType::kMapIface);
  out.map_obj()->entries() = a.map_obj()->entries();
  for (const auto& e : b.map_obj()->entries()) {
    if (is_table(e.value)) {
      if (Value* bv = out.map_obj()->find(e.key.str()); bv && is_table(*bv)) {
        Value merged = merge_maps(*bv, e.value);
        out.map_obj()->set(e.key, merged);
        continue;
      }
    }
    out.map_obj()->set(e.key, e.value);
  }
  return out;
}
}  // namespace

core::Result<core::Node> merge_value_sources(const ValueSources& s) {
  Value base = Value::map(GoType::kMapIface);
  for (const auto& f : s.files) {
    Value cur = user_values_to_value(f);
    if (!is_table(cur)) cur = Value::map(GoType::kMapIface);
    base = merge_maps(base, cur);
  }
  for (const auto& line : s.set_json) {
    if (auto st = strvals_parse_json(line, base); !st.ok()) {
      return core::Error("failed parsing --set-json data " + line);
    }
  }
  for (const auto& line : s.set) {
    if (auto st = strvals_parse_into(line, base, false); !st.ok()) {
      return core::Error("failed parsing --set data: " + st.error().message);
    }
  }
  for (const auto& line : s.set_string) {
    if (auto st = strvals_parse_into(line, base, true); !st.ok()) {
      return core::Error("failed parsing --set-string data: " + st.error().message);
    }
  }
  return value_to_typed_node(base);
}

}  // namespace oc::helm
