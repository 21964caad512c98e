// kstatus rules, rewritten from fluxcd/cli-utils pkg/kstatus/status ({status,generic,core,
// util}.go) and fluxcd/pkg runtime/statusreaders/job.go. The Go code reads the object as
// map[string]interface{}; the helpers below reproduce the unstructured accessors it uses
// (NestedString/NestedInt64/NestedBool with their error texts, GetStringField/GetIntField
// that fall back to a default on any mismatch) and the runtime converter behind
// GetObjectWithConditions, so malformed objects fail with the same messages.
#include "kube/kstatus.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

#include "core/scalar.h"

namespace oc::kube {
namespace {

using core::Node;

// --- the Go value a node decodes to --------------------------------------------------------

enum class GoKind { kNil, kBool, kInt64, kFloat64, kString, kMap, kSlice };

struct GoValue {
  GoKind kind = GoKind::kNil;
  bool b = false;
  int64_t i = 0;
  double f = 0;
  std::string s;
};

// A JSON integer literal ("-12") within int64.
std::optional<int64_t> decimal_int64(std::string_view text) {
  size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  if (i == text.size()) return std::nullopt;
  uint64_t v = 0;
  const uint64_t limit = i ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX);
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    uint64_t d = uint64_t(text[i] - '0');
    if (v > (limit - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return text[0] == '-' ? int64_t(0 - v) : int64_t(v);
}

// What apimachinery's unstructured JSON decoding gives for the node: a number whose JSON
// text is an integer that fits int64 is int64, any other number float64. A plain YAML scalar
// goes through YAML→JSON first (sigs.k8s.io/yaml), where an integral float such as 3.0 is
// written as 3.
GoValue go_value(const Node& n) {
  GoValue v;
  if (n.is_mapping()) {
    v.kind = GoKind::kMap;
    return v;
  }
  if (n.is_sequence()) {
    v.kind = GoKind::kSlice;
    return v;
  }
  auto r = core::resolve(n, core::Schema::kYaml11);
  if (!r.ok()) {
    v.kind = GoKind::kString;
    v.s = n.text();
    return v;
  }
  switch (r->type) {
    case core::Scalar::Type::kNull:
      v.kind = GoKind::kNil;
      break;
    case core::Scalar::Type::kBool:
      v.kind = GoKind::kBool;
      v.b = r->b;
      break;
    case core::Scalar::Type::kInt:
      v.kind = GoKind::kInt64;
      v.i = r->i;
      break;
    case core::Scalar::Type::kUint:
      v.kind = GoKind::kFloat64;
      v.f = double(r->u);
      break;
    case core::Scalar::Type::kFloat: {
      v.kind = GoKind::kFloat64;
      v.f = r->f;
      std::optional<int64_t> as_int;
      if (n.type() == core::ScalarType::kFloat) {
        as_int = decimal_int64(n.text());
      } else if (n.type() == core::ScalarType::kUnresolved && std::trunc(r->f) == r->f &&
                 std::fabs(r->f) < 9.2e18) {
        as_int = int64_t(r->f);
      }
      if (as_int) {
        v.kind = GoKind::kInt64;
        v.i = *as_int;
      }
      break;
    }
    case core::Scalar::Type::kString:
    case core::Scalar::Type::kTimestamp:
      v.kind = GoKind::kString;
      v.s = r->s;
      break;
  }
  return v;
}

GoKind go_kind(const Node& n) {
  return go_value(n).kind;
}

// fmt's %T.
std::string_view go_type_name(GoKind k) {
  switch (k) {
    case GoKind::kNil:
      return "<nil>";
    case GoKind::kBool:
      return "bool";
    case GoKind::kInt64:
      return "int64";
    case GoKind::kFloat64:
      return "float64";
    case GoKind::kString:
      return "string";
    case GoKind::kMap:
      return "map[string]interface {}";
    case GoKind::kSlice:
      return "[]interface {}";
  }
  return "";
}

// reflect.Kind's String(), as the runtime converter prints it.
std::string_view go_reflect_kind(GoKind k) {
  switch (k) {
    case GoKind::kNil:
      return "invalid";
    case GoKind::kBool:
      return "bool";
    case GoKind::kInt64:
      return "int64";
    case GoKind::kFloat64:
      return "float64";
    case GoKind::kString:
      return "string";
    case GoKind::kMap:
      return "map";
    case GoKind::kSlice:
      return "slice";
  }
  return "";
}

// fmt's %v: maps print their keys sorted.
void append_go_sprint(std::string& out, const Node& n) {
  if (n.is_mapping()) {
    std::vector<const core::MapEntry*> entries;
    for (const auto& e : n.entries()) entries.push_back(&e);
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto* a, const auto* b) { return a->key.text() < b->key.text(); });
    out += "map[";
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i > 0) out += ' ';
      out += entries[i]->key.text();
      out += ':';
      append_go_sprint(out, entries[i]->value);
    }
    out += ']';
    return;
  }
  if (n.is_sequence()) {
    out += '[';
    for (size_t i = 0; i < n.items().size(); ++i) {
      if (i > 0) out += ' ';
      append_go_sprint(out, n.items()[i]);
    }
    out += ']';
    return;
  }
  GoValue v = go_value(n);
  switch (v.kind) {
    case GoKind::kNil:
      out += "<nil>";
      break;
    case GoKind::kBool:
      out += v.b ? "true" : "false";
      break;
    case GoKind::kInt64:
      out += std::to_string(v.i);
      break;
    case GoKind::kFloat64:
      out += core::go_format_float(v.f, 'g', -1);
      break;
    case GoKind::kString:
      out += v.s;
      break;
    default:
      break;
  }
}

