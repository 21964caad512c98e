// The values Go templates see, with the Go types Helm's templates observe.
//
// text/template works on reflect.Value; what a template can tell apart is the Go type of a value
// (float64 from a values file vs int64 from --set vs int from a literal), whether it is nil,
// and whether it was read out of an interface{} slot (a map[string]interface{} element), which
// changes error messages ("got interface {}") and nil handling. Value carries exactly that:
// a kind, a Go type tag, and an "interface" flag.
//
// Maps are reference types, as in Go: `set $d "k" v` changes every holder of $d. Strings and
// slices are immutable. Heap parts are reference counted without atomics, so a Value and
// everything reachable from it belong to one thread (one render). Values built once and shared
// read-only across threads (template literals, chart files) are made immortal with
// make_immortal(): their counts are never touched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory_resource>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace oc::core {
class Node;
}

namespace oc::helm {

enum class Kind : uint8_t {
  kInvalid,  // reflect.Value{}: no value at all (prints "<no value>")
  kNil,      // a nil interface{} (a null or a missing key read from a map)
  kBool,
  kInt,
  kUint,
  kFloat,
  kString,
  kBytes,  // []byte
  kSlice,
  kMap,
  kObject,  // a struct, a pointer to a struct, or another Go value with fields and methods
};

// The Go types templates can meet. Objects name their own type.
enum class GoType : uint8_t {
  kNone,
  kInterface,  // the static type of a kNil
  kBool,
  kInt,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUint,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kFloat32,
  kFloat64,
  kString,
  kBytes,        // []uint8
  kSliceIface,   // []interface {}
  kSliceString,  // []string
  kSliceInt,     // []int
  kMapIface,     // map[string]interface {}
  kMapString,    // map[string]string
  kValues,       // chartutil.Values: map[string]interface{} with methods
  kFiles,        // engine.files: map[string][]byte with methods
  kVersionSet,   // chartutil.VersionSet: []string with Has
  kObject,
};

// The Go spelling of a type, as reflect.Type.String() gives it.
std::string_view go_type_name(GoType t);

class Value;
class Object;
struct FuncDef;

// Common header of heap parts.
struct HeapObj {
  enum class Tag : uint8_t { kString, kSlice, kMap, kObject };
  static constexpr uint32_t kImmortal = 0xffffffffu;
  uint32_t refs = 1;
  Tag tag;
  explicit HeapObj(Tag t) : tag(t) {}
};

void heap_release(HeapObj* h);

class Value {
 public:
  Value() : kind_(Kind::kInvalid), type_(GoType::kNone), iface_(false), b_(0) { u_.i = 0; }
  Value(const Value& o) : kind_(o.kind_), type_(o.type_), iface_(o.iface_), b_(o.b_), u_(o.u_) {
    retain();
  }
  Value(Value&& o) noexcept : kind_(o.kind_), type_(o.type_), iface_(o.iface_), b_(o.b_), u_(o.u_) {
    o.kind_ = Kind::kInvalid;
    o.u_.p = nullptr;
  }
  Value& operator=(const Value& o) {
    if (this != &o) {
      o.retain();
      release();
      kind_ = o.kind_;
      type_ = o.type_;
      iface_ = o.iface_;
      b_ = o.b_;
      u_ = o.u_;
    }
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      release();
      kind_ = o.kind_;
      type_ = o.type_;
      iface_ = o.iface_;
      b_ = o.b_;
      u_ = o.u_;
      o.kind_ = Kind::kInvalid;
      o.u_.p = nullptr;
    }
    return *this;
  }
  ~Value() { release(); }

