// The parse tree of a Go text/template (text/template/parse's node types), with Go's String()
// forms, which error messages quote ("executing \"x\" at <.Values.a>").
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
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

// The parse tree's own containers and strings live in the arena its trees share (Tree below):
// a helpers file parses into tens of thousands of nodes, and their vectors and strings were most
// of the parse's malloc/free calls. Strings are slices of the template's text (kept alive by the
// tree) or copies in the arena (Tree::intern).
template <class T>
using ArenaVector = std::pmr::vector<T>;
using NodeList = ArenaVector<Node*>;
using NameList = ArenaVector<std::string_view>;

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
  ~Tree();

  // A new node owned by this tree, in the shared arena. Not thread-safe: only the parser makes
  // nodes.
  template <class T, class... A>
  T* make(A&&... a) {
    void* mem = arena_->allocate(sizeof(T), alignof(T));
    T* p = ::new (mem) T(std::forward<A>(a)...);
    link(p);
    return p;
  }
  // A copy of `s` in the arena, for a string that is not a slice of the text (an unquoted
  // name). Not thread-safe either.
  std::string_view intern(std::string_view s) const {
    if (s.empty()) return {};
    char* mem = static_cast<char*>(arena_->allocate(s.size(), 1));
    std::copy(s.begin(), s.end(), mem);
    return {mem, s.size()};
  }
  std::pmr::memory_resource* arena() const { return arena_.get(); }
  // "name:line:col" of a node (Go's Tree.ErrorContext location; the column is a 0-based byte
  // offset, as Go prints it).
  std::string location(const Node* n, int* line = nullptr, int* col = nullptr) const;

 private:
  void link(Node* n);
  std::shared_ptr<std::pmr::monotonic_buffer_resource> arena_;  // released after the nodes
  Node* last_ = nullptr;  // the nodes of this tree, newest first (Node::prev_), destroyed with it
};

struct Node {
  Node(NodeType t, uint32_t p, const Tree* tr) : type(t), pos(p), tree(tr) {}
  virtual ~Node() = default;
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

 private:
  friend struct Tree;
  Node* prev_ = nullptr;  // the tree's list of its nodes
};

struct ListNode : Node {
  ListNode(uint32_t p, const Tree* t) : Node(NodeType::kList, p, t), nodes(t->arena()) {}
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
  PipeNode(uint32_t p, const Tree* t)
      : Node(NodeType::kPipe, p, t), decl(t->arena()), cmds(t->arena()) {}
  void write_to(std::string& out) const override;
  bool is_assign = false;
  ArenaVector<VariableNode*> decl;
  ArenaVector<CommandNode*> cmds;
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
  CommandNode(uint32_t p, const Tree* t) : Node(NodeType::kCommand, p, t), args(t->arena()) {}
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
  VariableNode(uint32_t p, const Tree* t) : Node(NodeType::kVariable, p, t), ident(t->arena()) {}
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
  FieldNode(uint32_t p, const Tree* t) : Node(NodeType::kField, p, t), ident(t->arena()) {}
  void write_to(std::string& out) const override;
  NameList ident;
};

struct ChainNode : Node {
  ChainNode(uint32_t p, const Tree* t, Node* n)
      : Node(NodeType::kChain, p, t), node(n), field(t->arena()) {}
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
      : Node(NodeType::kString, p, t), quoted(q), value(Value::immortal_string(s, t->arena())) {}
  void write_to(std::string& out) const override { out += quoted; }
  std::string_view text() const { return value.str(); }
  std::string_view quoted;
  Value value;  // immortal, in the tree's arena; shared by concurrent renders
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
