// text/template's builtin functions (funcs.go): and or not len index print printf println
// eq ne lt le gt ge html js urlquery call. (`slice` is Sprig's in Helm; see sprig_lists.cc.)
#include <cstdio>

#include "helm/funcs.h"
#include "helm/go_fmt.h"
#include "helm/go_unicode.h"
#include "helm/template_exec.h"

namespace oc::helm {

namespace {

[[noreturn]] void fail(const std::string& msg) {
  throw FuncError(msg);
}

Value unreachable(CallCtx&, Args) {
  fail("unreachable");
}

Value fn_not(CallCtx&, Args a) {
  return Value::boolean(!go_truth(a[0].unwrapped()));
}

Value fn_len(CallCtx&, Args a) {
  const Value& item = a[0];
  if (item.kind() == Kind::kNil) fail("len of nil pointer");
  switch (item.kind()) {
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kSlice:
    case Kind::kMap:
      return Value::integer(static_cast<int64_t>(item.size()));
    case Kind::kInvalid:
      fail("reflect: call of reflect.Value.Type on zero Value");
    default:
      fail("len of type " + item.type_name());
  }
}

int64_t index_arg(const Value& index, size_t cap) {
  int64_t x;
  switch (index.kind()) {
    case Kind::kInt:
      x = index.as_int();
      break;
    case Kind::kUint:
      x = static_cast<int64_t>(index.as_uint());
      break;
    case Kind::kInvalid:
      fail("cannot index slice/array with nil");
    default:
      fail("cannot index slice/array with type " + index.type_name());
  }
  if (x < 0 || static_cast<uint64_t>(x) > cap) fail("index out of range: " + std::to_string(x));
  return x;
}

Value fn_index(CallCtx&, Args a) {
  Value item = a[0].unwrapped();
  if (!item.valid()) fail("index of untyped nil");
  for (size_t k = 1; k < a.size(); ++k) {
    Value index = a[k].unwrapped();
    switch (item.kind()) {
      case Kind::kSlice: {
        int64_t x = index_arg(index, item.size());
        if (static_cast<size_t>(x) >= item.size()) fail("reflect: slice index out of range");
        item = item.type() == GoType::kSliceIface ? item.items()[static_cast<size_t>(x)].as_iface()
                                                  : item.items()[static_cast<size_t>(x)];
        break;
      }
      case Kind::kString:
      case Kind::kBytes: {
        int64_t x = index_arg(index, item.size());
        if (static_cast<size_t>(x) >= item.size()) {
          fail(item.kind() == Kind::kString ? "reflect: string index out of range"
                                            : "reflect: slice index out of range");
        }
        item = Value::uinteger(static_cast<unsigned char>(item.str()[static_cast<size_t>(x)]),
                               GoType::kUint8);
        break;
      }
      case Kind::kMap: {
        if (!index.valid()) fail("value is nil; should be of type string");
        if (index.kind() != Kind::kString) {
          fail("value has type " + index.type_name() + "; should be string");
        }
        const MapObj* m = item.map_obj();
        const Value* found = m ? m->find(index.str()) : nullptr;
        GoType t = item.type();
        if (found) {
          item = (t == GoType::kMapIface || t == GoType::kValues) ? found->as_iface() : *found;
        } else if (t == GoType::kMapString) {
          item = Value::string("");
        } else if (t == GoType::kFiles) {
          item = Value::bytes("");
        } else {
          item = Value::nil();
        }
        break;
      }
      case Kind::kNil:
        fail("index of nil pointer");
      default:
        fail("can't index item of type " + item.type_name());
    }
  }
  return item;
}

// Go's text/template `slice` (not reachable from Helm templates, where Sprig's replaces it).
Value fn_print(CallCtx&, Args a) {
  std::string out;
  go_sprint(out, a);
  return Value::string(out);
}
Value fn_println(CallCtx&, Args a) {
  std::string out;
  go_sprintln(out, a);
  return Value::string(out);
}
Value fn_printf(CallCtx& ctx, Args a) {
  std::string out;
  go_sprintf(out, a[0].str(), a.subspan(1));
  ctx.exec.check_size(out.size(), "printf output");
  return Value::string(out);
}

// --- comparison (funcs.go) ---
enum class BasicKind { kInvalid, kBool, kComplex, kInt, kFloat, kString, kUint };

BasicKind basic_kind(const Value& v) {
  switch (v.kind()) {
    case Kind::kBool:
      return BasicKind::kBool;
    case Kind::kInt:
      return BasicKind::kInt;
    case Kind::kUint:
      return BasicKind::kUint;
    case Kind::kFloat:
      return BasicKind::kFloat;
    case Kind::kString:
      return BasicKind::kString;
    default:
      return BasicKind::kInvalid;
  }
}

bool is_nil_value(const Value& v) {
  return v.is_nil();
}

bool same_reflect_kind(const Value& a, const Value& b) {
  // canCompare: same reflect.Kind or one invalid.
  if (!a.valid() || !b.valid()) return true;
  auto rk = [](const Value& v) -> int {
    switch (v.kind()) {
      case Kind::kBytes:
      case Kind::kSlice:
        return 1;
      case Kind::kMap:
        return 2;
      case Kind::kObject:
        return v.object_ptr()->is_pointer() ? 3 : 4;
      default:
        return 10 + static_cast<int>(v.kind());
    }
  };
  return rk(a) == rk(b);
}

std::string sprint1(const Value& v) {
  return go_sprint1(v);
}
// fmt's %s of a value (what Go's comparison errors embed).
std::string sprint_s(const Value& v) {
  std::string out;
  Value arg = v;
  go_sprintf(out, "%s", std::span<const Value>(&arg, 1));
  return out;
}

bool eq_impl(const Value& a1, Args rest) {
  Value arg1 = a1.unwrapped();
  if (rest.empty()) fail("missing argument for comparison");
  BasicKind k1 = basic_kind(arg1);
  for (const Value& raw : rest) {
    Value arg = raw.unwrapped();
    BasicKind k2 = basic_kind(arg);
    bool truth = false;
    if (k1 != k2) {
      if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
        truth = arg1.as_int() >= 0 && static_cast<uint64_t>(arg1.as_int()) == arg.as_uint();
      } else if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
        truth = arg.as_int() >= 0 && arg1.as_uint() == static_cast<uint64_t>(arg.as_int());
      } else if (arg1.valid() && arg.valid()) {
        fail("incompatible types for comparison");
      }
    } else {
      switch (k1) {
        case BasicKind::kBool:
          truth = arg1.as_bool() == arg.as_bool();
          break;
        case BasicKind::kFloat:
          truth = arg1.as_float() == arg.as_float();
          break;
        case BasicKind::kInt:
          truth = arg1.as_int() == arg.as_int();
          break;
        case BasicKind::kString:
          truth = arg1.str() == arg.str();
          break;
        case BasicKind::kUint:
          truth = arg1.as_uint() == arg.as_uint();
          break;
        default:
          if (!same_reflect_kind(arg1, arg)) {
            fail("non-comparable types " + sprint_s(arg1) + ": " + arg1.type_name() + ", " +
                 arg.type_name() + ": " + sprint1(arg));
          }
          if (is_nil_value(arg1) || is_nil_value(arg)) {
            truth = is_nil_value(arg) == is_nil_value(arg1);
          } else {
            if (arg.kind() == Kind::kMap || arg.kind() == Kind::kSlice ||
                arg.kind() == Kind::kBytes) {
              fail("non-comparable type " + sprint_s(arg) + ": " + arg.type_name());
            }
            truth = arg1.heap() == arg.heap();
          }
      }
    }
    if (truth) return true;
  }
  return false;
}

