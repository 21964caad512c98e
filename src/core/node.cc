#include "core/node.h"

#include <cassert>

#include "core/scalar.h"

namespace oc::core {

namespace {
const std::string kEmpty;

bool is_null_text(std::string_view t) {
  return t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL";
}
}  // namespace

Node::Node(const Node& other)
    : kind_(other.kind_),
      type_(other.type_),
      style_(other.style_),
      flow_(other.flow_),
      mark_(other.mark_),
      text_(other.text_),
      items_(other.items_),
      entries_(other.entries_),
      extra_(other.extra_ ? std::make_unique<Extra>(*other.extra_) : nullptr) {}

Node& Node::operator=(const Node& other) {
  if (this != &other) {
    Node copy(other);
    *this = std::move(copy);
  }
  return *this;
}

Node::Node() = default;
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(Node&&) noexcept = default;
Node::~Node() = default;

Node Node::null() { return Node(); }

Node Node::string(std::string value) {
  return scalar(std::move(value), ScalarType::kString);
}

Node Node::boolean(bool value) {
  return scalar(value ? "true" : "false", ScalarType::kBool);
}

Node Node::integer(int64_t value) { return scalar(std::to_string(value), ScalarType::kInt); }

Node Node::number(double value) {
  // Go's strconv 'g' shortest form is what yaml and fmt print for a float64.
  return scalar(go_format_float(value), ScalarType::kFloat);
}

Node Node::scalar(std::string text, ScalarType type, ScalarStyle style) {
  Node n;
  n.text_ = std::move(text);
  n.type_ = type;
  n.style_ = style;
  return n;
}

Node Node::sequence() {
  Node n;
  n.kind_ = NodeKind::kSequence;
  return n;
}

Node Node::mapping() {
  Node n;
  n.kind_ = NodeKind::kMapping;
  return n;
}

bool Node::is_null() const {
  if (kind_ != NodeKind::kScalar) return false;
  if (type_ == ScalarType::kNull) return true;
  return type_ == ScalarType::kUnresolved && is_null_text(text_) &&
         (!extra_ || extra_->tag.empty() || extra_->tag == "tag:yaml.org,2002:null");
}

void Node::set_text(std::string text, ScalarType type) {
  kind_ = NodeKind::kScalar;
  items_.clear();
  entries_.clear();
  text_ = std::move(text);
  type_ = type;
  flow_ = false;
  if (style_ == ScalarStyle::kPlain) style_ = ScalarStyle::kAny;
  if (extra_) extra_->tag.clear();
}

const std::string& Node::tag() const { return extra_ ? extra_->tag : kEmpty; }
void Node::set_tag(std::string tag) {
  if (tag.empty() && !extra_) return;
  extra().tag = std::move(tag);
}

Node* Node::find(std::string_view key) {
  for (auto& e : entries_) {
    if (e.key.kind_ == NodeKind::kScalar && e.key.text_ == key) return &e.value;
  }
  return nullptr;
}

const Node* Node::find(std::string_view key) const {
  return const_cast<Node*>(this)->find(key);
}

Node& Node::operator[](std::string_view key) {
  assert(kind_ == NodeKind::kMapping);
  if (Node* v = find(key)) return *v;
  entries_.push_back(MapEntry{Node::string(std::string(key)), Node()});
  return entries_.back().value;
}

void Node::set(std::string_view key, Node value) { (*this)[key] = std::move(value); }

bool Node::erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->key.kind_ == NodeKind::kScalar && it->key.text_ == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

size_t Node::size() const {
  switch (kind_) {
    case NodeKind::kSequence:
      return items_.size();
    case NodeKind::kMapping:
      return entries_.size();
    default:
      return 0;
  }
}

Node::Extra& Node::extra() {
  if (!extra_) extra_ = std::make_unique<Extra>();
  return *extra_;
}

const std::string& Node::head_comment() const { return extra_ ? extra_->head : kEmpty; }
const std::string& Node::line_comment() const { return extra_ ? extra_->line : kEmpty; }
const std::string& Node::foot_comment() const { return extra_ ? extra_->foot : kEmpty; }
void Node::set_head_comment(std::string text) {
  if (text.empty() && !extra_) return;
  extra().head = std::move(text);
}
void Node::set_line_comment(std::string text) {
  if (text.empty() && !extra_) return;
  extra().line = std::move(text);
}
void Node::set_foot_comment(std::string text) {
  if (text.empty() && !extra_) return;
  extra().foot = std::move(text);
}
bool Node::has_comments() const {
  return extra_ && (!extra_->head.empty() || !extra_->line.empty() || !extra_->foot.empty());
}
const std::string& Node::anchor() const { return extra_ ? extra_->anchor : kEmpty; }
void Node::set_anchor(std::string name) {
  if (name.empty() && !extra_) return;
  extra().anchor = std::move(name);
}

namespace {
// Scalars that resolve alike under any schema: explicit type, or "plain" (unresolved).
bool same_scalar_class(const Node& a, const Node& b) {
  auto cls = [](const Node& n) {
    // A quoted/typed string and an unresolved plain scalar are different things; two explicit
    // types must match exactly; JSON numbers and plain numbers with equal text are alike.
    switch (n.type()) {
      case ScalarType::kString:
        return 1;
      case ScalarType::kUnresolved:
      case ScalarType::kNull:
      case ScalarType::kBool:
      case ScalarType::kInt:
      case ScalarType::kFloat:
        return 2;
    }
    return 0;
  };
  return cls(a) == cls(b);
}
}  // namespace

// A plain scalar that every schema reads as a string equals the same text quoted: the writer
// must quote `...` or `-` even though they were plain.
static bool plain_string_everywhere(const Node& n) {
  return n.type() == ScalarType::kUnresolved && n.tag().empty() &&
         resolve_plain(n.text(), Schema::kYaml11).type == Scalar::Type::kString &&
         resolve_plain(n.text(), Schema::kYaml12).type == Scalar::Type::kString;
}

bool Node::operator==(const Node& other) const {
  if (kind_ != other.kind_) return false;
  switch (kind_) {
    case NodeKind::kScalar:
      if (is_null() && other.is_null()) return true;
      if (text_ != other.text_ || tag() != other.tag()) return false;
      if (same_scalar_class(*this, other)) return true;
      return (type_ == ScalarType::kString && plain_string_everywhere(other)) ||
             (other.type_ == ScalarType::kString && plain_string_everywhere(*this));
    case NodeKind::kSequence:
      return items_ == other.items_;
    case NodeKind::kMapping:
      if (entries_.size() != other.entries_.size()) return false;
      for (size_t i = 0; i < entries_.size(); ++i) {
        if (!(entries_[i].key == other.entries_[i].key)) return false;
        if (!(entries_[i].value == other.entries_[i].value)) return false;
      }
      return true;
  }
  return false;
}

size_t Node::memory_bytes() const {
  size_t n = 0;
  if (text_.capacity() > 15) n += text_.capacity() + 1;
  if (extra_) {
    n += sizeof(Extra) + extra_->head.capacity() + extra_->line.capacity() +
         extra_->foot.capacity() + extra_->tag.capacity() + extra_->anchor.capacity();
  }
  n += items_.capacity() * sizeof(Node);
  for (const auto& i : items_) n += i.memory_bytes();
  n += entries_.capacity() * sizeof(MapEntry);
  for (const auto& e : entries_) n += e.key.memory_bytes() + e.value.memory_bytes();
  return n;
}

}  // namespace oc::core
