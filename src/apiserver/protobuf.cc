// Decoding Kubernetes protobuf bodies into JSON document trees (see protobuf.h).
//
// The wire format is protobuf's: a message is a run of (tag varint, value) pairs where the tag
// is field_number << 3 | wire_type and the value is a varint (0), 8 bytes (1), a length-prefixed
// run of bytes (2: strings, bytes, nested messages, map entries, packed repeated numbers) or
// 4 bytes (5). The schema tables say, per message, what each field number means; the JSON is
// written in Go's way (encoding/json over the k8s.io/api structs) because that is what kubectl
// would have sent had it sent JSON.
#include "apiserver/protobuf.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "apiserver/protobuf_schema.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/utf8.h"

namespace oc::apiserver {

using core::Node;
using pb::Field;
using pb::Type;

namespace {

constexpr std::string_view kMagic{"k8s\0", 4};
constexpr int kMaxDepth = 64;
// Nodes the decoder may create beyond one per input byte: absent struct fields are written out
// (as encoding/json does), so a tiny message legitimately expands, but not without bound.
constexpr size_t kNodeAllowance = 65536;
// Seconds of 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: Go's Time.MarshalJSON range.
constexpr int64_t kMinJsonSeconds = -62167219200;
constexpr int64_t kMaxJsonSeconds = 253402300799;
// time.Time{}.Unix(): 0001-01-01T00:00:00Z, the zero time written as null.
constexpr int64_t kZeroTimeSeconds = -62135596800;

enum Wire : uint8_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5, kAbsent = 0xff };

struct WireValue {
  uint32_t number = 0;
  uint8_t wire = 0;
  uint64_t num = 0;        // kVarint, kFixed64, kFixed32
  std::string_view bytes;  // kLen
};

const char* wire_name(uint8_t w) {
  switch (w) {
    case kVarint:
      return "varint";
    case kFixed64:
      return "64-bit";
    case kLen:
      return "length-delimited";
    case kFixed32:
      return "32-bit";
    default:
      return "group";
  }
}

// Reads fields off a message's bytes; every length is checked against what is left.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool done() const { return pos_ >= data_.size(); }

  // The next field, or false with `err` set when the bytes are not a valid message.
  bool next(WireValue& v, std::string& err) {
    uint64_t tag = 0;
    if (!varint(tag)) {
      err = "truncated or overlong field tag";
      return false;
    }
    v.wire = uint8_t(tag & 7);
    uint64_t number = tag >> 3;
    if (number == 0 || number > 0x1fffffff) {
      err = "invalid field number " + std::to_string(number);
      return false;
    }
    v.number = uint32_t(number);
    v.bytes = {};
    v.num = 0;
    switch (v.wire) {
      case kVarint:
        if (!varint(v.num)) {
          err = "truncated varint in field " + std::to_string(number);
          return false;
        }
        return true;
      case kFixed64:
      case kFixed32: {
        size_t n = v.wire == kFixed64 ? 8 : 4;
        if (data_.size() - pos_ < n) {
          err = "truncated fixed-width value in field " + std::to_string(number);
          return false;
        }
        for (size_t i = 0; i < n; ++i) v.num |= uint64_t(uint8_t(data_[pos_ + i])) << (8 * i);
        pos_ += n;
        return true;
      }
      case kLen: {
        uint64_t len = 0;
        if (!varint(len) || len > data_.size() - pos_) {
          err = "length of field " + std::to_string(number) + " runs past the end of its message";
          return false;
        }
        v.bytes = data_.substr(pos_, size_t(len));
        pos_ += size_t(len);
        return true;
      }
      default:
        err = "unsupported wire type " + std::to_string(v.wire) + " in field " +
              std::to_string(number);
        return false;
    }
  }

