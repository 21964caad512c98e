#include "core/scalar.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace oc::core {

namespace {

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";

// --- Go timestamps ---------------------------------------------------------------------------

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Go's getnum(s, fixed=false): one or two digits.
bool get_num12(std::string_view& s, int& out) {
  if (s.empty() || !is_digit(s[0])) return false;
  if (s.size() >= 2 && is_digit(s[1])) {
    out = (s[0] - '0') * 10 + (s[1] - '0');
    s.remove_prefix(2);
  } else {
    out = s[0] - '0';
    s.remove_prefix(1);
  }
  return true;
}

int days_in(int month, int year) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

// go-yaml's parseTimestamp: time.Parse with the layouts
//   2006-1-2T15:4:5.999999999Z07:00 (also with 't'), 2006-1-2 15:4:5.999999999, 2006-1-2.
// Returns the value formatted as time.RFC3339Nano, which is how encoding/json writes it.
std::optional<std::string> parse_timestamp(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i != 4 || i == s.size() || s[i] != '-') return std::nullopt;
  int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
  std::string_view r = s.substr(5);
  int month = 0, day = 0;
  if (!get_num12(r, month) || r.empty() || r[0] != '-') return std::nullopt;
  r.remove_prefix(1);
  if (!get_num12(r, day)) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > days_in(month, year)) return std::nullopt;
  int hour = 0, minute = 0, second = 0, offset_min = 0;
  std::string frac;
  if (!r.empty()) {
    char sep = r[0];
    bool with_zone = sep == 'T' || sep == 't';
    if (!with_zone && sep != ' ') return std::nullopt;
    r.remove_prefix(1);
    if (!get_num12(r, hour) || r.empty() || r[0] != ':') return std::nullopt;
    r.remove_prefix(1);
    if (!get_num12(r, minute) || r.empty() || r[0] != ':') return std::nullopt;
    r.remove_prefix(1);
    if (!get_num12(r, second)) return std::nullopt;
    if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
    if (r.size() >= 2 && (r[0] == '.' || r[0] == ',') && is_digit(r[1])) {
      size_t n = 1;
      while (n < r.size() && is_digit(r[n])) ++n;
      frac = std::string(r.substr(1, std::min<size_t>(n - 1, 9)));
      r.remove_prefix(n);
    }
    if (with_zone) {
      if (r == "Z") {
        r = {};
      } else if (r.size() == 6 && (r[0] == '+' || r[0] == '-') && r[3] == ':' && is_digit(r[1]) &&
                 is_digit(r[2]) && is_digit(r[4]) && is_digit(r[5])) {
        int hh = (r[1] - '0') * 10 + (r[2] - '0');
        int mm = (r[4] - '0') * 10 + (r[5] - '0');
        if (hh > 24 || mm > 59) return std::nullopt;
        offset_min = (hh * 60 + mm) * (r[0] == '-' ? -1 : 1);
        r = {};
      } else {
        return std::nullopt;
      }
    }
    if (!r.empty()) return std::nullopt;
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour,
                        minute, second);
  std::string out(buf, n);
  if (!frac.empty()) out += "." + frac;
  if (offset_min == 0) {
    out += "Z";
  } else {
    int a = std::abs(offset_min);
    n = std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60, a % 60);
    out.append(buf, n);
  }
  return out;
}

// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$  (go-yaml's yamlStyleFloat)
bool yaml_style_float(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d) return false;
  } else {
    size_t d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t d = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == d) return false;
  }
  return i == s.size();
}

// ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$  (go-yaml's base60float)
bool is_base60_float(std::string_view s) {
  if (s.empty()) return false;
  char c = s[0];
  if (!(c == '+' || c == '-' || is_digit(c)) || s.find(':') == std::string_view::npos) {
    return false;
  }
  size_t i = 0;
  if (s[i] == '+' || s[i] == '-') ++i;
  if (i >= s.size() || !is_digit(s[i])) return false;
  ++i;
  while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
  int groups = 0;
  while (i < s.size() && s[i] == ':') {
    ++i;
    // [0-5]?[0-9]
    if (i + 1 < s.size() && s[i] >= '0' && s[i] <= '5' && is_digit(s[i + 1])) {
      i += 2;
    } else if (i < s.size() && is_digit(s[i])) {
      ++i;
    } else {
      return false;
    }
    ++groups;
  }
  if (groups == 0) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) ++i;
  }
  return i == s.size();
}

