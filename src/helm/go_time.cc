#include "helm/go_time.h"

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

namespace oc::helm {

namespace {

constexpr const char* kLongDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                     "Thursday", "Friday", "Saturday"};
constexpr const char* kShortDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kLongMonths[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};
constexpr const char* kShortMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// days_from_civil / civil_from_days (Howard Hinnant's algorithms).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yy + (*m <= 2);
}

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

struct TzData {
  std::vector<int64_t> times;
  std::vector<uint8_t> idx;
  struct Type {
    int32_t off;
    bool dst;
    std::string abbr;
  };
  std::vector<Type> types;
};

bool read_tzif(const std::string& path, TzData* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  std::string d = ss.str();
  auto be32 = [&](size_t p) -> int64_t {
    return static_cast<int32_t>((uint32_t(uint8_t(d[p])) << 24) |
                                (uint32_t(uint8_t(d[p + 1])) << 16) |
                                (uint32_t(uint8_t(d[p + 2])) << 8) | uint8_t(d[p + 3]));
  };
  auto be64 = [&](size_t p) -> int64_t {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | uint8_t(d[p + i]);
    return static_cast<int64_t>(v);
  };
  if (d.size() < 44 || d.compare(0, 4, "TZif") != 0) return false;
  auto parse_block = [&](size_t p, bool v2, size_t* end) -> bool {
    if (p + 44 > d.size()) return false;
    int64_t isutcnt = be32(p + 20), isstdcnt = be32(p + 24), leapcnt = be32(p + 28),
            timecnt = be32(p + 32), typecnt = be32(p + 36), charcnt = be32(p + 40);
    size_t q = p + 44;
    size_t tsz = v2 ? 8 : 4;
    size_t need =
        timecnt * tsz + timecnt + typecnt * 6 + charcnt + leapcnt * (tsz + 4) + isstdcnt + isutcnt;
    if (q + need > d.size()) return false;
    out->times.clear();
    out->idx.clear();
    out->types.clear();
    for (int64_t i = 0; i < timecnt; ++i)
      out->times.push_back(v2 ? be64(q + i * 8) : be32(q + i * 4));
    q += timecnt * tsz;
    for (int64_t i = 0; i < timecnt; ++i) out->idx.push_back(static_cast<uint8_t>(d[q + i]));
    q += timecnt;
    size_t types_at = q;
    q += typecnt * 6;
    std::string chars = d.substr(q, static_cast<size_t>(charcnt));
    for (int64_t i = 0; i < typecnt; ++i) {
      size_t t = types_at + i * 6;
      TzData::Type ty;
      ty.off = static_cast<int32_t>(be32(t));
      ty.dst = d[t + 4] != 0;
      size_t ai = static_cast<uint8_t>(d[t + 5]);
      ty.abbr = ai < chars.size() ? std::string(chars.c_str() + ai) : "";
      out->types.push_back(ty);
    }
    *end = q + charcnt + leapcnt * (tsz + 4) + isstdcnt + isutcnt;
    return true;
  };
  size_t end = 0;
  if (!parse_block(0, false, &end)) return false;
  if (d[4] >= '2' && end < d.size()) {
    size_t e2;
    TzData v1 = *out;
    if (!parse_block(end, true, &e2)) *out = v1;
  }
  return !out->types.empty();
}

void append_int(std::string& b, int64_t x, int width) {
  bool neg = x < 0;
  uint64_t u = neg ? 0 - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
  std::string digits = std::to_string(u);
  if (neg) b.push_back('-');
  for (int i = static_cast<int>(digits.size()); i < width; ++i) b.push_back('0');
  b += digits;
}

enum Std {
  kNone,
  kLongMonth,
  kMonth,
  kNumMonth,
  kZeroMonth,
  kLongWeekDay,
  kWeekDay,
  kDay,
  kUnderDay,
  kZeroDay,
  kUnderYearDay,
  kZeroYearDay,
  kHour,
  kHour12,
  kZeroHour12,
  kMinute,
  kZeroMinute,
  kSecond,
  kZeroSecond,
  kLongYear,
  kYear,
  kPM,
  kpm,
  kTZ,
  kISO8601TZ,
  kISO8601SecondsTZ,
  kISO8601ShortTZ,
  kISO8601ColonTZ,
  kISO8601ColonSecondsTZ,
  kNumTZ,
  kNumSecondsTz,
  kNumShortTZ,
  kNumColonTZ,
  kNumColonSecondsTZ,
  kFracSecond0,
  kFracSecond9
};