// --- unstructured accessors ----------------------------------------------------------------

using Path = std::initializer_list<std::string_view>;

std::string json_path(Path path, size_t count) {
  std::string out;
  size_t i = 0;
  for (auto field : path) {
    if (i++ == count) break;
    out += '.';
    out += field;
  }
  return out;
}

std::string accessor_error(Path path, size_t count, const Node& value, std::string_view want) {
  std::string msg = json_path(path, count) + " accessor error: ";
  append_go_sprint(msg, value);
  msg += " is of the type ";
  msg += go_type_name(go_kind(value));
  msg += ", expected ";
  msg += want;
  return msg;
}

struct Field {
  const Node* value = nullptr;
  bool found = false;
  std::string error;
};

// unstructured.NestedFieldNoCopy: a null on the way means "not found".
Field nested_field(const Node& obj, Path path) {
  const Node* val = &obj;
  size_t i = 0;
  for (auto field : path) {
    GoKind k = go_kind(*val);
    if (k == GoKind::kNil) return {};
    if (k != GoKind::kMap) {
      return {nullptr, false, accessor_error(path, i + 1, *val, "map[string]interface{}")};
    }
    val = val->find(field);
    if (!val) return {};
    ++i;
  }
  return {val, true, {}};
}

template <class T>
struct Typed {
  T value{};
  bool found = false;
  std::string error;
};

// NestedString / NestedInt64 / NestedBool.
Typed<std::string> nested_string(const Node& obj, Path path) {
  Field f = nested_field(obj, path);
  if (!f.found || !f.error.empty()) return {{}, f.found, f.error};
  GoValue v = go_value(*f.value);
  if (v.kind != GoKind::kString) {
    return {{}, false, accessor_error(path, path.size(), *f.value, "string")};
  }
  return {v.s, true, {}};
}

Typed<int64_t> nested_int64(const Node& obj, Path path) {
  Field f = nested_field(obj, path);
  if (!f.found || !f.error.empty()) return {0, f.found, f.error};
  GoValue v = go_value(*f.value);
  if (v.kind != GoKind::kInt64) {
    return {0, false, accessor_error(path, path.size(), *f.value, "int64")};
  }
  return {v.i, true, {}};
}

Typed<bool> nested_bool(const Node& obj, Path path) {
  Field f = nested_field(obj, path);
  if (!f.found || !f.error.empty()) return {false, f.found, f.error};
  GoValue v = go_value(*f.value);
  if (v.kind != GoKind::kBool) {
    return {false, false, accessor_error(path, path.size(), *f.value, "bool")};
  }
  return {v.b, true, {}};
}