bool is_old_bool(std::string_view s) {
  static const char* const kWords[] = {"y",  "Y",  "yes", "Yes", "YES", "on",  "On",
                                       "ON", "n",  "N",   "no",  "No",  "NO",  "off",
                                       "Off", "OFF"};
  for (const char* w : kWords) {
    if (s == w) return true;
  }
  return false;
}

std::optional<uint64_t> parse_uint_base(std::string_view s, int base) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<int64_t> parse_int_base(std::string_view s, int base) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  auto u = parse_uint_base(s, base);
  if (!u) return std::nullopt;
  if (neg) {
    if (*u > uint64_t(std::numeric_limits<int64_t>::max()) + 1) return std::nullopt;
    return int64_t(0 - *u);
  }
  if (*u > uint64_t(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return int64_t(*u);
}

// Splits Go's base prefix for ParseInt(s, 0, 64): returns the base and strips the prefix.
int go_base_prefix(std::string_view& digits) {
  if (digits.size() >= 2 && digits[0] == '0') {
    char c = digits[1];
    if (c == 'x' || c == 'X') {
      digits.remove_prefix(2);
      return 16;
    }
    if (c == 'o' || c == 'O') {
      digits.remove_prefix(2);
      return 8;
    }
    if (c == 'b' || c == 'B') {
      digits.remove_prefix(2);
      return 2;
    }
    digits.remove_prefix(1);
    return 8;
  }
  return 10;
}

// go-yaml's resolve() for an untagged plain scalar. Strings come back with an empty `s` (the
// caller has the text); timestamps with their canonical RFC 3339 form whatever the schema.
Scalar resolve_plain_impl(std::string_view in, Schema schema) {
  using T = Scalar::Type;
  Scalar r;
  r.type = T::kString;
  char hint = 'N';
  if (!in.empty()) {
    unsigned char c = in[0];
    if (c == '+' || c == '-') {
      hint = 'S';
    } else if (is_digit(c)) {
      hint = 'D';
    } else if (std::strchr("yYnNtTfFoO~", c) && c != 0) {
      hint = 'M';
    } else if (c == '.') {
      hint = '.';
    } else {
      hint = 0;
    }
  }
  if (hint == 0) return r;

  // Map lookups shared by both versions.
  if (in.empty() || in == "~" || in == "null" || in == "Null" || in == "NULL") {
    r.type = T::kNull;
    return r;
  }
  if (in == "true" || in == "True" || in == "TRUE") {
    r.type = T::kBool;
    r.b = true;
    return r;
  }
  if (in == "false" || in == "False" || in == "FALSE") {
    r.type = T::kBool;
    return r;
  }
  if (schema == Schema::kYaml11) {
    if (in == "y" || in == "Y" || in == "yes" || in == "Yes" || in == "YES" || in == "on" ||
        in == "On" || in == "ON") {
      r.type = T::kBool;
      r.b = true;
      return r;
    }
    if (in == "n" || in == "N" || in == "no" || in == "No" || in == "NO" || in == "off" ||
        in == "Off" || in == "OFF") {
      r.type = T::kBool;
      return r;
    }
  }
  if (in == ".nan" || in == ".NaN" || in == ".NAN") {
    r.type = T::kFloat;
    r.f = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  if (in == ".inf" || in == ".Inf" || in == ".INF" || in == "+.inf" || in == "+.Inf" ||
      in == "+.INF") {
    r.type = T::kFloat;
    r.f = std::numeric_limits<double>::infinity();
    return r;
  }
  if (in == "-.inf" || in == "-.Inf" || in == "-.INF") {
    r.type = T::kFloat;
    r.f = -std::numeric_limits<double>::infinity();
    return r;
  }
  switch (hint) {
    case 'M':
      return r;
    case '.':
      if (auto f = go_parse_float(in)) {
        r.type = T::kFloat;
        r.f = *f;
      }
      return r;
    default:
      break;
  }

  // 'D' or 'S': timestamp, int, uint, float, 0b…, and (v3) 0o…. None of them has other
  // characters than these, so "100m", "128Mi" or "2-alpha" are strings without trying each.
  static constexpr auto kNumberOrTime = [] {
    std::array<bool, 256> t{};
    for (unsigned char c : std::string_view("0123456789abcdefABCDEFxXoOtTzZ+-._: \t")) t[c] = true;
    return t;
  }();
  for (unsigned char c : in) {
    if (!kNumberOrTime[c]) return r;
  }
  if (auto ts = parse_timestamp(in)) {
    r.type = T::kTimestamp;
    r.s = std::move(*ts);
    return r;
  }
  std::string plain;
  plain.reserve(in.size());
  for (char c : in) {
    if (c != '_') plain.push_back(c);
  }
  if (auto i = go_parse_int(plain)) {
    r.type = T::kInt;
    r.i = *i;
    return r;
  }
  if (auto u = go_parse_uint(plain)) {
    r.type = T::kUint;
    r.u = *u;
    return r;
  }
  if (yaml_style_float(plain)) {
    if (auto f = go_parse_float(plain)) {
      r.type = T::kFloat;
      r.f = *f;
      return r;
    }
  }
  std::string_view p = plain;
  auto try_base = [&](std::string_view digits, bool neg, int base) -> bool {
    std::string signed_digits = neg ? "-" + std::string(digits) : std::string(digits);
    if (auto i = parse_int_base(signed_digits, base)) {
      r.type = T::kInt;
      r.i = *i;
      return true;
    }
    if (!neg) {
      if (auto u = parse_uint_base(digits, base)) {
        r.type = T::kUint;
        r.u = *u;
        return true;
      }
    }
    return false;
  };
  if (p.substr(0, 2) == "0b") {
    if (try_base(p.substr(2), false, 2)) return r;
  } else if (p.substr(0, 3) == "-0b") {
    if (try_base(p.substr(3), true, 2)) return r;
  }
  if (schema == Schema::kYaml12) {
    if (p.substr(0, 2) == "0o") {
      if (try_base(p.substr(2), false, 8)) return r;
    } else if (p.substr(0, 3) == "-0o") {
      if (try_base(p.substr(3), true, 8)) return r;
    }
  }
  return r;
}

// Completes a resolved plain scalar: strings get their text, and go-yaml v2 keeps timestamps
// as strings when decoding into interface{}.
Scalar finish(Scalar&& r, std::string_view text, Schema schema) {
  if (r.type == Scalar::Type::kString ||
      (r.type == Scalar::Type::kTimestamp && schema == Schema::kYaml11)) {
    r.type = Scalar::Type::kString;
    r.s = std::string(text);
  }
  return std::move(r);
}

std::string short_tag(const std::string& tag) {
  if (tag.compare(0, kTagPrefix.size(), kTagPrefix) == 0) {
    return "!!" + tag.substr(kTagPrefix.size());
  }
  return tag;
}

const char* rtag_name(Scalar::Type t) {
  switch (t) {
    case Scalar::Type::kNull:
      return "!!null";
    case Scalar::Type::kBool:
      return "!!bool";
    case Scalar::Type::kInt:
    case Scalar::Type::kUint:
      return "!!int";
    case Scalar::Type::kFloat:
      return "!!float";
    case Scalar::Type::kTimestamp:
      return "!!timestamp";
    case Scalar::Type::kString:
      return "!!str";
  }
  return "!!str";
}

// Decimal digits and exponent of |v| from the shortest (prec < 0) or `prec`-significant-digit
// scientific form: v = 0.d1d2d3… × 10^dp. For zero, digits is empty and dp 0 (like Go).
struct Digits {
  std::string d;
  int dp = 0;
};

Digits decimal_digits(double v, int sig, bool single) {
  char buf[64];
  std::to_chars_result res;
  if (single) {
    res = sig < 0 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v),
                                  std::chars_format::scientific)
                  : std::to_chars(buf, buf + sizeof buf, static_cast<float>(v),
                                  std::chars_format::scientific, sig > 0 ? sig - 1 : 0);
  } else {
    res = sig < 0 ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific)
                  : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific,
                                  sig > 0 ? sig - 1 : 0);
  }
  std::string_view s(buf, res.ptr - buf);
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  size_t e = s.find('e');
  Digits out;
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') out.d.push_back(s[i]);
  }
  int exp = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+' ? 1 : 0), s.data() + s.size(), exp);
  // Go's decimal type never carries trailing zeros; zero has no digits at all.
  while (!out.d.empty() && out.d.back() == '0') out.d.pop_back();
  if (out.d.empty()) {
    out.dp = 0;
    return out;
  }
  out.dp = exp + 1;
  return out;
}