  // --- construction ---------------------------------------------------------------------------
  static Value nil() {
    Value v;
    v.kind_ = Kind::kNil;
    v.type_ = GoType::kInterface;
    v.iface_ = true;
    return v;
  }
  static Value boolean(bool b) {
    Value v;
    v.kind_ = Kind::kBool;
    v.type_ = GoType::kBool;
    v.b_ = b;
    return v;
  }
  static Value integer(int64_t i, GoType t = GoType::kInt) {
    Value v;
    v.kind_ = Kind::kInt;
    v.type_ = t;
    v.u_.i = i;
    return v;
  }
  static Value uinteger(uint64_t u, GoType t = GoType::kUint64) {
    Value v;
    v.kind_ = Kind::kUint;
    v.type_ = t;
    v.u_.u = u;
    return v;
  }
  static Value floating(double f, GoType t = GoType::kFloat64) {
    Value v;
    v.kind_ = Kind::kFloat;
    v.type_ = t;
    v.u_.f = f;
    return v;
  }
  static Value string(std::string_view s);
  // An immortal string in `mr` (a template literal in its tree's arena), gone with the arena.
  static Value immortal_string(std::string_view s, std::pmr::memory_resource* mr);
  static Value bytes(std::string_view s);
  // A slice of the given type (kSliceIface, kSliceString, kSliceInt).
  static Value slice(std::vector<Value> items, GoType t = GoType::kSliceIface);
  // A nil slice/map of that type (prints like an empty one; toJson writes null).
  static Value nil_slice(GoType t = GoType::kSliceIface);
  static Value nil_map(GoType t = GoType::kMapIface);
  // A new, empty map of the given type (kMapIface, kMapString, kValues, kFiles).
  static Value map(GoType t = GoType::kMapIface);
  // Takes ownership of one reference to `o`.
  static Value object(Object* o);

  // --- inspection -----------------------------------------------------------------------------
  Kind kind() const { return kind_; }
  GoType type() const { return type_; }
  // Read from an interface{} slot (its static type is interface {}).
  bool iface() const { return iface_; }
  bool valid() const { return kind_ != Kind::kInvalid; }
  // Nil in Go's sense: invalid, a nil interface, a nil map or slice.
  bool is_nil() const {
    return kind_ == Kind::kInvalid || kind_ == Kind::kNil ||
           ((kind_ == Kind::kMap || kind_ == Kind::kSlice) && u_.p == nullptr);
  }

  bool as_bool() const { return b_ != 0; }
  int64_t as_int() const { return u_.i; }
  uint64_t as_uint() const { return u_.u; }
  double as_float() const { return u_.f; }
  // kString / kBytes contents.
  std::string_view str() const;

  // kSlice
  const std::vector<Value>& items() const;
  size_t size() const;  // len() of strings, bytes, slices and maps

  // kMap (see MapObj); nullptr for a nil map.
  inline class MapObj* map_obj() const;
  inline Object* object_ptr() const;

  // The same value with its static type forgotten (reflect.ValueOf(v.Interface())):
  // a nil interface becomes invalid.
  Value unwrapped() const& {
    if (!iface_) return *this;
    if (kind_ == Kind::kNil) return Value();
    Value v(*this);
    v.iface_ = false;
    return v;
  }
  Value unwrapped() && {
    if (!iface_) return std::move(*this);
    if (kind_ == Kind::kNil) return Value();
    Value v(std::move(*this));
    v.iface_ = false;
    return v;
  }
  // The value as it sits in an interface{} slot (element of []interface{}, map[string]interface{}).
  Value as_iface() const& {
    if (kind_ == Kind::kInvalid) return nil();
    Value v(*this);
    v.iface_ = true;
    return v;
  }
  // The value as a function's interface{} parameter receives it: concrete, or nil.
  Value as_any() const {
    if (kind_ == Kind::kInvalid) return nil();
    if (kind_ == Kind::kNil) return *this;
    Value v(*this);
    v.iface_ = false;
    return v;
  }
  // Elements as stored: invalid becomes a nil interface, the flag is dropped.
  Value stored() const {
    if (kind_ == Kind::kInvalid || kind_ == Kind::kNil) return nil();
    Value v(*this);
    v.iface_ = false;
    return v;
  }

  // A copy with new maps and slices (their elements cloned the same way) and everything else
  // shared: strings and scalars are immutable. Types and interface flags are kept. Objects are
  // shared too (none is built from parsed text). Cycles are not followed: only for trees.
  Value clone() const;

  // The same value converted to another Go type with the same representation (Values →
  // map[string]interface{} when passed to such a parameter).
  Value with_type(GoType t) const {
    Value v(*this);
    v.type_ = t;
    return v;
  }

  // Go's reflect type name (reflect.Type.String()).
  std::string type_name() const;

  // Makes this value and everything it references immortal (shared read-only across threads).
  void make_immortal();
  // Frees an immortal string or []byte made by make_immortal() (its owner is going away) and
  // leaves this value invalid.
  void free_immortal();

  HeapObj* heap() const { return is_heap() ? u_.p : nullptr; }

