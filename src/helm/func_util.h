// Small helpers for the function files (not part of the engine's public API).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "helm/funcs.h"
#include "helm/template_exec.h"

namespace oc::helm {

[[noreturn]] inline void func_fail(const std::string& msg) {
  throw FuncError(msg);
}

inline void def(FuncTable& t, const char* name, std::vector<Param> params, FuncImpl impl,
                bool variadic = false) {
  FuncDef f;
  f.name = name;
  f.params = std::move(params);
  f.variadic = variadic;
  f.impl = impl;
  t.add(std::move(f));
}

inline Value str_value(std::string s) {
  return Value::string(s);
}

// Go's runtime panic text for s[lo:hi] out of range, as text/template reports a recovered panic.
[[noreturn]] inline void slice_bounds_panic(long lo, long hi, size_t len, bool hi_given) {
  if (hi_given && (hi < 0 || static_cast<size_t>(hi) > len)) {
    func_fail("runtime error: slice bounds out of range [:" + std::to_string(hi) +
              "] with length " + std::to_string(len));
  }
  func_fail("runtime error: slice bounds out of range [" + std::to_string(lo) + ":" +
            std::to_string(hi) + "]");
}

// A map[string]interface{} or chartutil.Values (what Sprig's dict functions accept).
inline bool is_dict(const Value& v) {
  return v.kind() == Kind::kMap && (v.type() == GoType::kMapIface || v.type() == GoType::kValues);
}

}  // namespace oc::helm
