#include "kube/selector.h"

#include <algorithm>
#include <charconv>

namespace oc::kube {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A tiny lexer over the selector text (labels/lexer in apimachinery).
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}
  void skip_ws() {
    while (p_ < s_.size() && is_space(s_[p_])) ++p_;
  }
  bool done() {
    skip_ws();
    return p_ >= s_.size();
  }
  char peek() {
    skip_ws();
    return p_ < s_.size() ? s_[p_] : '\0';
  }
  bool eat(std::string_view tok) {
    skip_ws();
    if (s_.substr(p_, tok.size()) == tok) {
      p_ += tok.size();
      return true;
    }
    return false;
  }
  // An identifier: anything up to whitespace or a special character.
  std::string ident() {
    skip_ws();
    size_t b = p_;
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (is_space(c) || c == ',' || c == '=' || c == '!' || c == '(' || c == ')' || c == '<' ||
          c == '>') {
        break;
      }
      ++p_;
    }
    return std::string(s_.substr(b, p_ - b));
  }
  bool at_word(std::string_view w) {
    skip_ws();
    if (s_.substr(p_, w.size()) != w) return false;
    size_t e = p_ + w.size();
    return e >= s_.size() || is_space(s_[e]) || s_[e] == '(';
  }
  void advance(size_t n) { p_ += n; }

 private:
  std::string_view s_;
  size_t p_ = 0;
};

core::Error parse_error(std::string_view text, const std::string& why) {
  return core::Error("unable to parse requirement: " + why + " (selector \"" + std::string(text) +
                     "\")");
}

}  // namespace

core::Result<LabelSelector> LabelSelector::parse(std::string_view text) {
  LabelSelector sel;
  Lexer lx(text);
  if (lx.done()) return sel;
  for (;;) {
    Requirement r;
    if (lx.eat("!")) {
      r.key = lx.ident();
      if (r.key.empty()) return parse_error(text, "missing key after '!'");
      r.op = Requirement::Op::kDoesNotExist;
    } else {
      r.key = lx.ident();
      if (r.key.empty()) return parse_error(text, "found '" + std::string(1, lx.peek()) + "', expected: identifier");
      if (lx.eat("==") || lx.eat("=")) {
        r.op = Requirement::Op::kEquals;
        r.values.push_back(lx.ident());
      } else if (lx.eat("!=")) {
        r.op = Requirement::Op::kNotEquals;
        r.values.push_back(lx.ident());
      } else if (lx.eat(">")) {
        r.op = Requirement::Op::kGreaterThan;
        r.values.push_back(lx.ident());
      } else if (lx.eat("<")) {
        r.op = Requirement::Op::kLessThan;
        r.values.push_back(lx.ident());
      } else if (lx.at_word("in") || lx.at_word("notin")) {
        bool in = lx.at_word("in");
        lx.advance(in ? 2 : 5);
        r.op = in ? Requirement::Op::kIn : Requirement::Op::kNotIn;
        if (!lx.eat("(")) return parse_error(text, "found '" + std::string(1, lx.peek()) + "', expected: '('");
        if (!lx.eat(")")) {
          for (;;) {
            r.values.push_back(lx.ident());
            if (lx.eat(")")) break;
            if (!lx.eat(",")) return parse_error(text, "found '" + std::string(1, lx.peek()) + "', expected: ',' or ')'");
          }
        }
      } else {
        r.op = Requirement::Op::kExists;
      }
      if ((r.op == Requirement::Op::kGreaterThan || r.op == Requirement::Op::kLessThan)) {
        long long v;
        const std::string& s = r.values[0];
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || p != s.data() + s.size()) {
          return parse_error(text, "for 'Gt', 'Lt' operators, the value must be an integer");
        }
      }
    }
    sel.requirements_.push_back(std::move(r));
    if (lx.done()) break;
    if (!lx.eat(",")) return parse_error(text, "found '" + std::string(1, lx.peek()) + "', expected: ',' or 'end of string'");
  }
  return sel;
}

namespace {
const std::string* lookup(const Labels& labels, const std::string& key) {
  for (const auto& [k, v] : labels) {
    if (k == key) return &v;
  }
  return nullptr;
}
}  // namespace