  // A bare varint (packed repeated numbers).
  bool varint(uint64_t& out) {
    out = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= data_.size()) return false;
      uint8_t b = uint8_t(data_[pos_++]);
      // The tenth byte may only carry the top bit of a 64-bit value.
      if (shift == 63 && b > 1) return false;
      out |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }

  bool fixed(size_t n, uint64_t& out) {
    if (data_.size() - pos_ < n) return false;
    out = 0;
    for (size_t i = 0; i < n; ++i) out |= uint64_t(uint8_t(data_[pos_ + i])) << (8 * i);
    pos_ += n;
    return true;
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

bool is_varint_type(Type t) {
  return t == Type::kBool || t == Type::kInt32 || t == Type::kInt64;
}

// Go's encoding/json writes each byte that is not part of valid UTF-8 as U+FFFD.
std::string valid_utf8(std::string_view s) {
  if (core::utf8_valid(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size();) {
    size_t n = core::utf8_valid_len(s, i);
    if (n == 0) {
      core::utf8_append(out, 0xfffd);
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

// The civil date of a day count since 1970-01-01 (proleptic Gregorian calendar).
void civil_from_days(int64_t days, int64_t& y, unsigned& m, unsigned& d) {
  days += 719468;  // shift the epoch to 0000-03-01, so leap days end each 400-year era
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto doe = unsigned(days - era * 146097);                              // [0, 146096]
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  unsigned mp = (5 * doy + 2) / 153;                                     // March = 0
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = int64_t(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

// RFC 3339 in UTC, as metav1.Time (seconds) and metav1.MicroTime (micro = true) write it.
std::string rfc3339(int64_t seconds, int32_t micros, bool micro) {
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t rem = seconds - days * 86400;
  int64_t y = 0;
  unsigned mo = 0, d = 0;
  civil_from_days(days, y, mo, d);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), mo, d, static_cast<long long>(rem / 3600),
                        static_cast<long long>(rem / 60 % 60), static_cast<long long>(rem % 60));
  std::string out(buf, size_t(n));
  if (micro) {
    std::snprintf(buf, sizeof buf, ".%06d", micros);
    out += buf;
  }
  out += 'Z';
  return out;
}

// resource.ParseQuantity's grammar: a signed decimal number and a suffix (Ki…Ei, m, k, M…E, or
// an e/E exponent).
bool valid_quantity(std::string_view s) {
  size_t i = 0;
  auto number = [&](bool need_digits_only) {
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
    if (!need_digits_only && i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
    }
    return digits > 0;
  };
  if (!number(false)) return false;
  std::string_view suffix = s.substr(i);
  if (suffix.empty()) return true;
  static constexpr std::string_view kSuffixes[] = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m",
                                                   "k",  "M",  "G",  "T",  "P",  "E"};
  for (auto k : kSuffixes) {
    if (suffix == k) return true;
  }
  if (suffix[0] == 'e' || suffix[0] == 'E') {
    ++i;
    return number(true) && i == s.size();
  }
  return false;
}

class Decoder {
 public:
  explicit Decoder(size_t budget) : budget_(budget) {}

  core::Error error;

  // Appends the JSON fields of message `msg` encoded in `bytes` to the mapping `out`.
  bool message(uint16_t msg, std::string_view bytes, Node& out, int depth) {
    if (depth > kMaxDepth)
      return malformed("messages nested deeper than " + std::to_string(kMaxDepth));
    const pb::Message& m = pb::kMessages[msg];
    const Field* fields = pb::kFields + m.first;

    struct Occurrence {
      uint16_t field;
      WireValue v;
    };
    std::vector<Occurrence> occ;
    Reader r(bytes);
    std::string err;
    uint16_t last = 0;
    while (!r.done()) {
      WireValue v;
      if (!r.next(v, err)) return malformed(err + " (in " + std::string(m.name) + ")");
      uint16_t f = last;
      if (f >= m.count || fields[f].number != v.number) {
        f = 0;
        while (f < m.count && fields[f].number != v.number) ++f;
      }
      if (f == m.count) {
        return unsupported("protobuf field " + std::to_string(v.number) + " of " + m.name +
                           where() +
                           " is not known to this server (it reads the schema of Kubernetes 1.32); "
                           "send the object as application/json");
      }
      if (!wire_ok(fields[f], v.wire)) {
        return malformed("field " + std::to_string(v.number) + " of " + m.name + where() +
                         " has wire type " + wire_name(v.wire) + ", which does not fit its type");
      }
      occ.push_back({f, v});
      last = f;
    }
    std::stable_sort(occ.begin(), occ.end(),
                     [](const Occurrence& a, const Occurrence& b) { return a.field < b.field; });

    size_t at = 0;
    for (uint16_t f = 0; f < m.count; ++f) {
      const Field& field = fields[f];
      size_t begin = at;
      while (at < occ.size() && occ[at].field == f) ++at;
      std::vector<const WireValue*> values;
      values.reserve(at - begin);
      for (size_t i = begin; i < at; ++i) values.push_back(&occ[i].v);
      size_t path_len = path_.size();
      if (!(field.flags & pb::kInline)) {
        path_ += '.';
        path_ += field.json;
      }
      bool ok = emit_field(field, values, out, depth);
      path_.resize(path_len);
      if (!ok) return false;
    }
    return true;
  }

  bool spend(size_t nodes) {
    if (nodes > budget_) return malformed("the decoded object is too large");
    budget_ -= nodes;
    return true;
  }

 private:
  static bool wire_ok(const Field& f, uint8_t wire) {
    bool repeated = f.flags & pb::kRepeated;
    if (is_varint_type(f.type)) return wire == kVarint || (repeated && wire == kLen);
    if (f.type == Type::kDouble) return wire == kFixed64 || (repeated && wire == kLen);
    return wire == kLen;
  }

  std::string where() const { return path_.empty() ? "" : " at " + path_; }

  bool malformed(std::string msg) {
    if (error.message.empty()) {
      error = core::Error(std::move(msg));
      error.code = 400;
    }
    return false;
  }
  bool unsupported(std::string msg) {
    if (error.message.empty()) {
      error = core::Error(std::move(msg));
      error.code = 415;
    }
    return false;
  }

  bool put(Node& out, const char* key, Node value) {
    if (!spend(1)) return false;
    out.entries().push_back(core::MapEntry{Node::string(key), std::move(value)});
    return true;
  }

  // One field: absent, singular, repeated or map, with Go's rules for what JSON shows.
  bool emit_field(const Field& f, const std::vector<const WireValue*>& values, Node& out,
                  int depth) {
    bool omitempty = f.flags & pb::kOmitEmpty;
    bool pointer = f.flags & pb::kPointer;
    if (f.flags & pb::kInline) {
      std::string merged;
      return message(f.message, joined(values, merged), out, depth + 1);
    }
    if (f.type == Type::kMap) {
      if (values.empty()) return omitempty ? true : put(out, f.json, Node::null());
      Node map = Node::mapping();
      if (!map_entries(f, values, map, depth)) return false;
      return put(out, f.json, std::move(map));
    }
    if (f.flags & pb::kRepeated) {
      if (values.empty()) return omitempty ? true : put(out, f.json, Node::null());
      Node seq = Node::sequence();
      for (size_t i = 0; i < values.size(); ++i) {
        const WireValue& v = *values[i];
        if (v.wire == kLen && (is_varint_type(f.type) || f.type == Type::kDouble)) {
          if (!packed(f, v.bytes, seq)) return false;
          continue;
        }
        size_t path_len = path_.size();
        path_ += "[" + std::to_string(seq.size()) + "]";
        Node item;
        bool ok = value(f.type, f.message, v, item, depth);
        path_.resize(path_len);
        if (!ok || !spend(1)) return false;
        seq.push_back(std::move(item));
      }
      return put(out, f.json, std::move(seq));
    }
    if (values.empty()) {
      if (pointer) return omitempty ? true : put(out, f.json, Node::null());
      switch (f.type) {
        case Type::kMessage: {
          Node obj = Node::mapping();
          if (!message(f.message, {}, obj, depth + 1)) return false;
          return put(out, f.json, std::move(obj));
        }
        case Type::kTime:
        case Type::kMicroTime:
        case Type::kRawJson:
          return put(out, f.json, Node::null());
        case Type::kIntOrString:
          return put(out, f.json, Node::integer(0));
        case Type::kQuantity:
          return put(out, f.json, Node::string("0"));
        case Type::kBytes:
          return omitempty ? true : put(out, f.json, Node::null());
        default:
          break;
      }
      if (omitempty) return true;
      Node zero;
      value(f.type, 0, WireValue{}, zero, depth);
      return put(out, f.json, std::move(zero));
    }
    // The last occurrence of a scalar wins; occurrences of a message merge, which for protobuf
    // is the same as decoding their concatenation.
    Node v;
    if (is_scalar(f.type)) {
      const WireValue& last = *values.back();
      if (omitempty && !pointer && is_zero(f.type, last)) return true;
      if (!value(f.type, f.message, last, v, depth)) return false;
    } else {
      std::string merged;
      WireValue whole;
      whole.wire = kLen;
      whole.bytes = joined(values, merged);
      if (!value(f.type, f.message, whole, v, depth)) return false;
    }
    return put(out, f.json, std::move(v));
  }

  static std::string_view joined(const std::vector<const WireValue*>& values,
                                 std::string& storage) {
    if (values.empty()) return {};
    if (values.size() == 1) return values[0]->bytes;
    for (const WireValue* v : values) storage.append(v->bytes);
    return storage;
  }

  static bool is_scalar(Type t) {
    return t == Type::kString || t == Type::kBytes || t == Type::kDouble || is_varint_type(t);
  }

  // encoding/json's omitempty test; structs (messages, Time, Quantity, …) are never empty.
  static bool is_zero(Type t, const WireValue& v) {
    switch (t) {
      case Type::kString:
      case Type::kBytes:
        return v.bytes.empty();
      case Type::kInt32:
        return uint32_t(v.num) == 0;
      case Type::kDouble: {
        double d;
        std::memcpy(&d, &v.num, sizeof d);
        return d == 0;
      }
      default:
        return v.num == 0;
    }
  }

  bool packed(const Field& f, std::string_view bytes, Node& seq) {
    Reader r(bytes);
    while (!r.done()) {
      WireValue v;
      bool ok = f.type == Type::kDouble ? r.fixed(8, v.num) : r.varint(v.num);
      if (!ok) return malformed("truncated packed values" + where());
      v.wire = f.type == Type::kDouble ? kFixed64 : kVarint;
      Node item;
      if (!value(f.type, 0, v, item, 0) || !spend(1)) return false;
      seq.push_back(std::move(item));
    }
    return true;
  }

  // Map entries are messages {key = 1, value = 2}; encoding/json sorts the keys, and a repeated
  // key keeps its last value (as Go's map assignment does).
  bool map_entries(const Field& f, const std::vector<const WireValue*>& values, Node& map,
                   int depth) {
    if (depth + 1 > kMaxDepth)
      return malformed("messages nested deeper than " + std::to_string(kMaxDepth));
    std::vector<std::pair<std::string_view, const WireValue*>> entries;
    std::vector<WireValue> vals(values.size());
    entries.reserve(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      Reader r(values[i]->bytes);
      std::string_view key;
      std::string err;
      vals[i].wire = kAbsent;
      while (!r.done()) {
        WireValue v;
        if (!r.next(v, err)) return malformed(err + " (in a map entry" + where() + ")");
        if (v.number != 1 && v.number != 2) {
          return unsupported("protobuf field " + std::to_string(v.number) + " of a map entry" +
                             where() + " is not known to this server");
        }
        bool varint_value = v.number == 2 && is_varint_type(f.map_value);
        if (v.wire != (varint_value ? kVarint : kLen)) {
          return malformed("field " + std::to_string(v.number) + " of a map entry" + where() +
                           " has wire type " + wire_name(v.wire));
        }
        if (v.number == 1) {
          key = v.bytes;
        } else {
          vals[i] = v;
        }
      }
      entries.emplace_back(key, &vals[i]);
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < entries.size(); ++i) {
      if (i + 1 < entries.size() && entries[i + 1].first == entries[i].first) continue;
      const WireValue& v = *entries[i].second;
      std::string key = valid_utf8(entries[i].first);
      Node item;
      if (v.wire == kAbsent) {
        // An entry without a value holds the zero value of its type.
        switch (f.map_value) {
          case Type::kString:
            item = Node::string("");
            break;
          case Type::kQuantity:
            item = Node::string("0");
            break;
          case Type::kMessage: {
            item = Node::mapping();
            if (!message(f.message, {}, item, depth + 2)) return false;
            break;
          }
          default:
            item = Node::null();
            break;  // nil []byte, zero Time
        }
      } else {
        size_t path_len = path_.size();
        path_ += "[" + key + "]";
        bool ok = value(f.map_value, f.message, v, item, depth + 1);
        path_.resize(path_len);
        if (!ok) return false;
      }
      if (!spend(2)) return false;
      map.entries().push_back(core::MapEntry{Node::string(std::move(key)), std::move(item)});
    }
    return true;
  }

  // Fields of one of the small special messages (Time, IntOrString, …), all optional scalars.
  struct Special {
    bool has[4] = {};
    uint64_t num[4] = {};
    std::string_view bytes[4];
  };
  bool special(std::string_view bytes, const char* name,
               std::initializer_list<std::pair<int, uint8_t>> known, Special& s) {
    Reader r(bytes);
    std::string err;
    while (!r.done()) {
      WireValue v;
      if (!r.next(v, err)) return malformed(err + " (in " + name + where() + ")");
      bool ok = false;
      for (auto [number, wire] : known) {
        if (uint32_t(number) != v.number) continue;
        if (v.wire != wire) {
          return malformed(std::string("field ") + std::to_string(number) + " of " + name +
                           where() + " has wire type " + wire_name(v.wire));
        }
        s.has[number] = true;
        s.num[number] = v.num;
        s.bytes[number] = v.bytes;
        ok = true;
      }
      if (!ok) {
        return unsupported("protobuf field " + std::to_string(v.number) + " of " + name + where() +
                           " is not known to this server");
      }
    }
    return true;
  }

  bool value(Type t, uint16_t msg, const WireValue& v, Node& out, int depth) {
    switch (t) {
      case Type::kString:
        out = Node::string(valid_utf8(v.bytes));
        return true;
      case Type::kBytes:
        out = Node::string(core::base64_encode(v.bytes));
        return true;
      case Type::kBool:
        out = Node::boolean(v.num != 0);
        return true;
      // Protobuf writes a negative int32 sign-extended to 64 bits; readers keep the low half.
      case Type::kInt32:
        out = Node::integer(int32_t(uint32_t(v.num)));
        return true;
      case Type::kInt64:
        out = Node::integer(int64_t(v.num));
        return true;
      case Type::kDouble: {
        double d;
        std::memcpy(&d, &v.num, sizeof d);
        if (!std::isfinite(d)) return malformed("a number" + where() + " is not finite");
        out = Node::number(d);
        return true;
      }
      case Type::kMessage:
        out = Node::mapping();
        return message(msg, v.bytes, out, depth + 1);
      case Type::kMap:
        return malformed("nested map");  // not produced by the tables
      case Type::kTime:
      case Type::kMicroTime: {
        if (v.bytes.empty()) {
          out = Node::null();  // metav1.Time writes the zero time as an empty message
          return true;
        }
        Special s;
        if (!special(v.bytes, "Time", {{1, kVarint}, {2, kVarint}}, s)) return false;
        auto seconds = int64_t(s.num[1]);
        // Time drops the nanoseconds; MicroTime truncates them (towards zero) to microseconds.
        int64_t nanos = t == Type::kMicroTime ? int32_t(uint32_t(s.num[2])) : 0;
        nanos -= nanos % 1000;
        // time.Unix normalises nanoseconds outside [0, 1e9).
        if (nanos < 0 || nanos >= 1000000000) {
          int64_t carry = nanos >= 0 ? nanos / 1000000000 : -((-nanos + 999999999) / 1000000000);
          if ((carry > 0 && seconds > INT64_MAX - carry) ||
              (carry < 0 && seconds < INT64_MIN - carry)) {
            return malformed("time" + where() + " is out of range");
          }
          seconds += carry;
          nanos -= carry * 1000000000;
        }
        int32_t micros = int32_t(nanos / 1000);
        if (seconds == kZeroTimeSeconds && micros == 0) {
          out = Node::null();
          return true;
        }
        if (seconds < kMinJsonSeconds || seconds > kMaxJsonSeconds) {
          return malformed("time" + where() + " is outside the years 0-9999");
        }
        out = Node::string(rfc3339(seconds, micros, t == Type::kMicroTime));
        return true;
      }
      case Type::kIntOrString: {
        Special s;
        if (!special(v.bytes, "IntOrString", {{1, kVarint}, {2, kVarint}, {3, kLen}}, s))
          return false;
        if (s.num[1] == 0) {
          out = Node::integer(int32_t(uint32_t(s.num[2])));
        } else if (s.num[1] == 1) {
          out = Node::string(valid_utf8(s.bytes[3]));
        } else {
          return malformed("impossible IntOrString type " + std::to_string(int64_t(s.num[1])) +
                           where());
        }
        return true;
      }
      case Type::kQuantity: {
        Special s;
        if (!special(v.bytes, "Quantity", {{1, kLen}}, s)) return false;
        if (!s.has[1]) {
          out = Node::string("0");
          return true;
        }
        if (!valid_quantity(s.bytes[1])) {
          return malformed(
              "quantities must match the regular expression "
              "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" +
              where());
        }
        out = Node::string(std::string(s.bytes[1]));
        return true;
      }
      case Type::kRawJson: {
        Special s;
        if (!special(v.bytes, "RawExtension", {{1, kLen}}, s)) return false;
        if (s.bytes[1].empty()) {
          out = Node::null();
          return true;
        }
        if (!spend(s.bytes[1].size())) return false;
        core::JsonParseOptions po;
        po.max_depth = 100;
        auto parsed = core::parse_json(s.bytes[1], po);
        if (!parsed.ok()) {
          return unsupported("the embedded object" + where() +
                             " is not JSON: " + parsed.error().message);
        }
        out = std::move(*parsed);
        return true;
      }
    }
    return malformed("unknown field type");
  }

  size_t budget_;
  std::string path_;
};

}  // namespace

bool is_kube_protobuf(std::string_view content_type) {
  std::string_view media = content_type.substr(0, content_type.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
  while (!media.empty() && (media.front() == ' ' || media.front() == '\t')) media.remove_prefix(1);
  static constexpr std::string_view kType = "application/vnd.kubernetes.protobuf";
  if (media.size() != kType.size()) return false;
  for (size_t i = 0; i < media.size(); ++i) {
    char c = media[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != kType[i]) return false;
  }
  return true;
}

core::Result<Node> decode_kube_protobuf(std::string_view body) {
  auto fail = [](int code, std::string msg) {
    core::Error e(std::move(msg));
    e.code = code;
    return e;
  };
  if (body.substr(0, kMagic.size()) != kMagic) {
    return fail(400, "the protobuf body does not start with the Kubernetes prefix \"k8s\\x00\"");
  }
  // runtime.Unknown {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3,
  // contentType = 4}.
  Reader r(body.substr(kMagic.size()));
  std::string_view type_meta, raw, encoding, content_type;
  std::string err;
  while (!r.done()) {
    WireValue v;
    if (!r.next(v, err)) return fail(400, err + " (in the runtime.Unknown envelope)");
    if (v.number < 1 || v.number > 4) {
      return fail(415, "protobuf field " + std::to_string(v.number) +
                           " of the runtime.Unknown envelope is not known to this server");
    }
    if (v.wire != kLen) {
      return fail(400, "field " + std::to_string(v.number) +
                           " of the runtime.Unknown envelope has wire type " + wire_name(v.wire));
    }
    std::string_view* slots[] = {&type_meta, &raw, &encoding, &content_type};
    *slots[v.number - 1] = v.bytes;
  }
  std::string_view api_version, kind;
  Reader tm(type_meta);
  while (!tm.done()) {
    WireValue v;
    if (!tm.next(v, err)) return fail(400, err + " (in the envelope's typeMeta)");
    if ((v.number != 1 && v.number != 2) || v.wire != kLen) {
      return fail(415, "protobuf field " + std::to_string(v.number) +
                           " of the envelope's typeMeta is not known to this server");
    }
    (v.number == 1 ? api_version : kind) = v.bytes;
  }
  if (!encoding.empty()) {
    return fail(415, "protobuf bodies with contentEncoding \"" + valid_utf8(encoding) +
                         "\" are not supported");
  }
  if (!content_type.empty() && content_type != "application/vnd.kubernetes.protobuf") {
    return fail(
        415, "protobuf envelopes holding \"" + valid_utf8(content_type) + "\" are not supported");
  }
  const pb::Root* root = nullptr;
  for (size_t i = 0; i < pb::kRootCount; ++i) {
    if (api_version == pb::kRoots[i].api_version && kind == pb::kRoots[i].kind)
      root = &pb::kRoots[i];
  }
  if (!root) {
    return fail(
        415,
        "this server decodes protobuf bodies only for the kinds kubectl's generators create; "
        "send " +
            valid_utf8(api_version) + " " + valid_utf8(kind) + " as application/json");
  }
  Decoder d(body.size() + kNodeAllowance);
  Node out = Node::mapping();
  out.entries().push_back(core::MapEntry{Node::string("kind"), Node::string(root->kind)});
  out.entries().push_back(
      core::MapEntry{Node::string("apiVersion"), Node::string(root->api_version)});
  if (!d.message(root->message, raw, out, 1)) return d.error;
  return out;
}

}  // namespace oc::apiserver
