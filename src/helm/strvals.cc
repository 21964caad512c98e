// Helm's --set grammar (pkg/strvals/parser.go): comma-separated key=value pairs, dotted keys,
// list indices (a[0].b), {a,b} lists, backslash escapes, typed values (true/false/null,
// int64 without a leading zero) unless --set-string, JSON values for --set-json.
#include <cstring>

#include "core/json.h"
#include "helm/funcs.h"
#include "helm/go_strconv.h"
#include "helm/go_unicode.h"
#include "helm/value_codec.h"
#include "helm/values.h"

namespace oc::helm {

namespace {

constexpr int kMaxIndex = 65536;
constexpr int kMaxNestedNameLevel = 30;

struct ParseFail {
  std::string message;
};
struct Eof {};

class Parser {
 public:
  Parser(std::string_view s, bool as_string, bool json) : s_(s), st_(as_string), json_(json) {}

  void parse(Value& data) {
    for (;;) {
      try {
        key(data, 0);
      } catch (const Eof&) {
        return;
      }
    }
  }

 private:
  // runesUntil: reads until a stop rune (consumed), handling backslash escapes. Throws Eof at
  // the end with what was read in `out`.
  bool runes_until(std::string_view stop, std::string* out, char* last) {
    out->clear();
    while (pos_ < s_.size()) {
      size_t w;
      uint32_t r = decode_rune(s_, pos_, &w);
      pos_ += w;
      if (r < 0x80 && stop.find(static_cast<char>(r)) != std::string_view::npos) {
        *last = static_cast<char>(r);
        return true;
      }
      if (r == '\\') {
        if (pos_ >= s_.size()) return false;
        size_t w2;
        uint32_t n = decode_rune(s_, pos_, &w2);
        pos_ += w2;
        append_rune(*out, n);
        continue;
      }
      append_rune(*out, r);
    }
    return false;
  }

  static bool is_map(const Value& v) {
    return v.kind() == Kind::kMap && v.map_obj() &&
           (v.type() == GoType::kMapIface || v.type() == GoType::kValues);
  }

  Value typed_val(const std::string& v) {
    if (st_) return Value::string(v);
    auto eq = [&](const char* w) {
      if (v.size() != std::strlen(w)) return false;
      for (size_t i = 0; i < v.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(v[i])) != w[i]) return false;
      }
      return true;
    };
    if (eq("true")) return Value::boolean(true);
    if (eq("false")) return Value::boolean(false);
    if (eq("null")) return Value::nil();
    if (v == "0") return Value::integer(0, GoType::kInt64);
    if (!v.empty() && v[0] != '0') {
      if (auto i = go_parse_int(v, 10)) return Value::integer(*i, GoType::kInt64);
    }
    return Value::string(v);
  }

  static void set(Value& data, const std::string& key, Value v) {
    if (key.empty()) return;
    data.map_obj()->set(key, std::move(v));
  }

  static Value set_index(Value list, int64_t index, Value v) {
    if (index < 0) throw ParseFail{"negative " + std::to_string(index) + " index not allowed"};
    if (index > kMaxIndex) {
      throw ParseFail{"index of " + std::to_string(index) +
                      " is greater than maximum supported index of " + std::to_string(kMaxIndex)};
    }
    std::vector<Value> items = list.items();
    if (static_cast<int64_t>(items.size()) <= index)
      items.resize(static_cast<size_t>(index + 1), Value::nil());
    items[static_cast<size_t>(index)] = v.stored();
    return Value::slice(std::move(items), GoType::kSliceIface);
  }

  int64_t key_index() {
    std::string v;
    char last;
    if (!runes_until("]", &v, &last)) throw Eof{};
    auto i = go_parse_int(v, 10);
    if (!i)
      throw ParseFail{"error parsing index: strconv.Atoi: parsing \"" + v + "\": invalid syntax"};
    return *i;
  }

  // valList: "{a,b}" or not a list.
  bool val_list(std::vector<Value>* out, bool* eof) {
    *eof = false;
    if (pos_ >= s_.size()) {
      *eof = true;
      return false;
    }
    if (s_[pos_] != '{') return false;
    ++pos_;
    for (;;) {
      std::string rs;
      char last;
      if (!runes_until(",}", &rs, &last)) throw ParseFail{"list must terminate with '}'"};
      if (last == '}') {
        if (pos_ < s_.size() && s_[pos_] == ',') ++pos_;
        out->push_back(typed_val(rs));
        return true;
      }
      out->push_back(typed_val(rs));
    }
  }

  Value json_value() {
    // json.Decoder reads one value; the rest continues after it.
    std::string_view rest = s_.substr(pos_);
    size_t end = json_extent(rest);
    auto v = json_to_value(rest.substr(0, end));
    if (!v.ok()) throw ParseFail{v.error().message};
    pos_ += end;
    empty_val();
    return *v;
  }

