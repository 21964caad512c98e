#include "helm/chart_objects.h"

#include "core/node.h"
#include "helm/func_util.h"
#include "helm/value_codec.h"

namespace oc::helm {

namespace {

// A struct with named fields, optionally behind a pointer, with json tags.
class StructObject : public Object {
 public:
  struct Field {
    Field(std::string n, Value v, std::string j = "", bool omit = false, bool emb = false)
        : name(std::move(n)),
          value(std::move(v)),
          json(std::move(j)),
          omitempty(omit),
          embedded(emb) {}
    std::string name;
    Value value;
    std::string json;  // json tag name; empty: the Go name
    bool omitempty = false;
    bool embedded = false;  // anonymous struct field (its fields are promoted)
  };
  StructObject(std::string type, bool pointer, std::vector<Field> fields)
      : type_(std::move(type)), pointer_(pointer), fields_(std::move(fields)) {}

  std::string type_name() const override { return type_; }
  bool is_pointer() const override { return pointer_; }
  bool field(std::string_view name, Value* out) const override {
    for (const auto& f : fields_) {
      if (f.name == name) {
        *out = f.value;
        return true;
      }
    }
    for (const auto& f : fields_) {
      if (f.embedded && f.value.kind() == Kind::kObject && f.value.object_ptr()->field(name, out))
        return true;
    }
    return false;
  }
  size_t num_fields() const override { return fields_.size(); }
  std::string_view field_name(size_t i) const override { return fields_[i].name; }
  Value field_at(size_t i) const override { return fields_[i].value; }
  bool json_node(core::Node* out) const override {
    *out = core::Node::mapping();
    append_json(*out);
    return true;
  }
  void append_json(core::Node& out) const {
    for (const auto& f : fields_) {
      if (f.embedded && f.value.kind() == Kind::kObject) {
        static_cast<const StructObject*>(f.value.object_ptr())->append_json(out);
        continue;
      }
      if (f.omitempty && go_empty(f.value)) continue;
      core::Node n;
      if (!value_to_node_into(f.value, n).ok()) continue;
      out.entries().push_back(
          core::MapEntry{core::Node::string(f.json.empty() ? f.name : f.json), std::move(n)});
    }
  }
  const FuncDef* method(std::string_view name) const override;

