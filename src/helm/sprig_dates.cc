// Sprig's date.go: now, date, dateInZone, htmlDate, dateModify, toDate, unixEpoch, ago,
// duration, durationRound; and the time.Time values (with their methods) they exchange.
#include "core/node.h"
#include "helm/func_util.h"
#include "helm/go_time.h"

namespace oc::helm {

namespace {

class TimeObject : public Object {
 public:
  explicit TimeObject(GoTime t) : t_(std::move(t)) {}
  std::string type_name() const override { return "time.Time"; }
  bool stringer(std::string* out) const override {
    *out = t_.str();
    return true;
  }
  bool json_node(core::Node* out) const override {
    *out = core::Node::string(t_.format("2006-01-02T15:04:05.999999999Z07:00"));
    return true;
  }
  const FuncDef* method(std::string_view name) const override;
  const GoTime& time() const { return t_; }

 private:
  GoTime t_;
};

Value make_time(GoTime t) {
  return Value::object(new TimeObject(std::move(t)));
}
const GoTime& time_of(const Value& v) {
  return static_cast<const TimeObject*>(v.object_ptr())->time();
}
bool is_time(const Value& v) {
  return v.kind() == Kind::kObject && v.object_ptr()->type_name() == "time.Time";
}

GoLocation load_or_utc(std::string_view zone) {
  auto l = GoLocation::load(zone);
  return l ? *l : GoLocation{"UTC"};
}

GoTime from_unix(int64_t s) {
  GoTime t;
  t.sec = s;
  t.loc.name = "Local";
  return t;
}

// The time a date function's interface{} argument stands for (Sprig falls back to now).
GoTime time_arg(const Value& v, bool allow_int32) {
  if (is_time(v)) return time_of(v);
  if (v.kind() == Kind::kInt) {
    if (v.type() == GoType::kInt64 || v.type() == GoType::kInt ||
        (allow_int32 && v.type() == GoType::kInt32)) {
      return from_unix(v.as_int());
    }
  }
  return GoTime::now();
}

Value f_now(CallCtx&, Args) {
  return make_time(GoTime::now());
}
Value f_date(CallCtx&, Args a) {
  return str_value(time_arg(a[1], true).in(load_or_utc("Local")).format(a[0].str()));
}
Value f_date_in_zone(CallCtx&, Args a) {
  return str_value(time_arg(a[1], true).in(load_or_utc(a[2].str())).format(a[0].str()));
}
Value f_html_date(CallCtx&, Args a) {
  return str_value(time_arg(a[0], true).in(load_or_utc("Local")).format("2006-01-02"));
}
Value f_html_date_in_zone(CallCtx&, Args a) {
  return str_value(time_arg(a[0], true).in(load_or_utc(a[1].str())).format("2006-01-02"));
}
GoTime add_ns(GoTime t, int64_t ns) {
  int64_t total = static_cast<int64_t>(t.nsec) + ns % 1000000000;
  t.sec += ns / 1000000000 + (total >= 1000000000 ? 1 : total < 0 ? -1 : 0);
  t.nsec = static_cast<int32_t>((total % 1000000000 + 1000000000) % 1000000000);
  if (t.monotonic) t.mono_ns += ns;
  return t;
}
Value f_date_modify(CallCtx&, Args a) {
  auto d = go_parse_duration(a[0].str());
  if (!d.ok()) return a[1];
  return make_time(add_ns(time_of(a[1]), *d));
}
Value f_must_date_modify(CallCtx&, Args a) {
  auto d = go_parse_duration(a[0].str());
  if (!d.ok()) func_fail(d.error().message);
  return make_time(add_ns(time_of(a[1]), *d));
}
Value f_to_date(CallCtx&, Args a) {
  auto t = go_parse_time(a[0].str(), a[1].str(), load_or_utc("Local"));
  if (!t.ok()) return make_time(go_zero_time());
  return make_time(*t);
}
Value f_must_to_date(CallCtx&, Args a) {
  auto t = go_parse_time(a[0].str(), a[1].str(), load_or_utc("Local"));
  if (!t.ok()) func_fail(t.error().message);
  return make_time(*t);
}
Value f_unix_epoch(CallCtx&, Args a) {
  return str_value(std::to_string(time_of(a[0]).sec));
}
int64_t since_ns(const GoTime& t) {
  GoTime n = GoTime::now();
  return (n.sec - t.sec) * 1000000000 + (n.nsec - t.nsec);
}
Value f_ago(CallCtx&, Args a) {
  GoTime t = time_arg(a[0], false);
  int64_t d = since_ns(t);
  // Round to the second (half away from zero).
  int64_t r = d % 1000000000;
  d -= r;
  if (r + r >= 1000000000) d += 1000000000;
  if (r + r <= -1000000000) d -= 1000000000;
  return str_value(go_duration_string(d));
}
Value f_duration(CallCtx&, Args a) {
  int64_t n = 0;
  if (a[0].kind() == Kind::kString) {
    char* end = nullptr;
    std::string s(a[0].str());
    long long v = std::strtoll(s.c_str(), &end, 10);
    n = (end && *end == 0 && !s.empty()) ? v : 0;
  } else if (a[0].kind() == Kind::kInt && a[0].type() == GoType::kInt64) {
    n = a[0].as_int();
  }
  return str_value(go_duration_string(n * 1000000000));
}
Value f_duration_round(CallCtx&, Args a) {
  int64_t d = 0;
  if (a[0].kind() == Kind::kString) {
    auto p = go_parse_duration(a[0].str());
    d = p.ok() ? *p : 0;
  } else if (a[0].kind() == Kind::kInt && a[0].type() == GoType::kInt64) {
    d = a[0].as_int();
  } else if (is_time(a[0])) {
    d = since_ns(time_of(a[0]));
  }
  uint64_t u = static_cast<uint64_t>(d);
  if (d < 0) u = 0 - u;
  const uint64_t second = 1000000000ULL, minute = 60 * second, hour = 60 * minute, day = 24 * hour,
                 month = 30 * day, year = 365 * day;
  if (u > year) return str_value(std::to_string(u / year) + "y");
  if (u > month) return str_value(std::to_string(u / month) + "mo");
  if (u > day) return str_value(std::to_string(u / day) + "d");
  if (u > hour) return str_value(std::to_string(u / hour) + "h");
  if (u > minute) return str_value(std::to_string(u / minute) + "m");
  if (u > second) return str_value(std::to_string(u / second) + "s");
  return Value::string("0s");
}

// --- time.Time methods ---
const GoTime& self(Args a) {
  return time_of(a[0]);
}
Value m_format(CallCtx&, Args a) {
  return str_value(self(a).format(a[1].str()));
}
Value m_unix(CallCtx&, Args a) {
  return Value::integer(self(a).sec, GoType::kInt64);
}
Value m_unix_nano(CallCtx&, Args a) {
  return Value::integer(self(a).sec * 1000000000 + self(a).nsec, GoType::kInt64);
}
Value m_year(CallCtx&, Args a) {
  return Value::integer(self(a).civil().year);
}
Value m_month(CallCtx&, Args a) {
  static const char* kMonths[] = {"January",   "February", "March",    "April",
                                  "May",       "June",     "July",     "August",
                                  "September", "October",  "November", "December"};
  return Value::string(kMonths[self(a).civil().month - 1]);
}
Value m_day(CallCtx&, Args a) {
  return Value::integer(self(a).civil().day);
}
Value m_hour(CallCtx&, Args a) {
  return Value::integer(self(a).civil().hour);
}
Value m_minute(CallCtx&, Args a) {
  return Value::integer(self(a).civil().minute);
}
Value m_second(CallCtx&, Args a) {
  return Value::integer(self(a).civil().second);
}
Value m_nanosecond(CallCtx&, Args a) {
  return Value::integer(self(a).nsec);
}
Value m_year_day(CallCtx&, Args a) {
  return Value::integer(self(a).civil().yday);
}
Value m_weekday(CallCtx&, Args a) {
  static const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                "Thursday", "Friday", "Saturday"};
  return Value::string(kDays[self(a).civil().weekday]);
}
Value m_utc(CallCtx&, Args a) {
  GoTime t = self(a).in(GoLocation{"UTC"});
  return make_time(t);
}
Value m_local(CallCtx&, Args a) {
  return make_time(self(a).in(GoLocation{"Local"}));
}
Value m_is_zero(CallCtx&, Args a) {
  return Value::boolean(self(a).is_zero());
}
Value m_string(CallCtx&, Args a) {
  return str_value(self(a).str());
}
Value m_add(CallCtx&, Args a) {
  return make_time(add_ns(self(a), a[1].as_int()));
}
int cmp(const GoTime& x, const GoTime& y) {
  if (x.sec != y.sec) return x.sec < y.sec ? -1 : 1;
  if (x.nsec != y.nsec) return x.nsec < y.nsec ? -1 : 1;
  return 0;
}
Value m_before(CallCtx&, Args a) {
  return Value::boolean(cmp(self(a), time_of(a[1])) < 0);
}
Value m_after(CallCtx&, Args a) {
  return Value::boolean(cmp(self(a), time_of(a[1])) > 0);
}
Value m_equal(CallCtx&, Args a) {
  return Value::boolean(cmp(self(a), time_of(a[1])) == 0);
}

FuncTable make_methods() {
  FuncTable t;
  using P = Param;
  def(t, "Format", {P::kString}, m_format);
  def(t, "Unix", {}, m_unix);
  def(t, "UnixNano", {}, m_unix_nano);
  def(t, "Year", {}, m_year);
  def(t, "Month", {}, m_month);
  def(t, "Day", {}, m_day);
  def(t, "Hour", {}, m_hour);
  def(t, "Minute", {}, m_minute);
  def(t, "Second", {}, m_second);
  def(t, "Nanosecond", {}, m_nanosecond);
  def(t, "YearDay", {}, m_year_day);
  def(t, "Weekday", {}, m_weekday);
  def(t, "UTC", {}, m_utc);
  def(t, "Local", {}, m_local);
  def(t, "IsZero", {}, m_is_zero);
  def(t, "String", {}, m_string);
  def(t, "Add", {P::kInt64}, m_add);
  def(t, "Before", {P::kTime}, m_before);
  def(t, "After", {P::kTime}, m_after);
  def(t, "Equal", {P::kTime}, m_equal);
  return t;
}

const FuncDef* TimeObject::method(std::string_view name) const {
  static const FuncTable methods = make_methods();
  return methods.find(name);
}

}  // namespace