// GetStringField / GetIntField: the default unless the field is there with the right type.
std::string string_field(const Node& obj, Path path, std::string_view fallback) {
  Field f = nested_field(obj, path);
  if (!f.found || !f.error.empty()) return std::string(fallback);
  GoValue v = go_value(*f.value);
  return v.kind == GoKind::kString ? v.s : std::string(fallback);
}

int64_t int_field(const Node& obj, Path path, int64_t fallback) {
  Field f = nested_field(obj, path);
  if (!f.found || !f.error.empty()) return fallback;
  GoValue v = go_value(*f.value);
  return v.kind == GoKind::kInt64 ? v.i : fallback;
}

// getNestedString: "" for anything but a string.
std::string plain_string(const Node& obj, Path path) {
  return string_field(obj, path, "");
}

// --- conditions (GetObjectWithConditions) --------------------------------------------------

struct Condition {
  std::string type;
  std::string status;
  std::string reason;
  std::string message;
};

// runtime.DefaultUnstructuredConverter.FromUnstructured into a string-kinded field.
std::optional<std::string> convert_string_field(const Node* n, std::string_view go_type,
                                                std::string& out) {
  if (!n) return std::nullopt;
  GoValue v = go_value(*n);
  switch (v.kind) {
    case GoKind::kNil:
      return std::nullopt;
    case GoKind::kString:
      out = v.s;
      return std::nullopt;
    // Go can convert an int to a string type but the converter refuses it explicitly.
    case GoKind::kInt64:
      return "cannot convert int64 to " + std::string(go_type);
    default:
      return std::string("unrecognized type: string");
  }
}

// Reads status.conditions as the converter fills ObjWithConditions; the error text is Go's.
std::optional<std::string> read_conditions(const Node& obj, std::vector<Condition>& out) {
  const Node* status = obj.find("status");
  if (!status || go_kind(*status) == GoKind::kNil) return std::nullopt;
  if (!status->is_mapping()) {
    return "cannot restore struct from: " + std::string(go_reflect_kind(go_kind(*status)));
  }
  const Node* conditions = status->find("conditions");
  if (!conditions || go_kind(*conditions) == GoKind::kNil) return std::nullopt;
  if (!conditions->is_sequence()) {
    return "cannot restore slice from " + std::string(go_reflect_kind(go_kind(*conditions)));
  }
  for (const Node& item : conditions->items()) {
    Condition c;
    GoKind k = go_kind(item);
    if (k != GoKind::kNil) {
      if (k != GoKind::kMap) {
        return "cannot restore struct from: " + std::string(go_reflect_kind(k));
      }
      // Struct field order: type, status, reason, message.
      if (auto e = convert_string_field(item.find("type"), "string", c.type)) return e;
      if (auto e = convert_string_field(item.find("status"), "v1.ConditionStatus", c.status)) {
        return e;
      }
      if (auto e = convert_string_field(item.find("reason"), "string", c.reason)) return e;
      if (auto e = convert_string_field(item.find("message"), "string", c.message)) return e;
    }
    out.push_back(std::move(c));
  }
  return std::nullopt;
}

const Condition* find_condition(const std::vector<Condition>& conditions, std::string_view type,
                                std::string_view status) {
  for (const auto& c : conditions) {
    if (c.type == type && c.status == status) return &c;
  }
  return nullptr;
}

// --- results -------------------------------------------------------------------------------

HealthResult current(std::string message) {
  return {Health::kCurrent, std::move(message), {}};
}

// newInProgressStatus: InProgress with a Reconciling condition.
HealthResult in_progress(std::string reason, std::string message) {
  return {Health::kInProgress, std::move(message), std::move(reason)};
}

// newFailedStatus: Failed with a Stalled condition.
HealthResult failed(std::string reason, std::string message) {
  return {Health::kFailed, std::move(message), std::move(reason)};
}

HealthResult unknown(std::string error) {
  return {Health::kUnknown, std::move(error), {}};
}

std::string fmt_d(int64_t v) {
  return std::to_string(v);
}

// Go's int arithmetic wraps.
int64_t sub(int64_t a, int64_t b) {
  return int64_t(uint64_t(a) - uint64_t(b));
}

// --- RFC 3339 timestamps (metav1.Time from metadata.creationTimestamp) ---------------------

