// Helm's own template functions (pkg/engine/funcs.go, engine.go): include, tpl, required,
// fail, toYaml, fromYaml, toJson, fromJson, toToml, lookup …, and the methods of
// chartutil.Values that templates can call on .Values.
#include "helm/func_util.h"
#include "helm/template_exec.h"
#include "helm/toml.h"
#include "helm/value_codec.h"

namespace oc::helm {

namespace {

std::string warn_wrap(std::string_view msg) {
  return "HELM_ERR_START" + std::string(msg) + "HELM_ERR_END";
}

Value f_include(CallCtx& ctx, Args a) {
  return str_value(ctx.exec.include(a[0].str(), a[1]));
}
Value f_tpl(CallCtx& ctx, Args a) {
  return str_value(ctx.exec.tpl(a[0].str(), a[1]));
}

Value f_required(CallCtx&, Args a) {
  const Value& val = a[1];
  if (val.kind() == Kind::kNil) func_fail(warn_wrap(a[0].str()));
  if (val.kind() == Kind::kString && val.str().empty()) func_fail(warn_wrap(a[0].str()));
  return val;
}

Value f_fail(CallCtx&, Args a) {
  func_fail(warn_wrap(a[0].str()));
}

std::string trim_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

Value f_to_yaml(CallCtx& ctx, Args a) {
  auto r = value_to_yaml(a[0]);
  if (!r.ok()) return Value::string("");
  ctx.exec.check_size(r->size(), "toYaml output");
  return str_value(trim_newline(std::move(*r)));
}

Value f_to_yaml_pretty(CallCtx&, Args a) {
  auto r = value_to_yaml_pretty(a[0]);
  if (!r.ok()) return Value::string("");
  return str_value(trim_newline(std::move(*r)));
}

// sigs.k8s.io/yaml's error for decoding a non-object into map[string]interface{}.
std::string json_type_error(const Value& v, const char* target) {
  const char* what = "value";
  switch (v.kind()) {
    case Kind::kString:
      what = "string";
      break;
    case Kind::kFloat:
      what = "number";
      break;
    case Kind::kBool:
      what = "bool";
      break;
    case Kind::kSlice:
      what = "array";
      break;
    case Kind::kMap:
      what = "object";
      break;
    default:
      break;
  }
  return std::string("json: cannot unmarshal ") + what + " into Go value of type " + target;
}

Value from_yaml(std::string_view text) {
  Value m = Value::map(GoType::kMapIface);
  auto r = yaml_to_value(text);
  if (!r.ok()) {
    m.map_obj()->set("Error",
                     Value::string("error converting YAML to JSON: " + r.error().to_string()));
    return m;
  }
  if (r->kind() == Kind::kMap) return *r;
  if (r->kind() == Kind::kNil) return m;
  m.map_obj()->set("Error", Value::string("error unmarshaling JSON: while decoding JSON: " +
                                          json_type_error(*r, "map[string]interface {}")));
  return m;
}

Value f_from_yaml(CallCtx& ctx, Args a) {
  std::string_view text = a[0].str();
  if (const Value* known = ctx.exec.from_yaml_memo(text)) return known->clone();
  Value v = from_yaml(text);
  ctx.exec.remember_from_yaml(text, v);
  return v;
}

Value f_from_yaml_array(CallCtx&, Args a) {
  auto r = yaml_to_value(a[0].str());
  if (!r.ok()) {
    return Value::slice({Value::string("error converting YAML to JSON: " + r.error().to_string())});
  }
  if (r->kind() == Kind::kSlice) return *r;
  if (r->kind() == Kind::kNil) return Value::slice({});
  return Value::slice({Value::string("error unmarshaling JSON: while decoding JSON: " +
                                     json_type_error(*r, "[]interface {}"))});
}

Value f_to_json(CallCtx& ctx, Args a) {
  auto r = value_to_json(a[0], true);
  if (!r.ok()) return Value::string("");
  ctx.exec.check_size(r->size(), "toJson output");
  return str_value(std::move(*r));
}

Value f_from_json(CallCtx&, Args a) {
  Value m = Value::map(GoType::kMapIface);
  auto r = json_to_value(a[0].str());
  if (!r.ok()) {
    m.map_obj()->set("Error", Value::string(r.error().message));
    return m;
  }
  if (r->kind() == Kind::kMap) return *r;
  if (r->kind() == Kind::kNil) return m;
  m.map_obj()->set("Error", Value::string(json_type_error(*r, "map[string]interface {}")));
  return m;
}

Value f_from_json_array(CallCtx&, Args a) {
  auto r = json_to_value(a[0].str());
  if (!r.ok()) return Value::slice({Value::string(r.error().message)});
  if (r->kind() == Kind::kSlice) return *r;
  if (r->kind() == Kind::kNil) return Value::slice({});
  return Value::slice({Value::string(json_type_error(*r, "[]interface {}"))});
}

Value f_to_toml(CallCtx&, Args a) {
  auto r = value_to_toml(a[0]);
  if (!r.ok()) return Value::string(r.error().message);
  return str_value(std::move(*r));
}

Value f_from_toml(CallCtx&, Args a) {
  auto r = toml_to_value(a[0].str());
  if (!r.ok()) {
    Value m = Value::map(GoType::kMapIface);
    m.map_obj()->set("Error", Value::string(r.error().message));
    return m;
  }
  return *r;
}

Value f_lookup(CallCtx& ctx, Args a) {
  const auto& fn = ctx.exec.options().lookup;
  if (!fn) return Value::map(GoType::kMapIface);
  auto r = fn(std::string(a[0].str()), std::string(a[1].str()), std::string(a[2].str()),
              std::string(a[3].str()));
  if (!r.ok()) func_fail(r.error().message);
  return *r;
}

// --- chartutil.Values methods ---
Value m_as_map(CallCtx&, Args a) {
  return a[0].with_type(GoType::kMapIface);
}

Value m_yaml(CallCtx&, Args a) {
  auto r = value_to_yaml(a[0]);
  if (!r.ok()) func_fail(r.error().message);
  return str_value(std::move(*r));
}

bool table_of(const Value& root, std::string_view name, Value* out) {
  Value table = root;
  size_t p = 0;
  for (;;) {
    size_t d = name.find('.', p);
    std::string_view part =
        name.substr(p, d == std::string_view::npos ? std::string_view::npos : d - p);
    const MapObj* m = table.map_obj();
    const Value* next = m ? m->find(part) : nullptr;
    if (!next || next->kind() != Kind::kMap ||
        !(next->type() == GoType::kMapIface || next->type() == GoType::kValues)) {
      return false;
    }
    table = *next;
    if (d == std::string_view::npos) break;
    p = d + 1;
  }
  *out = table.with_type(GoType::kValues);
  return true;
}

Value m_table(CallCtx&, Args a) {
  Value out;
  if (!table_of(a[0], a[1].str(), &out)) {
    func_fail("no table named \"" + std::string(a[1].str()) + "\"");
  }
  return out;
}

Value m_path_value(CallCtx&, Args a) {
  std::string_view path = a[1].str();
  if (path.empty()) func_fail("YAML path cannot be empty");
  size_t dot = path.rfind('.');
  Value t = a[0];
  if (dot != std::string_view::npos) {
    if (!table_of(a[0], path.substr(0, dot), &t)) {
      func_fail("no table named \"" + std::string(path.substr(0, dot)) + "\"");
    }
  }
  std::string_view last = dot == std::string_view::npos ? path : path.substr(dot + 1);
  if (const MapObj* m = t.map_obj()) {
    if (const Value* v = m->find(last)) return *v;
  }
  func_fail("\"" + std::string(path) + "\" is not a value");
}

FuncTable make_values_methods() {
  FuncTable t;
  using P = Param;
  def(t, "AsMap", {}, m_as_map);
  def(t, "YAML", {}, m_yaml);
  def(t, "Table", {P::kString}, m_table);
  def(t, "PathValue", {P::kString}, m_path_value);
  return t;
}

}  // namespace

const FuncDef* values_method(std::string_view name) {
  static const FuncTable methods = make_values_methods();
  // Every field of .Values, .Release, .Chart … asks first whether it names a method: a look at
  // the first letter answers most of them without hashing the name.
  static const std::string first_letters = [] {
    std::string s;
    for (const std::string& n : methods.names()) s += n[0];
    return s;
  }();
  if (name.empty() || first_letters.find(name[0]) == std::string::npos) return nullptr;
  return methods.find(name);
}

void add_helm_funcs(FuncTable& t) {
  using P = Param;
  def(t, "include", {P::kString, P::kAny}, f_include);
  def(t, "tpl", {P::kString, P::kAny}, f_tpl);
  def(t, "required", {P::kString, P::kAny}, f_required);
  def(t, "fail", {P::kString}, f_fail);
  def(t, "toYaml", {P::kAny}, f_to_yaml);
  def(t, "toYamlPretty", {P::kAny}, f_to_yaml_pretty);
  def(t, "fromYaml", {P::kString}, f_from_yaml);
  def(t, "fromYamlArray", {P::kString}, f_from_yaml_array);
  def(t, "toJson", {P::kAny}, f_to_json);
  def(t, "fromJson", {P::kString}, f_from_json);
  def(t, "fromJsonArray", {P::kString}, f_from_json_array);
  def(t, "toToml", {P::kAny}, f_to_toml);
  def(t, "fromToml", {P::kString}, f_from_toml);
  def(t, "lookup", {P::kString, P::kString, P::kString, P::kString}, f_lookup);
}

}  // namespace oc::helm