void fmt_e(std::string& out, const Digits& g, int prec, char fmt) {
  out.push_back(g.d.empty() ? '0' : g.d[0]);
  if (prec > 0) {
    out.push_back('.');
    for (int i = 1; i <= prec; ++i) out.push_back(i < int(g.d.size()) ? g.d[i] : '0');
  }
  out.push_back(fmt);
  int exp = g.d.empty() ? 0 : g.dp - 1;
  out.push_back(exp < 0 ? '-' : '+');
  exp = std::abs(exp);
  if (exp < 10) out.push_back('0');
  out += std::to_string(exp);
}

void fmt_f(std::string& out, const Digits& g, int prec) {
  if (g.dp > 0) {
    int m = std::min<int>(g.d.size(), g.dp);
    out.append(g.d, 0, m);
    for (; m < g.dp; ++m) out.push_back('0');
  } else {
    out.push_back('0');
  }
  if (prec > 0) {
    out.push_back('.');
    for (int i = 0; i < prec; ++i) {
      int j = g.dp + i;
      out.push_back(j < 0 || j >= int(g.d.size()) ? '0' : g.d[j]);
    }
  }
}

std::string format_float(double v, char fmt, int prec, bool single) {
  if (single) v = static_cast<float>(v);  // FormatFloat(…, 32) rounds to float32 first
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string out;
  if (std::signbit(v)) out.push_back('-');
  bool shortest = prec < 0;
  Digits g;
  char lower = fmt == 'E' ? 'e' : fmt == 'G' ? 'g' : fmt;
  if (shortest) {
    g = decimal_digits(v, -1, single);
  } else if (lower == 'e') {
    g = decimal_digits(v, prec + 1, single);
  } else if (lower == 'f') {
    // Round to `prec` decimals: significant digits depend on the magnitude.
    char buf[512];
    int n = std::snprintf(buf, sizeof buf, "%.*f", prec, std::fabs(single ? float(v) : v));
    std::string_view s(buf, n);
    out.append(s);
    return out;
  } else {
    g = decimal_digits(v, prec == 0 ? 1 : prec, single);
  }
  switch (lower) {
    case 'e':
      fmt_e(out, g, shortest ? std::max<int>(int(g.d.size()) - 1, 0) : prec, fmt == 'E' ? 'E' : 'e');
      return out;
    case 'f':
      fmt_f(out, g, std::max<int>(int(g.d.size()) - g.dp, 0));
      return out;
    default: {
      int p = shortest ? int(g.d.size()) : (prec == 0 ? 1 : prec);
      int eprec = p;
      if (eprec > int(g.d.size()) && int(g.d.size()) >= g.dp) eprec = int(g.d.size());
      if (shortest) eprec = 6;
      int exp = g.dp - 1;
      char e = fmt == 'G' ? 'E' : 'e';
      if (exp < -4 || exp >= eprec) {
        if (p > int(g.d.size())) p = int(g.d.size());
        fmt_e(out, g, std::max(p - 1, 0), e);
        return out;
      }
      if (p > g.dp) p = int(g.d.size());
      fmt_f(out, g, std::max(p - g.dp, 0));
      return out;
    }
  }
}

}  // namespace