 private:
  friend class MapObj;
  bool is_heap() const {
    return (kind_ == Kind::kString || kind_ == Kind::kBytes || kind_ == Kind::kSlice ||
            kind_ == Kind::kMap || kind_ == Kind::kObject) &&
           u_.p != nullptr;
  }
  void retain() const {
    if (is_heap() && u_.p->refs != HeapObj::kImmortal) ++u_.p->refs;
  }
  void release() {
    if (is_heap() && u_.p->refs != HeapObj::kImmortal && --u_.p->refs == 0) heap_release(u_.p);
  }

  Kind kind_;
  GoType type_;
  bool iface_;
  uint8_t b_;
  union {
    int64_t i;
    uint64_t u;
    double f;
    HeapObj* p;
  } u_;
};

// Immutable string storage (strings and []byte).
struct StrObj : HeapObj {
  size_t len;
  char data[1];
  std::string_view view() const { return {data, len}; }
  static StrObj* make(std::string_view s);
};

struct SliceObj : HeapObj {
  SliceObj() : HeapObj(Tag::kSlice) {}
  std::vector<Value> items;
};

// A Go map with string keys. Keys are kept sorted bytewise, which is the order every observable
// iteration in templates uses (range, fmt, toJson, toYaml all sort).
class MapObj : public HeapObj {
 public:
  struct Entry {
    Value key;  // kString
    Value value;
  };
  MapObj() : HeapObj(Tag::kMap) {}

  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& entries() { return entries_; }
  size_t size() const { return entries_.size(); }
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  void set(std::string_view key, Value v);
  void set(Value key, Value v);
  bool erase(std::string_view key);
  // Appends without sorting; call sort() after a batch (used when building from sorted input).
  void append_unsorted(Value key, Value v) { entries_.push_back({std::move(key), std::move(v)}); }
  void sort_and_dedupe();

 private:
  size_t lower_bound(std::string_view key) const;
  std::vector<Entry> entries_;
};

// Struct-like Go values: fields, methods, and how fmt prints them.
class Object : public HeapObj {
 public:
  Object() : HeapObj(Tag::kObject) {}
  virtual ~Object() = default;
  // reflect.Type.String() of the value, e.g. "*chartutil.Capabilities".
  virtual std::string type_name() const = 0;
  // Pointer-to-struct values print with a leading '&' at top level.
  virtual bool is_pointer() const { return false; }
  // Exported field by name; false when there is none.
  virtual bool field(std::string_view name, Value* out) const {
    (void)name;
    (void)out;
    return false;
  }
  // Fields in declaration order for fmt's {a b c} form.
  virtual size_t num_fields() const { return 0; }
  virtual std::string_view field_name(size_t i) const {
    (void)i;
    return {};
  }
  virtual Value field_at(size_t i) const {
    (void)i;
    return Value();
  }
  // fmt.Stringer / error implemented on the value itself (used by fmt everywhere).
  virtual bool stringer(std::string* out) const {
    (void)out;
    return false;
  }
  // String() on the pointer receiver: only the template's own printing finds it, since the
  // struct is addressable there (text/template printableValue).
  virtual bool pointer_stringer(std::string* out) const { return stringer(out); }
  // What encoding/json writes for this object (fields in declaration order with their json
  // tags, or a string for types with MarshalJSON). false: every field by its Go name.
  virtual bool json_node(core::Node* out) const {
    (void)out;
    return false;
  }
  // A method by name (called with the object as receiver), or nullptr.
  virtual const FuncDef* method(std::string_view name) const {
    (void)name;
    return nullptr;
  }
  virtual void make_children_immortal() {}
};

inline MapObj* Value::map_obj() const {
  return kind_ == Kind::kMap ? static_cast<MapObj*>(u_.p) : nullptr;
}
inline Object* Value::object_ptr() const {
  return kind_ == Kind::kObject ? static_cast<Object*>(u_.p) : nullptr;
}

// Bounds for walks over a value graph (printing, encoding, copying, comparing). Template values
// can contain themselves (`set $d "k" $d`) or share parts exponentially (`$l = list $l $l` in a
// loop); Go's fmt and copystructure overflow the stack on the first and exhaust memory on the
// second, encoding/json reports a cycle after 1000 levels. Past these bounds a walk fails with an
// error naming the bound.
constexpr int kMaxValueDepth = 1000;
constexpr size_t kMaxWalkElements = 1'000'000;        // elements one copy or encoding may visit
constexpr size_t kMaxPrintBytes = size_t(128) << 20;  // text one print or encoding may produce

}  // namespace oc::helm