bool starts_lower(std::string_view s) {
  return !s.empty() && s[0] >= 'a' && s[0] <= 'z';
}

// nextStdChunk; `digits` gets the fraction width, `sep` its separator.
std::string_view next_chunk(std::string_view layout, Std* std, std::string_view* suffix,
                            int* digits, char* sep) {
  for (size_t i = 0; i < layout.size(); ++i) {
    char c = layout[i];
    auto at = [&](std::string_view w) { return layout.substr(i, w.size()) == w; };
    auto ret = [&](Std s, size_t n) {
      *std = s;
      *suffix = layout.substr(i + n);
      return layout.substr(0, i);
    };
    switch (c) {
      case 'J':
        if (at("Jan")) {
          if (at("January")) return ret(kLongMonth, 7);
          if (!starts_lower(layout.substr(i + 3))) return ret(kMonth, 3);
        }
        break;
      case 'M':
        if (at("Mon")) {
          if (at("Monday")) return ret(kLongWeekDay, 6);
          if (!starts_lower(layout.substr(i + 3))) return ret(kWeekDay, 3);
        }
        if (at("MST")) return ret(kTZ, 3);
        break;
      case '0':
        if (i + 1 < layout.size() && layout[i + 1] >= '1' && layout[i + 1] <= '6') {
          static const Std k0x[] = {kZeroMonth,  kZeroDay,    kZeroHour12,
                                    kZeroMinute, kZeroSecond, kYear};
          return ret(k0x[layout[i + 1] - '1'], 2);
        }
        if (at("002")) return ret(kZeroYearDay, 3);
        break;
      case '1':
        if (at("15")) return ret(kHour, 2);
        return ret(kNumMonth, 1);
      case '2':
        if (at("2006")) return ret(kLongYear, 4);
        return ret(kDay, 1);
      case '_':
        if (at("_2")) {
          if (at("_2006")) {
            *std = kLongYear;
            *suffix = layout.substr(i + 5);
            return layout.substr(0, i + 1);
          }
          return ret(kUnderDay, 2);
        }
        if (at("__2")) return ret(kUnderYearDay, 3);
        break;
      case '3':
        return ret(kHour12, 1);
      case '4':
        return ret(kMinute, 1);
      case '5':
        return ret(kSecond, 1);
      case 'P':
        if (at("PM")) return ret(kPM, 2);
        break;
      case 'p':
        if (at("pm")) return ret(kpm, 2);
        break;
      case '-':
        if (at("-070000")) return ret(kNumSecondsTz, 7);
        if (at("-07:00:00")) return ret(kNumColonSecondsTZ, 9);
        if (at("-0700")) return ret(kNumTZ, 5);
        if (at("-07:00")) return ret(kNumColonTZ, 6);
        if (at("-07")) return ret(kNumShortTZ, 3);
        break;
      case 'Z':
        if (at("Z070000")) return ret(kISO8601SecondsTZ, 7);
        if (at("Z07:00:00")) return ret(kISO8601ColonSecondsTZ, 9);
        if (at("Z0700")) return ret(kISO8601TZ, 5);
        if (at("Z07:00")) return ret(kISO8601ColonTZ, 6);
        if (at("Z07")) return ret(kISO8601ShortTZ, 3);
        break;
      case '.':
      case ',':
        if (i + 1 < layout.size() && (layout[i + 1] == '0' || layout[i + 1] == '9')) {
          char ch = layout[i + 1];
          size_t j = i + 1;
          while (j < layout.size() && layout[j] == ch) ++j;
          if (!(j < layout.size() && layout[j] >= '0' && layout[j] <= '9')) {
            *digits = static_cast<int>(j - (i + 1));
            *sep = c;
            *std = ch == '0' ? kFracSecond0 : kFracSecond9;
            *suffix = layout.substr(j);
            return layout.substr(0, i);
          }
        }
        break;
      default:
        break;
    }
  }
  *std = kNone;
  *suffix = {};
  return layout;
}

}  // namespace

