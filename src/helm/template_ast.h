// The parse tree of a Go text/template (text/template/parse's node types), with Go's String()
// forms, which error messages quote ("executing \"x\" at <.Values.a>").
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "helm/go_value.h"

namespace oc::helm {

struct FuncDef;
struct Node;
struct ListNode;

enum class NodeType : uint8_t {
  kText,
  kAction,
  kBool,
  kChain,
  kCommand,
  kDot,
  kElse,
  kEnd,
  kField,
  kIdentifier,
  kIf,
  kList,
  kNil,
  kNumber,
  kPipe,
  kRange,
  kString,
  kTemplate,
  kVariable,
  kWith,
  kComment,
  kBreak,
  kContinue,
};

// The parse tree's lists and strings live in the arena its trees share (Tree below): a helpers
// file parses into tens of thousands of nodes, and their vectors and strings were most of the
// parse's malloc/free calls. A list is allocated once at its final size (the parser collects it
// on a scratch stack first); a growing vector in an arena left every smaller copy behind, and
// the arena was 12 times the template text. Strings are slices of the template's text (kept
// alive by the tree) or copies in the arena (Tree::intern).
template <class T>
class ArenaList {
 public:
  ArenaList() = default;
  ArenaList(const T* data, size_t n) : data_(data), size_(n) {}
  const T* data() const { return data_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](size_t i) const { return data_[i]; }

 private:
  const T* data_ = nullptr;
  size_t size_ = 0;
};
using NodeList = ArenaList<Node*>;
using NameList = ArenaList<std::string_view>;

// One parsed template: a file's body or a {{define}}. Immutable once parsed; shared by renders.
struct Tree {
  std::string_view name;        // the template's name (in the arena)
  std::string_view parse_name;  // the file it was parsed from (errors name it; in the arena)
  std::shared_ptr<const std::string> text;
  ListNode* root = nullptr;

  // Nodes come from `arena`, which every tree parsed from one text shares: they are cached and
  // freed together, and a chart's helpers file defines thousands of small trees (one arena
  // each cost 2 KB per tree and a malloc per node block).
  explicit Tree(std::shared_ptr<std::pmr::monotonic_buffer_resource> arena)
      : arena_(std::move(arena)) {}
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;

  // A new node in the shared arena, gone with it: nodes own nothing (their lists, strings and
  // literals are in the arena too), so none is ever destroyed. Not thread-safe: only the parser
  // makes nodes.
  template <class T, class... A>
  T* make(A&&... a) {
    static_assert(std::is_trivially_destructible_v<T>, "a node must not own memory");
    void* mem = arena_->allocate(sizeof(T), alignof(T));
    return ::new (mem) T(std::forward<A>(a)...);
  }
  // An immortal string value in the arena (a literal). Not thread-safe either.
  Value immortal_string(std::string_view s) const {
    return Value::immortal_string(s, arena_.get());
  }
  // A copy of `s` in the arena, for a string that is not a slice of the text (an unquoted
  // name). Not thread-safe either.
  std::string_view intern(std::string_view s) const {
    if (s.empty()) return {};
    char* mem = static_cast<char*>(arena_->allocate(s.size(), 1));
    std::copy(s.begin(), s.end(), mem);
    return {mem, s.size()};
  }
  // A list of `n` items in the arena, converted from `from` (the parser's scratch stack). Not
  // thread-safe either.
  template <class T, class From>
  ArenaList<T> list(const From* from, size_t n) const {
    if (n == 0) return {};
    T* mem = static_cast<T*>(arena_->allocate(n * sizeof(T), alignof(T)));
    for (size_t i = 0; i < n; ++i) ::new (mem + i) T(static_cast<T>(from[i]));
    return {mem, n};
  }
  // "name:line:col" of a node (Go's Tree.ErrorContext location; the column is a 0-based byte
  // offset, as Go prints it).
  std::string location(const Node* n, int* line = nullptr, int* col = nullptr) const;

 private:
  std::shared_ptr<std::pmr::monotonic_buffer_resource> arena_;  // holds this tree's nodes
};

struct Node {
  Node(NodeType t, uint32_t p, const Tree* tr) : type(t), pos(p), tree(tr) {}
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // Go's Node.String().
  virtual void write_to(std::string& out) const = 0;
  std::string str() const {
    std::string s;
    write_to(s);
    return s;
  }
  NodeType type;
  uint32_t pos;  // byte offset in the tree's text
  const Tree* tree;