  // The length of the JSON value at the start of s (strings, nesting and scalars).
  static size_t json_extent(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    int depth = 0;
    bool in_str = false;
    for (; i < s.size(); ++i) {
      char c = s[i];
      if (in_str) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_str = false;
          if (depth == 0) return i + 1;
        }
        continue;
      }
      if (c == '"') {
        in_str = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      } else if (depth == 0 && (c == ',' || std::isspace(static_cast<unsigned char>(c)))) {
        return i;
      }
    }
    return s.size();
  }

  // emptyVal: skips blanks; true (and consumes the comma) when the value is empty.
  bool empty_val() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
    if (pos_ >= s_.size()) return true;
    if (s_[pos_] == ',') {
      ++pos_;
      return true;
    }
    return false;
  }

  void key(Value& data, int level) {
    for (;;) {
      std::string k;
      char last;
      if (!runes_until("=[,.", &k, &last)) {
        if (k.empty()) throw Eof{};
        throw ParseFail{"key \"" + k + "\" has no value"};
      }
      switch (last) {
        case '[': {
          int64_t i = key_index();
          Value list = Value::slice({}, GoType::kSliceIface);
          if (const Value* cur = data.map_obj()->find(k)) {
            if (cur->kind() != Kind::kSlice) {
              throw ParseFail{"unable to parse key: interface conversion: interface {} is " +
                              cur->type_name() + ", not []interface {}"};
            }
            list = *cur;
          }
          bool eof = false;
          list = list_item(list, i, level, &eof);
          set(data, k, list);
          if (eof) throw Eof{};
          return;
        }
        case '=': {
          if (json_) {
            if (empty_val()) {
              set(data, k, Value::nil());
              return;
            }
            set(data, k, json_value());
            return;
          }
          std::vector<Value> vl;
          bool eof;
          if (val_list(&vl, &eof)) {
            set(data, k, Value::slice(std::move(vl), GoType::kSliceIface));
            return;
          }
          if (eof) {
            set(data, k, Value::string(""));
            throw Eof{};
          }
          std::string rs;
          char l2;
          bool more = runes_until(",", &rs, &l2);
          set(data, k, typed_val(rs));
          if (!more) throw Eof{};
          return;
        }
        case ',':
          set(data, k, Value::string(""));
          throw ParseFail{"key \"" + k + "\" has no value (cannot end with ,)"};
        case '.': {
          if (++level > kMaxNestedNameLevel) {
            throw ParseFail{
                "value name nested level is greater than maximum supported nested level of " +
                std::to_string(kMaxNestedNameLevel)};
          }
          Value inner = Value::map(GoType::kMapIface);
          if (const Value* cur = data.map_obj()->find(k)) {
            if (!is_map(*cur)) {
              throw ParseFail{"unable to parse key: interface conversion: interface {} is " +
                              (cur->kind() == Kind::kNil ? std::string("nil") : cur->type_name()) +
                              ", not map[string]interface {}"};
            }
            inner = *cur;
          }
          bool eof = false;
          try {
            key(inner, level);
          } catch (const Eof&) {
            eof = true;
          }
          if (!eof && inner.size() == 0) throw ParseFail{"key map \"" + k + "\" has no value"};
          if (inner.size() != 0) set(data, k, inner);
          if (eof) throw Eof{};
          return;
        }
      }
    }
  }

  // listItem; *eof is set when the input ended (the list is still returned, as Go does).
  Value list_item(Value list, int64_t i, int level, bool* eof) {
    if (i < 0) throw ParseFail{"negative " + std::to_string(i) + " index not allowed"};
    std::string k;
    char last;
    bool ok = runes_until("[.=", &k, &last);
    if (!k.empty()) throw ParseFail{"unexpected data at end of array index: \"" + k + "\""};
    if (!ok) throw Eof{};
    switch (last) {
      case '=': {
        if (json_) {
          if (empty_val()) return set_index(list, i, Value::nil());
          return set_index(list, i, json_value());
        }
        std::vector<Value> vl;
        bool at_end;
        if (val_list(&vl, &at_end))
          return set_index(list, i, Value::slice(std::move(vl), GoType::kSliceIface));
        if (at_end) return set_index(list, i, Value::string(""));
        std::string rs;
        char l2;
        bool more = runes_until(",", &rs, &l2);
        if (!more) *eof = true;
        return set_index(list, i, typed_val(rs));
      }
      case '[': {
        int64_t next = key_index();
        Value cur = Value::slice({}, GoType::kSliceIface);
        if (static_cast<int64_t>(list.size()) > i) {
          const Value& existed = list.items()[static_cast<size_t>(i)];
          if (existed.kind() != Kind::kNil) {
            if (existed.kind() != Kind::kSlice) {
              throw ParseFail{"unable to parse key: interface conversion: interface {} is " +
                              existed.type_name() + ", not []interface {}"};
            }
            cur = existed;
          }
        }
        Value l2 = list_item(cur, next, level, eof);
        return set_index(list, i, l2);
      }
      case '.': {
        Value inner = Value::map(GoType::kMapIface);
        if (static_cast<int64_t>(list.size()) > i) {
          const Value& e = list.items()[static_cast<size_t>(i)];
          if (is_map(e)) inner = e;
        }
        try {
          key(inner, level);
        } catch (const Eof&) {
          *eof = true;
        }
        return set_index(list, i, inner);
      }
    }
    throw ParseFail{std::string("parse error: unexpected token ") + last};
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  bool st_;
  bool json_;
};

core::Status run(std::string_view line, Value& dest, bool as_string, bool json) {
  if (dest.kind() != Kind::kMap || !dest.map_obj()) return core::Error("values must be a map");
  Parser p(line, as_string, json);
  try {
    p.parse(dest);
  } catch (const ParseFail& f) {
    return core::Error(f.message);
  }
  return {};
}

}  // namespace

core::Status strvals_parse_into(std::string_view line, Value& dest, bool as_string) {
  return run(line, dest, as_string, false);
}

core::Status strvals_parse_json(std::string_view line, Value& dest) {
  return run(line, dest, false, true);
}

}  // namespace oc::helm