struct Instant {
  int64_t seconds = INT64_MIN;  // the zero time when the text does not parse
  int64_t nanos = 0;
  bool operator<(const Instant& o) const {
    return seconds != o.seconds ? seconds < o.seconds : nanos < o.nanos;
  }
};

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + int64_t(doe) - 719468;
}

// time.Parse(time.RFC3339, s): "2006-01-02T15:04:05Z07:00", fractional seconds allowed.
std::optional<Instant> parse_rfc3339(std::string_view s) {
  size_t i = 0;
  auto digits = [&](size_t n, int& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    i += n;
    return true;
  };
  auto lit = [&](char c) {
    if (i >= s.size() || s[i] != c) return false;
    ++i;
    return true;
  };
  int year, month, day, hour, minute, second;
  if (!digits(4, year) || !lit('-') || !digits(2, month) || !lit('-') || !digits(2, day) ||
      !lit('T') || !digits(2, hour) || !lit(':') || !digits(2, minute) || !lit(':') ||
      !digits(2, second)) {
    return std::nullopt;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day < 1 || day > max_day) return std::nullopt;
  int64_t nanos = 0;
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && s[i + 1] >= '0' && s[i + 1] <= '9') {
    ++i;
    int64_t scale = 100000000;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      nanos += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
  }
  int64_t offset = 0;
  if (lit('Z')) {
    offset = 0;
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int oh, om;
    if (!digits(2, oh) || !lit(':') || !digits(2, om) || oh > 23 || om > 59) return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  int64_t secs = days_from_civil(year, unsigned(month), unsigned(day)) * 86400 + hour * 3600 +
                 minute * 60 + second - offset;
  return Instant{secs, nanos};
}

// --- built-in rules (core.go) --------------------------------------------------------------

using Now = std::chrono::system_clock::time_point;

HealthResult always_ready(const Node&) {
  return current("Resource is always ready");
}

HealthResult statefulset_health(const Node& obj) {
  if (string_field(obj, {"spec", "updateStrategy", "type"}, "") == "OnDelete") {
    return current("StatefulSet is using the ondelete update strategy");
  }
  int64_t spec = int_field(obj, {"spec", "replicas"}, 1);
  int64_t ready = int_field(obj, {"status", "readyReplicas"}, 0);
  int64_t current_replicas = int_field(obj, {"status", "currentReplicas"}, 0);
  int64_t updated = int_field(obj, {"status", "updatedReplicas"}, 0);
  int64_t replicas = int_field(obj, {"status", "replicas"}, 0);
  int64_t partition = int_field(obj, {"spec", "updateStrategy", "rollingUpdate", "partition"}, -1);

  if (spec > replicas) {
    return in_progress("LessReplicas", "Replicas: " + fmt_d(replicas) + "/" + fmt_d(spec));
  }
  if (spec > ready) return in_progress("LessReady", "Ready: " + fmt_d(ready) + "/" + fmt_d(spec));
  if (replicas > spec) {
    return in_progress("ExtraPods", "Pending termination: " + fmt_d(sub(replicas, spec)));
  }
  if (partition != -1) {
    if (updated < sub(spec, partition)) {
      return in_progress("PartitionRollout",
                         "updated: " + fmt_d(updated) + "/" + fmt_d(sub(spec, partition)));
    }
    return current("Partition rollout complete. updated: " + fmt_d(updated));
  }
  if (spec > current_replicas) {
    return in_progress("LessCurrent", "current: " + fmt_d(current_replicas) + "/" + fmt_d(spec));
  }
  if (string_field(obj, {"status", "currentRevision"}, "") !=
      string_field(obj, {"status", "updateRevision"}, "")) {
    return in_progress("RevisionMismatch", "Waiting for updated revision to match current");
  }
  return current("All replicas scheduled as expected. Replicas: " + fmt_d(replicas));
}

