// Template functions: how they are declared (Go parameter types decide how text/template
// converts arguments and which errors it reports), and the table Helm's templates see
// (Go builtins + Sprig + Helm's own, minus env/expandenv).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "helm/go_value.h"

namespace oc::helm {

// A function parameter's Go type.
enum class Param : uint8_t {
  kValue,        // reflect.Value: the argument as evaluated, even invalid (builtins)
  kAny,          // interface{}
  kString,       // string
  kInt,          // int
  kInt64,        // int64
  kFloat64,      // float64
  kBool,         // bool
  kUint8,        // uint8 (byte)
  kUint32,       // uint32
  kSliceIface,   // []interface{}
  kSliceString,  // []string
  kMapIface,     // map[string]interface{}
  kMapString,    // map[string]string
  kBytes,        // []byte
  kCertificate,  // sprig's certificate struct
  kTime,         // time.Time
};

std::string_view param_type_name(Param p);

class Executor;

// What a function gets besides its arguments.
struct CallCtx {
  Executor& exec;
  std::string_view name;  // the name it was called by
};

using Args = std::span<const Value>;
using FuncImpl = Value (*)(CallCtx& ctx, Args args);

// A function's failure; the executor reports it as "error calling <name>: <message>".
class FuncError : public std::runtime_error {
 public:
  explicit FuncError(const std::string& msg) : std::runtime_error(msg) {}
};

struct FuncDef {
  std::string name;
  std::vector<Param> params;  // with variadic, the last entry is the element type
  bool variadic = false;
  FuncImpl impl = nullptr;
  // Go's builtins (text/template's own table); and/or short-circuit inside the executor.
  bool builtin = false;
  enum class Special : uint8_t { kNone, kAnd, kOr } special = Special::kNone;
};

// A set of functions by name.
class FuncTable {
 public:
  void add(FuncDef f) {
    std::string n = f.name;
    funcs_[n] = std::move(f);
  }
  void remove(const std::string& name) { funcs_.erase(name); }
  const FuncDef* find(std::string_view name) const {
    auto it = funcs_.find(name);  // no key copy: every identifier of every template looks up
    return it == funcs_.end() ? nullptr : &it->second;
  }
  size_t size() const { return funcs_.size(); }
  std::vector<std::string> names() const;

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, FuncDef, Hash, std::equal_to<>> funcs_;
};

// Registration, one per source file.
void add_builtin_funcs(FuncTable& t);        // builtins.cc: and or not len index slice print …
void add_sprig_string_funcs(FuncTable& t);   // sprig_strings.cc
void add_sprig_list_funcs(FuncTable& t);     // sprig_lists.cc
void add_sprig_dict_funcs(FuncTable& t);     // sprig_dicts.cc
void add_sprig_math_funcs(FuncTable& t);     // sprig_math.cc
void add_sprig_default_funcs(FuncTable& t);  // sprig_defaults.cc: default empty coalesce ternary …
void add_sprig_encoding_funcs(FuncTable& t);  // sprig_encoding.cc: b64/b32, json, paths, urls
void add_sprig_regex_funcs(FuncTable& t);     // sprig_regex.cc
void add_sprig_semver_funcs(FuncTable& t);    // sprig_semver.cc
void add_sprig_date_funcs(FuncTable& t);      // sprig_dates.cc
void add_sprig_crypto_funcs(FuncTable& t);    // sprig_crypto.cc
void add_sprig_reflect_funcs(FuncTable& t);   // sprig_reflect.cc: typeOf kindOf deepEqual …
void add_helm_funcs(FuncTable& t);            // helm_funcs.cc: include tpl required toYaml …

// Every function a Helm template can call (immutable; safe to share between threads).
const FuncTable& helm_func_table();

// --- helpers shared by the function files ------------------------------------------------------

// Go's "emptiness" as sprig's `empty` defines it (reflect-based).
bool go_empty(const Value& v);
// Truth as text/template's `if` defines it.
bool go_truth(const Value& v);
// fmt.Sprint of one value ("%v").
std::string go_sprint1(const Value& v);
// spf13/cast ToString as sprig's strval / toString use it.
std::string sprig_strval(const Value& v);
// spf13/cast ToInt64E / ToFloat64E as sprig uses them (errors become 0).
int64_t cast_to_int64(const Value& v);
double cast_to_float64(const Value& v);
// sprig's strslice: []string from a list (nil elements dropped, others via strval).
std::vector<std::string> sprig_strslice(const Value& v);
// A []string value.
Value string_slice(const std::vector<std::string>& items);
// Deep copy of maps and slices (copystructure), sharing strings.
Value deep_copy(const Value& v);
// reflect.DeepEqual.
bool deep_equal(const Value& a, const Value& b);

}  // namespace oc::helm