 protected:
  ~Node() = default;  // never called: see Tree::make
};

struct ListNode : Node {
  ListNode(uint32_t p, const Tree* t) : Node(NodeType::kList, p, t) {}
  void write_to(std::string& out) const override;
  NodeList nodes;
};

struct TextNode : Node {
  // `s` views the tree's source text (the Tree keeps it alive) rather than copying it: literal
  // text is most of a chart's bytes (kyverno's CRD templates: 4.5 MB).
  TextNode(uint32_t p, const Tree* t, std::string_view s) : Node(NodeType::kText, p, t), text(s) {}
  void write_to(std::string& out) const override { out.append(text); }
  std::string_view text;
};

struct CommentNode : Node {
  CommentNode(uint32_t p, const Tree* t, std::string_view s)
      : Node(NodeType::kComment, p, t), text(s) {}
  void write_to(std::string& out) const override {
    out += "{{";
    out += text;
    out += "}}";
  }
  std::string_view text;  // a slice of the tree's text
};

struct VariableNode;
struct CommandNode;

struct PipeNode : Node {
  PipeNode(uint32_t p, const Tree* t) : Node(NodeType::kPipe, p, t) {}
  void write_to(std::string& out) const override;
  bool is_assign = false;
  ArenaList<VariableNode*> decl;
  ArenaList<CommandNode*> cmds;
};

struct ActionNode : Node {
  ActionNode(uint32_t p, const Tree* t, PipeNode* pp) : Node(NodeType::kAction, p, t), pipe(pp) {}
  void write_to(std::string& out) const override {
    out += "{{";
    pipe->write_to(out);
    out += "}}";
  }
  PipeNode* pipe;
};

struct CommandNode : Node {
  CommandNode(uint32_t p, const Tree* t) : Node(NodeType::kCommand, p, t) {}
  void write_to(std::string& out) const override;
  NodeList args;
};

struct IdentifierNode : Node {
  IdentifierNode(uint32_t p, const Tree* t, std::string_view id, const FuncDef* f)
      : Node(NodeType::kIdentifier, p, t), ident(id), fn(f) {}
  void write_to(std::string& out) const override { out += ident; }
  std::string_view ident;  // a slice of the tree's text
  const FuncDef* fn;  // resolved at parse time
};

struct VariableNode : Node {
  VariableNode(uint32_t p, const Tree* t) : Node(NodeType::kVariable, p, t) {}
  void write_to(std::string& out) const override;
  NameList ident;  // "$x", then fields
};

struct DotNode : Node {
  DotNode(uint32_t p, const Tree* t) : Node(NodeType::kDot, p, t) {}
  void write_to(std::string& out) const override { out += "."; }
};

struct NilNode : Node {
  NilNode(uint32_t p, const Tree* t) : Node(NodeType::kNil, p, t) {}
  void write_to(std::string& out) const override { out += "nil"; }
};

struct FieldNode : Node {
  FieldNode(uint32_t p, const Tree* t) : Node(NodeType::kField, p, t) {}
  void write_to(std::string& out) const override;
  NameList ident;
};

struct ChainNode : Node {
  ChainNode(uint32_t p, const Tree* t, Node* n) : Node(NodeType::kChain, p, t), node(n) {}
  void write_to(std::string& out) const override;
  Node* node;
  NameList field;
};

struct BoolNode : Node {
  BoolNode(uint32_t p, const Tree* t, bool v) : Node(NodeType::kBool, p, t), value(v) {}
  void write_to(std::string& out) const override { out += value ? "true" : "false"; }
  bool value;
};

struct NumberNode : Node {
  NumberNode(uint32_t p, const Tree* t) : Node(NodeType::kNumber, p, t) {}
  void write_to(std::string& out) const override { out += text; }
  bool is_int = false, is_uint = false, is_float = false, is_complex = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  double float64 = 0;
  double imag = 0;  // complex constants: imaginary part (real part in float64)
  std::string_view text;  // a slice of the tree's text
};

struct StringNode : Node {
  // `q` is the quoted literal (a slice of the tree's text), `s` its value.
  StringNode(uint32_t p, const Tree* t, std::string_view q, std::string_view s)
      : Node(NodeType::kString, p, t), quoted(q) {
    ::new (value_) Value(t->immortal_string(s));
  }
  void write_to(std::string& out) const override { out += quoted; }
  // Immortal, in the tree's arena; shared by concurrent renders.
  const Value& value() const { return *std::launder(reinterpret_cast<const Value*>(value_)); }
  std::string_view quoted;

 private:
  // Held without its destructor, which an immortal value does not need (nodes are never
  // destroyed: Tree::make).
  alignas(Value) unsigned char value_[sizeof(Value)];
};

struct EndNode : Node {
  EndNode(uint32_t p, const Tree* t) : Node(NodeType::kEnd, p, t) {}
  void write_to(std::string& out) const override { out += "{{end}}"; }
};

struct ElseNode : Node {
  ElseNode(uint32_t p, const Tree* t) : Node(NodeType::kElse, p, t) {}
  void write_to(std::string& out) const override { out += "{{else}}"; }
};

// if / range / with
struct BranchNode : Node {
  BranchNode(uint32_t p, const Tree* t, NodeType ty) : Node(ty, p, t) {}
  void write_to(std::string& out) const override;
  PipeNode* pipe = nullptr;
  ListNode* list = nullptr;
  ListNode* else_list = nullptr;
};

struct BreakNode : Node {
  BreakNode(uint32_t p, const Tree* t) : Node(NodeType::kBreak, p, t) {}
  void write_to(std::string& out) const override { out += "{{break}}"; }
};

struct ContinueNode : Node {
  ContinueNode(uint32_t p, const Tree* t) : Node(NodeType::kContinue, p, t) {}
  void write_to(std::string& out) const override { out += "{{continue}}"; }
};

struct TemplateNode : Node {
  TemplateNode(uint32_t p, const Tree* t) : Node(NodeType::kTemplate, p, t) {}
  void write_to(std::string& out) const override;
  std::string_view name;  // in the tree's arena (Tree::intern)
  PipeNode* pipe = nullptr;
};

// Go's parse.IsEmptyTree.
bool is_empty_tree(const Node* n);

}  // namespace oc::helm