void GoLocation::lookup(int64_t at, int* offset, std::string* abbrev) const {
  if (name == "UTC" || name.empty()) {
    *offset = 0;
    *abbrev = "UTC";
    return;
  }
  if (name == "Local") {
    time_t t = static_cast<time_t>(at);
    struct tm tmv;
    localtime_r(&t, &tmv);
    *offset = static_cast<int>(tmv.tm_gmtoff);
    *abbrev = tmv.tm_zone ? tmv.tm_zone : "";
    return;
  }
  TzData tz;
  if (!read_tzif("/usr/share/zoneinfo/" + name, &tz)) {
    *offset = 0;
    *abbrev = "UTC";
    return;
  }
  size_t k = 0;
  // The first non-DST type applies before the first transition.
  for (size_t i = 0; i < tz.types.size(); ++i) {
    if (!tz.types[i].dst) {
      k = i;
      break;
    }
  }
  for (size_t i = 0; i < tz.times.size(); ++i) {
    if (tz.times[i] <= at) k = tz.idx[i];
  }
  *offset = tz.types[k].off;
  *abbrev = tz.types[k].abbr;
}

std::optional<GoLocation> GoLocation::load(std::string_view n) {
  GoLocation l;
  if (n.empty() || n == "UTC") {
    l.name = "UTC";
    return l;
  }
  if (n == "Local") {
    l.name = "Local";
    return l;
  }
  if (n.find("..") != std::string_view::npos || n[0] == '/') return std::nullopt;
  TzData tz;
  if (!read_tzif("/usr/share/zoneinfo/" + std::string(n), &tz)) return std::nullopt;
  l.name = std::string(n);
  return l;
}

GoTime GoTime::now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  GoTime t;
  t.sec = floor_div(ns, 1000000000);
  t.nsec = static_cast<int32_t>(ns - t.sec * 1000000000);
  t.loc.name = "Local";
  t.monotonic = true;
  t.mono_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now().time_since_epoch())
                  .count() %
              1000000000000LL;
  return t;
}

GoTime go_zero_time() {
  GoTime t;
  t.sec = -62135596800;
  return t;
}

GoTime::Civil GoTime::civil() const {
  int off;
  std::string abbr;
  loc.lookup(sec, &off, &abbr);
  int64_t s = sec + off;
  int64_t days = floor_div(s, 86400);
  int64_t rem = s - days * 86400;
  Civil c;
  civil_from_days(days, &c.year, &c.month, &c.day);
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  c.second = static_cast<int>(rem % 60);
  c.weekday = static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  c.yday = static_cast<int>(days - days_from_civil(c.year, 1, 1)) + 1;
  return c;
}