std::string go_format_float(double v, char fmt, int prec) { return format_float(v, fmt, prec, false); }

std::string go_format_float32(double v) { return format_float(v, 'g', -1, true); }

Result<std::string> json_format_float(double v) {
  if (std::isnan(v) || std::isinf(v)) {
    return Error("json: unsupported value: " + go_format_float(v));
  }
  double a = std::fabs(v);
  if (a != 0 && (a < 1e-6 || a >= 1e21)) {
    std::string s = go_format_float(v, 'e', -1);
    // encoding/json cleans up e-09 to e-9.
    size_t n = s.size();
    if (n >= 4 && s[n - 4] == 'e' && s[n - 3] == '-' && s[n - 2] == '0') {
      s.erase(n - 2, 1);
    }
    return s;
  }
  return go_format_float(v, 'f', -1);
}

std::optional<int64_t> go_parse_int(std::string_view s) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  int base = go_base_prefix(s);
  if (s.empty()) {
    // "0" alone is decimal zero; "0x" is an error.
    return base == 8 ? std::optional<int64_t>(0) : std::nullopt;
  }
  auto u = parse_uint_base(s, base);
  if (!u) return std::nullopt;
  if (neg) {
    if (*u > uint64_t(std::numeric_limits<int64_t>::max()) + 1) return std::nullopt;
    return int64_t(0 - *u);
  }
  if (*u > uint64_t(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return int64_t(*u);
}

std::optional<uint64_t> go_parse_uint(std::string_view s) {
  if (s.empty() || s[0] == '-') return std::nullopt;
  if (s[0] == '+') return std::nullopt;  // ParseUint rejects signs
  int base = go_base_prefix(s);
  if (s.empty()) return base == 8 ? std::optional<uint64_t>(0) : std::nullopt;
  return parse_uint_base(s, base);
}

namespace {
// strconv's underscoreOK for decimal input: '_' only between digits.
bool underscores_ok(std::string_view s) {
  char saw = '^';
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  for (char c : s) {
    if (is_digit(c)) {
      saw = '0';
    } else if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
    } else {
      if (saw == '_') return false;
      saw = '!';
    }
  }
  return saw != '_';
}
}  // namespace