HealthResult deployment_health(const Node& obj) {
  // Without progressDeadlineSeconds the controller never sets Progressing (it stores
  // MaxInt32 as "no deadline"), so the deployment counts as progressing.
  constexpr int64_t kMaxInt32 = 2147483647;
  bool progressing = int_field(obj, {"spec", "progressDeadlineSeconds"}, kMaxInt32) == kMaxInt32;
  bool available = false;

  std::vector<Condition> conditions;
  if (auto err = read_conditions(obj, conditions)) return unknown(*err);
  for (const auto& c : conditions) {
    if (c.type == "Progressing") {
      if (c.reason == "ProgressDeadlineExceeded") {
        return failed(c.reason, "Progress deadline exceeded");
      }
      if (c.status == "True" && c.reason == "NewReplicaSetAvailable") progressing = true;
    } else if (c.type == "Available") {
      if (c.status == "True") available = true;
    }
  }

  int64_t spec = int_field(obj, {"spec", "replicas"}, 1);
  int64_t replicas = int_field(obj, {"status", "replicas"}, 0);
  int64_t updated = int_field(obj, {"status", "updatedReplicas"}, 0);
  int64_t ready = int_field(obj, {"status", "readyReplicas"}, 0);
  int64_t avail = int_field(obj, {"status", "availableReplicas"}, 0);

  if (spec > replicas) {
    return in_progress("LessReplicas", "Replicas: " + fmt_d(replicas) + "/" + fmt_d(spec));
  }
  if (spec > updated) {
    return in_progress("LessUpdated", "Updated: " + fmt_d(updated) + "/" + fmt_d(spec));
  }
  if (replicas > spec) {
    return in_progress("ExtraPods", "Pending termination: " + fmt_d(sub(replicas, spec)));
  }
  if (updated > avail) {
    return in_progress("LessAvailable", "Available: " + fmt_d(avail) + "/" + fmt_d(updated));
  }
  if (spec > ready) return in_progress("LessReady", "Ready: " + fmt_d(ready) + "/" + fmt_d(spec));
  if (!progressing) return in_progress("ReplicaSetNotAvailable", "ReplicaSet not Available");
  if (!available) return in_progress("DeploymentNotAvailable", "Deployment not Available");
  return current("Deployment is available. Replicas: " + fmt_d(replicas));
}

HealthResult replicaset_health(const Node& obj) {
  std::vector<Condition> conditions;
  if (auto err = read_conditions(obj, conditions)) return unknown(*err);
  if (find_condition(conditions, "ReplicaFailure", "True")) {
    return in_progress("ReplicaFailure", "Replica Failure condition. Check Pods");
  }
  int64_t spec = int_field(obj, {"spec", "replicas"}, 1);
  int64_t replicas = int_field(obj, {"status", "replicas"}, 0);
  int64_t ready = int_field(obj, {"status", "readyReplicas"}, 0);
  int64_t avail = int_field(obj, {"status", "availableReplicas"}, 0);
  int64_t labelled = int_field(obj, {"status", "fullyLabeledReplicas"}, 0);

  if (spec > labelled) {
    return in_progress("LessLabelled", "Labelled: " + fmt_d(labelled) + "/" + fmt_d(spec));
  }
  if (spec > avail) {
    return in_progress("LessAvailable", "Available: " + fmt_d(avail) + "/" + fmt_d(spec));
  }
  if (spec > ready) return in_progress("LessReady", "Ready: " + fmt_d(ready) + "/" + fmt_d(spec));
  if (replicas > spec) {
    return in_progress("ExtraPods", "Pending termination: " + fmt_d(sub(replicas, spec)));
  }
  return current("ReplicaSet is available. Replicas: " + fmt_d(replicas));
}