std::string GoTime::format(std::string_view layout) const {
  Civil c = civil();
  int offset;
  std::string abbr;
  loc.lookup(sec, &offset, &abbr);
  std::string b;
  while (!layout.empty()) {
    Std std;
    std::string_view suffix;
    int digits = 0;
    char sep = '.';
    std::string_view prefix = next_chunk(layout, &std, &suffix, &digits, &sep);
    b.append(prefix);
    if (std == kNone) break;
    layout = suffix;
    switch (std) {
      case kYear:
        append_int(b, ((c.year % 100) + 100) % 100, 2);
        break;
      case kLongYear:
        append_int(b, c.year, 4);
        break;
      case kMonth:
        b += kShortMonths[c.month - 1];
        break;
      case kLongMonth:
        b += kLongMonths[c.month - 1];
        break;
      case kNumMonth:
        append_int(b, c.month, 0);
        break;
      case kZeroMonth:
        append_int(b, c.month, 2);
        break;
      case kWeekDay:
        b += kShortDays[c.weekday];
        break;
      case kLongWeekDay:
        b += kLongDays[c.weekday];
        break;
      case kDay:
        append_int(b, c.day, 0);
        break;
      case kUnderDay:
        if (c.day < 10) b.push_back(' ');
        append_int(b, c.day, 0);
        break;
      case kZeroDay:
        append_int(b, c.day, 2);
        break;
      case kUnderYearDay:
        if (c.yday < 100) {
          b.push_back(' ');
          if (c.yday < 10) b.push_back(' ');
        }
        append_int(b, c.yday, 0);
        break;
      case kZeroYearDay:
        append_int(b, c.yday, 3);
        break;
      case kHour:
        append_int(b, c.hour, 2);
        break;
      case kHour12: {
        int hr = c.hour % 12;
        append_int(b, hr == 0 ? 12 : hr, 0);
        break;
      }
      case kZeroHour12: {
        int hr = c.hour % 12;
        append_int(b, hr == 0 ? 12 : hr, 2);
        break;
      }
      case kMinute:
        append_int(b, c.minute, 0);
        break;
      case kZeroMinute:
        append_int(b, c.minute, 2);
        break;
      case kSecond:
        append_int(b, c.second, 0);
        break;
      case kZeroSecond:
        append_int(b, c.second, 2);
        break;
      case kPM:
        b += c.hour >= 12 ? "PM" : "AM";
        break;
      case kpm:
        b += c.hour >= 12 ? "pm" : "am";
        break;
      case kISO8601TZ:
      case kISO8601ColonTZ:
      case kISO8601SecondsTZ:
      case kISO8601ShortTZ:
      case kISO8601ColonSecondsTZ:
      case kNumTZ:
      case kNumColonTZ:
      case kNumSecondsTz:
      case kNumShortTZ:
      case kNumColonSecondsTZ: {
        bool iso = std == kISO8601TZ || std == kISO8601ColonTZ || std == kISO8601SecondsTZ ||
                   std == kISO8601ShortTZ || std == kISO8601ColonSecondsTZ;
        if (offset == 0 && iso) {
          b.push_back('Z');
          break;
        }
        int zone = offset / 60;
        int absoff = offset;
        if (zone < 0) {
          b.push_back('-');
          zone = -zone;
          absoff = -absoff;
        } else {
          b.push_back('+');
        }
        append_int(b, zone / 60, 2);
        if (std == kISO8601ColonTZ || std == kNumColonTZ || std == kISO8601ColonSecondsTZ ||
            std == kNumColonSecondsTZ) {
          b.push_back(':');
        }
        if (std != kNumShortTZ && std != kISO8601ShortTZ) append_int(b, zone % 60, 2);
        if (std == kISO8601SecondsTZ || std == kNumSecondsTz || std == kNumColonSecondsTZ ||
            std == kISO8601ColonSecondsTZ) {
          if (std == kNumColonSecondsTZ || std == kISO8601ColonSecondsTZ) b.push_back(':');
          append_int(b, absoff % 60, 2);
        }
        break;
      }
      case kTZ:
        if (!abbr.empty()) {
          b += abbr;
        } else {
          int zone = offset / 60;
          if (zone < 0) {
            b.push_back('-');
            zone = -zone;
          } else {
            b.push_back('+');
          }
          append_int(b, zone / 60, 2);
          append_int(b, zone % 60, 2);
        }
        break;
      case kFracSecond0:
      case kFracSecond9: {
        std::string frac = std::to_string(1000000000 + nsec).substr(1);  // 9 digits
        frac = frac.substr(0, static_cast<size_t>(std::min(digits, 9)));
        if (std == kFracSecond9) {
          while (!frac.empty() && frac.back() == '0') frac.pop_back();
          if (frac.empty()) break;
        }
        b.push_back(sep);
        b += frac;
        break;
      }
      case kNone:
        break;
    }
  }
  return b;
}