Value fn_eq(CallCtx&, Args a) {
  return Value::boolean(eq_impl(a[0], a.subspan(1)));
}
Value fn_ne(CallCtx&, Args a) {
  return Value::boolean(!eq_impl(a[0], a.subspan(1)));
}

bool lt_impl(const Value& a1, const Value& a2) {
  Value arg1 = a1.unwrapped();
  BasicKind k1 = basic_kind(arg1);
  if (k1 == BasicKind::kInvalid) fail("invalid type for comparison");
  Value arg2 = a2.unwrapped();
  BasicKind k2 = basic_kind(arg2);
  if (k2 == BasicKind::kInvalid) fail("invalid type for comparison");
  if (k1 != k2) {
    if (k1 == BasicKind::kInt && k2 == BasicKind::kUint) {
      return arg1.as_int() < 0 || static_cast<uint64_t>(arg1.as_int()) < arg2.as_uint();
    }
    if (k1 == BasicKind::kUint && k2 == BasicKind::kInt) {
      return arg2.as_int() >= 0 && arg1.as_uint() < static_cast<uint64_t>(arg2.as_int());
    }
    fail("incompatible types for comparison");
  }
  switch (k1) {
    case BasicKind::kBool:
    case BasicKind::kComplex:
      fail("invalid type for comparison");
    case BasicKind::kFloat:
      return arg1.as_float() < arg2.as_float();
    case BasicKind::kInt:
      return arg1.as_int() < arg2.as_int();
    case BasicKind::kString:
      return arg1.str() < arg2.str();
    case BasicKind::kUint:
      return arg1.as_uint() < arg2.as_uint();
    default:
      fail("invalid kind");
  }
}

