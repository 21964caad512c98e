#include "helm/toml.h"

#include <cmath>
#include <cstdio>

#include "core/scalar.h"
#include "helm/go_strconv.h"
#include "helm/go_unicode.h"

namespace oc::helm {

namespace {

// --- encoder ---------------------------------------------------------------------------------

bool bare_key(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

void quote_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    size_t w;
    uint32_t r = decode_rune(s, i, &w);
    switch (r) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (r < 0x20 || r == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", r);
          out += buf;
        } else {
          out.append(s.substr(i, w));
        }
    }
    i += w;
  }
  out.push_back('"');
}

std::string key_text(std::string_view k) {
  if (bare_key(k)) return std::string(k);
  std::string out;
  quote_string(out, k);
  return out;
}

bool is_table(const Value& v) {
  return v.kind() == Kind::kMap || v.kind() == Kind::kObject;
}
bool is_array_of_tables(const Value& v) {
  if (v.kind() != Kind::kSlice || v.size() == 0) return false;
  return is_table(v.items()[0]);
}

core::Status write_value(std::string& out, const Value& v, int depth);

// Cycles (`set $d "k" $d`) and exponential sharing end here (BurntSushi's encoder overflows).
core::Status check_bounds(const std::string& out, size_t depth) {
  if (depth > static_cast<size_t>(kMaxValueDepth)) {
    return core::Error("toml: value nested more than " + std::to_string(kMaxValueDepth) +
                       " levels deep (does a map or list contain itself?)");
  }
  if (out.size() > kMaxPrintBytes) {
    return core::Error("toml: encoding exceeds " + std::to_string(kMaxPrintBytes) + " bytes");
  }
  return {};
}

core::Status write_inline_table(std::string& out, const Value& v, int depth) {
  out += "{";
  bool first = true;
  if (const MapObj* m = v.map_obj()) {
    for (const auto& e : m->entries()) {
      if (e.value.is_nil()) continue;
      out += first ? " " : ", ";
      first = false;
      out += key_text(e.key.str()) + " = ";
      if (auto st = write_value(out, e.value, depth + 1); !st.ok()) return st;
    }
  }
  out += first ? "}" : " }";
  return {};
}

core::Status write_value(std::string& out, const Value& v, int depth) {
  if (auto st = check_bounds(out, static_cast<size_t>(depth)); !st.ok()) return st;
  switch (v.kind()) {
    case Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return {};
    case Kind::kInt:
      out += std::to_string(v.as_int());
      return {};
    case Kind::kUint:
      out += std::to_string(v.as_uint());
      return {};
    case Kind::kFloat: {
      double f = v.as_float();
      if (std::isnan(f)) {
        out += "nan";
      } else if (std::isinf(f)) {
        out += f > 0 ? "inf" : "-inf";
      } else {
        std::string s = core::go_format_float(f, 'f', -1);
        if (s.find('.') == std::string::npos) s += ".0";
        out += s;
      }
      return {};
    }
    case Kind::kString:
    case Kind::kBytes:
      quote_string(out, v.str());
      return {};
    case Kind::kSlice: {
      out += "[";
      bool first = true;
      for (const Value& e : v.items()) {
        if (e.is_nil()) return core::Error("toml: cannot encode array with nil element");
        if (!first) out += ", ";
        first = false;
        if (auto st = write_value(out, e, depth + 1); !st.ok()) return st;
      }
      out += "]";
      return {};
    }
    case Kind::kMap:
      return write_inline_table(out, v, depth);
    default:
      return core::Error("toml: cannot encode a value of type " + v.type_name());
  }
}

core::Status write_table(std::string& out, const std::vector<std::string>& key, const Value& v,
                         bool array_entry);

