// kyaml merge2 (kyaml/yaml/merge2, kyaml/yaml/walk) re-implemented on core::Node. The walker
// works on two sources, dest (the resource) and origin (the patch), and — like kyaml — merges
// into dest's nodes in place; several of kustomize's visible quirks (element order in merged
// lists, an element-level `$patch: replace` keeping the original element) follow from that, so
// the structure mirrors kyaml's closely. Comments name the kyaml function each part matches.
#include "kustomize/merge2.h"

#include "kustomize/resource.h"

#include <algorithm>
#include <deque>
#include <set>

namespace oc::kustomize {

namespace {

using core::Error;
using core::Node;
using core::Status;

bool missing_or_null(const Node* n) {
  return n == nullptr || n->is_null();
}

bool empty_map(const Node* n) {
  return missing_or_null(n) || (n->is_mapping() && n->empty());
}

// RNode.IsNilOrEmpty for a field value.
bool nil_or_empty(const Node* n) {
  return n == nullptr || n->is_null() || ((n->is_mapping() || n->is_sequence()) && n->empty());
}

// The last field named `name` (kyaml's visitMappingNodeFields keeps the last match).
Node* field(Node* m, std::string_view name) {
  if (m == nullptr || !m->is_mapping()) return nullptr;
  Node* found = nullptr;
  for (auto& e : m->entries()) {
    if (e.key.is_scalar() && e.key.text() == name) found = &e.value;
  }
  return found;
}

// A yaml.Node's Value: the text of scalars, "" for collections.
std::string value_of(const Node* n) {
  return n && n->is_scalar() ? n->text() : std::string();
}

std::string kind_name(const Node& n) {
  return n.is_mapping() ? "MappingNode" : n.is_sequence() ? "SequenceNode" : "ScalarNode";
}

struct Val {
  Node* node = nullptr;  // nullptr: cleared
  bool keep_null = false;
};

enum class Directive { kMerge, kReplace, kDelete };

class Merger {
 public:
  explicit Merger(const OpenApiSchema& schema) : schema_(schema) {}

  core::Result<Val> walk(Node* dest, Node* origin, const SchemaNode* s);

 private:
  Node* make(Node n) {
    arena_.push_back(std::move(n));
    return &arena_.back();
  }

  const SchemaNode* get_schema(const SchemaNode* s, Node* dest, Node* origin) const;
  core::Result<Directive> directive(Node* origin);
  core::Result<Val> visit_map(Node* dest, Node* origin);
  core::Result<Val> walk_map(Node* dest, Node* origin, const SchemaNode* s);
  core::Result<Val> walk_assoc(Node* dest, Node* origin, const SchemaNode* s);
  core::Result<Val> set_assoc(std::vector<std::vector<std::string>> values_list,
                              const std::vector<std::string>& keys, Node* dest, Node* origin,
                              const SchemaNode* s);
  static void set_field(Node& dest, const std::string& key, const Val& v);

