// The document tree every module reads and writes: one type for YAML and JSON documents.
//
// A Node is a scalar, a sequence or a mapping. Mappings keep their keys in source order.
// Scalars keep their text as written (after YAML unescaping/folding) plus how it was written
// (style, tag), so the same tree can be read under different typing rules (see scalar.h) and
// written back faithfully (see yaml.h). Comments are attached to the nodes they belong to.
//
// Thread safety: a Node is a plain value; concurrent reads are safe, writes need exclusion.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace oc::core {

enum class NodeKind : uint8_t { kScalar, kSequence, kMapping };

// How a scalar was (or should be) written. kAny lets the writer choose.
enum class ScalarStyle : uint8_t { kAny, kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };

// What a scalar is, when known without typing rules. Plain, untagged YAML scalars are
// kUnresolved: `yes` is a bool to Helm (YAML 1.1) and a string to kustomize (YAML 1.2), so the
// reader decides by calling resolve() with the rules it follows. Quoted scalars are kString;
// JSON values and scalars built in code carry their exact type.
enum class ScalarType : uint8_t { kUnresolved, kNull, kBool, kInt, kFloat, kString };

// Source position, 1-based; 0 when the node was not parsed from text.
struct Mark {
  uint32_t line = 0;
  uint32_t column = 0;
};

struct MapEntry;

class Node {
 public:
  // A null scalar. (Special members are defined in node.cc, where MapEntry is complete.)
  Node();
  Node(const Node& other);
  Node& operator=(const Node& other);
  Node(Node&&) noexcept;
  Node& operator=(Node&&) noexcept;
  ~Node();

  // --- construction ---------------------------------------------------------------------------
  static Node null();
  static Node string(std::string value);
  static Node boolean(bool value);
  static Node integer(int64_t value);
  // `value` must be finite; written the way Go writes a float64.
  static Node number(double value);
  // A scalar with explicit text and type, e.g. scalar("0x10", ScalarType::kUnresolved).
  static Node scalar(std::string text, ScalarType type, ScalarStyle style = ScalarStyle::kAny);
  static Node sequence();
  static Node mapping();

  // --- kind -----------------------------------------------------------------------------------
  NodeKind kind() const { return kind_; }
  bool is_scalar() const { return kind_ == NodeKind::kScalar; }
  bool is_sequence() const { return kind_ == NodeKind::kSequence; }
  bool is_mapping() const { return kind_ == NodeKind::kMapping; }
  // A scalar that is null by type, or unresolved and written as null in every YAML schema
  // (empty, `~`, `null`, `Null`, `NULL`).
  bool is_null() const;

  // --- scalars --------------------------------------------------------------------------------
  const std::string& text() const { return text_; }
  ScalarType type() const { return type_; }
  ScalarStyle style() const { return style_; }
  void set_style(ScalarStyle style) { style_ = style; }
  // Replaces the value; the node becomes a scalar of `type` (kString by default) and keeps its
  // comments. The style is kept when it was a quoted or block style, so edits stay in place.
  void set_text(std::string text, ScalarType type = ScalarType::kString);
  void set_type(ScalarType type) { type_ = type; }

  // Explicit tag as written, in long form ("tag:yaml.org,2002:str", "!Ref"); empty when none.
  const std::string& tag() const;
  void set_tag(std::string tag);

  // --- sequences ------------------------------------------------------------------------------
  std::vector<Node>& items() { return items_; }
  const std::vector<Node>& items() const { return items_; }
  void push_back(Node item) { items_.push_back(std::move(item)); }

  // --- mappings -------------------------------------------------------------------------------
  std::vector<MapEntry>& entries() { return entries_; }
  const std::vector<MapEntry>& entries() const { return entries_; }
  // The value under a scalar key with this text, or nullptr. Linear: Kubernetes maps are small.
  Node* find(std::string_view key);
  const Node* find(std::string_view key) const;
  // The value under `key`, inserted at the end as null if missing. The node must be a mapping.
  Node& operator[](std::string_view key);
  // Sets `key` to `value`, replacing in place or appending.
  void set(std::string_view key, Node value);
  bool erase(std::string_view key);

  // Number of items or entries; 0 for scalars.
  size_t size() const;
  bool empty() const { return size() == 0; }

  // --- presentation ---------------------------------------------------------------------------
  // Collections written in flow style (`[a, b]`, `{a: 1}`).
  bool flow() const { return flow_; }
  void set_flow(bool flow) { flow_ = flow; }
  Mark mark() const { return mark_; }
  void set_mark(Mark mark) { mark_ = mark; }

  // Comments keep their source text, one line per '\n', each starting with '#'. An empty line
  // stands for a blank line in the source. Head comments come before the node, the line
  // comment after it on the same line, foot comments after a collection's last entry.
  const std::string& head_comment() const;
  const std::string& line_comment() const;
  const std::string& foot_comment() const;
  void set_head_comment(std::string text);
  void set_line_comment(std::string text);
  void set_foot_comment(std::string text);
  bool has_comments() const;
  // Anchor name this node had in the source (aliases are expanded on parse).
  const std::string& anchor() const;
  void set_anchor(std::string name);

  // Semantic equality: same kinds, same keys in the same order, same scalar text, and scalars
  // that would resolve alike (plain vs quoted, tag). Styles, marks and comments are ignored.
  bool operator==(const Node& other) const;

  // Approximate heap bytes held by this tree (for limits and benchmarks).
  size_t memory_bytes() const;

 private:
  struct Extra {
    std::string tag;
    std::string anchor;
    std::string head;
    std::string line;
    std::string foot;
  };
  Extra& extra();

  NodeKind kind_ = NodeKind::kScalar;
  ScalarType type_ = ScalarType::kNull;
  ScalarStyle style_ = ScalarStyle::kAny;
  bool flow_ = false;
  Mark mark_;
  std::string text_;
  std::vector<Node> items_;
  std::vector<MapEntry> entries_;
  std::unique_ptr<Extra> extra_;
};

struct MapEntry {
  Node key;
  Node value;
};

// Text of a scalar key, or nullptr when the key is not a scalar.
inline const std::string* key_text(const MapEntry& e) {
  return e.key.is_scalar() ? &e.key.text() : nullptr;
}

}  // namespace oc::core