Value fn_lt(CallCtx&, Args a) {
  return Value::boolean(lt_impl(a[0], a[1]));
}
Value fn_le(CallCtx&, Args a) {
  if (lt_impl(a[0], a[1])) return Value::boolean(true);
  return Value::boolean(eq_impl(a[0], a.subspan(1, 1)));
}
Value fn_gt(CallCtx&, Args a) {
  bool le = lt_impl(a[0], a[1]) || eq_impl(a[0], a.subspan(1, 1));
  return Value::boolean(!le);
}
Value fn_ge(CallCtx&, Args a) {
  return Value::boolean(!lt_impl(a[0], a[1]));
}

// evalArgs: a single string argument as is, else fmt.Sprint of the printable values.
std::string eval_args(Args a) {
  if (a.size() == 1 && a[0].kind() == Kind::kString) return std::string(a[0].str());
  std::string s;
  go_sprint(s, a);
  return s;
}

Value fn_html(CallCtx&, Args a) {
  std::string s = eval_args(a);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\0':
        out += "\xEF\xBF\xBD";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out.push_back(c);
    }
  }
  return Value::string(out);
}

Value fn_js(CallCtx&, Args a) {
  std::string s = eval_args(a);
  std::string out;
  static const char kHex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\'':
          out += "\\'";
          break;
        case '"':
          out += "\\\"";
          break;
        case '<':
          out += "\\u003C";
          break;
        case '>':
          out += "\\u003E";
          break;
        case '&':
          out += "\\u0026";
          break;
        case '=':
          out += "\\u003D";
          break;
        default:
          if (c < ' ') {
            out += "\\u00";
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
          } else {
            out.push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    size_t w;
    uint32_t r = decode_rune(s, i, &w);
    if (go_is_print(r)) {
      out.append(s, i, w);
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\u%04X", r);
      out += buf;
    }
    i += w;
  }
  return Value::string(out);
}

Value fn_urlquery(CallCtx&, Args a) {
  std::string s = eval_args(a);
  std::string out;
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return Value::string(out);
}

Value fn_call(CallCtx&, Args a) {
  Value fn = a[0].unwrapped();
  if (!fn.valid()) fail("call of nil");
  fail("non-function of type " + fn.type_name());
}

}  // namespace

void add_builtin_funcs(FuncTable& t) {
  auto add = [&t](const char* name, std::vector<Param> params, bool variadic, FuncImpl impl,
                  FuncDef::Special sp = FuncDef::Special::kNone) {
    FuncDef f;
    f.name = name;
    f.params = std::move(params);
    f.variadic = variadic;
    f.impl = impl;
    f.builtin = true;
    f.special = sp;
    t.add(std::move(f));
  };
  using P = Param;
  add("and", {P::kValue, P::kValue}, true, unreachable, FuncDef::Special::kAnd);
  add("or", {P::kValue, P::kValue}, true, unreachable, FuncDef::Special::kOr);
  add("not", {P::kValue}, false, fn_not);
  add("len", {P::kValue}, false, fn_len);
  add("index", {P::kValue, P::kValue}, true, fn_index);
  add("print", {P::kAny}, true, fn_print);
  add("printf", {P::kString, P::kAny}, true, fn_printf);
  add("println", {P::kAny}, true, fn_println);
  add("eq", {P::kValue, P::kValue}, true, fn_eq);
  add("ne", {P::kValue, P::kValue}, false, fn_ne);
  add("lt", {P::kValue, P::kValue}, false, fn_lt);
  add("le", {P::kValue, P::kValue}, false, fn_le);
  add("gt", {P::kValue, P::kValue}, false, fn_gt);
  add("ge", {P::kValue, P::kValue}, false, fn_ge);
  add("html", {P::kAny}, true, fn_html);
  add("js", {P::kAny}, true, fn_js);
  add("urlquery", {P::kAny}, true, fn_urlquery);
  add("call", {P::kValue, P::kValue}, true, fn_call);
}

}  // namespace oc::helm
