// The parts of Go's time package templates reach through Sprig: instants in a location,
// Format/Parse with Go's reference layouts, Durations and their String form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace oc::helm {

// A time zone: UTC, the machine's local zone, or an IANA zone read from /usr/share/zoneinfo.
struct GoLocation {
  std::string name = "UTC";  // "UTC", "Local" or an IANA name
  // Offset east of UTC (seconds) and abbreviation in effect at `unix`.
  void lookup(int64_t at, int* offset, std::string* abbrev) const;
  static std::optional<GoLocation> load(std::string_view name);  // time.LoadLocation
};

struct GoTime {
  int64_t sec = 0;   // seconds since the Unix epoch
  int32_t nsec = 0;  // 0..999999999
  GoLocation loc;
  bool monotonic = false;  // from time.Now(): String() adds " m=+…"
  int64_t mono_ns = 0;

  static GoTime now();
  // time.Time.Format(layout).
  std::string format(std::string_view layout) const;
  // time.Time.String().
  std::string str() const;
  GoTime in(const GoLocation& l) const {
    GoTime t = *this;
    t.loc = l;
    return t;
  }
  bool is_zero() const { return sec == -62135596800 && nsec == 0; }
  // Calendar fields in the time's location.
  struct Civil {
    int64_t year;
    int month, day, hour, minute, second, weekday, yday;
  };
  Civil civil() const;
};

// The zero time.Time (January 1, year 1, 00:00:00 UTC).
GoTime go_zero_time();

// time.ParseInLocation(layout, value, loc); the error text is Go's.
core::Result<GoTime> go_parse_time(std::string_view layout, std::string_view value,
                                   const GoLocation& loc);

// time.ParseDuration (nanoseconds); time.Duration.String().
core::Result<int64_t> go_parse_duration(std::string_view s);
std::string go_duration_string(int64_t ns);

}  // namespace oc::helm