bool LabelSelector::matches(const Labels& labels) const {
  for (const auto& r : requirements_) {
    const std::string* v = lookup(labels, r.key);
    switch (r.op) {
      case Requirement::Op::kEquals:
        if (!v || *v != r.values[0]) return false;
        break;
      case Requirement::Op::kNotEquals:
        if (v && *v == r.values[0]) return false;
        break;
      case Requirement::Op::kIn:
        if (!v || std::find(r.values.begin(), r.values.end(), *v) == r.values.end()) return false;
        break;
      case Requirement::Op::kNotIn:
        if (v && std::find(r.values.begin(), r.values.end(), *v) != r.values.end()) return false;
        break;
      case Requirement::Op::kExists:
        if (!v) return false;
        break;
      case Requirement::Op::kDoesNotExist:
        if (v) return false;
        break;
      case Requirement::Op::kGreaterThan:
      case Requirement::Op::kLessThan: {
        if (!v) return false;
        long long have, want;
        auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), have);
        if (ec != std::errc() || p != v->data() + v->size()) return false;
        std::from_chars(r.values[0].data(), r.values[0].data() + r.values[0].size(), want);
        if (r.op == Requirement::Op::kGreaterThan ? !(have > want) : !(have < want)) return false;
        break;
      }
    }
  }
  return true;
}

core::Result<FieldSelector> FieldSelector::parse(std::string_view text) {
  FieldSelector sel;
  // Terms are split on unescaped commas; values may escape '\', ',' and '=' with '\'.
  size_t i = 0;
  auto trim = [](std::string s) {
    while (!s.empty() && is_space(s.back())) s.pop_back();
    size_t b = 0;
    while (b < s.size() && is_space(s[b])) ++b;
    return s.substr(b);
  };
  while (i <= text.size()) {
    std::string term;
    bool escaped = false;
    for (; i < text.size(); ++i) {
      char c = text[i];
      if (escaped) {
        term.push_back('\\');
        term.push_back(c);
        escaped = false;
        continue;
      }
      if (c == '\\') {
        escaped = true;
        continue;
      }
      if (c == ',') break;
      term.push_back(c);
    }
    ++i;
    term = trim(term);
    if (term.empty()) {
      if (i > text.size()) break;
      continue;
    }
    Requirement r;
    size_t op_at = std::string::npos;
    size_t op_len = 0;
    for (size_t k = 0; k < term.size(); ++k) {
      if (term[k] == '\\') {
        ++k;
        continue;
      }
      if (term.compare(k, 2, "!=") == 0) {
        op_at = k;
        op_len = 2;
        r.op = Requirement::Op::kNotEquals;
        break;
      }
      if (term.compare(k, 2, "==") == 0) {
        op_at = k;
        op_len = 2;
        r.op = Requirement::Op::kEquals;
        break;
      }
      if (term[k] == '=') {
        op_at = k;
        op_len = 1;
        r.op = Requirement::Op::kEquals;
        break;
      }
    }
    if (op_at == std::string::npos) {
      return core::Error("invalid selector: '" + std::string(text) + "'; can't understand '" + term + "'");
    }
    r.key = trim(term.substr(0, op_at));
    std::string raw = trim(term.substr(op_at + op_len));
    std::string value;
    for (size_t k = 0; k < raw.size(); ++k) {
      if (raw[k] == '\\' && k + 1 < raw.size()) ++k;
      value.push_back(raw[k]);
    }
    r.values.push_back(std::move(value));
    sel.requirements_.push_back(std::move(r));
    if (i > text.size()) break;
  }
  return sel;
}

bool FieldSelector::matches(const Labels& fields) const {
  return matches([&](std::string_view key) -> std::string_view {
    for (const auto& [k, v] : fields) {
      if (k == key) return v;
    }
    return {};
  });
}

bool FieldSelector::matches(const std::function<std::string_view(std::string_view)>& get) const {
  for (const auto& r : requirements_) {
    std::string_view have = get(r.key);
    if (r.op == Requirement::Op::kEquals ? have != r.values[0] : have == r.values[0]) return false;
  }
  return true;
}

}  // namespace oc::kube
