// The function table and the value helpers the function files share (Go emptiness, Sprig's
// strval, spf13/cast conversions, copystructure, reflect.DeepEqual).
#include "helm/funcs.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "helm/go_fmt.h"
#include "helm/go_strconv.h"

namespace oc::helm {

std::string_view param_type_name(Param p) {
  switch (p) {
    case Param::kValue:
      return "reflect.Value";
    case Param::kAny:
      return "interface {}";
    case Param::kString:
      return "string";
    case Param::kInt:
      return "int";
    case Param::kInt64:
      return "int64";
    case Param::kFloat64:
      return "float64";
    case Param::kBool:
      return "bool";
    case Param::kUint8:
      return "uint8";
    case Param::kUint32:
      return "uint32";
    case Param::kCertificate:
      return "sprig.certificate";
    case Param::kTime:
      return "time.Time";
    case Param::kSliceIface:
      return "[]interface {}";
    case Param::kSliceString:
      return "[]string";
    case Param::kMapIface:
      return "map[string]interface {}";
    case Param::kMapString:
      return "map[string]string";
    case Param::kBytes:
      return "[]uint8";
  }
  return "?";
}

std::vector<std::string> FuncTable::names() const {
  std::vector<std::string> out;
  out.reserve(funcs_.size());
  for (const auto& [k, v] : funcs_) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

const FuncTable& helm_func_table() {
  // Built once, then only read (C++ guarantees thread-safe initialisation).
  static const FuncTable table = [] {
    FuncTable t;
    add_builtin_funcs(t);
    add_sprig_string_funcs(t);
    add_sprig_list_funcs(t);
    add_sprig_dict_funcs(t);
    add_sprig_math_funcs(t);
    add_sprig_default_funcs(t);
    add_sprig_encoding_funcs(t);
    add_sprig_regex_funcs(t);
    add_sprig_semver_funcs(t);
    add_sprig_date_funcs(t);
    add_sprig_crypto_funcs(t);
    add_sprig_reflect_funcs(t);
    add_helm_funcs(t);
    // Helm removes these from Sprig's map (engine/funcs.go).
    t.remove("env");
    t.remove("expandenv");
    return t;
  }();
  return table;
}

bool go_truth(const Value& v) {
  switch (v.kind()) {
    case Kind::kInvalid:
    case Kind::kNil:
      return false;
    case Kind::kBool:
      return v.as_bool();
    case Kind::kInt:
      return v.as_int() != 0;
    case Kind::kUint:
      return v.as_uint() != 0;
    case Kind::kFloat:
      return v.as_float() != 0;
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kSlice:
    case Kind::kMap:
      return v.size() > 0;
    case Kind::kObject:
      return true;
  }
  return false;
}

bool go_empty(const Value& v) {
  // sprig's empty(): reflect.ValueOf(given); invalid → true; zero values by kind; structs false.
  switch (v.kind()) {
    case Kind::kInvalid:
    case Kind::kNil:
      return true;
    case Kind::kBool:
      return !v.as_bool();
    case Kind::kInt:
      return v.as_int() == 0;
    case Kind::kUint:
      return v.as_uint() == 0;
    case Kind::kFloat:
      return v.as_float() == 0;
    case Kind::kString:
    case Kind::kBytes:
    case Kind::kSlice:
    case Kind::kMap:
      return v.size() == 0;
    case Kind::kObject:
      return false;
  }
  return true;
}

std::string go_sprint1(const Value& v) {
  std::string out;
  go_print_value(out, v);
  return out;
}

std::string sprig_strval(const Value& v) {
  switch (v.kind()) {
    case Kind::kString:
    case Kind::kBytes:
      return std::string(v.str());
    case Kind::kObject: {
      std::string s;
      if (v.object_ptr()->stringer(&s)) return s;
      break;
    }
    default:
      break;
  }
  return go_sprint1(v);
}

namespace {
// cast's trimZeroDecimal: "1.0" → "1", "1.50" stays.
std::string_view trim_zero_decimal(std::string_view s) {
  bool found_zero = false;
  for (size_t i = s.size(); i > 0; --i) {
    switch (s[i - 1]) {
      case '.':
        if (found_zero) return s.substr(0, i - 1);
        break;
      case '0':
        found_zero = true;
        break;
      default:
        return s;
    }
  }
  return s;
}
}  // namespace

int64_t cast_to_int64(const Value& v) {
  switch (v.kind()) {
    case Kind::kInt:
      return v.as_int();
    case Kind::kUint:
      return static_cast<int64_t>(v.as_uint());
    case Kind::kFloat:
      return go_float_to_int64(v.as_float());
    case Kind::kString: {
      auto i = go_parse_int(trim_zero_decimal(v.str()), 0);
      return i ? *i : 0;
    }
    case Kind::kBool:
      return v.as_bool() ? 1 : 0;
    default:
      return 0;
  }
}

double cast_to_float64(const Value& v) {
  switch (v.kind()) {
    case Kind::kInt:
      return static_cast<double>(v.as_int());
    case Kind::kUint:
      return static_cast<double>(v.as_uint());
    case Kind::kFloat:
      return v.as_float();
    case Kind::kString: {
      auto f = go_parse_float(v.str());
      return f ? *f : 0;
    }
    case Kind::kBool:
      return v.as_bool() ? 1 : 0;
    default:
      return 0;
  }
}

std::vector<std::string> sprig_strslice(const Value& v) {
  std::vector<std::string> out;
  switch (v.kind()) {
    case Kind::kSlice:
      out.reserve(v.size());
      for (const Value& e : v.items()) {
        if (e.kind() == Kind::kNil) continue;
        out.push_back(sprig_strval(e));
      }
      return out;
    case Kind::kBytes:
      for (char c : v.str()) out.push_back(std::to_string(static_cast<unsigned char>(c)));
      return out;
    case Kind::kInvalid:
    case Kind::kNil:
      return out;
    default:
      out.push_back(sprig_strval(v));
      return out;
  }
}

Value string_slice(const std::vector<std::string>& items) {
  std::vector<Value> vs;
  vs.reserve(items.size());
  for (const auto& s : items) vs.push_back(Value::string(s));
  return Value::slice(std::move(vs), GoType::kSliceString);
}

namespace {

Value copy_walk(const Value& v, int depth, size_t& elements) {
  if (depth > kMaxValueDepth) {
    throw FuncError("deepCopy: value nested more than " + std::to_string(kMaxValueDepth) +
                    " levels deep (does a map or list contain itself?)");
  }
  if (++elements > kMaxWalkElements) {
    throw FuncError("deepCopy: value has more than " + std::to_string(kMaxWalkElements) +
                    " elements");
  }
  switch (v.kind()) {
    case Kind::kSlice: {
      if (v.heap() == nullptr) return v;
      std::vector<Value> items;
      items.reserve(v.size());
      for (const Value& e : v.items()) items.push_back(copy_walk(e, depth + 1, elements));
      return Value::slice(std::move(items), v.type());
    }
    case Kind::kMap: {
      const MapObj* m = v.map_obj();
      if (!m) return v;
      Value out = Value::map(v.type());
      MapObj* om = out.map_obj();
      om->entries().reserve(m->size());
      for (const auto& e : m->entries()) {
        om->append_unsorted(e.key, copy_walk(e.value, depth + 1, elements));
      }
      return out;
    }
    default:
      return v.stored().kind() == Kind::kNil ? Value::nil() : v.stored();
  }
}

// reflect.DeepEqual, with its visited set: a pair of maps or slices met again compares equal,
// which ends cycles (and keeps shared parts from being compared more than once).
class EqualWalk {
 public:
  bool eq(const Value& a, const Value& b, int depth) {
    if (depth > kMaxValueDepth) {
      throw FuncError("deepEqual: values nested more than " + std::to_string(kMaxValueDepth) +
                      " levels deep");
    }
    if (a.kind() != b.kind()) return false;
    if (a.kind() != Kind::kObject && a.type() != b.type()) return false;
    switch (a.kind()) {
      case Kind::kInvalid:
      case Kind::kNil:
        return true;
      case Kind::kBool:
        return a.as_bool() == b.as_bool();
      case Kind::kInt:
        return a.as_int() == b.as_int();
      case Kind::kUint:
        return a.as_uint() == b.as_uint();
      case Kind::kFloat:
        return a.as_float() == b.as_float();
      case Kind::kString:
        return a.str() == b.str();
      case Kind::kBytes:
        if ((a.heap() == nullptr) != (b.heap() == nullptr)) return false;
        return a.str() == b.str();
      case Kind::kSlice: {
        if ((a.heap() == nullptr) != (b.heap() == nullptr)) return false;
        if (a.size() != b.size()) return false;
        if (a.heap() == b.heap()) return true;  // the same backing array
        if (!visited_.emplace(a.heap(), b.heap()).second) return true;
        for (size_t i = 0; i < a.size(); ++i) {
          if (!eq(a.items()[i], b.items()[i], depth + 1)) return false;
        }
        return true;
      }
      case Kind::kMap: {
        const MapObj* ma = a.map_obj();
        const MapObj* mb = b.map_obj();
        if ((ma == nullptr) != (mb == nullptr)) return false;
        if (!ma) return true;
        if (ma->size() != mb->size()) return false;
        if (ma == mb) return true;
        if (!visited_.emplace(ma, mb).second) return true;
        for (size_t i = 0; i < ma->size(); ++i) {
          if (ma->entries()[i].key.str() != mb->entries()[i].key.str()) return false;
          if (!eq(ma->entries()[i].value, mb->entries()[i].value, depth + 1)) return false;
        }
        return true;
      }
      case Kind::kObject: {
        const Object* oa = a.object_ptr();
        const Object* ob = b.object_ptr();
        if (oa == ob) return true;
        if (oa->type_name() != ob->type_name() || oa->num_fields() != ob->num_fields())
          return false;
        for (size_t i = 0; i < oa->num_fields(); ++i) {
          if (!eq(oa->field_at(i), ob->field_at(i), depth + 1)) return false;
        }
        return true;
      }
    }
    return false;
  }

 private:
  struct PairHash {
    size_t operator()(const std::pair<const void*, const void*>& p) const {
      return std::hash<const void*>()(p.first) * 31 + std::hash<const void*>()(p.second);
    }
  };
  std::unordered_set<std::pair<const void*, const void*>, PairHash> visited_;
};

}  // namespace

Value deep_copy(const Value& v) {
  size_t elements = 0;
  return copy_walk(v, 0, elements);
}

bool deep_equal(const Value& a, const Value& b) {
  return EqualWalk().eq(a, b, 0);
}

}  // namespace oc::helm
