// Sprig's reflect.go: typeOf, typeIs, typeIsLike, kindOf, kindIs, deepEqual.
#include "helm/func_util.h"

namespace oc::helm {

namespace {

std::string type_of(const Value& v) {
  if (v.kind() == Kind::kNil || v.kind() == Kind::kInvalid) return "<nil>";
  return v.type_name();
}

std::string kind_of(const Value& v) {
  switch (v.kind()) {
    case Kind::kInvalid:
    case Kind::kNil:
      return "invalid";
    case Kind::kBool:
      return "bool";
    case Kind::kInt:
    case Kind::kUint:
    case Kind::kFloat:
      return v.type_name();
    case Kind::kString:
      return "string";
    case Kind::kBytes:
    case Kind::kSlice:
      return "slice";
    case Kind::kMap:
      return "map";
    case Kind::kObject:
      return v.object_ptr()->is_pointer() ? "ptr" : "struct";
  }
  return "invalid";
}

Value f_type_of(CallCtx&, Args a) {
  return str_value(type_of(a[0]));
}
Value f_type_is(CallCtx&, Args a) {
  return Value::boolean(a[0].str() == type_of(a[1]));
}
Value f_type_is_like(CallCtx&, Args a) {
  std::string t = type_of(a[1]);
  return Value::boolean(a[0].str() == t || "*" + std::string(a[0].str()) == t);
}
Value f_kind_of(CallCtx&, Args a) {
  return str_value(kind_of(a[0]));
}
Value f_kind_is(CallCtx&, Args a) {
  return Value::boolean(a[0].str() == kind_of(a[1]));
}
Value f_deep_equal(CallCtx&, Args a) {
  return Value::boolean(deep_equal(a[0], a[1]));
}

}  // namespace

void add_sprig_reflect_funcs(FuncTable& t) {
  using P = Param;
  def(t, "typeOf", {P::kAny}, f_type_of);
  def(t, "typeIs", {P::kString, P::kAny}, f_type_is);
  def(t, "typeIsLike", {P::kString, P::kAny}, f_type_is_like);
  def(t, "kindOf", {P::kAny}, f_kind_of);
  def(t, "kindIs", {P::kString, P::kAny}, f_kind_is);
  def(t, "deepEqual", {P::kAny, P::kAny}, f_deep_equal);
}

}  // namespace oc::helm
