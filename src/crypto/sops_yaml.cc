// The sops YAML store (getsops/sops stores/yaml/store.go) on the core document tree.
//
// Reading: comments become tree items in document order; a comment on the line of a scalar
// value is "inline". Writing mirrors sops's node building: comments before the first entry
// of a collection go on the collection, others on the entry that follows, inline ones on the
// value's line, and trailing ones after the last entry.
#include <string>

#include "core/scalar.h"
#include "core/yaml.h"
#include "crypto/sops_formats.h"

namespace oc::crypto::sops::formats {

namespace {

using core::Node;

// Comment lines of a node comment ("#a\n\n#b") as tree items; blank lines are dropped.
template <class Add>
void each_comment_line(const std::string& text, Add&& add) {
  size_t p = 0;
  while (p < text.size()) {
    size_t nl = text.find('\n', p);
    std::string_view line(text.data() + p, (nl == std::string::npos ? text.size() : nl) - p);
    if (!line.empty()) add(std::string(line.substr(1)));
    if (nl == std::string::npos) break;
    p = nl + 1;
  }
}

void comments_to_map(const std::string& text, Branch& b, bool is_inline) {
  each_comment_line(text, [&](std::string c) {
    b.push_back(Item{Value::comment(std::move(c), is_inline), Value()});
  });
}

void comments_to_list(const std::string& text, std::vector<Value>& l, bool is_inline) {
  each_comment_line(text,
                    [&](std::string c) { l.push_back(Value::comment(std::move(c), is_inline)); });
}

class Loader {
 public:
  explicit Loader(const std::string& file) : file_(file) {}

  core::Result<Value> scalar(const Node& n) {
    auto s = core::resolve(n, core::Schema::kYaml12);
    if (!s.ok()) return s.error().in_file(file_);
    switch (s->type) {
      case core::Scalar::Type::kNull:
        return Value::null();
      case core::Scalar::Type::kBool:
        return Value::boolean(s->b);
      case core::Scalar::Type::kInt:
        return Value::integer(s->i);
      case core::Scalar::Type::kUint:
        return core::Error("integer " + n.text() + " is out of range", file_, int(n.mark().line),
                           int(n.mark().column));
      case core::Scalar::Type::kFloat:
        return Value::number(s->f);
      case core::Scalar::Type::kTimestamp:
        return Value::time(s->s);
      case core::Scalar::Type::kString:
        return Value::str(std::move(s->s));
    }
    return Value::null();
  }

  // nodeToTreeValue: `handled` when the caller already took the node's own comments.
  core::Result<Value> value(const Node& n, bool handled) {
    switch (n.kind()) {
      case core::NodeKind::kScalar:
        return scalar(n);
      case core::NodeKind::kSequence: {
        Value l = Value::sequence();
        if (!handled) {
          comments_to_list(n.head_comment(), l.list, false);
          comments_to_list(n.line_comment(), l.list, false);
        }
        for (const Node& item : n.items()) {
          comments_to_list(item.head_comment(), l.list, false);
          comments_to_list(item.line_comment(), l.list, true);
          auto v = value(item, true);
          if (!v.ok()) return v;
          // Comments closing a block collection item are, for go-yaml, the foot of its last
          // key or item: inside it. The core reader keeps them on the item itself.
          if (v->kind == Kind::kMap)
            comments_to_map(item.foot_comment(), v->map, false);
          else if (v->kind == Kind::kList)
            comments_to_list(item.foot_comment(), v->list, false);
          l.list.push_back(std::move(*v));
          if (item.is_scalar()) comments_to_list(item.foot_comment(), l.list, false);
        }
        if (!handled) comments_to_list(n.foot_comment(), l.list, false);
        return l;
      }
      case core::NodeKind::kMapping: {
        Value m = Value::mapping();
        if (auto s = mapping(n, m.map, handled); !s.ok()) return s.error();
        return m;
      }
    }
    return Value::null();
  }

  // appendYamlNodeToTreeBranch for a mapping.
  core::Status mapping(const Node& n, Branch& b, bool handled) {
    if (!handled) {
      comments_to_map(n.head_comment(), b, false);
      comments_to_map(n.line_comment(), b, false);
    }
    for (const core::MapEntry& e : n.entries()) {
      comments_to_map(e.key.head_comment(), b, false);
      comments_to_map(e.key.line_comment(), b, false);
      bool scalar_value = e.value.is_scalar();
      if (scalar_value) {
        comments_to_map(e.value.head_comment(), b, false);
        comments_to_map(e.value.line_comment(), b, true);
      }
      Value key;
      if (e.key.is_scalar()) {
        auto k = scalar(e.key);
        if (!k.ok()) return k.error();
        key = std::move(*k);
      } else {
        key = Value::sequence();  // a complex key: refused when the tree is walked
      }
      auto v = value(e.value, scalar_value);
      if (!v.ok()) return v.error();
      b.push_back(Item{std::move(key), std::move(*v)});
      if (scalar_value) comments_to_map(e.value.foot_comment(), b, false);
      comments_to_map(e.key.foot_comment(), b, false);
    }
    if (!handled) comments_to_map(n.foot_comment(), b, false);
    return {};
  }

