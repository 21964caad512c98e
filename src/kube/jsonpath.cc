#include "kube/jsonpath.h"

#include <cstdlib>

#include "core/json.h"

namespace oc::kube {

namespace {

using Nodes = std::vector<const core::Node*>;

struct Parser {
  std::string_view s;
  size_t p = 0;
  std::string error;

  bool eat(char c) {
    if (p < s.size() && s[p] == c) {
      ++p;
      return true;
    }
    return false;
  }

  std::string ident() {
    size_t b = p;
    while (p < s.size() && s[p] != '.' && s[p] != '[') ++p;
    return std::string(s.substr(b, p - b));
  }

  std::string quoted() {
    char q = s[p++];
    std::string out;
    while (p < s.size() && s[p] != q) {
      if (s[p] == '\\' && p + 1 < s.size()) ++p;
      out.push_back(s[p++]);
    }
    ++p;
    return out;
  }

  static Nodes child(const Nodes& in, const std::string& key) {
    Nodes out;
    for (const auto* n : in) {
      if (n->is_mapping()) {
        if (const auto* v = n->find(key)) out.push_back(v);
      }
    }
    return out;
  }

  // Evaluates a filter `?(@.a.b == "x")` against one item.
  bool filter_matches(const core::Node& item, const std::string& expr) {
    size_t op = expr.find("==");
    bool neq = false;
    if (op == std::string::npos) {
      op = expr.find("!=");
      neq = op != std::string::npos;
    }
    std::string lhs = expr.substr(0, op == std::string::npos ? expr.size() : op);
    while (!lhs.empty() && lhs.back() == ' ') lhs.pop_back();
    if (lhs.rfind("@", 0) != 0) return false;
    auto sel = jsonpath(item, lhs.substr(1));
    if (!sel.ok() || sel->empty()) return op == std::string::npos ? false : neq;
    if (op == std::string::npos) return true;  // existence
    std::string rhs = expr.substr(op + 2);
    size_t b = rhs.find_first_not_of(' ');
    rhs = b == std::string::npos ? "" : rhs.substr(b);
    while (!rhs.empty() && rhs.back() == ' ') rhs.pop_back();
    if (rhs.size() >= 2 && (rhs[0] == '"' || rhs[0] == '\'')) rhs = rhs.substr(1, rhs.size() - 2);
    const core::Node* v = sel->front();
    std::string have = v->is_scalar() ? v->text() : "";
    return neq ? have != rhs : have == rhs;
  }

  Nodes run(const core::Node& root) {
    Nodes cur = {&root};
    if (!s.empty() && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
    if (eat('$')) {
    }
    while (p < s.size() && error.empty()) {
      if (eat('.')) {
        if (p < s.size() && s[p] == '[') continue;
        std::string key = ident();
        if (key == "*") {
          Nodes out;
          for (const auto* n : cur) {
            for (const auto& e : n->entries()) out.push_back(&e.value);
            for (const auto& i : n->items()) out.push_back(&i);
          }
          cur = out;
        } else if (!key.empty()) {
          cur = child(cur, key);
        }
      } else if (eat('[')) {
        if (p < s.size() && (s[p] == '\'' || s[p] == '"')) {
          std::string key = quoted();
          if (!eat(']')) error = "expected ]";
          cur = child(cur, key);
        } else if (eat('?')) {
          size_t depth = 0, b = p;
          while (p < s.size()) {
            if (s[p] == '(') ++depth;
            if (s[p] == ')' && --depth == 0) break;
            ++p;
          }
          std::string expr(s.substr(b + 1, p - b - 1));
          ++p;
          if (!eat(']')) error = "expected ] after filter";
          Nodes out;
          for (const auto* n : cur) {
            for (const auto& i : n->items()) {
              if (filter_matches(i, expr)) out.push_back(&i);
            }
          }
          cur = out;
        } else {
          size_t close = s.find(']', p);
          if (close == std::string_view::npos) {
            error = "missing ]";
            break;
          }
          std::string idx(s.substr(p, close - p));
          p = close + 1;
          Nodes out;
          for (const auto* n : cur) {
            if (!n->is_sequence()) continue;
            if (idx == "*") {
              for (const auto& i : n->items()) out.push_back(&i);
              continue;
            }
            long i = std::strtol(idx.c_str(), nullptr, 10);
            long size = long(n->items().size());
            if (i < 0) i += size;
            if (i >= 0 && i < size) out.push_back(&n->items()[size_t(i)]);
          }
          cur = out;
        }
      } else {
        error = "unexpected character '" + std::string(1, s[p]) + "'";
      }
    }
    return cur;
  }
};

}  // namespace

core::Result<std::vector<const core::Node*>> jsonpath(const core::Node& root, std::string_view path) {
  Parser parser{path, 0, {}};
  Nodes out = parser.run(root);
  if (!parser.error.empty()) {
    return core::Error("invalid JSONPath \"" + std::string(path) + "\": " + parser.error);
  }
  return out;
}

std::string jsonpath_text(const core::Node& root, std::string_view path) {
  auto r = jsonpath(root, path);
  if (!r.ok() || r->empty()) return "";
  const core::Node* v = r->front();
  if (v->is_scalar()) return v->is_null() ? "" : v->text();
  return core::write_json(*v).value_or("");
}

}  // namespace oc::kube