core::Status write_map_body(std::string& out, const std::vector<std::string>& key,
                            const MapObj* m) {
  std::string indent = key.empty() ? "" : std::string(2 * (key.size() - 1), ' ');
  if (!key.empty()) indent = std::string(2 * key.size() - 2, ' ');
  // Direct keys first, then tables and arrays of tables (each group sorted).
  for (const auto& e : m->entries()) {
    if (e.value.is_nil() || is_table(e.value) || is_array_of_tables(e.value)) continue;
    out += indent + key_text(e.key.str()) + " = ";
    if (auto st = write_value(out, e.value, static_cast<int>(key.size()) + 1); !st.ok()) return st;
    out += "\n";
  }
  for (const auto& e : m->entries()) {
    if (e.value.is_nil()) continue;
    if (!is_table(e.value) && !is_array_of_tables(e.value)) continue;
    std::vector<std::string> sub = key;
    sub.emplace_back(e.key.str());
    if (is_table(e.value)) {
      if (auto st = write_table(out, sub, e.value, false); !st.ok()) return st;
    } else {
      for (const Value& item : e.value.items()) {
        if (auto st = write_table(out, sub, item, true); !st.ok()) return st;
      }
    }
  }
  return {};
}

core::Status write_table(std::string& out, const std::vector<std::string>& key, const Value& v,
                         bool array_entry) {
  if (v.kind() != Kind::kMap) return core::Error("toml: unsupported table type " + v.type_name());
  if (auto st = check_bounds(out, key.size()); !st.ok()) return st;
  std::string path;
  for (size_t i = 0; i < key.size(); ++i) {
    if (i) path += ".";
    path += key_text(key[i]);
  }
  out += "\n";
  out += std::string(2 * (key.size() - 1), ' ');
  out += array_entry ? "[[" + path + "]]\n" : "[" + path + "]\n";
  if (const MapObj* m = v.map_obj()) return write_map_body(out, key, m);
  return {};
}

