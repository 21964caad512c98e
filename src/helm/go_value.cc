#include "helm/go_value.h"

#include <algorithm>
#include <new>

namespace oc::helm {

std::string_view go_type_name(GoType t) {
  switch (t) {
    case GoType::kNone:
      return "<nil>";
    case GoType::kInterface:
      return "interface {}";
    case GoType::kBool:
      return "bool";
    case GoType::kInt:
      return "int";
    case GoType::kInt8:
      return "int8";
    case GoType::kInt16:
      return "int16";
    case GoType::kInt32:
      return "int32";
    case GoType::kInt64:
      return "int64";
    case GoType::kUint:
      return "uint";
    case GoType::kUint8:
      return "uint8";
    case GoType::kUint16:
      return "uint16";
    case GoType::kUint32:
      return "uint32";
    case GoType::kUint64:
      return "uint64";
    case GoType::kFloat32:
      return "float32";
    case GoType::kFloat64:
      return "float64";
    case GoType::kString:
      return "string";
    case GoType::kBytes:
      return "[]uint8";
    case GoType::kSliceIface:
      return "[]interface {}";
    case GoType::kSliceString:
      return "[]string";
    case GoType::kSliceInt:
      return "[]int";
    case GoType::kMapIface:
      return "map[string]interface {}";
    case GoType::kMapString:
      return "map[string]string";
    case GoType::kValues:
      return "chartutil.Values";
    case GoType::kFiles:
      return "engine.files";
    case GoType::kVersionSet:
      return "chartutil.VersionSet";
    case GoType::kObject:
      return "struct";
  }
  return "?";
}

StrObj* StrObj::make(std::string_view s) {
  void* mem = ::operator new(sizeof(StrObj) + s.size());
  auto* o = static_cast<StrObj*>(mem);
  o->refs = 1;
  o->tag = Tag::kString;
  o->len = s.size();
  if (!s.empty()) std::memcpy(o->data, s.data(), s.size());
  o->data[s.size()] = '\0';
  return o;
}

void heap_release(HeapObj* h) {
  switch (h->tag) {
    case HeapObj::Tag::kString:
      ::operator delete(h);
      break;
    case HeapObj::Tag::kSlice:
      delete static_cast<SliceObj*>(h);
      break;
    case HeapObj::Tag::kMap:
      delete static_cast<MapObj*>(h);
      break;
    case HeapObj::Tag::kObject:
      delete static_cast<Object*>(h);
      break;
  }
}

Value Value::string(std::string_view s) {
  Value v;
  v.kind_ = Kind::kString;
  v.type_ = GoType::kString;
  v.u_.p = s.empty() ? nullptr : StrObj::make(s);
  return v;
}

Value Value::immortal_string(std::string_view s, std::pmr::memory_resource* mr) {
  Value v;
  v.kind_ = Kind::kString;
  v.type_ = GoType::kString;
  if (!s.empty()) {
    auto* o = static_cast<StrObj*>(mr->allocate(sizeof(StrObj) + s.size(), alignof(StrObj)));
    o->refs = HeapObj::kImmortal;
    o->tag = HeapObj::Tag::kString;
    o->len = s.size();
    std::memcpy(o->data, s.data(), s.size());
    o->data[s.size()] = '\0';
    v.u_.p = o;
  }
  return v;
}

Value Value::bytes(std::string_view s) {
  Value v = string(s);
  v.kind_ = Kind::kBytes;
  v.type_ = GoType::kBytes;
  return v;
}

Value Value::slice(std::vector<Value> items, GoType t) {
  auto* o = new SliceObj();
  o->items = std::move(items);
  Value v;
  v.kind_ = Kind::kSlice;
  v.type_ = t;
  v.u_.p = o;
  return v;
}

Value Value::nil_slice(GoType t) {
  Value v;
  v.kind_ = Kind::kSlice;
  v.type_ = t;
  v.u_.p = nullptr;
  return v;
}

Value Value::nil_map(GoType t) {
  Value v;
  v.kind_ = Kind::kMap;
  v.type_ = t;
  v.u_.p = nullptr;
  return v;
}

Value Value::clone() const {
  if (kind_ != Kind::kSlice && kind_ != Kind::kMap) return *this;
  if (u_.p == nullptr) return *this;
  Value v(*this);
  v.release();  // `v` takes the new container below instead of sharing this one
  if (kind_ == Kind::kSlice) {
    auto* o = new SliceObj();
    const auto& from = static_cast<const SliceObj*>(u_.p)->items;
    o->items.reserve(from.size());
    for (const Value& e : from) o->items.push_back(e.clone());
    v.u_.p = o;
  } else {
    auto* o = new MapObj();
    const auto& from = static_cast<const MapObj*>(u_.p)->entries();
    o->entries().reserve(from.size());
    for (const auto& e : from) o->append_unsorted(e.key, e.value.clone());
    v.u_.p = o;
  }
  return v;
}

Value Value::map(GoType t) {
  Value v;
  v.kind_ = Kind::kMap;
  v.type_ = t;
  v.u_.p = new MapObj();
  return v;
}

Value Value::object(Object* o) {
  Value v;
  v.kind_ = Kind::kObject;
  v.type_ = GoType::kObject;
  v.u_.p = o;
  return v;
}

std::string_view Value::str() const {
  if ((kind_ != Kind::kString && kind_ != Kind::kBytes) || u_.p == nullptr) return {};
  return static_cast<const StrObj*>(u_.p)->view();
}

const std::vector<Value>& Value::items() const {
  static const std::vector<Value> kEmpty;
  if (kind_ != Kind::kSlice || u_.p == nullptr) return kEmpty;
  return static_cast<const SliceObj*>(u_.p)->items;
}

size_t Value::size() const {
  switch (kind_) {
    case Kind::kString:
    case Kind::kBytes:
      return str().size();
    case Kind::kSlice:
      return items().size();
    case Kind::kMap:
      return u_.p ? static_cast<const MapObj*>(u_.p)->size() : 0;
    default:
      return 0;
  }
}

std::string Value::type_name() const {
  if (kind_ == Kind::kObject) return object_ptr()->type_name();
  if (kind_ == Kind::kInvalid) return "<nil>";
  return std::string(go_type_name(type_));
}

void Value::make_immortal() {
  if (!is_heap()) return;
  HeapObj* h = u_.p;
  if (h->refs == HeapObj::kImmortal) return;
  h->refs = HeapObj::kImmortal;
  switch (h->tag) {
    case HeapObj::Tag::kString:
      break;
    case HeapObj::Tag::kSlice:
      for (Value& v : static_cast<SliceObj*>(h)->items) v.make_immortal();
      break;
    case HeapObj::Tag::kMap:
      for (auto& e : static_cast<MapObj*>(h)->entries()) {
        e.key.make_immortal();
        e.value.make_immortal();
      }
      break;
    case HeapObj::Tag::kObject:
      static_cast<Object*>(h)->make_children_immortal();
      break;
  }
}

void Value::free_immortal() {
  if (is_heap() && u_.p->refs == HeapObj::kImmortal && u_.p->tag == HeapObj::Tag::kString) {
    ::operator delete(u_.p);
    u_.p = nullptr;
  }
  kind_ = Kind::kInvalid;
}

size_t MapObj::lower_bound(std::string_view key) const {
  size_t lo = 0, hi = entries_.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (entries_[mid].key.str() < key) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

const Value* MapObj::find(std::string_view key) const {
  size_t i = lower_bound(key);
  if (i < entries_.size() && entries_[i].key.str() == key) return &entries_[i].value;
  return nullptr;
}

Value* MapObj::find(std::string_view key) {
  size_t i = lower_bound(key);
  if (i < entries_.size() && entries_[i].key.str() == key) return &entries_[i].value;
  return nullptr;
}

void MapObj::set(std::string_view key, Value v) {
  size_t i = lower_bound(key);
  if (i < entries_.size() && entries_[i].key.str() == key) {
    entries_[i].value = std::move(v);
    return;
  }
  entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(i),
                  Entry{Value::string(key), std::move(v)});
}

void MapObj::set(Value key, Value v) {
  std::string_view k = key.str();
  size_t i = lower_bound(k);
  if (i < entries_.size() && entries_[i].key.str() == k) {
    entries_[i].value = std::move(v);
    return;
  }
  entries_.insert(entries_.begin() + static_cast<std::ptrdiff_t>(i),
                  Entry{std::move(key), std::move(v)});
}

bool MapObj::erase(std::string_view key) {
  size_t i = lower_bound(key);
  if (i < entries_.size() && entries_[i].key.str() == key) {
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }
  return false;
}

void MapObj::sort_and_dedupe() {
  // Stable, so that of equal keys the last appended wins after the dedupe below.
  std::stable_sort(entries_.begin(), entries_.end(),
                   [](const Entry& a, const Entry& b) { return a.key.str() < b.key.str(); });
  std::vector<Entry> out;
  out.reserve(entries_.size());
  for (auto& e : entries_) {
    if (!out.empty() && out.back().key.str() == e.key.str()) {
      out.back().value = std::move(e.value);
    } else {
      out.push_back(std::move(e));
    }
  }
  entries_ = std::move(out);
}

}  // namespace oc::helm