std::string GoTime::str() const {
  std::string s = format("2006-01-02 15:04:05.999999999 -0700 MST");
  if (monotonic) {
    int64_t m = mono_ns;
    char sign = '+';
    if (m < 0) {
      sign = '-';
      m = -m;
    }
    s += " m=";
    s.push_back(sign);
    int64_t m1 = m / 1000000000, m2 = m % 1000000000;
    s += std::to_string(m1) + ".";
    std::string f = std::to_string(m2);
    s += std::string(9 - f.size(), '0') + f;
  }
  return s;
}

core::Result<GoTime> go_parse_time(std::string_view layout, std::string_view value,
                                   const GoLocation& loc) {
  const std::string alayout(layout), avalue(value);
  auto fail = [&](const std::string& elem, std::string_view rest,
                  const std::string& msg = "") -> core::Error {
    std::string q = "\"";
    if (!msg.empty()) return core::Error("parsing time " + q + avalue + q + msg);
    return core::Error("parsing time " + q + avalue + q + " as " + q + alayout + q +
                       ": cannot parse " + q + std::string(rest) + q + " as " + q + elem + q);
  };
  int64_t year = 1;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0, nsec = 0;
  bool pm = false, pm_set = false;
  int zone_off = 0;
  bool zone_set = false;
  std::string_view v = value;
  auto getnum = [&](int fixed_width, int* out) -> bool {
    size_t n = 0;
    while (n < v.size() && std::isdigit(static_cast<unsigned char>(v[n])) &&
           (fixed_width == 0 || n < static_cast<size_t>(fixed_width)))
      ++n;
    if (n == 0 || (fixed_width && n != static_cast<size_t>(fixed_width))) return false;
    *out = std::stoi(std::string(v.substr(0, n)));
    v.remove_prefix(n);
    return true;
  };
  while (true) {
    Std std;
    std::string_view suffix;
    int digits = 0;
    char sep = '.';
    std::string_view prefix = next_chunk(layout, &std, &suffix, &digits, &sep);
    std::string elem(layout.substr(prefix.size(), layout.size() - prefix.size() - suffix.size()));
    // Literal prefix (spaces are lenient in Go only in some places; match exactly).
    if (v.substr(0, prefix.size()) != prefix) return fail(std::string(prefix), v);
    v.remove_prefix(prefix.size());
    if (std == kNone) {
      if (!v.empty()) return fail("", v, ": extra text: \"" + std::string(v) + "\"");
      break;
    }
    layout = suffix;
    std::string_view before = v;
    bool ok = true;
    int x = 0;
    switch (std) {
      case kYear:
        ok = getnum(2, &x);
        year = x >= 69 ? x + 1900 : x + 2000;
        break;
      case kLongYear:
        ok = getnum(4, &x);
        year = x;
        break;
      case kMonth:
      case kLongMonth: {
        ok = false;
        for (int i = 0; i < 12; ++i) {
          std::string_view nm = std == kMonth ? kShortMonths[i] : kLongMonths[i];
          if (v.size() >= nm.size() && strncasecmp(v.data(), nm.data(), nm.size()) == 0) {
            month = i + 1;
            v.remove_prefix(nm.size());
            ok = true;
            break;
          }
        }
        break;
      }
      case kNumMonth:
      case kZeroMonth:
        ok = getnum(std == kZeroMonth ? 2 : 0, &month) && month >= 1 && month <= 12;
        if (!ok && v.size() < before.size()) return fail("", before, ": month out of range");
        break;
      case kWeekDay:
      case kLongWeekDay: {
        ok = false;
        for (int i = 0; i < 7; ++i) {
          std::string_view nm = std == kWeekDay ? kShortDays[i] : kLongDays[i];
          if (v.size() >= nm.size() && strncasecmp(v.data(), nm.data(), nm.size()) == 0) {
            v.remove_prefix(nm.size());
            ok = true;
            break;
          }
        }
        break;
      }
      case kDay:
      case kUnderDay:
      case kZeroDay:
        if (std == kUnderDay && !v.empty() && v[0] == ' ') v.remove_prefix(1);
        ok = getnum(std == kZeroDay ? 2 : 0, &day);
        break;
      case kHour:
        ok = getnum(2, &hour) && hour < 24;
        break;
      case kHour12:
      case kZeroHour12:
        ok = getnum(std == kZeroHour12 ? 2 : 0, &hour) && hour <= 12;
        break;
      case kMinute:
      case kZeroMinute:
        ok = getnum(std == kZeroMinute ? 2 : 0, &minute) && minute < 60;
        break;
      case kSecond:
      case kZeroSecond:
        ok = getnum(std == kZeroSecond ? 2 : 0, &second) && second < 60;
        // A fractional second may follow even when the layout has none.
        if (ok && v.size() >= 2 && v[0] == '.' && std::isdigit(static_cast<unsigned char>(v[1])) &&
            !(suffix.size() > 0 && (suffix[0] == '.' || suffix[0] == ','))) {
          size_t n = 1;
          while (n < v.size() && std::isdigit(static_cast<unsigned char>(v[n]))) ++n;
          std::string f(v.substr(1, n - 1));
          f = (f + "000000000").substr(0, 9);
          nsec = std::stoi(f);
          v.remove_prefix(n);
        }
        break;
      case kPM:
      case kpm:
        if (v.size() >= 2) {
          std::string p(v.substr(0, 2));
          for (char& ch : p) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
          if (p == "PM") {
            pm = true;
          } else if (p != "AM") {
            ok = false;
          }
          pm_set = true;
          v.remove_prefix(2);
        } else {
          ok = false;
        }
        break;
      case kTZ: {
        if (v.size() >= 3 && v.substr(0, 3) == "UTC") {
          v.remove_prefix(3);
          zone_set = true;
          zone_off = 0;
          break;
        }
        size_t n = 0;
        while (n < v.size() && std::isupper(static_cast<unsigned char>(v[n]))) ++n;
        if (n < 3) {
          ok = false;
          break;
        }
        v.remove_prefix(n);
        break;
      }
      case kFracSecond0:
      case kFracSecond9: {
        if (v.empty() || (v[0] != '.' && v[0] != ',')) {
          if (std == kFracSecond9) break;
          ok = false;
          break;
        }
        size_t n = 1;
        while (n < v.size() && std::isdigit(static_cast<unsigned char>(v[n]))) ++n;
        if (std == kFracSecond0 && n - 1 != static_cast<size_t>(digits)) {
          ok = false;
          break;
        }
        std::string f(v.substr(1, n - 1));
        f = (f + "000000000").substr(0, 9);
        nsec = std::stoi(f);
        v.remove_prefix(n);
        break;
      }
      default: {
        // Numeric and ISO 8601 zones.
        bool iso = std == kISO8601TZ || std == kISO8601ColonTZ || std == kISO8601SecondsTZ ||
                   std == kISO8601ShortTZ || std == kISO8601ColonSecondsTZ;
        if (iso && !v.empty() && v[0] == 'Z') {
          v.remove_prefix(1);
          zone_set = true;
          zone_off = 0;
          break;
        }
        if (v.empty() || (v[0] != '+' && v[0] != '-')) {
          ok = false;
          break;
        }
        int sign = v[0] == '-' ? -1 : 1;
        v.remove_prefix(1);
        int hh = 0, mm = 0, ss = 0;
        if (!getnum(2, &hh)) {
          ok = false;
          break;
        }
        bool colon = std == kISO8601ColonTZ || std == kNumColonTZ ||
                     std == kISO8601ColonSecondsTZ || std == kNumColonSecondsTZ;
        if (std != kNumShortTZ && std != kISO8601ShortTZ) {
          if (colon) {
            if (v.empty() || v[0] != ':') {
              ok = false;
              break;
            }
            v.remove_prefix(1);
          }
          if (!getnum(2, &mm)) {
            ok = false;
            break;
          }
        }
        if (std == kISO8601SecondsTZ || std == kNumSecondsTz || std == kISO8601ColonSecondsTZ ||
            std == kNumColonSecondsTZ) {
          if (colon) {
            if (v.empty() || v[0] != ':') {
              ok = false;
              break;
            }
            v.remove_prefix(1);
          }
          if (!getnum(2, &ss)) {
            ok = false;
            break;
          }
        }
        zone_set = true;
        zone_off = sign * (hh * 3600 + mm * 60 + ss);
      }
    }
    if (!ok) return fail(elem, before);
  }
  if (pm_set) {
    if (pm && hour < 12) hour += 12;
    if (!pm && hour == 12) hour = 0;
  }
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day < 1 || day > kDays[month - 1] ||
      (month == 2 && day == 29 && !((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))) {
    return core::Error("parsing time \"" + avalue + "\": day out of range");
  }
  int64_t local = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  GoTime t;
  t.nsec = nsec;
  if (zone_set) {
    t.sec = local - zone_off;
    t.loc = zone_off == 0 ? GoLocation{"UTC"} : loc;
    return t;
  }
  // Interpret in `loc`: adjust by the offset in effect at that local time.
  int off;
  std::string ab;
  loc.lookup(local, &off, &ab);
  t.sec = local - off;
  int off2;
  loc.lookup(t.sec, &off2, &ab);
  if (off2 != off) t.sec = local - off2;
  t.loc = loc;
  return t;
}