// --- decoder ---------------------------------------------------------------------------------

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  core::Result<Value> parse() {
    Value root = Value::map(GoType::kMapIface);
    Value current = root;
    while (true) {
      skip_ws_comments_newlines();
      if (p_ >= s_.size()) break;
      if (s_[p_] == '[') {
        bool array = p_ + 1 < s_.size() && s_[p_ + 1] == '[';
        p_ += array ? 2 : 1;
        std::vector<std::string> key;
        if (!parse_key(&key)) return err("invalid table header");
        skip_ws();
        if (array) {
          if (s_.substr(p_, 2) != "]]") return err("expected ]]");
          p_ += 2;
        } else {
          if (p_ >= s_.size() || s_[p_] != ']') return err("expected ]");
          ++p_;
        }
        Value t = root;
        for (size_t i = 0; i < key.size(); ++i) {
          MapObj* m = t.map_obj();
          Value* next = m->find(key[i]);
          bool last = i + 1 == key.size();
          if (last && array) {
            Value item = Value::map(GoType::kMapIface);
            if (!next) {
              m->set(key[i], Value::slice({item}, GoType::kSliceIface));
            } else if (next->kind() == Kind::kSlice) {
              std::vector<Value> items = next->items();
              items.push_back(item);
              *next = Value::slice(std::move(items), GoType::kSliceIface);
            } else {
              return err("key " + key[i] + " is not an array of tables");
            }
            t = item;
            break;
          }
          if (!next) {
            m->set(key[i], Value::map(GoType::kMapIface));
            next = m->find(key[i]);
          }
          if (next->kind() == Kind::kSlice && next->size() > 0) {
            t = next->items().back();
          } else if (next->kind() == Kind::kMap) {
            t = *next;
          } else {
            return err("key " + key[i] + " is not a table");
          }
        }
        current = t;
        continue;
      }
      std::vector<std::string> key;
      if (!parse_key(&key)) return err("expected a key");
      skip_ws();
      if (p_ >= s_.size() || s_[p_] != '=') return err("expected = after key");
      ++p_;
      skip_ws();
      auto v = parse_value();
      if (!v.ok()) return v.error();
      Value t = current;
      for (size_t i = 0; i + 1 < key.size(); ++i) {
        Value* next = t.map_obj()->find(key[i]);
        if (!next) {
          t.map_obj()->set(key[i], Value::map(GoType::kMapIface));
          next = t.map_obj()->find(key[i]);
        }
        if (next->kind() != Kind::kMap) return err("key " + key[i] + " is not a table");
        t = *next;
      }
      if (t.map_obj()->find(key.back())) return err("key " + key.back() + " is already defined");
      t.map_obj()->set(key.back(), std::move(*v));
      skip_ws();
      if (p_ < s_.size() && s_[p_] == '#') skip_comment();
      if (p_ < s_.size() && s_[p_] != '\n' && s_[p_] != '\r')
        return err("expected newline after value");
    }
    return root;
  }

 private:
  core::Error err(const std::string& msg) const {
    size_t line = 1;
    for (size_t i = 0; i < p_ && i < s_.size(); ++i) line += s_[i] == '\n';
    return core::Error("toml: line " + std::to_string(line) + ": " + msg);
  }
  void skip_ws() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\t')) ++p_;
  }
  void skip_comment() {
    while (p_ < s_.size() && s_[p_] != '\n') ++p_;
  }
  void skip_ws_comments_newlines() {
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++p_;
      } else if (c == '#') {
        skip_comment();
      } else {
        break;
      }
    }
  }
  bool parse_key(std::vector<std::string>* key) {
    for (;;) {
      skip_ws();
      if (p_ >= s_.size()) return false;
      if (s_[p_] == '"' || s_[p_] == '\'') {
        auto v = parse_string();
        if (!v.ok()) return false;
        key->emplace_back(v->str());
      } else {
        size_t start = p_;
        while (p_ < s_.size() && bare_key(s_.substr(p_, 1))) ++p_;
        if (p_ == start) return false;
        key->emplace_back(s_.substr(start, p_ - start));
      }
      skip_ws();
      if (p_ < s_.size() && s_[p_] == '.') {
        ++p_;
        continue;
      }
      return true;
    }
  }
  core::Result<Value> parse_string() {
    char q = s_[p_];
    bool multi = s_.substr(p_, 3) == std::string(3, q);
    p_ += multi ? 3 : 1;
    if (multi && p_ < s_.size() && s_[p_] == '\n') ++p_;
    std::string out;
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (multi ? s_.substr(p_, 3) == std::string(3, q) : c == q) {
        p_ += multi ? 3 : 1;
        return Value::string(out);
      }
      if (!multi && c == '\n') break;
      if (q == '"' && c == '\\') {
        ++p_;
        if (p_ >= s_.size()) break;
        char e = s_[p_++];
        switch (e) {
          case 'b':
            out += '\b';
            break;
          case 't':
            out += '\t';
            break;
          case 'n':
            out += '\n';
            break;
          case 'f':
            out += '\f';
            break;
          case 'r':
            out += '\r';
            break;
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case 'u':
          case 'U': {
            size_t n = e == 'u' ? 4 : 8;
            auto v = go_parse_uint(s_.substr(p_, n), 16);
            if (!v || p_ + n > s_.size()) return err("invalid escape");
            append_rune(out, static_cast<uint32_t>(*v));
            p_ += n;
            break;
          }
          case '\n':
            if (multi) {
              while (p_ < s_.size() &&
                     (s_[p_] == ' ' || s_[p_] == '\t' || s_[p_] == '\n' || s_[p_] == '\r'))
                ++p_;
              break;
            }
            return err("invalid escape");
          default:
            return err(std::string("invalid escape \\") + e);
        }
        continue;
      }
      out.push_back(c);
      ++p_;
    }
    return err("unterminated string");
  }
  core::Result<Value> parse_value() {
    if (p_ >= s_.size()) return err("expected a value");
    char c = s_[p_];
    if (c == '"' || c == '\'') return parse_string();
    if (c == '[') {
      ++p_;
      std::vector<Value> items;
      for (;;) {
        skip_ws_comments_newlines();
        if (p_ < s_.size() && s_[p_] == ']') {
          ++p_;
          break;
        }
        auto v = parse_value();
        if (!v.ok()) return v.error();
        items.push_back(std::move(*v));
        skip_ws_comments_newlines();
        if (p_ < s_.size() && s_[p_] == ',') {
          ++p_;
          continue;
        }
        skip_ws_comments_newlines();
        if (p_ < s_.size() && s_[p_] == ']') {
          ++p_;
          break;
        }
        return err("expected , or ] in array");
      }
      return Value::slice(std::move(items), GoType::kSliceIface);
    }
    if (c == '{') {
      ++p_;
      Value m = Value::map(GoType::kMapIface);
      skip_ws();
      if (p_ < s_.size() && s_[p_] == '}') {
        ++p_;
        return m;
      }
      for (;;) {
        std::vector<std::string> key;
        if (!parse_key(&key)) return err("expected a key in inline table");
        skip_ws();
        if (p_ >= s_.size() || s_[p_] != '=') return err("expected =");
        ++p_;
        skip_ws();
        auto v = parse_value();
        if (!v.ok()) return v.error();
        Value t = m;
        for (size_t i = 0; i + 1 < key.size(); ++i) {
          Value* next = t.map_obj()->find(key[i]);
          if (!next) {
            t.map_obj()->set(key[i], Value::map(GoType::kMapIface));
            next = t.map_obj()->find(key[i]);
          }
          t = *next;
        }
        t.map_obj()->set(key.back(), std::move(*v));
        skip_ws();
        if (p_ < s_.size() && s_[p_] == ',') {
          ++p_;
          skip_ws();
          continue;
        }
        if (p_ < s_.size() && s_[p_] == '}') {
          ++p_;
          return m;
        }
        return err("expected , or } in inline table");
      }
    }
    size_t start = p_;
    while (p_ < s_.size() && s_[p_] != ',' && s_[p_] != ']' && s_[p_] != '}' && s_[p_] != '\n' &&
           s_[p_] != '\r' && s_[p_] != '#') {
      ++p_;
    }
    std::string_view tok = s_.substr(start, p_ - start);
    while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\t')) tok.remove_suffix(1);
    if (tok == "true") return Value::boolean(true);
    if (tok == "false") return Value::boolean(false);
    if (tok == "inf" || tok == "+inf") return Value::floating(HUGE_VAL);
    if (tok == "-inf") return Value::floating(-HUGE_VAL);
    if (tok == "nan" || tok == "+nan" || tok == "-nan") return Value::floating(std::nan(""));
    bool has_us = tok.find('_') != std::string_view::npos;
    std::string clean;
    for (char ch : tok) {
      if (ch != '_') clean.push_back(ch);
    }
    if (clean.find_first_of(".eE") == std::string::npos || clean.substr(0, 2) == "0x") {
      if (auto i = go_parse_int(clean, 0);
          i && !(clean.size() > 1 && clean[0] == '0' &&
                 std::isdigit(static_cast<unsigned char>(clean[1])))) {
        return Value::integer(*i, GoType::kInt64);
      }
    }
    if (auto f = go_parse_float(clean)) return Value::floating(*f);
    (void)has_us;
    // Dates and times stay strings.
    if (!tok.empty() && std::isdigit(static_cast<unsigned char>(tok[0]))) return Value::string(tok);
    return err("invalid value: " + std::string(tok));
  }

  std::string_view s_;
  size_t p_ = 0;
};

}  // namespace

core::Result<std::string> value_to_toml(const Value& v) {
  if (v.kind() != Kind::kMap) {
    return core::Error("toml: top-level values must be Go maps or structs");
  }
  std::string out;
  if (const MapObj* m = v.map_obj()) {
    if (auto st = write_map_body(out, {}, m); !st.ok()) return st.error();
  }
  return out;
}

core::Result<Value> toml_to_value(std::string_view text) {
  return Parser(text).parse();
}

}  // namespace oc::helm
