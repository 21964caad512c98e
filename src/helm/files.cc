// .Files (helm pkg/engine/files.go): Get, GetBytes, Glob (gobwas/glob with '/' as the
// separator), Lines, AsConfig, AsSecrets.
#include "helm/files.h"

#include "core/base64.h"
#include "helm/func_util.h"
#include "helm/go_unicode.h"
#include "helm/value_codec.h"

namespace oc::helm {

namespace {

// gobwas/glob: '*' any run of non-separators, '**' any run, '?' one non-separator rune,
// [abc] [!abc] [a-z] one rune, {a,b} alternatives, '\' escapes.
class Glob {
 public:
  explicit Glob(std::string_view p) : p_(p) {}
  bool match(std::string_view name) const { return match_at(0, p_.size(), name, 0, 0); }

 private:
  // Matches p_[pi, pend) (then the continuation `cont`, a stack of suffixes) against name[ni:].
  bool match_at(size_t pi, size_t pend, std::string_view name, size_t ni, int depth) const {
    return match_seq(pi, pend, name, ni, {}, depth);
  }

  struct Cont {
    size_t pi, pend;
  };

  bool match_seq(size_t pi, size_t pend, std::string_view name, size_t ni, std::vector<Cont> rest,
                 int depth) const {
    if (depth > 64) return false;
    while (true) {
      if (pi >= pend) {
        if (rest.empty()) return ni == name.size();
        Cont c = rest.back();
        rest.pop_back();
        pi = c.pi;
        pend = c.pend;
        continue;
      }
      char c = p_[pi];
      if (c == '*') {
        bool super = pi + 1 < pend && p_[pi + 1] == '*';
        size_t next = pi + (super ? 2 : 1);
        for (size_t k = ni; k <= name.size(); ++k) {
          if (match_seq(next, pend, name, k, rest, depth + 1)) return true;
          if (k < name.size() && !super && name[k] == '/') break;
        }
        return false;
      }
      if (c == '?') {
        if (ni >= name.size() || name[ni] == '/') return false;
        size_t w;
        decode_rune(name, ni, &w);
        ni += w;
        ++pi;
        continue;
      }
      if (c == '[') {
        size_t close = p_.find(']', pi + 1);
        if (close == std::string_view::npos || close >= pend)
          return literal(pi, pend, name, ni, rest, depth);
        if (ni >= name.size()) return false;
        size_t w;
        uint32_t r = decode_rune(name, ni, &w);
        std::string_view set = p_.substr(pi + 1, close - pi - 1);
        bool neg = !set.empty() && set[0] == '!';
        if (neg) set.remove_prefix(1);
        bool in = false;
        for (size_t k = 0; k < set.size();) {
          size_t w1;
          uint32_t lo = decode_rune(set, k, &w1);
          k += w1;
          uint32_t hi = lo;
          if (k + 1 < set.size() && set[k] == '-') {
            size_t w2;
            hi = decode_rune(set, k + 1, &w2);
            k += 1 + w2;
          }
          if (lo <= r && r <= hi) in = true;
        }
        if (in == neg) return false;
        ni += w;
        pi = close + 1;
        continue;
      }
      if (c == '{') {
        // Alternatives up to the matching brace.
        int level = 0;
        size_t close = std::string_view::npos;
        std::vector<size_t> commas;
        for (size_t k = pi; k < pend; ++k) {
          if (p_[k] == '\\') {
            ++k;
            continue;
          }
          if (p_[k] == '{') ++level;
          if (p_[k] == '}' && --level == 0) {
            close = k;
            break;
          }
          if (p_[k] == ',' && level == 1) commas.push_back(k);
        }
        if (close == std::string_view::npos) return literal(pi, pend, name, ni, rest, depth);
        size_t start = pi + 1;
        commas.push_back(close);
        std::vector<Cont> r2 = rest;
        r2.push_back(Cont{close + 1, pend});
        for (size_t e : commas) {
          if (match_seq(start, e, name, ni, r2, depth + 1)) return true;
          start = e + 1;
        }
        return false;
      }
      return literal(pi, pend, name, ni, rest, depth);
    }
  }

