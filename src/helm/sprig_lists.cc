// Sprig's list functions (list.go) and the numeric list generators (until, untilStep, seq).
// The non-must variants panic on a bad type; text/template reports the recovered panic as the
// call's error, which is what the messages below reproduce.
#include <algorithm>
#include <cmath>

#include "helm/func_util.h"

namespace oc::helm {

namespace {

// reflect.Kind.String() of a value's dynamic type.
std::string kind_name(const Value& v) {
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

// reflect.TypeOf(list).Kind() on a nil interface dereferences a nil Type.
void require_non_nil(const Value& v) {
  if (v.kind() == Kind::kNil || v.kind() == Kind::kInvalid) {
    func_fail("runtime error: invalid memory address or nil pointer dereference");
  }
}

bool is_list(const Value& v) {
  return v.kind() == Kind::kSlice || v.kind() == Kind::kBytes;
}

// Elements as interface{} values (l2.Index(i).Interface()).
std::vector<Value> elements(const Value& v) {
  if (v.kind() == Kind::kBytes) {
    std::vector<Value> out;
    for (char c : v.str())
      out.push_back(Value::uinteger(static_cast<unsigned char>(c), GoType::kUint8));
    return out;
  }
  std::vector<Value> out;
  out.reserve(v.size());
  for (const Value& e : v.items()) out.push_back(e.stored());
  return out;
}

Value list_of(std::vector<Value> items) {
  return Value::slice(std::move(items), GoType::kSliceIface);
}

Value f_list(CallCtx&, Args a) {
  std::vector<Value> items;
  items.reserve(a.size());
  for (const Value& v : a) items.push_back(v.stored());
  return list_of(std::move(items));
}

Value f_push(CallCtx& ctx, Args a) {
  require_non_nil(a[0]);
  if (!is_list(a[0])) func_fail("Cannot push on type " + kind_name(a[0]));
  auto items = elements(a[0]);
  ctx.exec.check_size(items.size() + 1, "list");
  items.push_back(a[1].stored());
  return list_of(std::move(items));
}

Value f_prepend(CallCtx&, Args a) {
  require_non_nil(a[0]);
  if (!is_list(a[0])) func_fail("Cannot prepend on type " + kind_name(a[0]));
  auto items = elements(a[0]);
  items.insert(items.begin(), a[1].stored());
  return list_of(std::move(items));
}

Value f_chunk(CallCtx& ctx, Args a) {
  int64_t size = a[0].as_int();
  const Value& list = a[1];
  require_non_nil(list);
  if (!is_list(list)) func_fail("Cannot chunk type " + kind_name(list));
  auto items = elements(list);
  int64_t l = static_cast<int64_t>(items.size());
  if (size <= 0) func_fail("runtime error: makeslice: len out of range");
  int64_t cs =
      static_cast<int64_t>(std::floor(static_cast<double>(l - 1) / static_cast<double>(size)) + 1);
  if (cs < 0) func_fail("runtime error: makeslice: len out of range");
  ctx.exec.check_size(static_cast<size_t>(cs), "chunk result");
  std::vector<Value> out;
  for (int64_t i = 0; i < cs; ++i) {
    int64_t clen = size;
    if (i == cs - 1) {
      clen = static_cast<int64_t>(
          std::floor(std::fmod(static_cast<double>(l), static_cast<double>(size))));
      if (clen == 0) clen = size;
    }
    std::vector<Value> part;
    for (int64_t j = 0; j < clen; ++j) {
      int64_t ix = i * size + j;
      if (ix >= l) func_fail("reflect: slice index out of range");
      part.push_back(items[static_cast<size_t>(ix)]);
    }
    out.push_back(list_of(std::move(part)));
  }
  // [][]interface{}: printed and serialised like a list of lists.
  return Value::slice(std::move(out), GoType::kSliceIface);
}

Value f_last(CallCtx&, Args a) {
  require_non_nil(a[0]);
  if (!is_list(a[0])) func_fail("Cannot find last on type " + kind_name(a[0]));
  auto items = elements(a[0]);
  if (items.empty()) return Value::nil();
  return items.back();
}

Value f_first(CallCtx&, Args a) {
  require_non_nil(a[0]);
  if (!is_list(a[0])) func_fail("Cannot find first on type " + kind_name(a[0]));
  auto items = elements(a[0]);
  if (items.empty()) return Value::nil();
  return items.front();
}

Value f_rest(CallCtx&, Args a) {
  require_non_nil(a[0]);
  if (!is_list(a[0])) func_fail("Cannot find rest on type " + kind_name(a[0]));
  auto items = elements(a[0]);
  if (items.empty()) return Value::nil_slice();
  items.erase(items.begin());
  return list_of(std::move(items));
}

Value f_initial(CallCtx&, Args a) {
  require_non_nil(a[0]);
  if (!is_list(a[0])) func_fail("Cannot find initial on type " + kind_name(a[0]));
  auto items = elements(a[0]);
  if (items.empty()) return Value::nil_slice();
  items.pop_back();
  return list_of(std::move(items));
}

Value f_sort_alpha(CallCtx&, Args a) {
  if (is_list(a[0])) {
    auto s = sprig_strslice(a[0]);
    std::sort(s.begin(), s.end());
    return string_slice(s);
  }
  return string_slice({sprig_strval(a[0])});
}

Value f_reverse(CallCtx&, Args a) {
  require_non_nil(a[0]);
  if (!is_list(a[0])) func_fail("Cannot find reverse on type " + kind_name(a[0]));
  auto items = elements(a[0]);
  std::reverse(items.begin(), items.end());
  return list_of(std::move(items));
}

Value f_compact(CallCtx&, Args a) {
  require_non_nil(a[0]);
  if (!is_list(a[0])) func_fail("Cannot compact on type " + kind_name(a[0]));
  std::vector<Value> out;
  for (auto& e : elements(a[0])) {
    if (!go_empty(e)) out.push_back(e);
  }
  return list_of(std::move(out));
}

bool in_list(const std::vector<Value>& hay, const Value& needle) {
  for (const Value& h : hay) {
    if (deep_equal(needle, h)) return true;
  }
  return false;
}

Value f_uniq(CallCtx&, Args a) {
  require_non_nil(a[0]);
  if (!is_list(a[0])) func_fail("Cannot find uniq on type " + kind_name(a[0]));
  std::vector<Value> out;
  for (auto& e : elements(a[0])) {
    if (!in_list(out, e)) out.push_back(e);
  }
  return list_of(std::move(out));
}

Value f_without(CallCtx&, Args a) {
  require_non_nil(a[0]);
  if (!is_list(a[0])) func_fail("Cannot find without on type " + kind_name(a[0]));
  std::vector<Value> omit;
  for (size_t i = 1; i < a.size(); ++i) omit.push_back(a[i].stored());
  std::vector<Value> out;
  for (auto& e : elements(a[0])) {
    if (!in_list(omit, e)) out.push_back(e);
  }
  return list_of(std::move(out));
}

Value f_has(CallCtx&, Args a) {
  const Value& hay = a[1];
  if (hay.kind() == Kind::kNil) return Value::boolean(false);
  if (!is_list(hay)) func_fail("Cannot find has on type " + kind_name(hay));
  Value needle = a[0].stored();
  for (auto& e : elements(hay)) {
    if (deep_equal(needle, e)) return Value::boolean(true);
  }
  return Value::boolean(false);
}

Value f_slice(CallCtx&, Args a) {
  const Value& list = a[0];
  require_non_nil(list);
  if (!is_list(list)) {
    func_fail("list should be type of slice or array but " + kind_name(list));
  }
  int64_t l = static_cast<int64_t>(list.size());
  if (l == 0) return Value::nil();
  int64_t start = 0, end = l;
  if (a.size() > 1) start = cast_to_int64(a[1]);
  if (a.size() > 2) end = cast_to_int64(a[2]);
  if (start < 0 || end < start || end > l)
    func_fail("reflect.Value.Slice: slice index out of bounds");
  if (list.kind() == Kind::kBytes) {
    return Value::bytes(
        list.str().substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
  }
  std::vector<Value> out(list.items().begin() + start, list.items().begin() + end);
  return Value::slice(std::move(out), list.type());
}

Value f_concat(CallCtx& ctx, Args a) {
  std::vector<Value> out;
  bool any = false;
  for (const Value& l : a) {
    require_non_nil(l);
    if (!is_list(l)) func_fail("Cannot concat type " + kind_name(l) + " as list");
    for (auto& e : elements(l)) {
      out.push_back(e);
      any = true;
    }
    ctx.exec.check_size(out.size(), "concat result");
  }
  if (!any) return Value::nil_slice();
  return list_of(std::move(out));
}

// --- numeric lists ---
std::vector<int64_t> until_step(CallCtx& ctx, int64_t start, int64_t stop, int64_t step) {
  std::vector<int64_t> v;
  if (stop < start) {
    if (step >= 0) return v;
    ctx.exec.check_size(static_cast<size_t>((start - stop) / -step), "untilStep result");
    for (int64_t i = start; i > stop; i += step) v.push_back(i);
    return v;
  }
  if (step <= 0) return v;
  ctx.exec.check_size(static_cast<size_t>((stop - start) / step), "untilStep result");
  for (int64_t i = start; i < stop; i += step) v.push_back(i);
  return v;
}

Value int_list(const std::vector<int64_t>& xs) {
  std::vector<Value> out;
  out.reserve(xs.size());
  for (int64_t x : xs) out.push_back(Value::integer(x));
  return Value::slice(std::move(out), GoType::kSliceInt);
}

Value f_until(CallCtx& ctx, Args a) {
  int64_t count = a[0].as_int();
  return int_list(until_step(ctx, 0, count, count < 0 ? -1 : 1));
}

Value f_until_step(CallCtx& ctx, Args a) {
  return int_list(until_step(ctx, a[0].as_int(), a[1].as_int(), a[2].as_int()));
}

std::string join_ints(const std::vector<int64_t>& xs) {
  std::string out;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i) out.push_back(' ');
    out += std::to_string(xs[i]);
  }
  return out;
}

Value f_seq(CallCtx& ctx, Args a) {
  std::vector<int64_t> p;
  for (const Value& v : a) p.push_back(v.as_int());
  int64_t inc = 1;
  switch (p.size()) {
    case 0:
      return Value::string("");
    case 1: {
      int64_t start = 1, end = p[0];
      if (end < start) inc = -1;
      return str_value(join_ints(until_step(ctx, start, end + inc, inc)));
    }
    case 2: {
      int64_t start = p[0], end = p[1], step = 1;
      if (end < start) step = -1;
      return str_value(join_ints(until_step(ctx, start, end + step, step)));
    }
    case 3: {
      int64_t start = p[0], end = p[2], step = p[1];
      if (end < start) {
        inc = -1;
        if (step > 0) return Value::string("");
      }
      return str_value(join_ints(until_step(ctx, start, end + inc, step)));
    }
    default:
      func_fail("Error: Invalid number of arguments");
  }
}

}  // namespace

void add_sprig_list_funcs(FuncTable& t) {
  using P = Param;
  def(t, "list", {P::kAny}, f_list, true);
  def(t, "tuple", {P::kAny}, f_list, true);
  def(t, "append", {P::kAny, P::kAny}, f_push);
  def(t, "push", {P::kAny, P::kAny}, f_push);
  def(t, "mustAppend", {P::kAny, P::kAny}, f_push);
  def(t, "mustPush", {P::kAny, P::kAny}, f_push);
  def(t, "prepend", {P::kAny, P::kAny}, f_prepend);
  def(t, "mustPrepend", {P::kAny, P::kAny}, f_prepend);
  def(t, "chunk", {P::kInt, P::kAny}, f_chunk);
  def(t, "mustChunk", {P::kInt, P::kAny}, f_chunk);
  def(t, "first", {P::kAny}, f_first);
  def(t, "mustFirst", {P::kAny}, f_first);
  def(t, "last", {P::kAny}, f_last);
  def(t, "mustLast", {P::kAny}, f_last);
  def(t, "rest", {P::kAny}, f_rest);
  def(t, "mustRest", {P::kAny}, f_rest);
  def(t, "initial", {P::kAny}, f_initial);
  def(t, "mustInitial", {P::kAny}, f_initial);
  def(t, "sortAlpha", {P::kAny}, f_sort_alpha);
  def(t, "reverse", {P::kAny}, f_reverse);
  def(t, "mustReverse", {P::kAny}, f_reverse);
  def(t, "compact", {P::kAny}, f_compact);
  def(t, "mustCompact", {P::kAny}, f_compact);
  def(t, "uniq", {P::kAny}, f_uniq);
  def(t, "mustUniq", {P::kAny}, f_uniq);
  def(t, "without", {P::kAny, P::kAny}, f_without, true);
  def(t, "mustWithout", {P::kAny, P::kAny}, f_without, true);
  def(t, "has", {P::kAny, P::kAny}, f_has);
  def(t, "mustHas", {P::kAny, P::kAny}, f_has);
  def(t, "slice", {P::kAny, P::kAny}, f_slice, true);
  def(t, "mustSlice", {P::kAny, P::kAny}, f_slice, true);
  def(t, "concat", {P::kAny}, f_concat, true);
  def(t, "until", {P::kInt}, f_until);
  def(t, "untilStep", {P::kInt, P::kInt, P::kInt}, f_until_step);
  def(t, "seq", {P::kInt}, f_seq, true);
}

}  // namespace oc::helm
