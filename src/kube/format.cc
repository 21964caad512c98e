#include "kube/format.h"

#include <ctime>

namespace oc::kube {

std::string human_duration(int64_t seconds) {
  auto s = [](int64_t v) { return std::to_string(v); };
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 120) return s(seconds) + "s";
  int64_t minutes = seconds / 60;
  if (minutes < 10) {
    int64_t sec = seconds % 60;
    return sec == 0 ? s(minutes) + "m" : s(minutes) + "m" + s(sec) + "s";
  }
  if (minutes < 180) return s(minutes) + "m";
  int64_t hours = seconds / 3600;
  if (hours < 8) {
    int64_t m = minutes % 60;
    return m == 0 ? s(hours) + "h" : s(hours) + "h" + s(m) + "m";
  }
  if (hours < 48) return s(hours) + "h";
  if (hours < 24 * 8) {
    int64_t h = hours % 24;
    return h == 0 ? s(hours / 24) + "d" : s(hours / 24) + "d" + s(h) + "h";
  }
  if (hours < 24 * 365 * 2) return s(hours / 24) + "d";
  if (hours < 24 * 365 * 8) {
    int64_t dy = (hours / 24) % 365;
    return dy == 0 ? s(hours / 24 / 365) + "y" : s(hours / 24 / 365) + "y" + s(dy) + "d";
  }
  return s(hours / 24 / 365) + "y";
}

std::optional<int64_t> parse_rfc3339(std::string_view ts) {
  std::tm tm{};
  std::string str(ts);
  const char* end = strptime(str.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) return std::nullopt;
  int64_t t = int64_t(timegm(&tm));
  // Skip fractional seconds; apply a numeric offset if there is one.
  while (*end == '.' || (*end >= '0' && *end <= '9')) ++end;
  if (*end == '+' || *end == '-') {
    int sign = *end == '-' ? -1 : 1;
    int hh = 0, mm = 0;
    if (std::sscanf(end + 1, "%d:%d", &hh, &mm) == 2) t -= sign * (hh * 3600 + mm * 60);
  }
  return t;
}

std::string age_since(std::string_view ts) {
  auto t = parse_rfc3339(ts);
  if (!t) return "<unknown>";
  return human_duration(int64_t(std::time(nullptr)) - *t);
}

}  // namespace oc::kube
