// Sprig's regex functions over RE2 (Go's regexp is RE2 syntax and semantics), with Go's
// iteration rules for FindAll/ReplaceAll/Split and Go's $-expansion in replacements.
#include <re2/re2.h>

#include <memory>

#include "helm/func_util.h"
#include "helm/go_unicode.h"

namespace oc::helm {

namespace {

std::string go_error_text(const RE2& re) {
  const char* code = "invalid regexp";
  switch (re.error_code()) {
    case RE2::ErrorBadEscape:
      code = "invalid escape sequence";
      break;
    case RE2::ErrorBadCharClass:
      code = "invalid character class";
      break;
    case RE2::ErrorBadCharRange:
      code = "invalid character class range";
      break;
    case RE2::ErrorMissingBracket:
      code = "missing closing ]";
      break;
    case RE2::ErrorMissingParen:
      code = "missing closing )";
      break;
    case RE2::ErrorUnexpectedParen:
      code = "unexpected )";
      break;
    case RE2::ErrorTrailingBackslash:
      code = "trailing backslash at end of expression";
      break;
    case RE2::ErrorRepeatArgument:
      code = "missing argument to repetition operator";
      break;
    case RE2::ErrorRepeatSize:
      code = "invalid repeat count";
      break;
    case RE2::ErrorRepeatOp:
      code = "invalid nested repetition operator";
      break;
    case RE2::ErrorBadPerlOp:
      code = "invalid or unsupported Perl syntax";
      break;
    case RE2::ErrorBadUTF8:
      code = "invalid UTF-8";
      break;
    case RE2::ErrorBadNamedCapture:
      code = "invalid named capture";
      break;
    default:
      break;
  }
  return std::string("error parsing regexp: ") + code + ": `" + re.error_arg() + "`";
}

struct Compiled {
  std::unique_ptr<RE2> re;
  std::string error;  // Go's message when compilation failed
};

Compiled compile(std::string_view pattern) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(int64_t(64) << 20);
  Compiled c;
  c.re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), o);
  if (!c.re->ok()) c.error = go_error_text(*c.re);
  return c;
}

// regexp.MustCompile: panics with Go's text.
const RE2& must(const Compiled& c, std::string_view pattern) {
  if (!c.error.empty()) {
    std::string q =
        go_can_backquote(pattern) ? "`" + std::string(pattern) + "`" : go_quote(pattern);
    func_fail("regexp: Compile(" + q + "): " + c.error);
  }
  return *c.re;
}

// One match at or after pos: [start, end) plus groups; false when none.
bool match_at(const RE2& re, std::string_view s, size_t pos,
              std::vector<re2::StringPiece>* groups) {
  int n = re.NumberOfCapturingGroups() + 1;
  groups->assign(static_cast<size_t>(n), re2::StringPiece());
  return re.Match(re2::StringPiece(s.data(), s.size()), pos, s.size(), RE2::UNANCHORED,
                  groups->data(), n);
}

size_t off(std::string_view s, const re2::StringPiece& p) {
  return static_cast<size_t>(p.data() - s.data());
}

// Go's allMatches: non-overlapping matches, an empty match right after a match skipped.
std::vector<std::pair<size_t, size_t>> all_matches(const RE2& re, std::string_view s, int64_t n) {
  std::vector<std::pair<size_t, size_t>> out;
  if (n < 0) n = static_cast<int64_t>(s.size()) + 1;
  std::vector<re2::StringPiece> g;
  size_t pos = 0;
  int64_t i = 0;
  long prev_end = -1;
  while (i < n && pos <= s.size()) {
    if (!match_at(re, s, pos, &g)) break;
    size_t a = off(s, g[0]), b = a + g[0].size();
    bool accept = true;
    if (b == pos) {
      if (static_cast<long>(a) == prev_end) accept = false;
      size_t w;
      decode_rune(s, pos, &w);
      pos += w > 0 ? w : 1;
    } else {
      pos = b;
    }
    prev_end = static_cast<long>(b);
    if (accept) {
      out.emplace_back(a, b);
      ++i;
    }
  }
  return out;
}