  const OpenApiSchema& schema_;
  std::deque<Node> arena_;
};

// yaml.FieldMatcher{Name, StringValue} applied to a list element (ElementSetter's matching).
core::Result<bool> element_matches(const Node& elem, const std::string& key,
                                   const std::string& value) {
  if (elem.is_null()) return false;
  if (key.empty()) {
    if (!elem.is_scalar())
      return Error("wrong node kind: expected ScalarNode but got " + kind_name(elem));
    return value_of(&elem) == value;
  }
  if (!elem.is_mapping())
    return Error("wrong node kind: expected MappingNode but got " + kind_name(elem));
  const Node* f = field(const_cast<Node*>(&elem), key);
  if (f == nullptr) return false;
  return value.empty() || value_of(f) == value;
}

// yaml.ElementSetter: replaces the elements matching keys/values with `element` (deletes them
// when it is nullptr) and appends it when nothing matched. Like kyaml it also drops null and
// empty-map elements on the way.
Status element_setter(Node& list, const Node* element, const std::vector<std::string>& keys_in,
                      const std::vector<std::string>& values) {
  std::vector<std::string> keys = keys_in.empty() ? std::vector<std::string>{""} : keys_in;
  bool mapping_setter = !keys[0].empty() && !values.empty() && !values[0].empty();
  std::vector<Node> out;
  bool matched = false;
  for (auto& elem : list.items()) {
    if (empty_map(&elem)) continue;
    if (!elem.is_mapping() && mapping_setter) {
      out.push_back(std::move(elem));
      continue;
    }
    bool found = true;
    bool have = false;
    for (size_t j = 0; j < keys.size(); ++j) {
      if (j < values.size()) {
        auto m = element_matches(elem, keys[j], values[j]);
        if (!m.ok()) return m.error();
        have = *m;
      }
      if (!have) {
        found = false;
        break;
      }
    }
    if (!found) {
      if (!values.empty()) out.push_back(std::move(elem));
      continue;
    }
    matched = true;
    if (element == nullptr) continue;
    out.push_back(*element);
  }
  list.items() = std::move(out);
  if (missing_or_null(element)) return {};
  if (!matched) list.items().push_back(*element);
  return {};
}

// RNode.ElementList / yaml.MatchElementList: the first element with these key values.
Node* element_list(Node* src, const std::vector<std::string>& keys,
                   const std::vector<std::string>& values) {
  if (src == nullptr || !src->is_sequence()) return nullptr;
  if (keys.empty() || keys[0].empty()) {
    std::string want = values.empty() ? std::string() : values[0];
    for (auto& item : src->items()) {
      if (value_of(&item) == want) return &item;
    }
    return nullptr;
  }
  if (keys.size() != values.size()) return nullptr;
  for (auto& item : src->items()) {
    if (!item.is_mapping()) continue;
    bool all = true;
    for (size_t i = 0; i < keys.size() && all; ++i) {
      Node* f = field(&item, keys[i]);
      all = f != nullptr && value_of(f) == values[i];
    }
    if (all) return &item;
  }
  return nullptr;
}

// walk.validateKeys.
std::pair<std::vector<std::string>, std::vector<std::string>> validate_keys(
    const std::vector<std::vector<std::string>>& values_list,
    const std::vector<std::string>& values, const std::vector<std::string>& keys) {
  std::set<std::string> valid;
  for (const auto& vals : values_list) {
    for (size_t i = 0; i < vals.size() && i < keys.size(); ++i) {
      if (!vals[i].empty()) valid.insert(keys[i]);
    }
  }
  if (valid.empty()) return {keys, values};
  std::vector<std::string> vk, vv;
  for (const auto& k : keys) {
    if (valid.count(k)) vk.push_back(k);
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i].empty() || (i < keys.size() && valid.count(keys[i]))) vv.push_back(values[i]);
  }
  return {vk, vv};
}

// walk.match.
bool match_values(const std::vector<std::string>& a, const std::vector<std::string>& b,
                  std::vector<std::string>& res) {
  if (a.size() != b.size()) return false;
  bool common = false;
  res.clear();
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) {
      common = true;
      res.push_back(a[i]);
      continue;
    }
    if (!a[i].empty() && !b[i].empty()) return false;
    res.push_back(a[i].empty() ? b[i] : a[i]);
  }
  return common;
}

// walk.mergeValues (Go's range semantics: the outer element is read once per iteration).
void merge_values(std::vector<std::vector<std::string>>& list) {
  std::vector<std::string> res;
  for (size_t i = 0; i < list.size(); ++i) {
    std::vector<std::string> v1 = list[i];
    for (size_t j = 0; j < list.size(); ++j) {
      if (match_values(v1, list[j], res)) {
        list[i] = res;
        list[j] = res;
      }
    }
  }
}

const SchemaNode* Merger::get_schema(const SchemaNode* s, Node* dest, Node* origin) const {
  if (s != nullptr) return s;
  for (Node* src : {dest, origin}) {
    if (missing_or_null(src) || !src->is_mapping()) continue;
    std::string api = value_of(field(src, "apiVersion")), kind = value_of(field(src, "kind"));
    if (api.empty() || kind.empty()) continue;
    if (const SchemaNode* found = schema_.for_type(api, kind)) return found;
  }
  return nullptr;
}

// merge2.determineSmpDirective, eliding the directive from the patch.
core::Result<Directive> Merger::directive(Node* origin) {
  if (origin == nullptr) return Directive::kMerge;
  auto parse = [](const std::string& v) -> core::Result<Directive> {
    if (v == "delete") return Directive::kDelete;
    if (v == "replace") return Directive::kReplace;
    if (v == "merge") return Directive::kMerge;
    return Error("unknown patch strategy '" + v + "'");
  };
  if (origin->is_mapping()) {
    Node* d = field(origin, "$patch");
    if (d == nullptr) return Directive::kMerge;
    std::string v = value_of(d);
    auto r = parse(v);
    if (!r.ok()) return r;
    while (origin->erase("$patch")) {
    }
    return r;
  }
  if (origin->is_sequence()) {
    Node* el = nullptr;
    for (auto& item : origin->items()) {
      if (item.is_mapping() && field(&item, "$patch")) {
        el = &item;
        break;
      }
    }
    if (el == nullptr || el->entries().size() > 1) return Directive::kMerge;
    std::string v = value_of(field(el, "$patch"));
    auto r = parse(v);
    if (!r.ok()) return r;
    if (Status s = element_setter(*origin, nullptr, {"$patch"}, {v}); !s.ok()) return s.error();
    return r;
  }
  return Error("no implemented strategic merge patch strategy for '" + origin->text() + "'");
}

