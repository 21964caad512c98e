#include "helm/go_strconv.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace oc::helm {

bool go_underscore_ok(std::string_view s) {
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0') {
    char b = static_cast<char>(s[1] | 0x20);
    if (b == 'b' || b == 'o' || b == 'x') {
      hex = b == 'x';
      i = 2;
      saw = '0';
    }
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

std::optional<uint64_t> go_parse_uint(std::string_view s, int base) {
  if (s.empty()) return std::nullopt;
  std::string_view s0 = s;
  bool base0 = base == 0;
  if (base == 0) {
    base = 10;
    if (s[0] == '0') {
      if (s.size() >= 3 && (s[1] | 0x20) == 'b') {
        base = 2;
        s.remove_prefix(2);
      } else if (s.size() >= 3 && (s[1] | 0x20) == 'o') {
        base = 8;
        s.remove_prefix(2);
      } else if (s.size() >= 3 && (s[1] | 0x20) == 'x') {
        base = 16;
        s.remove_prefix(2);
      } else {
        base = 8;
        s.remove_prefix(1);
      }
    }
  }
  bool underscores = false;
  uint64_t n = 0;
  const uint64_t max = std::numeric_limits<uint64_t>::max();
  bool any = false;
  for (char c : s) {
    int d;
    if (c == '_' && base0) {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      d = (c | 0x20) - 'a' + 10;
    } else {
      return std::nullopt;
    }
    if (d >= base) return std::nullopt;
    if (n > (max - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return std::nullopt;
    n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    any = true;
  }
  if (!any && !(base0 && s0 == "0")) {
    // "0" with base 0 leaves no digits after the octal prefix and is valid.
    if (!(base0 && s0.size() == 1 && s0[0] == '0')) return std::nullopt;
  }
  if (underscores && !go_underscore_ok(s0)) return std::nullopt;
  return n;
}

std::optional<int64_t> go_parse_int(std::string_view s, int base) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  auto u = go_parse_uint(s, base);
  if (!u) return std::nullopt;
  if (neg) {
    if (*u > uint64_t(1) << 63) return std::nullopt;
    return static_cast<int64_t>(0 - *u);
  }
  if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
  return static_cast<int64_t>(*u);
}

namespace {
bool ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}
}  // namespace

std::optional<double> go_parse_float(std::string_view in) {
  if (in.empty()) return std::nullopt;
  std::string_view s = in;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (ieq(s, "inf") || ieq(s, "infinity")) {
    return neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (ieq(s, "nan") && in.size() == 3) return std::numeric_limits<double>::quiet_NaN();
  bool hex = s.size() >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x';
  std::string clean;
  bool underscores = false;
  size_t i = hex ? 2 : 0;
  size_t digits = 0;
  auto is_d = [&](char c) {
    return hex ? std::isxdigit(static_cast<unsigned char>(c)) != 0 : (c >= '0' && c <= '9');
  };
  for (; i < s.size(); ++i) {
    if (s[i] == '_') {
      underscores = true;
      continue;
    }
    if (!is_d(s[i])) break;
    ++digits;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size(); ++i) {
      if (s[i] == '_') {
        underscores = true;
        continue;
      }
      if (!is_d(s[i])) break;
      ++digits;
    }
  }
  if (digits == 0) return std::nullopt;
  char e = hex ? 'p' : 'e';
  if (i < s.size() && (s[i] | 0x20) == e) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t ed = 0;
    for (; i < s.size(); ++i) {
      if (s[i] == '_') {
        underscores = true;
        continue;
      }
      if (s[i] < '0' || s[i] > '9') break;
      ++ed;
    }
    if (ed == 0) return std::nullopt;
  } else if (hex) {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  if (underscores && !go_underscore_ok(in)) return std::nullopt;
  for (char c : in) {
    if (c != '_') clean.push_back(c);
  }
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (std::isinf(v)) return std::nullopt;
  return v;
}

int64_t go_float_to_int64(double f) {
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(f);
}

}  // namespace oc::helm
