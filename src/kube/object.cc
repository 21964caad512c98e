#include "kube/object.h"

#include <sys/random.h>

#include <cmath>
#include <cstdio>
#include <ctime>

namespace oc::kube {

const core::Node* at(const core::Node& n, std::initializer_list<std::string_view> keys) {
  const core::Node* cur = &n;
  for (auto k : keys) {
    if (!cur->is_mapping()) return nullptr;
    cur = cur->find(k);
    if (!cur) return nullptr;
  }
  return cur;
}

std::string text(const core::Node& n, std::initializer_list<std::string_view> keys) {
  const core::Node* v = at(n, keys);
  return v && v->is_scalar() && !v->is_null() ? v->text() : std::string();
}

core::Node& ensure(core::Node& n, std::initializer_list<std::string_view> keys) {
  core::Node* cur = &n;
  if (!cur->is_mapping()) *cur = core::Node::mapping();
  for (auto k : keys) {
    core::Node& next = (*cur)[k];
    if (!next.is_mapping()) next = core::Node::mapping();
    cur = &next;
  }
  return *cur;
}

int64_t generation(const core::Node& obj) {
  std::string g = text(obj, {"metadata", "generation"});
  return g.empty() ? 0 : std::strtoll(g.c_str(), nullptr, 10);
}

std::string new_uid() {
  unsigned char b[16];
  size_t got = 0;
  while (got < sizeof b) {
    ssize_t r = ::getrandom(b + got, sizeof b - got, 0);
    if (r > 0) got += size_t(r);
  }
  b[6] = (b[6] & 0x0F) | 0x40;
  b[8] = (b[8] & 0x3F) | 0x80;
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

std::string rfc3339(std::time_t t) {
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string now_rfc3339() {
  return rfc3339(std::time(nullptr));
}

std::string now_rfc3339_nano() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  std::tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char buf[48];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  // Go's RFC3339Nano drops trailing zeros of the fraction.
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%09ld", ts.tv_nsec);
  std::string f = frac;
  while (!f.empty() && f.back() == '0') f.pop_back();
  if (f == ".") f.clear();
  return std::string(buf, n) + f + "Z";
}

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view s) {
  // Go: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+, "0" alone allowed.
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return std::nullopt;
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    long double whole = 0;
    bool digits = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      whole = whole * 10 + (s[i] - '0');
      ++i;
      digits = true;
    }
    long double frac = 0, scale = 1;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        frac = frac * 10 + (s[i] - '0');
        scale *= 10;
        ++i;
        digits = true;
      }
    }
    if (!digits) return std::nullopt;
    size_t u = i;
    while (u < s.size() && !(s[u] == '.' || (s[u] >= '0' && s[u] <= '9'))) ++u;
    std::string_view unit = s.substr(i, u - i);
    long double mult;
    if (unit == "ns") mult = 1;
    else if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs") mult = 1e3;
    else if (unit == "ms") mult = 1e6;
    else if (unit == "s") mult = 1e9;
    else if (unit == "m") mult = 60e9;
    else if (unit == "h") mult = 3600e9;
    else return std::nullopt;
    total += (whole + frac / scale) * mult;
    if (total > 9.2233720368547758e18L) return std::nullopt;
    s.remove_prefix(u);
  }
  auto ns = static_cast<int64_t>(total);
  return std::chrono::nanoseconds(neg ? -ns : ns);
}

std::string format_duration(std::chrono::nanoseconds d) {
  int64_t v = d.count();
  if (v == 0) return "0s";
  bool neg = v < 0;
  uint64_t u = neg ? uint64_t(-(v + 1)) + 1 : uint64_t(v);
  std::string out;
  auto frac = [](uint64_t value, int prec, std::string& digits) {
    // value / 10^prec with trailing zeros (and the point) dropped.
    std::string s;
    bool print = false;
    for (int i = 0; i < prec; ++i) {
      int digit = int(value % 10);
      print = print || digit != 0;
      if (print) s.insert(s.begin(), char('0' + digit));
      value /= 10;
    }
    if (print) s.insert(s.begin(), '.');
    digits = s;
    return value;
  };
  if (u < 1000000000ull) {
    std::string f;
    const char* unit;
    int prec;
    if (u < 1000ull) {
      unit = "ns";
      prec = 0;
    } else if (u < 1000000ull) {
      unit = "\u00b5s";
      prec = 3;
    } else {
      unit = "ms";
      prec = 6;
    }
    uint64_t whole = frac(u, prec, f);
    out = std::to_string(whole) + f + unit;
  } else {
    std::string f;
    uint64_t secs = frac(u, 9, f);
    out = std::to_string(secs % 60) + f + "s";
    uint64_t mins = secs / 60;
    if (mins > 0) {
      out = std::to_string(mins % 60) + "m" + out;
      uint64_t hours = mins / 60;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

}  // namespace oc::kube