 protected:
  std::string type_;
  bool pointer_;
  std::vector<Field> fields_;
};

// chartutil.KubeVersion: String() and GitVersion() on the pointer receiver.
class KubeVersionObject : public StructObject {
 public:
  using StructObject::StructObject;
  bool pointer_stringer(std::string* out) const override {
    *out = std::string(fields_[0].value.str());
    return true;
  }
  const FuncDef* method(std::string_view name) const override;
};

Value str_or_nil_slice(const std::vector<std::string>& v) {
  if (v.empty()) return Value::nil_slice(GoType::kSliceString);
  return string_slice(v);
}

Value m_kube_string(CallCtx&, Args a) {
  Value v;
  a[0].object_ptr()->field("Version", &v);
  return v;
}

FuncTable make_kube_methods() {
  FuncTable t;
  def(t, "String", {}, m_kube_string);
  def(t, "GitVersion", {}, m_kube_string);
  return t;
}

const FuncDef* KubeVersionObject::method(std::string_view name) const {
  static const FuncTable m = make_kube_methods();
  return m.find(name);
}

const FuncDef* StructObject::method(std::string_view) const {
  return nullptr;
}

Value m_has(CallCtx&, Args a) {
  for (const Value& v : a[0].items()) {
    if (v.str() == a[1].str()) return Value::boolean(true);
  }
  return Value::boolean(false);
}

FuncTable make_version_set_methods() {
  FuncTable t;
  def(t, "Has", {Param::kString}, m_has);
  return t;
}

}  // namespace

const FuncDef* version_set_method(std::string_view name) {
  static const FuncTable m = make_version_set_methods();
  return m.find(name);
}

Value make_chart_value(const ChartMetadata& md, const std::string& name, bool is_root) {
  using F = StructObject::Field;
  std::vector<Value> maintainers;
  for (const auto& m : md.maintainers) {
    maintainers.push_back(
        Value::object(new StructObject("*chart.Maintainer", true,
                                       {F{"Name", Value::string(m.name), "name", true},
                                        F{"Email", Value::string(m.email), "email", true},
                                        F{"URL", Value::string(m.url), "url", true}})));
  }
  std::vector<Value> deps;
  for (const auto& d : md.dependencies) {
    Value iv = d.import_values.is_sequence() ? node_to_value(d.import_values) : Value::nil_slice();
    deps.push_back(Value::object(
        new StructObject("*chart.Dependency", true,
                         {F{"Name", Value::string(d.name), "name", false},
                          F{"Version", Value::string(d.version), "version", true},
                          F{"Repository", Value::string(d.repository), "repository", false},
                          F{"Condition", Value::string(d.condition), "condition", true},
                          F{"Tags", str_or_nil_slice(d.tags), "tags", true},
                          F{"Enabled", Value::boolean(d.enabled), "enabled", true},
                          F{"ImportValues", iv, "import-values", true},
                          F{"Alias", Value::string(d.alias), "alias", true}})));
  }
  Value annotations = Value::nil_map(GoType::kMapString);
  if (!md.annotations.empty()) {
    annotations = Value::map(GoType::kMapString);
    for (const auto& [k, v] : md.annotations)
      annotations.map_obj()->append_unsorted(Value::string(k), Value::string(v));
    annotations.map_obj()->sort_and_dedupe();
  }
  Value metadata = Value::object(new StructObject(
      "main.Metadata", false,
      {F{"Name", Value::string(name), "name", true},
       F{"Home", Value::string(md.home), "home", true},
       F{"Sources", str_or_nil_slice(md.sources), "sources", true},
       F{"Version", Value::string(md.version), "version", true},
       F{"Description", Value::string(md.description), "description", true},
       F{"Keywords", str_or_nil_slice(md.keywords), "keywords", true},
       F{"Maintainers",
         maintainers.empty() ? Value::nil_slice() : Value::slice(std::move(maintainers)),
         "maintainers", true},
       F{"Icon", Value::string(md.icon), "icon", true},
       F{"APIVersion", Value::string(md.api_version), "apiVersion", true},
       F{"Condition", Value::string(md.condition), "condition", true},
       F{"Tags", Value::string(md.tags), "tags", true},
       F{"AppVersion", Value::string(md.app_version), "appVersion", true},
       F{"Deprecated", Value::boolean(md.deprecated), "deprecated", true},
       F{"Annotations", annotations, "annotations", true},
       F{"KubeVersion", Value::string(md.kube_version), "kubeVersion", true},
       F{"Dependencies", deps.empty() ? Value::nil_slice() : Value::slice(std::move(deps)),
         "dependencies", true},
       F{"Type", Value::string(md.type), "type", true}}));
  return Value::object(new StructObject("main.chartView", false,
                                        {F{"Metadata", metadata, "", false, true},
                                         F{"IsRoot", Value::boolean(is_root), "IsRoot", false}}));
}

Value make_capabilities_value(const CapabilitiesInfo& caps) {
  using F = StructObject::Field;
  Value kube = Value::object(new KubeVersionObject(
      "main.KubeVersion", false,
      {F{"Version", Value::string(caps.kube_version)}, F{"Major", Value::string(caps.kube_major)},
       F{"Minor", Value::string(caps.kube_minor)}}));
  std::vector<Value> apis;
  for (const auto& a : caps.api_versions) apis.push_back(Value::string(a));
  Value api_set = Value::slice(std::move(apis), GoType::kVersionSet);
  Value helm = Value::object(
      new StructObject("main.HelmVersion", false,
                       {F{"Version", Value::string(caps.helm_version), "version", true},
                        F{"GitCommit", Value::string(""), "git_commit", true},
                        F{"GitTreeState", Value::string(""), "git_tree_state", true},
                        F{"GoVersion", Value::string(caps.go_version), "go_version", true}}));
  return Value::object(new StructObject(
      "*main.Capabilities", true,
      {F{"KubeVersion", kube}, F{"APIVersions", api_set}, F{"HelmVersion", helm}}));
}

}  // namespace oc::helm
