#include "helm/value_codec.h"

#include <cmath>
#include <cstdlib>

#include "core/base64.h"
#include "core/json.h"
#include "core/scalar.h"
#include "core/yaml.h"

namespace oc::helm {

namespace {

// The walk's state: containers on the current path (looked at only past kMaxValueDepth, as
// encoding/json starts looking for cycles after 1000 levels) and the elements visited.
struct Walk {
  std::vector<const void*> path;
  size_t elements = 0;
};

// A hard bound for values nested deeper than Go's cycle check without a cycle.
constexpr int kMaxEncodeDepth = 10 * kMaxValueDepth;

const void* container_id(const Value& v) {
  if (v.kind() == Kind::kMap) return v.map_obj();
  if (v.kind() == Kind::kSlice) return v.heap();
  return nullptr;
}

core::Status to_node(const Value& v, core::Node& out, int depth, Walk& w) {
  using core::Node;
  if (++w.elements > kMaxWalkElements) {
    return core::Error("json: unsupported value: more than " + std::to_string(kMaxWalkElements) +
                       " elements");
  }
  const void* id = container_id(v);
  if (id != nullptr && depth > kMaxValueDepth) {
    for (const void* p : w.path) {
      if (p == id)
        return core::Error("json: unsupported value: encountered a cycle via " + v.type_name());
    }
    if (depth > kMaxEncodeDepth) {
      return core::Error("json: unsupported value: nested more than " +
                         std::to_string(kMaxEncodeDepth) + " levels deep");
    }
  }
  if (id != nullptr) w.path.push_back(id);
  struct Pop {
    Walk& w;
    bool on;
    ~Pop() {
      if (on) w.path.pop_back();
    }
  } pop{w, id != nullptr};
  switch (v.kind()) {
    case Kind::kInvalid:
    case Kind::kNil:
      out = Node::null();
      return {};
    case Kind::kBool:
      out = Node::boolean(v.as_bool());
      return {};
    case Kind::kInt:
      out = Node::integer(v.as_int());
      return {};
    case Kind::kUint:
      out = Node::scalar(std::to_string(v.as_uint()), core::ScalarType::kInt);
      return {};
    case Kind::kFloat: {
      double f = v.as_float();
      if (std::isnan(f) || std::isinf(f)) {
        return core::Error("json: unsupported value: " + core::go_format_float(f));
      }
      if (v.type() == GoType::kFloat32) {
        out = Node::scalar(core::go_format_float32(f), core::ScalarType::kFloat);
        return {};
      }
      auto text = core::json_format_float(f);
      if (!text.ok()) return text.error();
      out = Node::scalar(std::move(*text), core::ScalarType::kFloat);
      return {};
    }
    case Kind::kString:
      out = Node::string(std::string(v.str()));
      return {};
    case Kind::kBytes:
      if (v.heap() == nullptr && v.str().empty()) {
        // A nil []byte marshals as null; an empty one as "". Both are stored alike here.
        out = Node::string("");
        return {};
      }
      out = Node::string(core::base64_encode(v.str()));
      return {};
    case Kind::kSlice: {
      if (v.heap() == nullptr) {
        out = Node::null();
        return {};
      }
      out = Node::sequence();
      out.items().reserve(v.size());
      for (const Value& e : v.items()) {
        Node n;
        if (auto st = to_node(e, n, depth + 1, w); !st.ok()) return st;
        out.push_back(std::move(n));
      }
      return {};
    }
    case Kind::kMap: {
      const MapObj* m = v.map_obj();
      if (!m) {
        out = Node::null();
        return {};
      }
      out = Node::mapping();
      out.entries().reserve(m->size());
      for (const auto& e : m->entries()) {
        Node n;
        if (auto st = to_node(e.value, n, depth + 1, w); !st.ok()) return st;
        out.entries().push_back(
            core::MapEntry{Node::string(std::string(e.key.str())), std::move(n)});
      }
      return {};
    }
    case Kind::kObject: {
      const Object* o = v.object_ptr();
      if (o->json_node(&out)) return {};
      // A struct without tags: its exported fields by Go name, in declaration order.
      out = Node::mapping();
      for (size_t i = 0; i < o->num_fields(); ++i) {
        Node n;
        if (auto st = to_node(o->field_at(i), n, depth + 1, w); !st.ok()) return st;
        out.entries().push_back(
            core::MapEntry{Node::string(std::string(o->field_name(i))), std::move(n)});
      }
      return {};
    }
  }
  return {};
}

Value from_node(const core::Node& n) {
  using core::ScalarType;
  switch (n.kind()) {
    case core::NodeKind::kScalar:
      switch (n.type()) {
        case ScalarType::kNull:
          return Value::nil();
        case ScalarType::kBool:
          return Value::boolean(n.text() == "true");
        case ScalarType::kInt:
        case ScalarType::kFloat:
          return Value::floating(std::strtod(n.text().c_str(), nullptr));
        case ScalarType::kString:
          return Value::string(n.text());
        case ScalarType::kUnresolved: {
          auto r = core::resolve(n, core::Schema::kYaml11);
          if (!r.ok()) return Value::string(n.text());
          switch (r->type) {
            case core::Scalar::Type::kNull:
              return Value::nil();
            case core::Scalar::Type::kBool:
              return Value::boolean(r->b);
            case core::Scalar::Type::kInt:
              return Value::floating(static_cast<double>(r->i));
            case core::Scalar::Type::kUint:
              return Value::floating(static_cast<double>(r->u));
            case core::Scalar::Type::kFloat:
              return Value::floating(r->f);
            default:
              return Value::string(r->s);
          }
        }
      }
      return Value::nil();
    case core::NodeKind::kSequence: {
      std::vector<Value> items;
      items.reserve(n.items().size());
      for (const auto& e : n.items()) items.push_back(from_node(e));
      return Value::slice(std::move(items), GoType::kSliceIface);
    }
    case core::NodeKind::kMapping: {
      Value m = Value::map(GoType::kMapIface);
      MapObj* mo = m.map_obj();
      mo->entries().reserve(n.entries().size());
      for (const auto& e : n.entries()) {
        mo->append_unsorted(Value::string(e.key.text()), from_node(e.value));
      }
      mo->sort_and_dedupe();
      return m;
    }
  }
  return Value::nil();
}

}  // namespace

core::Status value_to_node_into(const Value& v, core::Node& out) {
  Walk w;
  return to_node(v, out, 0, w);
}

core::Result<core::Node> value_to_node(const Value& v) {
  core::Node out;
  Walk w;
  if (auto st = to_node(v, out, 0, w); !st.ok()) return st.error();
  return out;
}

Value node_to_value(const core::Node& node) {
  return from_node(node);
}

core::Result<std::string> value_to_json(const Value& v, bool escape_html, std::string_view indent) {
  auto n = value_to_node(v);
  if (!n.ok()) return n.error();
  core::JsonStyle st;
  st.escape_html = escape_html;
  st.indent = std::string(indent);
  return core::write_json(*n, st);
}

core::Result<std::string> value_to_yaml(const Value& v) {
  auto n = value_to_node(v);
  if (!n.ok()) return n.error();
  return core::write_yaml(*n, core::YamlStyle::kustomize());
}

core::Result<std::string> value_to_yaml_pretty(const Value& v) {
  auto n = value_to_node(v);
  if (!n.ok()) return n.error();
  core::YamlStyle st = core::YamlStyle::kustomize();
  st.indent_sequences = true;
  st.width = -1;
  return core::write_yaml(*n, st);
}

core::Result<Value> yaml_to_value(std::string_view text, const std::string& file) {
  core::ParseOptions po;
  po.file = file;
  po.comments = false;
  po.allow_duplicate_keys = true;
  auto docs = core::parse_yaml_stream(text.empty() ? std::string_view("") : text, po);
  if (!docs.ok()) return docs.error();
  if (docs->empty()) return Value::nil();
  auto model = core::to_json_model(docs->front(), core::Schema::kYaml11);
  if (!model.ok()) return model.error();
  return from_node(*model);
}

core::Result<Value> json_to_value(std::string_view text) {
  auto n = core::parse_json(text);
  if (!n.ok()) return n.error();
  return from_node(*n);
}

}  // namespace oc::helm
