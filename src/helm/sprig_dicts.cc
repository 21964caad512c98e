// Sprig's dict functions (dict.go), with mergo's Merge/MergeWithOverwrite rules for
// merge/mergeOverwrite and copystructure for deepCopy.
#include "helm/func_util.h"

namespace oc::helm {

namespace {

MapObj* dict_obj(const Value& v) {
  return v.map_obj();
}

Value f_dict(CallCtx&, Args a) {
  Value d = Value::map(GoType::kMapIface);
  MapObj* m = d.map_obj();
  for (size_t i = 0; i < a.size(); i += 2) {
    std::string key = sprig_strval(a[i]);
    if (i + 1 >= a.size()) {
      m->append_unsorted(Value::string(key), Value::string(""));
      continue;
    }
    m->append_unsorted(Value::string(key), a[i + 1].stored());
  }
  m->sort_and_dedupe();
  return d;
}

Value f_get(CallCtx&, Args a) {
  const MapObj* m = dict_obj(a[0]);
  if (m) {
    if (const Value* v = m->find(a[1].str())) return *v;
  }
  return Value::string("");
}

Value f_set(CallCtx& ctx, Args a) {
  MapObj* m = dict_obj(a[0]);
  if (!m) func_fail("assignment to entry in nil map");
  ctx.exec.note_changed(m);
  m->set(a[1].str(), a[2].stored());
  return a[0];
}

Value f_unset(CallCtx&, Args a) {
  if (MapObj* m = dict_obj(a[0])) m->erase(a[1].str());
  return a[0];
}

Value f_has_key(CallCtx&, Args a) {
  const MapObj* m = dict_obj(a[0]);
  return Value::boolean(m && m->find(a[1].str()) != nullptr);
}

Value f_pluck(CallCtx&, Args a) {
  std::vector<Value> out;
  for (size_t i = 1; i < a.size(); ++i) {
    if (const MapObj* m = dict_obj(a[i])) {
      if (const Value* v = m->find(a[0].str())) out.push_back(*v);
    }
  }
  return Value::slice(std::move(out), GoType::kSliceIface);
}

Value f_keys(CallCtx&, Args a) {
  // Go returns map order, which is random; sorted order is one of the possible results.
  std::vector<std::string> out;
  for (const Value& d : a) {
    if (const MapObj* m = dict_obj(d)) {
      for (const auto& e : m->entries()) out.emplace_back(e.key.str());
    }
  }
  return string_slice(out);
}

Value f_pick(CallCtx&, Args a) {
  Value res = Value::map(GoType::kMapIface);
  const MapObj* m = dict_obj(a[0]);
  for (size_t i = 1; i < a.size(); ++i) {
    if (!m) break;
    if (const Value* v = m->find(a[i].str())) res.map_obj()->set(a[i].str(), *v);
  }
  return res;
}

Value f_omit(CallCtx&, Args a) {
  Value res = Value::map(GoType::kMapIface);
  const MapObj* m = dict_obj(a[0]);
  if (!m) return res;
  for (const auto& e : m->entries()) {
    bool skip = false;
    for (size_t i = 1; i < a.size(); ++i) {
      if (a[i].str() == e.key.str()) skip = true;
    }
    if (!skip) res.map_obj()->append_unsorted(e.key, e.value);
  }
  return res;
}

Value f_values(CallCtx&, Args a) {
  std::vector<Value> out;
  if (const MapObj* m = dict_obj(a[0])) {
    for (const auto& e : m->entries()) out.push_back(e.value);
  }
  return Value::slice(std::move(out), GoType::kSliceIface);
}

// mergo's isEmptyValue on an interface element.
bool mergo_empty(const Value& v) {
  switch (v.kind()) {
    case Kind::kInvalid:
    case Kind::kNil:
      return true;
    case Kind::kObject:
      return false;
    default:
      return go_empty(v);
  }
}

// mergo.deepMerge for map[string]interface{} (see research notes in docs/helm.md).
void mergo_merge(Executor& ex, MapObj* dst, const MapObj* src, bool overwrite, int depth) {
  if (depth > kMaxValueDepth) func_fail("merge: maximum nesting depth exceeded");
  ex.note_changed(dst);
  // Keys are visited in sorted order; Go's order is random but the result does not depend on it.
  std::vector<MapObj::Entry> src_entries = src->entries();
  for (const auto& e : src_entries) {
    const Value& s = e.value;
    std::string_view key = e.key.str();
    Value* dp = dst->find(key);
    bool has_d = dp != nullptr;
    Value d = has_d ? *dp : Value();
    if (s.kind() == Kind::kNil || (s.kind() == Kind::kMap && s.map_obj() == nullptr) ||
        (s.kind() == Kind::kSlice && s.heap() == nullptr)) {
      if (overwrite) dst->set(e.key, Value::nil());
      continue;
    }
    bool s_is_map = s.kind() == Kind::kMap;
    bool s_is_slice = s.kind() == Kind::kSlice || s.kind() == Kind::kBytes;
    if (s_is_map && has_d && d.kind() == Kind::kMap && d.map_obj() != nullptr && s.map_obj()) {
      mergo_merge(ex, d.map_obj(), s.map_obj(), overwrite, depth + 1);
    }
    if (has_d && !mergo_empty(d) && (s_is_map || s_is_slice)) {
      if (s_is_slice && overwrite) dst->set(e.key, s);
      continue;
    }
    if (overwrite || !has_d || mergo_empty(d)) dst->set(e.key, s);
  }
}

Value merge_impl(Executor& ex, Args a, bool overwrite) {
  Value dst = a[0];
  if (dst.map_obj() == nullptr) dst = Value::map(GoType::kMapIface);
  for (size_t i = 1; i < a.size(); ++i) {
    if (const MapObj* src = a[i].map_obj()) mergo_merge(ex, dst.map_obj(), src, overwrite, 0);
  }
  return dst;
}

Value f_merge(CallCtx& ctx, Args a) {
  return merge_impl(ctx.exec, a, false);
}
Value f_merge_overwrite(CallCtx& ctx, Args a) {
  return merge_impl(ctx.exec, a, true);
}

Value f_deep_copy(CallCtx&, Args a) {
  if (a[0].kind() == Kind::kNil) func_fail("deepCopy error: copystructure: nil");
  return deep_copy(a[0]);
}
Value f_must_deep_copy(CallCtx&, Args a) {
  if (a[0].kind() == Kind::kNil) return Value::nil();
  return deep_copy(a[0]);
}

std::string conversion_panic(const Value& v, const char* want) {
  std::string have = v.kind() == Kind::kNil ? "nil" : v.type_name();
  return "interface conversion: interface {} is " + have + ", not " + want;
}

Value f_dig(CallCtx&, Args a) {
  if (a.size() < 3) func_fail("dig needs at least three arguments");
  const Value& last = a[a.size() - 1];
  if (!(last.kind() == Kind::kMap && last.type() == GoType::kMapIface)) {
    func_fail(conversion_panic(last, "map[string]interface {}"));
  }
  const Value& def_value = a[a.size() - 2];
  std::vector<std::string_view> ks;
  for (size_t i = 0; i + 2 < a.size(); ++i) {
    if (a[i].kind() != Kind::kString) func_fail(conversion_panic(a[i], "string"));
    ks.push_back(a[i].str());
  }
  Value cur = last;
  for (size_t i = 0; i < ks.size(); ++i) {
    const MapObj* m = cur.map_obj();
    const Value* step = m ? m->find(ks[i]) : nullptr;
    if (!step) return def_value;
    if (i + 1 == ks.size()) return *step;
    if (!(step->kind() == Kind::kMap && step->type() == GoType::kMapIface)) {
      func_fail(conversion_panic(*step, "map[string]interface {}"));
    }
    cur = *step;
  }
  return def_value;
}

}  // namespace

void add_sprig_dict_funcs(FuncTable& t) {
  using P = Param;
  def(t, "dict", {P::kAny}, f_dict, true);
  def(t, "get", {P::kMapIface, P::kString}, f_get);
  def(t, "set", {P::kMapIface, P::kString, P::kAny}, f_set);
  def(t, "unset", {P::kMapIface, P::kString}, f_unset);
  def(t, "hasKey", {P::kMapIface, P::kString}, f_has_key);
  def(t, "pluck", {P::kString, P::kMapIface}, f_pluck, true);
  def(t, "keys", {P::kMapIface}, f_keys, true);
  def(t, "pick", {P::kMapIface, P::kString}, f_pick, true);
  def(t, "omit", {P::kMapIface, P::kString}, f_omit, true);
  def(t, "merge", {P::kMapIface, P::kMapIface}, f_merge, true);
  def(t, "mustMerge", {P::kMapIface, P::kMapIface}, f_merge, true);
  def(t, "mergeOverwrite", {P::kMapIface, P::kMapIface}, f_merge_overwrite, true);
  def(t, "mustMergeOverwrite", {P::kMapIface, P::kMapIface}, f_merge_overwrite, true);
  def(t, "values", {P::kMapIface}, f_values);
  def(t, "deepCopy", {P::kAny}, f_deep_copy);
  def(t, "mustDeepCopy", {P::kAny}, f_must_deep_copy);
  def(t, "dig", {P::kAny}, f_dig, true);
}

}  // namespace oc::helm
