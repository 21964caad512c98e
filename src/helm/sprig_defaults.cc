// Sprig's defaults.go: default, empty, coalesce, all, any, ternary and the JSON functions
// Helm keeps from Sprig (toPrettyJson, toRawJson, mustToJson, mustFromJson …; Helm's own
// toJson/fromJson are in helm_funcs.cc).
#include "helm/func_util.h"
#include "helm/value_codec.h"

namespace oc::helm {

namespace {

Value f_default(CallCtx&, Args a) {
  // dfault(d, given...): empty(given) || empty(given[0]) → d
  if (a.size() < 2 || go_empty(a[1])) return a[0];
  return a[1];
}
Value f_empty(CallCtx&, Args a) {
  return Value::boolean(go_empty(a[0]));
}
Value f_coalesce(CallCtx&, Args a) {
  for (const Value& v : a) {
    if (!go_empty(v)) return v;
  }
  return Value::nil();
}
Value f_all(CallCtx&, Args a) {
  for (const Value& v : a) {
    if (go_empty(v)) return Value::boolean(false);
  }
  return Value::boolean(true);
}
Value f_any(CallCtx&, Args a) {
  for (const Value& v : a) {
    if (!go_empty(v)) return Value::boolean(true);
  }
  return Value::boolean(false);
}
Value f_ternary(CallCtx&, Args a) {
  return a[2].as_bool() ? a[0] : a[1];
}

Value f_must_to_json(CallCtx&, Args a) {
  auto r = value_to_json(a[0], true);
  if (!r.ok()) func_fail(r.error().message);
  return str_value(std::move(*r));
}
Value f_to_pretty_json(CallCtx&, Args a) {
  auto r = value_to_json(a[0], true, "  ");
  return r.ok() ? str_value(std::move(*r)) : Value::string("");
}
Value f_must_to_pretty_json(CallCtx&, Args a) {
  auto r = value_to_json(a[0], true, "  ");
  if (!r.ok()) func_fail(r.error().message);
  return str_value(std::move(*r));
}
Value f_to_raw_json(CallCtx&, Args a) {
  auto r = value_to_json(a[0], false);
  if (!r.ok()) func_fail(r.error().message);
  return str_value(std::move(*r));
}
Value f_must_from_json(CallCtx&, Args a) {
  auto r = json_to_value(a[0].str());
  if (!r.ok()) func_fail(r.error().message);
  return *r;
}

}  // namespace

void add_sprig_default_funcs(FuncTable& t) {
  using P = Param;
  def(t, "default", {P::kAny, P::kAny}, f_default, true);
  def(t, "empty", {P::kAny}, f_empty);
  def(t, "coalesce", {P::kAny}, f_coalesce, true);
  def(t, "all", {P::kAny}, f_all, true);
  def(t, "any", {P::kAny}, f_any, true);
  def(t, "ternary", {P::kAny, P::kAny, P::kBool}, f_ternary);
  def(t, "mustToJson", {P::kAny}, f_must_to_json);
  def(t, "toPrettyJson", {P::kAny}, f_to_pretty_json);
  def(t, "mustToPrettyJson", {P::kAny}, f_must_to_pretty_json);
  def(t, "toRawJson", {P::kAny}, f_to_raw_json);
  def(t, "mustToRawJson", {P::kAny}, f_to_raw_json);
  def(t, "mustFromJson", {P::kString}, f_must_from_json);
}

}  // namespace oc::helm