core::Result<int64_t> go_parse_duration(std::string_view s) {
  std::string orig(s);
  auto bad = [&]() { return core::Error("time: invalid duration \"" + orig + "\""); };
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return int64_t(0);
  if (s.empty()) return bad();
  long double total = 0;
  while (!s.empty()) {
    size_t n = 0;
    while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
    size_t intn = n;
    long double v = intn ? std::stold(std::string(s.substr(0, n))) : 0;
    bool frac = false;
    if (n < s.size() && s[n] == '.') {
      ++n;
      size_t fs = n;
      while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n]))) ++n;
      if (n > fs) {
        v += std::stold("0." + std::string(s.substr(fs, n - fs)));
        frac = true;
      }
    }
    if (intn == 0 && !frac) return bad();
    s.remove_prefix(n);
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !std::isdigit(static_cast<unsigned char>(s[u]))) ++u;
    if (u == 0) return core::Error("time: missing unit in duration \"" + orig + "\"");
    std::string unit(s.substr(0, u));
    s.remove_prefix(u);
    long double mult;
    if (unit == "ns")
      mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      mult = 1e3;
    else if (unit == "ms")
      mult = 1e6;
    else if (unit == "s")
      mult = 1e9;
    else if (unit == "m")
      mult = 60e9;
    else if (unit == "h")
      mult = 3600e9;
    else
      return core::Error("time: unknown unit \"" + unit + "\" in duration \"" + orig + "\"");
    total += v * mult;
    if (total > 9.223372036854775807e18L) return bad();
  }
  int64_t r = static_cast<int64_t>(total);
  return neg ? -r : r;
}