HealthResult daemonset_health(const Node& obj, const std::string& kind) {
  // A DaemonSet the controller has seen always has both generations, so their absence means
  // it has not acted yet (checkGenerationSet).
  auto gen = nested_int64(obj, {"metadata", "generation"});
  if (!gen.error.empty())
    return unknown("looking up metadata.generation from resource: " + gen.error);
  if (!gen.found) return in_progress("NoGeneration", kind + " metadata.generation not found");
  auto observed = nested_int64(obj, {"status", "observedGeneration"});
  if (!observed.error.empty()) {
    return unknown("looking up status.observedGeneration from resource: " + observed.error);
  }
  if (!observed.found) {
    return in_progress("NoObservedGeneration", kind + " status.observedGeneration not found");
  }

  int64_t desired = int_field(obj, {"status", "desiredNumberScheduled"}, -1);
  int64_t current_n = int_field(obj, {"status", "currentNumberScheduled"}, 0);
  int64_t updated = int_field(obj, {"status", "updatedNumberScheduled"}, 0);
  int64_t avail = int_field(obj, {"status", "numberAvailable"}, 0);
  int64_t ready = int_field(obj, {"status", "numberReady"}, 0);

  if (desired == -1)
    return in_progress("NoDesiredNumber", "Missing .status.desiredNumberScheduled");
  if (desired > current_n) {
    return in_progress("LessCurrent", "Current: " + fmt_d(current_n) + "/" + fmt_d(desired));
  }
  if (desired > updated) {
    return in_progress("LessUpdated", "Updated: " + fmt_d(updated) + "/" + fmt_d(desired));
  }
  if (desired > avail) {
    return in_progress("LessAvailable", "Available: " + fmt_d(avail) + "/" + fmt_d(desired));
  }
  if (desired > ready) {
    return in_progress("LessReady", "Ready: " + fmt_d(ready) + "/" + fmt_d(desired));
  }
  return current("All replicas scheduled as expected. Replicas: " + fmt_d(desired));
}

HealthResult pvc_health(const Node& obj) {
  std::string phase = string_field(obj, {"status", "phase"}, "unknown");
  if (phase != "Bound") return in_progress("NotBound", "PVC is not Bound. phase: " + phase);
  return current("PVC is Bound");
}

// The names of containers waiting in CrashLoopBackOff. Go asserts the types of these fields
// without checking and panics on a mismatch; that panic is reported as an error here.
std::optional<std::string> crash_looping(const Node& obj, std::vector<std::string>& names) {
  Field f = nested_field(obj, {"status", "containerStatuses"});
  if (!f.error.empty()) return f.error;
  if (!f.found) return std::nullopt;
  if (go_kind(*f.value) != GoKind::kSlice) {
    return accessor_error({"status", "containerStatuses"}, 2, *f.value, "[]interface{}");
  }
  auto expect = [](const Node* n, GoKind want,
                   std::string_view want_name) -> std::optional<std::string> {
    GoKind k = go_kind(*n);
    if (k == want) return std::nullopt;
    return "interface conversion: interface {} is " + std::string(go_type_name(k)) + ", not " +
           std::string(want_name);
  };
  for (const Node& item : f.value->items()) {
    if (auto e = expect(&item, GoKind::kMap, "map[string]interface {}")) return e;
    const Node* name = item.find("name");
    if (!name) continue;
    if (auto e = expect(name, GoKind::kString, "string")) return e;
    const Node* state = item.find("state");
    if (!state) continue;
    if (auto e = expect(state, GoKind::kMap, "map[string]interface {}")) return e;
    const Node* waiting = state->find("waiting");
    if (!waiting) continue;
    if (auto e = expect(waiting, GoKind::kMap, "map[string]interface {}")) return e;
    const Node* reason = waiting->find("reason");
    if (!reason) continue;
    if (auto e = expect(reason, GoKind::kString, "string")) return e;
    if (go_value(*reason).s == "CrashLoopBackOff") names.push_back(go_value(*name).s);
  }
  return std::nullopt;
}

HealthResult pod_health(const Node& obj, Now now) {
  std::vector<Condition> conditions;
  if (auto err = read_conditions(obj, conditions)) return unknown(*err);
  std::string phase = string_field(obj, {"status", "phase"}, "");

  if (phase == "Succeeded") return current("Pod has completed successfully");
  if (phase == "Failed") return current("Pod has completed, but not successfully");
  if (phase == "Running") {
    if (find_condition(conditions, "Ready", "True")) return current("Pod is Ready");
    std::vector<std::string> names;
    if (auto err = crash_looping(obj, names)) return unknown(*err);
    if (!names.empty()) {
      std::string joined;
      for (size_t i = 0; i < names.size(); ++i) joined += (i ? "," : "") + names[i];
      return failed("ContainerCrashLooping", "Containers in CrashLoop state: " + joined);
    }
    return in_progress("PodRunningNotReady", "Pod is running but is not Ready");
  }
  if (phase == "Pending") {
    const Condition* c = find_condition(conditions, "PodScheduled", "False");
    if (c && c->reason == "Unschedulable") {
      // Unschedulable counts as a failure only 15s after creation (ScheduleWindow); a
      // missing or unreadable creationTimestamp is Go's zero time, long past.
      auto created =
          parse_rfc3339(plain_string(obj, {"metadata", "creationTimestamp"})).value_or(Instant{});
      auto since_epoch =
          std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
      Instant window{since_epoch / 1000000000 - 15, since_epoch % 1000000000};
      if (window.nanos < 0) {
        window.nanos += 1000000000;
        window.seconds -= 1;
      }
      if (window < created) return in_progress("PodNotScheduled", "Pod has not been scheduled");
      return failed("PodUnschedulable", "Pod could not be scheduled");
    }
    return in_progress("PodPending", "Pod is in the Pending phase");
  }
  // No phase: the kubelet has not reported on the pod yet.
  if (phase.empty()) return in_progress("PodNotObserved", "Pod phase not available");
  return unknown("unknown phase " + phase);
}