void Merger::set_field(Node& dest, const std::string& key, const Val& v) {
  if (v.node == nullptr || (v.node->is_null() && !v.keep_null)) {
    while (dest.erase(key)) {
    }
    return;
  }
  if (Node* existing = field(&dest, key)) {
    if (existing != v.node) {
      Node copy = *v.node;
      *existing = std::move(copy);
    }
    return;
  }
  dest.entries().push_back(core::MapEntry{created_key(key), *v.node});
}

// merge2.Merger.VisitMap.
core::Result<Val> Merger::visit_map(Node* dest, Node* origin) {
  if (missing_or_null(dest)) {
    if (origin != nullptr && origin->is_mapping()) {
      auto d = directive(origin);
      if (d.ok() && *d == Directive::kDelete) return Val{};
    }
    if (origin == nullptr && dest != nullptr && !dest->text().empty()) {
      return Val{make(*dest), true};  // yaml.MakePersistentNullNode
    }
    return Val{origin};
  }
  if (origin != nullptr && origin->is_null()) return Val{};
  auto d = directive(origin);
  if (!d.ok()) return d.error();
  switch (*d) {
    case Directive::kDelete:
      return Val{};
    case Directive::kReplace:
      return Val{origin};
    case Directive::kMerge:
      break;
  }
  return Val{dest};
}

// walk.Walker.walkMap.
core::Result<Val> Merger::walk_map(Node* dest, Node* origin, const SchemaNode* s) {
  auto v = visit_map(dest, origin);
  if (!v.ok() || v->node == nullptr || v->keep_null) return v;
  Node* d = v->node;
  std::set<std::string> keys;
  for (Node* src : {d, origin}) {
    if (src == nullptr || !src->is_mapping()) continue;
    for (const auto& e : src->entries()) {
      if (e.key.is_scalar()) keys.insert(e.key.text());
    }
  }
  for (const auto& key : keys) {
    Node* dv = field(d, key);
    Node* ov = field(origin, key);
    const SchemaNode* cs = s ? s->field(key) : nullptr;
    auto r = walk(dv, ov, cs);
    if (!r.ok()) return r;
    set_field(*d, key, *r);
  }
  return Val{d};
}

core::Result<Val> Merger::walk_assoc(Node* dest, Node* origin, const SchemaNode* s) {
  // merge2.Merger.VisitList for associative lists.
  Node* d = nullptr;
  if (missing_or_null(dest)) {
    d = origin;
  } else if (origin != nullptr && origin->is_null()) {
    return Val{};
  } else {
    auto dir = directive(origin);
    if (!dir.ok()) return dir.error();
    if (*dir == Directive::kDelete) return Val{};
    d = *dir == Directive::kReplace ? origin : dest;
  }
  if (d == nullptr) return Val{};
  std::vector<std::string> keys = s ? s->merge_keys() : std::vector<std::string>{};
  // walk.elementValues: the patch's elements first (Prepend), then the original's.
  std::vector<std::vector<std::string>> values;
  std::set<std::vector<std::string>> seen;
  for (Node* src : {origin, d}) {
    if (src == nullptr || !src->is_sequence()) continue;
    for (auto& item : src->items()) {
      std::vector<std::string> vals;
      for (const auto& k : keys) {
        Node* f = field(&item, k);
        vals.push_back(nil_or_empty(f) ? std::string() : value_of(f));
      }
      if (vals.empty() || seen.count(vals)) continue;
      seen.insert(vals);
      values.push_back(std::move(vals));
    }
  }
  if (!values.empty() || !keys.empty()) return set_assoc(std::move(values), keys, d, origin, s);
  // A list of primitives (e.g. metadata.finalizers): a union, patch items first.
  std::set<std::string> seen_text;
  for (Node* src : {origin, d}) {
    if (src == nullptr || !src->is_sequence()) continue;
    for (auto& item : src->items()) {
      std::string t = value_of(&item);
      if (seen_text.insert(t).second) values.push_back({t});
    }
  }
  return set_assoc(std::move(values), {""}, d, origin, s);
}