std::string go_duration_string(int64_t d) {
  uint64_t u = static_cast<uint64_t>(d);
  bool neg = d < 0;
  if (neg) u = 0 - u;
  auto frac = [](uint64_t v, int prec, std::string* out) -> uint64_t {
    bool print = false;
    std::string digits;
    for (int i = 0; i < prec; ++i) {
      uint64_t digit = v % 10;
      print = print || digit != 0;
      if (print) digits.insert(digits.begin(), static_cast<char>('0' + digit));
      v /= 10;
    }
    if (print) *out = "." + digits + *out;
    return v;
  };
  std::string out;
  if (u < 1000000000ULL) {
    int prec;
    std::string unit;
    if (u == 0) return "0s";
    if (u < 1000ULL) {
      prec = 0;
      unit = "ns";
    } else if (u < 1000000ULL) {
      prec = 3;
      unit = "\xC2\xB5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    out = unit;
    u = frac(u, prec, &out);
    out = std::to_string(u) + out;
  } else {
    out = "s";
    u = frac(u, 9, &out);
    out = std::to_string(u % 60) + out;
    u /= 60;
    if (u > 0) {
      out = std::to_string(u % 60) + "m" + out;
      u /= 60;
      if (u > 0) out = std::to_string(u) + "h" + out;
    }
  }
  if (neg) out = "-" + out;
  return out;
}

}  // namespace oc::helm