HealthResult pdb_health(const Node&) {
  return current("AllowedDisruptions has been computed.");
}

HealthResult service_health(const Node& obj) {
  if (string_field(obj, {"spec", "type"}, "ClusterIP") == "LoadBalancer" &&
      string_field(obj, {"spec", "clusterIP"}, "").empty()) {
    return in_progress("NoIPAssigned", "ClusterIP not set. Service type: LoadBalancer");
  }
  return current("Service is ready");
}

HealthResult crd_health(const Node& obj) {
  std::vector<Condition> conditions;
  if (auto err = read_conditions(obj, conditions)) return unknown(*err);
  for (const auto& c : conditions) {
    if (c.type == "NamesAccepted" && c.status == "False") return failed(c.reason, c.message);
    if (c.type == "Established") {
      if (c.status == "False" && c.reason != "Installing") return failed(c.reason, c.message);
      if (c.status == "True") return current("CRD is established");
    }
  }
  return in_progress("Installing", "Install in progress");
}

// Flux's Job rule (fluxcd/pkg runtime/statusreaders/job.go), which replaces kstatus's: a
// running Job is not yet Current.
HealthResult flux_job_health(const Node& obj) {
  auto suspend = nested_bool(obj, {"spec", "suspend"});
  if (suspend.error.empty() && suspend.found && suspend.value) return current("Job is suspended");

  int64_t parallelism = int_field(obj, {"spec", "parallelism"}, 1);
  int64_t completions = int_field(obj, {"spec", "completions"}, parallelism);
  int64_t active = int_field(obj, {"status", "active"}, 0);
  int64_t succeeded = int_field(obj, {"status", "succeeded"}, 0);
  int64_t failures = int_field(obj, {"status", "failed"}, 0);
  std::string start_time = string_field(obj, {"status", "startTime"}, "");

  std::vector<Condition> conditions;
  if (auto err = read_conditions(obj, conditions)) return unknown(*err);
  for (const auto& c : conditions) {
    if (c.status != "True") continue;
    if (c.type == "Complete") {
      return current("Job Completed. succeeded: " + fmt_d(succeeded) + "/" + fmt_d(completions));
    }
    if (c.type == "Failed") {
      return failed("JobFailed",
                    "Job Failed. failed: " + fmt_d(failures) + "/" + fmt_d(completions));
    }
  }
  if (start_time.empty()) {
    return in_progress("JobNotStarted", "Job not started. active: 0/" + fmt_d(parallelism));
  }
  return in_progress("JobInProgress", "Job in progress. success:" + fmt_d(succeeded) +
                                          ", active: " + fmt_d(active) +
                                          ", failed: " + fmt_d(failures));
}

// --- Compute (status.go, generic.go) -------------------------------------------------------