std::optional<double> go_parse_float(std::string_view s) {
  std::string no_underscores;
  if (s.find('_') != std::string_view::npos) {
    if (!underscores_ok(s)) return std::nullopt;
    for (char c : s) {
      if (c != '_') no_underscores.push_back(c);
    }
    s = no_underscores;
  }
  bool neg = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  // Only decimal forms: digits, '.', exponent. from_chars would also take "inf"/"nan".
  if (body.empty() || !(is_digit(body[0]) || body[0] == '.')) return std::nullopt;
  for (char c : body) {
    if (!(is_digit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      return std::nullopt;
    }
  }
  double v = 0;
  auto [p, ec] = std::from_chars(body.data(), body.data() + body.size(), v,
                                 std::chars_format::general);
  if (p != body.data() + body.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error in Go (ErrRange); underflow silently gives zero.
    size_t e = body.find_first_of("eE");
    bool big = false;
    if (e != std::string_view::npos) {
      int ex = 0;
      std::string_view es = body.substr(e + 1);
      if (!es.empty() && es[0] == '+') es.remove_prefix(1);
      std::from_chars(es.data(), es.data() + es.size(), ex);
      big = ex > 0;
    } else {
      big = true;
    }
    if (big) return std::nullopt;
    v = 0;
  } else if (ec != std::errc()) {
    return std::nullopt;
  }
  return neg ? -v : v;
}

Scalar resolve_plain(std::string_view text, Schema schema) {
  return finish(resolve_plain_impl(text, schema), text, schema);
}

Result<Scalar> resolve(const Node& n, Schema schema) {
  Scalar s;
  switch (n.type()) {
    case ScalarType::kNull:
      return s;
    case ScalarType::kBool:
      s.type = Scalar::Type::kBool;
      s.b = n.text() == "true";
      return s;
    case ScalarType::kString:
      s.type = Scalar::Type::kString;
      s.s = n.text();
      return s;
    case ScalarType::kInt:
    case ScalarType::kFloat: {
      // Exact numbers from JSON or code: read the digits like Go's json decoding would
      // into int64 when integral, else float64.
      Scalar r = resolve_plain_impl(n.text(), schema);
      if (r.type == Scalar::Type::kInt || r.type == Scalar::Type::kUint ||
          r.type == Scalar::Type::kFloat) {
        if (n.type() == ScalarType::kFloat && r.type != Scalar::Type::kFloat) {
          r.f = r.type == Scalar::Type::kInt ? double(r.i) : double(r.u);
          r.type = Scalar::Type::kFloat;
        }
        return r;
      }
      if (auto f = go_parse_float(n.text())) {
        s.type = Scalar::Type::kFloat;
        s.f = *f;
        return s;
      }
      return Error("invalid number \"" + n.text() + "\"");
    }
    case ScalarType::kUnresolved:
      break;
  }
  const std::string& tag = n.tag();
  if (tag.empty()) return resolve_plain(n.text(), schema);
  if (tag == "!") {
    s.type = Scalar::Type::kString;
    s.s = n.text();
    return s;
  }
  std::string st = short_tag(tag);
  if (st == "!!str" || st == "!!binary") {
    s.type = Scalar::Type::kString;
    s.s = n.text();
    return s;
  }
  if (st != "!!int" && st != "!!float" && st != "!!bool" && st != "!!null" &&
      st != "!!timestamp") {
    // Unknown tags decode as the plain string (go-yaml resolvableTag == false).
    s.type = Scalar::Type::kString;
    s.s = n.text();
    return s;
  }
  Scalar got = finish(resolve_plain_impl(n.text(), schema), n.text(), Schema::kYaml12);
  auto fail = [&]() {
    return Error("cannot decode " + std::string(rtag_name(got.type)) + " `" + n.text() +
                 "` as a " + st);
  };
  if (st == "!!int") {
    if (got.type == Scalar::Type::kInt || got.type == Scalar::Type::kUint) return got;
    return fail();
  }
  if (st == "!!float") {
    if (got.type == Scalar::Type::kFloat) return got;
    if (got.type == Scalar::Type::kInt || got.type == Scalar::Type::kUint) {
      got.f = got.type == Scalar::Type::kInt ? double(got.i) : double(got.u);
      got.type = Scalar::Type::kFloat;
      return got;
    }
    return fail();
  }
  if (st == "!!bool") {
    if (got.type == Scalar::Type::kBool) return got;
    return fail();
  }
  if (st == "!!null") {
    if (got.type == Scalar::Type::kNull) return got;
    return fail();
  }
  // !!timestamp
  if (got.type == Scalar::Type::kTimestamp) {
    return schema == Schema::kYaml12 ? got : finish(std::move(got), n.text(), schema);
  }
  return fail();
}

bool needs_quotes_yaml11(std::string_view text) {
  return resolve_plain_impl(text, Schema::kYaml11).type != Scalar::Type::kString ||
         is_base60_float(text);
}

bool needs_quotes_any_schema(std::string_view text) {
  return needs_quotes_yaml11(text) || is_old_bool(text) ||
         resolve_plain_impl(text, Schema::kYaml12).type != Scalar::Type::kString;
}

namespace {

Status json_model(const Node& in, Schema schema, Node& out, int depth);

// Key text as the schema's Go decoder makes it when the target map has string keys.
Result<std::string> key_string(const Node& key, Schema schema) {
  if (!key.is_scalar()) {
    Error e("mapping key must be a scalar to convert to JSON");
    e.line = key.mark().line;
    e.column = key.mark().column;
    return e;
  }
  if (schema == Schema::kYaml12) return key.text();  // yaml.v3 sets the key's text as written
  auto r = resolve(key, schema);
  if (!r.ok()) return r.error();
  const Scalar& s = *r;
  // sigs.k8s.io/yaml's convertToJSONableObject.
  switch (s.type) {
    case Scalar::Type::kString:
    case Scalar::Type::kTimestamp:
      return s.s;
    case Scalar::Type::kInt:
      return std::to_string(s.i);
    case Scalar::Type::kUint:
      return std::to_string(s.u);
    case Scalar::Type::kFloat: {
      std::string f = go_format_float32(s.f);
      if (f == "+Inf") return std::string(".inf");
      if (f == "-Inf") return std::string("-.inf");
      if (f == "NaN") return std::string(".nan");
      return f;
    }
    case Scalar::Type::kBool:
      return std::string(s.b ? "true" : "false");
    case Scalar::Type::kNull:
      return std::string("null");
  }
  return key.text();
}

bool is_merge_key(const Node& key) {
  return key.is_scalar() && key.type() == ScalarType::kUnresolved && key.text() == "<<" &&
         (key.tag().empty() || key.tag() == "tag:yaml.org,2002:merge");
}

Status add_merged(const Node& src, Schema schema, Node& out, std::vector<std::string>& seen,
                  int depth) {
  auto add_map = [&](const Node& m) -> Status {
    for (const auto& e : m.entries()) {
      auto k = key_string(e.key, schema);
      if (!k.ok()) return k.error();
      bool present = false;
      for (const auto& s : seen) {
        if (s == *k) {
          present = true;
          break;
        }
      }
      if (present) continue;
      Node v;
      if (Status st = json_model(e.value, schema, v, depth + 1); !st.ok()) return st;
      seen.push_back(*k);
      out.entries().push_back(MapEntry{Node::string(std::move(*k)), std::move(v)});
    }
    return Status();
  };
  if (src.is_mapping()) return add_map(src);
  if (src.is_sequence()) {
    for (const auto& item : src.items()) {
      if (!item.is_mapping()) {
        return Error("map merge requires map or sequence of maps as the value", "",
                     item.mark().line, item.mark().column);
      }
      if (Status st = add_map(item); !st.ok()) return st;
    }
    return Status();
  }
  return Error("map merge requires map or sequence of maps as the value", "", src.mark().line,
               src.mark().column);
}

Status json_model(const Node& in, Schema schema, Node& out, int depth) {
  if (depth > 10000) return Error("document nested too deeply");
  switch (in.kind()) {
    case NodeKind::kScalar: {
      auto r = resolve(in, schema);
      if (!r.ok()) return Error(r.error().message, "", in.mark().line, in.mark().column);
      Scalar& s = *r;
      switch (s.type) {
        case Scalar::Type::kNull:
          out = Node::null();
          break;
        case Scalar::Type::kBool:
          out = Node::boolean(s.b);
          break;
        case Scalar::Type::kInt:
          out = Node::integer(s.i);
          break;
        case Scalar::Type::kUint:
          out = Node::scalar(std::to_string(s.u), ScalarType::kInt);
          break;
        case Scalar::Type::kFloat: {
          auto f = json_format_float(s.f);
          if (!f.ok()) return Error(f.error().message, "", in.mark().line, in.mark().column);
          out = Node::scalar(std::move(*f), ScalarType::kFloat);
          break;
        }
        case Scalar::Type::kString:
        case Scalar::Type::kTimestamp:
          out = Node::string(std::move(s.s));
          break;
      }
      break;
    }
    case NodeKind::kSequence: {
      out = Node::sequence();
      out.items().reserve(in.items().size());
      for (const auto& item : in.items()) {
        Node v;
        if (Status st = json_model(item, schema, v, depth + 1); !st.ok()) return st;
        out.items().push_back(std::move(v));
      }
      break;
    }
    case NodeKind::kMapping: {
      out = Node::mapping();
      out.entries().reserve(in.entries().size());
      const Node* merge = nullptr;
      size_t merge_at = 0;
      std::vector<std::string> seen;
      for (const auto& e : in.entries()) {
        if (is_merge_key(e.key)) {
          merge = &e.value;
          merge_at = out.entries().size();
          continue;
        }
        auto k = key_string(e.key, schema);
        if (!k.ok()) return k.error();
        Node v;
        if (Status st = json_model(e.value, schema, v, depth + 1); !st.ok()) return st;
        // A later duplicate replaces the earlier value, as decoding into a Go map does.
        bool replaced = false;
        for (auto& oe : out.entries()) {
          if (oe.key.text() == *k) {
            oe.value = std::move(v);
            replaced = true;
            break;
          }
        }
        if (!replaced) {
          seen.push_back(*k);
          out.entries().push_back(MapEntry{Node::string(std::move(*k)), std::move(v)});
        }
      }
      if (merge) {
        Node merged = Node::mapping();
        if (Status st = add_merged(*merge, schema, merged, seen, depth); !st.ok()) return st;
        auto& ents = out.entries();
        ents.insert(ents.begin() + merge_at, std::make_move_iterator(merged.entries().begin()),
                    std::make_move_iterator(merged.entries().end()));
      }
      break;
    }
  }
  out.set_mark(in.mark());
  return Status();
}

}  // namespace

Result<Node> to_json_model(const Node& node, Schema schema) {
  Node out;
  if (Status st = json_model(node, schema, out, 0); !st.ok()) return st.error();
  return out;
}

}  // namespace oc::core