// walk.Walker.setAssociativeSequenceElements followed by appendListNode (Prepend).
core::Result<Val> Merger::set_assoc(std::vector<std::vector<std::string>> values_list,
                                    const std::vector<std::string>& keys, Node* dest, Node* origin,
                                    const SchemaNode* s) {
  Node* items = make(Node::sequence());
  const SchemaNode* es = s ? s->elements() : nullptr;
  if (keys.size() > 1) merge_values(values_list);
  std::vector<std::string> valid_keys, valid_values;
  for (const auto& values : values_list) {
    if (values.empty()) continue;
    std::tie(valid_keys, valid_values) = validate_keys(values_list, values, keys);
    auto [k2, v2] = validate_keys({valid_values}, valid_values, valid_keys);
    Node* de = element_list(dest, k2, v2);
    Node* oe = element_list(origin, k2, v2);
    auto val = walk(de, oe, es);
    if (!val.ok()) return val;
    bool exit = false;
    for (size_t i = 0; i < valid_keys.size(); ++i) {
      if (missing_or_null(val->node) || empty_map(val->node)) {
        if (Status st = element_setter(*dest, nullptr, valid_keys, valid_values); !st.ok()) {
          return st.error();
        }
        exit = true;
      } else if (i < valid_values.size() && !valid_values[i].empty()) {
        const std::string& key = valid_keys[i];
        if (key.empty()) {
          if (val->node->is_scalar())
            val->node->set_text(valid_values[i], core::ScalarType::kUnresolved);
        } else if (val->node->is_mapping() && field(val->node, key) == nullptr) {
          val->node->entries().push_back(core::MapEntry{
              created_key(key), Node::scalar(valid_values[i], core::ScalarType::kUnresolved)});
        } else if (!val->node->is_mapping()) {
          return Error("wrong node kind: expected MappingNode but got " + kind_name(*val->node));
        }
      }
    }
    if (exit) continue;
    if (Status st = element_setter(*items, val->node, valid_keys, valid_values); !st.ok()) {
      return st.error();
    }
  }
  if (values_list.empty()) return missing_or_null(dest) ? Val{} : Val{dest};
  // appendListNode(itemsToBeAdded, dest, keys): the original's elements replace their merged
  // copies (or are re-appended, for multi-key lists) in the patch-first list.
  std::vector<Node> src_items = dest->is_sequence() ? dest->items() : std::vector<Node>{};
  for (auto& elem : src_items) {
    if (valid_keys.empty() || valid_keys[0].empty()) {
      if (Status st = element_setter(*items, &elem, {""}, {value_of(&elem)}); !st.ok()) {
        return st.error();
      }
      continue;
    }
    std::vector<std::string> v;
    for (const auto& key : valid_keys) {
      if (elem.is_null()) {
        items->items().push_back(elem);
        continue;
      }
      if (!elem.is_mapping()) {
        return Error("wrong node kind: expected MappingNode but got " + kind_name(elem));
      }
      Node* f = field(&elem, key);
      if (f == nullptr) {
        items->items().push_back(elem);
        continue;
      }
      v.push_back(value_of(f));
    }
    if (valid_keys.size() > 1) {
      if (Status st = element_setter(*items, nullptr, valid_keys, v); !st.ok()) return st.error();
    }
    if (Status st = element_setter(*items, &elem, valid_keys, v); !st.ok()) return st.error();
  }
  return Val{items};
}

// walk.Walker.Walk.
core::Result<Val> Merger::walk(Node* dest, Node* origin, const SchemaNode* s) {
  s = get_schema(s, dest, origin);
  const Node* first = !missing_or_null(dest) ? dest : !missing_or_null(origin) ? origin : nullptr;
  if (first == nullptr || first->is_mapping()) {
    for (Node* src : {dest, origin}) {
      if (!missing_or_null(src) && first && !src->is_mapping()) {
        return Error("wrong node kind: expected MappingNode but got " + kind_name(*src));
      }
    }
    return walk_map(dest, origin, s);
  }
  for (Node* src : {dest, origin}) {
    if (!missing_or_null(src) && src->kind() != first->kind()) {
      return Error("wrong node kind: expected " + kind_name(*first) + " but got " +
                   kind_name(*src));
    }
  }
  if (first->is_sequence()) {
    if (s != nullptr && s->has_merge_strategy()) return walk_assoc(dest, origin, s);
    return Val{origin != nullptr ? origin : dest};  // VisitList, non-associative: replace
  }
  return Val{origin != nullptr ? origin : dest};  // VisitScalar
}

}  // namespace

core::Result<bool> strategic_merge(Node& dest, const Node& patch, const OpenApiSchema& schema) {
  Merger m(schema);
  Node origin = patch;
  auto v = m.walk(&dest, &origin, nullptr);
  if (!v.ok()) return v.error();
  if (v->node == nullptr || (v->node->is_null() && !v->keep_null)) return false;
  if (v->node != &dest) {
    Node copy = *v->node;
    dest = std::move(copy);
  }
  return true;
}

}  // namespace oc::kustomize
