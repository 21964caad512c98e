// Sprig's semver.go: semver (a *semver.Version with its methods) and semverCompare.
#include "core/node.h"
#include "helm/func_util.h"
#include "helm/semver.h"

namespace oc::helm {

namespace {

class VersionObject : public Object {
 public:
  explicit VersionObject(SemVersion v) : v_(std::move(v)) {}
  std::string type_name() const override { return "*semver.Version"; }
  bool is_pointer() const override { return true; }
  bool stringer(std::string* out) const override {
    *out = v_.str();
    return true;
  }
  bool json_node(core::Node* out) const override {
    *out = core::Node::string(v_.str());
    return true;
  }
  const FuncDef* method(std::string_view name) const override;
  const SemVersion& version() const { return v_; }

 private:
  SemVersion v_;
};

const SemVersion& self(const Value& v) {
  return static_cast<const VersionObject*>(v.object_ptr())->version();
}

Value make_version(SemVersion v) {
  return Value::object(new VersionObject(std::move(v)));
}

Value m_major(CallCtx&, Args a) {
  return Value::uinteger(self(a[0]).major, GoType::kUint64);
}
Value m_minor(CallCtx&, Args a) {
  return Value::uinteger(self(a[0]).minor, GoType::kUint64);
}
Value m_patch(CallCtx&, Args a) {
  return Value::uinteger(self(a[0]).patch, GoType::kUint64);
}
Value m_pre(CallCtx&, Args a) {
  return Value::string(self(a[0]).pre);
}
Value m_meta(CallCtx&, Args a) {
  return Value::string(self(a[0]).metadata);
}
Value m_original(CallCtx&, Args a) {
  return Value::string(self(a[0]).original);
}
Value m_string(CallCtx&, Args a) {
  return Value::string(self(a[0]).str());
}

const SemVersion& other(const Value& v) {
  if (v.kind() != Kind::kObject || v.object_ptr()->type_name() != "*semver.Version") {
    func_fail("wrong type for value; expected *semver.Version; got " + v.type_name());
  }
  return self(v);
}
Value m_compare(CallCtx&, Args a) {
  return Value::integer(self(a[0]).compare(other(a[1])));
}
Value m_less(CallCtx&, Args a) {
  return Value::boolean(self(a[0]).compare(other(a[1])) < 0);
}
Value m_greater(CallCtx&, Args a) {
  return Value::boolean(self(a[0]).compare(other(a[1])) > 0);
}
Value m_equal(CallCtx&, Args a) {
  return Value::boolean(self(a[0]).compare(other(a[1])) == 0);
}

SemVersion inc(const SemVersion& v, int which) {
  SemVersion n = v;
  n.metadata.clear();
  if (which == 2 && !v.pre.empty()) {
    n.pre.clear();
  } else if (which == 2) {
    n.patch = v.patch + 1;
  } else if (which == 1) {
    n.pre.clear();
    n.minor = v.minor + 1;
    n.patch = 0;
  } else {
    n.pre.clear();
    n.major = v.major + 1;
    n.minor = 0;
    n.patch = 0;
  }
  n.original = (v.original.size() > 0 && v.original[0] == 'v' ? "v" : "") + n.str();
  return n;
}
Value m_inc_patch(CallCtx&, Args a) {
  return make_version(inc(self(a[0]), 2));
}
Value m_inc_minor(CallCtx&, Args a) {
  return make_version(inc(self(a[0]), 1));
}
Value m_inc_major(CallCtx&, Args a) {
  return make_version(inc(self(a[0]), 0));
}

FuncTable make_methods() {
  FuncTable t;
  def(t, "Major", {}, m_major);
  def(t, "Minor", {}, m_minor);
  def(t, "Patch", {}, m_patch);
  def(t, "Prerelease", {}, m_pre);
  def(t, "Metadata", {}, m_meta);
  def(t, "Original", {}, m_original);
  def(t, "String", {}, m_string);
  def(t, "Compare", {Param::kAny}, m_compare);
  def(t, "LessThan", {Param::kAny}, m_less);
  def(t, "GreaterThan", {Param::kAny}, m_greater);
  def(t, "Equal", {Param::kAny}, m_equal);
  def(t, "IncPatch", {}, m_inc_patch);
  def(t, "IncMinor", {}, m_inc_minor);
  def(t, "IncMajor", {}, m_inc_major);
  return t;
}

const FuncDef* VersionObject::method(std::string_view name) const {
  static const FuncTable methods = make_methods();
  return methods.find(name);
}

Value f_semver(CallCtx&, Args a) {
  auto v = parse_semver(a[0].str());
  if (!v.ok()) func_fail(v.error().message);
  return make_version(std::move(*v));
}

Value f_semver_compare(CallCtx&, Args a) {
  auto c = SemConstraint::parse(a[0].str());
  if (!c.ok()) func_fail(c.error().message);
  auto v = parse_semver(a[1].str());
  if (!v.ok()) func_fail(v.error().message);
  return Value::boolean(c->check(*v));
}

}  // namespace

void add_sprig_semver_funcs(FuncTable& t) {
  def(t, "semver", {Param::kString}, f_semver);
  def(t, "semverCompare", {Param::kString, Param::kString}, f_semver_compare);
}

}  // namespace oc::helm