  core::Result<Branch> document(const Node& root) {
    Branch b;
    if (root.is_mapping()) {
      if (auto s = mapping(root, b, false); !s.ok()) return s.error();
      return b;
    }
    if (root.is_scalar() && root.is_null() && root.tag().empty()) {
      // An empty document (or one holding only comments).
      comments_to_map(root.head_comment(), b, false);
      comments_to_map(root.line_comment(), b, false);
      comments_to_map(root.foot_comment(), b, false);
      return b;
    }
    return core::Error(root.is_sequence() ? "YAML documents that are sequences are not supported"
                                          : "YAML documents that are values are not supported",
                       file_, int(root.mark().line), int(root.mark().column));
  }

 private:
  const std::string& file_;
};

// --- writing -------------------------------------------------------------------------------

std::string join_comments(const std::vector<std::string>& c) {
  std::string s;
  for (size_t i = 0; i < c.size(); ++i) {
    if (i) s += '\n';
    s += '#';
    s += c[i];
  }
  return s;
}

void add_head(Node& n, std::vector<std::string>& c) {
  if (c.empty()) return;
  std::string s = join_comments(c);
  n.set_head_comment(n.head_comment().empty() ? s : s + "\n" + n.head_comment());
  c.clear();
}

void add_line(Node& n, std::vector<std::string>& c) {
  if (c.empty()) return;
  std::string s = join_comments(c);
  n.set_line_comment(n.line_comment().empty() ? s : n.line_comment() + "\n" + s);
  c.clear();
}

void add_foot(Node& n, const std::vector<std::string>& c) {
  if (c.empty()) return;
  std::string s = join_comments(c);
  n.set_foot_comment(n.foot_comment().empty() ? s : n.foot_comment() + "\n" + s);
}

Node scalar_node(const Value& v) {
  switch (v.kind) {
    case Kind::kNull:
      return Node::null();
    case Kind::kBool:
      return Node::boolean(v.b);
    case Kind::kInt:
      return Node::integer(v.i);
    case Kind::kFloat: {
      // go-yaml v3 floatv: 'g' format, YAML spellings of the special values.
      std::string s = core::go_format_float(v.f, 'g', -1);
      if (s == "+Inf")
        s = ".inf";
      else if (s == "-Inf")
        s = "-.inf";
      else if (s == "NaN")
        s = ".nan";
      return Node::scalar(std::move(s), core::ScalarType::kFloat);
    }
    case Kind::kTime:
      return Node::scalar(v.text, core::ScalarType::kUnresolved, core::ScalarStyle::kPlain);
    default:
      return Node::string(v.text);
  }
}

Node value_node(const Value& v);

// sops appendTreeBranch.
void fill_mapping(const std::vector<Item>& items, Node& m) {
  std::vector<std::string> head, line;
  bool beginning = true;
  for (const Item& it : items) {
    if (it.key.is_comment()) {
      (it.key.inline_comment ? line : head).push_back(it.key.text);
      continue;
    }
    if (beginning) {
      add_head(m, head);
      beginning = false;
    }
    Node key = scalar_node(it.key.kind == Kind::kString ? it.key : Value::str(to_bytes(it.key)));
    add_head(key, head);
    Node val = value_node(it.value);
    add_line(val, line);
    m.entries().push_back(core::MapEntry{std::move(key), std::move(val)});
  }
  head.insert(head.end(), line.begin(), line.end());
  if (head.empty()) return;
  if (beginning) {
    add_head(m, head);
  } else {
    // sops puts trailing comments on the last key's foot; go-yaml writes that at the entries'
    // indentation, where the core writer puts a mapping's foot comment.
    add_foot(m, head);
  }
}

// sops appendSequence.
void fill_sequence(const std::vector<Value>& items, Node& s) {
  std::vector<std::string> head, line;
  bool beginning = true;
  for (const Value& it : items) {
    if (it.is_comment()) {
      (it.inline_comment ? line : head).push_back(it.text);
      continue;
    }
    if (beginning) {
      add_head(s, head);
      beginning = false;
    }
    Node n = value_node(it);
    add_head(n, head);
    add_line(n, line);
    s.push_back(std::move(n));
  }
  head.insert(head.end(), line.begin(), line.end());
  if (head.empty()) return;
  if (beginning) {
    add_head(s, head);
  } else {
    // sops puts them on the last item's foot: go-yaml writes that at the item's content
    // indentation when the item is a block collection, else at the "- " column.
    Node& last = s.items().back();
    add_foot(last.is_scalar() || last.empty() ? s : last, head);
  }
}

Node value_node(const Value& v) {
  if (v.kind == Kind::kMap) {
    Node m = Node::mapping();
    fill_mapping(v.map, m);
    return m;
  }
  if (v.kind == Kind::kList) {
    Node s = Node::sequence();
    fill_sequence(v.list, s);
    return s;
  }
  return scalar_node(v);
}

}  // namespace

core::Result<std::vector<Branch>> yaml_load(std::string_view text, const std::string& file) {
  core::ParseOptions po;
  po.file = file;
  auto docs = core::parse_yaml_stream(text, po);
  if (!docs.ok()) return docs.error();
  Loader loader(file);
  std::vector<Branch> out;
  for (const Node& d : *docs) {
    auto b = loader.document(d);
    if (!b.ok()) return b.error();
    out.push_back(std::move(*b));
  }
  return out;
}

std::string yaml_emit(const std::vector<Branch>& branches, int indent) {
  core::YamlStyle st = core::YamlStyle::sops();
  st.indent = indent;
  std::vector<Node> docs;
  for (const Branch& b : branches) {
    Node m = Node::mapping();
    fill_mapping(b, m);
    docs.push_back(std::move(m));
  }
  return core::write_yaml_stream(docs, st);
}

}  // namespace oc::crypto::sops::formats