// Regexp.Expand's template syntax: $1, $name, ${name}, $$.
void expand(std::string& out, std::string_view tmpl, const RE2& re, std::string_view s,
            const std::vector<re2::StringPiece>& g) {
  const auto& names = re.NamedCapturingGroups();
  auto group = [&](std::string_view name) -> std::string_view {
    bool digits = !name.empty();
    for (char c : name) digits = digits && c >= '0' && c <= '9';
    if (digits) {
      size_t k = 0;
      for (char c : name) {
        k = k * 10 + static_cast<size_t>(c - '0');
        if (k > g.size()) return {};
      }
      if (k < g.size() && g[k].data()) return std::string_view(g[k].data(), g[k].size());
      return {};
    }
    auto it = names.find(std::string(name));
    if (it != names.end() && static_cast<size_t>(it->second) < g.size() && g[it->second].data()) {
      return std::string_view(g[it->second].data(), g[it->second].size());
    }
    return {};
  };
  (void)s;
  size_t i = 0;
  while (i < tmpl.size()) {
    size_t d = tmpl.find('$', i);
    if (d == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, d - i));
    i = d + 1;
    if (i < tmpl.size() && tmpl[i] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    // extract(): name in braces or the longest run of word characters.
    std::string_view name;
    bool brace = i < tmpl.size() && tmpl[i] == '{';
    size_t j = brace ? i + 1 : i;
    size_t k = j;
    while (k < tmpl.size()) {
      size_t w;
      uint32_t r = decode_rune(tmpl, k, &w);
      if (!(r == '_' || go_is_letter(r) || go_is_digit(r))) break;
      k += w;
    }
    if (k == j || (brace && (k >= tmpl.size() || tmpl[k] != '}'))) {
      // Malformed: the '$' is copied as is.
      out.push_back('$');
      continue;
    }
    name = tmpl.substr(j, k - j);
    i = brace ? k + 1 : k;
    out.append(group(name));
  }
}

std::string replace_all(const RE2& re, std::string_view src, std::string_view repl, bool literal) {
  std::string buf;
  size_t last_end = 0, search = 0;
  std::vector<re2::StringPiece> g;
  while (search <= src.size()) {
    if (!match_at(re, src, search, &g)) break;
    size_t a0 = off(src, g[0]), a1 = a0 + g[0].size();
    buf.append(src.substr(last_end, a0 - last_end));
    if (a1 > last_end || a0 == 0) {
      if (literal) {
        buf.append(repl);
      } else {
        expand(buf, repl, re, src, g);
      }
    }
    last_end = a1;
    size_t w = 0;
    if (search < src.size()) decode_rune(src, search, &w);
    if (search + w > a1) {
      search += w;
    } else if (search + 1 > a1) {
      ++search;
    } else {
      search = a1;
    }
  }
  buf.append(src.substr(last_end));
  return buf;
}

Value strings_of(std::string_view s, const std::vector<std::pair<size_t, size_t>>& ms) {
  std::vector<std::string> out;
  for (auto [a, b] : ms) out.emplace_back(s.substr(a, b - a));
  if (out.empty()) return Value::nil_slice(GoType::kSliceString);
  return string_slice(out);
}