  bool literal(size_t pi, size_t pend, std::string_view name, size_t ni, std::vector<Cont> rest,
               int depth) const {
    char c = p_[pi];
    if (c == '\\' && pi + 1 < pend) {
      ++pi;
      c = p_[pi];
    }
    if (ni >= name.size() || name[ni] != c) return false;
    return match_seq(pi + 1, pend, name, ni + 1, std::move(rest), depth + 1);
  }

  std::string_view p_;
};

Value bytes_of(const Value& files, std::string_view name) {
  if (const MapObj* m = files.map_obj()) {
    if (const Value* v = m->find(name)) return *v;
  }
  return Value::bytes("");
}

Value m_get_bytes(CallCtx&, Args a) {
  return bytes_of(a[0], a[1].str());
}
Value m_get(CallCtx&, Args a) {
  return Value::string(bytes_of(a[0], a[1].str()).str());
}

Value m_glob(CallCtx&, Args a) {
  Glob g(a[1].str());
  Value out = Value::map(GoType::kFiles);
  if (const MapObj* m = a[0].map_obj()) {
    for (const auto& e : m->entries()) {
      if (g.match(e.key.str())) out.map_obj()->append_unsorted(e.key, e.value);
    }
  }
  return out;
}

Value m_lines(CallCtx&, Args a) {
  const MapObj* m = a[0].map_obj();
  const Value* v = m ? m->find(a[1].str()) : nullptr;
  if (!v) return Value::slice({}, GoType::kSliceString);
  std::string_view s = v->str();
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  std::vector<Value> out;
  size_t p = 0;
  for (;;) {
    size_t q = s.find('\n', p);
    out.push_back(
        Value::string(s.substr(p, q == std::string_view::npos ? std::string_view::npos : q - p)));
    if (q == std::string_view::npos) break;
    p = q + 1;
  }
  return Value::slice(std::move(out), GoType::kSliceString);
}

std::string base_name(std::string_view p) {
  while (!p.empty() && p.back() == '/') p.remove_suffix(1);
  size_t s = p.rfind('/');
  if (s != std::string_view::npos) p = p.substr(s + 1);
  return p.empty() ? "/" : std::string(p);
}

Value as_map(const Value& files, bool secrets) {
  Value m = Value::map(GoType::kMapString);
  if (const MapObj* fm = files.map_obj()) {
    for (const auto& e : fm->entries()) {
      std::string v = secrets ? core::base64_encode(e.value.str()) : std::string(e.value.str());
      m.map_obj()->set(base_name(e.key.str()), Value::string(v));
    }
  }
  return m;
}

Value m_as_config(CallCtx&, Args a) {
  if (a[0].map_obj() == nullptr) return Value::string("");
  auto y = value_to_yaml(as_map(a[0], false));
  if (!y.ok()) return Value::string("");
  std::string s = std::move(*y);
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return str_value(std::move(s));
}

Value m_as_secrets(CallCtx&, Args a) {
  if (a[0].map_obj() == nullptr) return Value::string("");
  auto y = value_to_yaml(as_map(a[0], true));
  if (!y.ok()) return Value::string("");
  std::string s = std::move(*y);
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return str_value(std::move(s));
}

FuncTable make_methods() {
  FuncTable t;
  def(t, "GetBytes", {Param::kString}, m_get_bytes);
  def(t, "Get", {Param::kString}, m_get);
  def(t, "Glob", {Param::kString}, m_glob);
  def(t, "Lines", {Param::kString}, m_lines);
  def(t, "AsConfig", {}, m_as_config);
  def(t, "AsSecrets", {}, m_as_secrets);
  return t;
}

}  // namespace

const FuncDef* files_method(std::string_view name) {
  static const FuncTable methods = make_methods();
  return methods.find(name);
}

bool glob_match(std::string_view pattern, std::string_view name) {
  return Glob(pattern).match(name);
}

}  // namespace oc::helm
