// The sops JSON store (getsops/sops stores/json/store.go) on the core JSON reader and writer.
#include "core/json.h"
#include "core/scalar.h"
#include "crypto/sops_formats.h"

namespace oc::crypto::sops::formats {

namespace {

using core::Node;

bool is_decimal_int(const std::string& s) {
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

core::Result<Value> from_node(const Node& n, const std::string& file) {
  switch (n.kind()) {
    case core::NodeKind::kMapping: {
      Value m = Value::mapping();
      for (const auto& e : n.entries()) {
        auto v = from_node(e.value, file);
        if (!v.ok()) return v;
        m.map.push_back(Item{Value::str(e.key.text()), std::move(*v)});
      }
      return m;
    }
    case core::NodeKind::kSequence: {
      Value l = Value::sequence();
      for (const auto& i : n.items()) {
        auto v = from_node(i, file);
        if (!v.ok()) return v;
        l.list.push_back(std::move(*v));
      }
      return l;
    }
    case core::NodeKind::kScalar:
      break;
  }
  switch (n.type()) {
    case core::ScalarType::kNull:
      return Value::null();
    case core::ScalarType::kBool:
      return Value::boolean(n.text() == "true");
    case core::ScalarType::kInt:
    case core::ScalarType::kFloat: {
      // json.Number: Int64() when it is a decimal integer within range, else Float64().
      if (is_decimal_int(n.text())) {
        if (auto i = core::go_parse_int(n.text())) return Value::integer(*i);
      }
      auto f = core::go_parse_float(n.text());
      if (!f)
        return core::Error("number " + n.text() + " is out of range", file, int(n.mark().line),
                           int(n.mark().column));
      return Value::number(*f);
    }
    default:
      return Value::str(n.text());
  }
}

core::Result<Node> to_node(const Value& v) {
  switch (v.kind) {
    case Kind::kNull:
      return Node::null();
    case Kind::kBool:
      return Node::boolean(v.b);
    case Kind::kInt:
      return Node::integer(v.i);
    case Kind::kFloat:
      return Node::number(v.f);
    case Kind::kMap: {
      Node m = Node::mapping();
      for (const Item& it : v.map) {
        if (it.key.is_comment()) continue;
        auto c = to_node(it.value);
        if (!c.ok()) return c;
        m.entries().push_back(core::MapEntry{Node::string(to_bytes(it.key)), std::move(*c)});
      }
      return m;
    }
    case Kind::kList: {
      Node l = Node::sequence();
      for (const Value& e : v.list) {
        if (e.is_comment()) continue;
        auto c = to_node(e);
        if (!c.ok()) return c;
        l.push_back(std::move(*c));
      }
      return l;
    }
    default:
      return Node::string(v.text);
  }
}

}  // namespace

core::Result<Branch> json_load(std::string_view text, const std::string& file) {
  core::JsonParseOptions o;
  o.file = file;
  auto doc = core::parse_json(text, o);
  if (!doc.ok()) return doc.error();
  if (!doc->is_mapping()) {
    return core::Error(
        "sops only supports JSON files with a top-level object; wrap the value in one, e.g. "
        "{\"data\": …}",
        file);
  }
  auto v = from_node(*doc, file);
  if (!v.ok()) return v.error();
  return std::move(v->map);
}

core::Result<std::string> json_emit(const Branch& branch, int indent) {
  Value root = Value::mapping();
  root.map = branch;
  auto n = to_node(root);
  if (!n.ok()) return n.error();
  core::JsonStyle st;
  st.indent = indent < 0 ? std::string("\t") : std::string(size_t(indent), ' ');
  auto out = core::write_json(*n, st);
  if (!out.ok()) return out.error();
  return *out + "\n";
}

}  // namespace oc::crypto::sops::formats