void add_sprig_date_funcs(FuncTable& t) {
  using P = Param;
  def(t, "now", {}, f_now);
  def(t, "date", {P::kString, P::kAny}, f_date);
  def(t, "dateInZone", {P::kString, P::kAny, P::kString}, f_date_in_zone);
  def(t, "date_in_zone", {P::kString, P::kAny, P::kString}, f_date_in_zone);
  def(t, "htmlDate", {P::kAny}, f_html_date);
  def(t, "htmlDateInZone", {P::kAny, P::kString}, f_html_date_in_zone);
  def(t, "dateModify", {P::kString, P::kTime}, f_date_modify);
  def(t, "date_modify", {P::kString, P::kTime}, f_date_modify);
  def(t, "mustDateModify", {P::kString, P::kTime}, f_must_date_modify);
  def(t, "must_date_modify", {P::kString, P::kTime}, f_must_date_modify);
  def(t, "toDate", {P::kString, P::kString}, f_to_date);
  def(t, "mustToDate", {P::kString, P::kString}, f_must_to_date);
  def(t, "unixEpoch", {P::kTime}, f_unix_epoch);
  def(t, "ago", {P::kAny}, f_ago);
  def(t, "duration", {P::kAny}, f_duration);
  def(t, "durationRound", {P::kAny}, f_duration_round);
}

}  // namespace oc::helm