Value f_regex_match(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  if (!c.error.empty()) return Value::boolean(false);
  return Value::boolean(
      RE2::PartialMatch(re2::StringPiece(a[1].str().data(), a[1].str().size()), *c.re));
}
Value f_must_regex_match(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  if (!c.error.empty()) func_fail(c.error);
  return Value::boolean(
      RE2::PartialMatch(re2::StringPiece(a[1].str().data(), a[1].str().size()), *c.re));
}
Value f_regex_find_all(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  const RE2& re = must(c, a[0].str());
  return strings_of(a[1].str(), all_matches(re, a[1].str(), a[2].as_int()));
}
Value f_must_regex_find_all(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  if (!c.error.empty()) func_fail(c.error);
  return strings_of(a[1].str(), all_matches(*c.re, a[1].str(), a[2].as_int()));
}
Value find_one(const RE2& re, std::string_view s) {
  std::vector<re2::StringPiece> g;
  if (!match_at(re, s, 0, &g)) return Value::string("");
  return Value::string(std::string_view(g[0].data(), g[0].size()));
}
Value f_regex_find(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  return find_one(must(c, a[0].str()), a[1].str());
}
Value f_must_regex_find(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  if (!c.error.empty()) func_fail(c.error);
  return find_one(*c.re, a[1].str());
}
Value f_regex_replace_all(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  return str_value(replace_all(must(c, a[0].str()), a[1].str(), a[2].str(), false));
}
Value f_must_regex_replace_all(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  if (!c.error.empty()) func_fail(c.error);
  return str_value(replace_all(*c.re, a[1].str(), a[2].str(), false));
}
Value f_regex_replace_all_literal(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  return str_value(replace_all(must(c, a[0].str()), a[1].str(), a[2].str(), true));
}
Value f_must_regex_replace_all_literal(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  if (!c.error.empty()) func_fail(c.error);
  return str_value(replace_all(*c.re, a[1].str(), a[2].str(), true));
}
Value split(const RE2& re, std::string_view pattern, std::string_view s, int64_t n) {
  if (n == 0) return Value::nil_slice(GoType::kSliceString);
  if (!pattern.empty() && s.empty()) return string_slice({""});
  auto ms = all_matches(re, s, n);
  std::vector<std::string> out;
  size_t beg = 0, end = 0;
  for (auto [a, b] : ms) {
    if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) break;
    end = a;
    if (b != 0) out.emplace_back(s.substr(beg, end - beg));
    beg = b;
  }
  if (end != s.size()) out.emplace_back(s.substr(beg));
  return string_slice(out);
}
Value f_regex_split(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  return split(must(c, a[0].str()), a[0].str(), a[1].str(), a[2].as_int());
}
Value f_must_regex_split(CallCtx&, Args a) {
  auto c = compile(a[0].str());
  if (!c.error.empty()) func_fail(c.error);
  return split(*c.re, a[0].str(), a[1].str(), a[2].as_int());
}
Value f_regex_quote_meta(CallCtx&, Args a) {
  // regexp.QuoteMeta: backslash before each of \.+*?()|[]{}^$
  std::string out;
  for (char c : a[0].str()) {
    if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out.push_back('\\');
    out.push_back(c);
  }
  return str_value(std::move(out));
}

}  // namespace

void add_sprig_regex_funcs(FuncTable& t) {
  using P = Param;
  def(t, "regexMatch", {P::kString, P::kString}, f_regex_match);
  def(t, "mustRegexMatch", {P::kString, P::kString}, f_must_regex_match);
  def(t, "regexFindAll", {P::kString, P::kString, P::kInt}, f_regex_find_all);
  def(t, "mustRegexFindAll", {P::kString, P::kString, P::kInt}, f_must_regex_find_all);
  def(t, "regexFind", {P::kString, P::kString}, f_regex_find);
  def(t, "mustRegexFind", {P::kString, P::kString}, f_must_regex_find);
  def(t, "regexReplaceAll", {P::kString, P::kString, P::kString}, f_regex_replace_all);
  def(t, "mustRegexReplaceAll", {P::kString, P::kString, P::kString}, f_must_regex_replace_all);
  def(t, "regexReplaceAllLiteral", {P::kString, P::kString, P::kString},
      f_regex_replace_all_literal);
  def(t, "mustRegexReplaceAllLiteral", {P::kString, P::kString, P::kString},
      f_must_regex_replace_all_literal);
  def(t, "regexSplit", {P::kString, P::kString, P::kInt}, f_regex_split);
  def(t, "mustRegexSplit", {P::kString, P::kString, P::kInt}, f_must_regex_split);
  def(t, "regexQuoteMeta", {P::kString}, f_regex_quote_meta);
}

}  // namespace oc::helm