// checkGenericProperties: a decision from deletion, generation and the standard conditions.
std::optional<HealthResult> generic_health(const Node& obj, const std::string& kind) {
  auto deletion = nested_string(obj, {"metadata", "deletionTimestamp"});
  if (!deletion.error.empty()) {
    return unknown("looking up metadata.deletionTimestamp from resource: " + deletion.error);
  }
  if (deletion.found && !deletion.value.empty()) {
    return HealthResult{Health::kTerminating, "Resource scheduled for deletion", {}};
  }

  auto generation = nested_int64(obj, {"metadata", "generation"});
  if (!generation.error.empty()) {
    return unknown("looking up metadata.generation from resource: " + generation.error);
  }
  if (generation.found) {
    auto observed = nested_int64(obj, {"status", "observedGeneration"});
    if (!observed.error.empty()) {
      return unknown("looking up status.observedGeneration from resource: " + observed.error);
    }
    if (observed.found && observed.value != generation.value) {
      return in_progress("LatestGenerationNotObserved",
                         kind + " generation is " + fmt_d(generation.value) +
                             ", but latest observed generation is " + fmt_d(observed.value));
    }
  }

  std::vector<Condition> conditions;
  if (auto err = read_conditions(obj, conditions)) return unknown(*err);
  for (const auto& c : conditions) {
    if (c.type == "Reconciling" && c.status == "True") return in_progress(c.reason, c.message);
    if (c.type == "Stalled" && c.status == "True") return failed(c.reason, c.message);
  }
  return std::nullopt;
}

// checkReadyCondition: the widely used (if non-standard) Ready condition.
std::optional<HealthResult> ready_condition_health(const Node& obj) {
  std::vector<Condition> conditions;
  if (auto err = read_conditions(obj, conditions)) return unknown(*err);
  for (const auto& c : conditions) {
    if (c.type != "Ready") continue;
    if (c.status == "True") return current("Resource is Ready");
    // Unknown is treated like False.
    if (c.status == "False" || c.status == "Unknown") return in_progress(c.reason, c.message);
  }
  return std::nullopt;
}

// The group of an apiVersion as schema.ParseGroupVersion reads it; nullopt when it does not
// parse (then Go's GroupVersionKind() is empty, kind included).
std::optional<std::string> api_group(std::string_view api_version) {
  if (api_version.empty() || api_version == "/") return std::string();
  size_t slashes = size_t(std::count(api_version.begin(), api_version.end(), '/'));
  if (slashes == 0) return std::string();
  if (slashes > 1) return std::nullopt;
  return std::string(api_version.substr(0, api_version.find('/')));
}

}  // namespace

std::string_view to_string(Health health) {
  switch (health) {
    case Health::kCurrent:
      return "Current";
    case Health::kInProgress:
      return "InProgress";
    case Health::kFailed:
      return "Failed";
    case Health::kTerminating:
      return "Terminating";
    case Health::kNotFound:
      return "NotFound";
    case Health::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

HealthResult compute_health(const core::Node& obj) {
  return compute_health(obj, std::chrono::system_clock::now());
}

HealthResult compute_health(const core::Node& obj, std::chrono::system_clock::time_point now) {
  if (!obj.is_mapping()) return unknown("object is not a mapping");
  const std::string kind = plain_string(obj, {"kind"});
  auto group = api_group(plain_string(obj, {"apiVersion"}));
  std::string key;
  if (group) key = group->empty() ? kind : *group + "/" + kind;

  // Flux registers its Job reader ahead of kstatus's; it runs alone, without the generic checks.
  if (key == "batch/Job") return flux_job_health(obj);

  if (auto r = generic_health(obj, kind)) return *r;

  if (key == "Service") return service_health(obj);
  if (key == "Pod") return pod_health(obj, now);
  if (key == "Secret" || key == "ConfigMap" || key == "batch/CronJob") return always_ready(obj);
  if (key == "PersistentVolumeClaim") return pvc_health(obj);
  if (key == "apps/StatefulSet") return statefulset_health(obj);
  if (key == "apps/DaemonSet" || key == "extensions/DaemonSet") return daemonset_health(obj, kind);
  if (key == "apps/Deployment" || key == "extensions/Deployment") return deployment_health(obj);
  if (key == "apps/ReplicaSet" || key == "extensions/ReplicaSet") return replicaset_health(obj);
  if (key == "policy/PodDisruptionBudget") return pdb_health(obj);
  if (key == "apiextensions.k8s.io/CustomResourceDefinition") return crd_health(obj);

  if (auto r = ready_condition_health(obj)) return *r;
  // No rule and no known condition: kstatus assumes the resource is current.
  return current("Resource is current");
}

}  // namespace oc::kube
