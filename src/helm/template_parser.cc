#include "helm/template_parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <unordered_map>
#include <stdexcept>

#include "helm/funcs.h"
#include "helm/go_strconv.h"
#include "helm/go_unicode.h"
#include "helm/template_lexer.h"

namespace oc::helm {

// --- node String() forms ---------------------------------------------------------------------

void ListNode::write_to(std::string& out) const {
  for (const Node* n : nodes) n->write_to(out);
}

void PipeNode::write_to(std::string& out) const {
  if (!decl.empty()) {
    for (size_t i = 0; i < decl.size(); ++i) {
      if (i > 0) out += ", ";
      decl[i]->write_to(out);
    }
    out += " := ";
  }
  for (size_t i = 0; i < cmds.size(); ++i) {
    if (i > 0) out += " | ";
    cmds[i]->write_to(out);
  }
}

void CommandNode::write_to(std::string& out) const {
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    if (args[i]->type == NodeType::kPipe) {
      out += '(';
      args[i]->write_to(out);
      out += ')';
      continue;
    }
    args[i]->write_to(out);
  }
}

void VariableNode::write_to(std::string& out) const {
  for (size_t i = 0; i < ident.size(); ++i) {
    if (i > 0) out += '.';
    out += ident[i];
  }
}

void FieldNode::write_to(std::string& out) const {
  for (const auto& id : ident) {
    out += '.';
    out += id;
  }
}

void ChainNode::write_to(std::string& out) const {
  if (node->type == NodeType::kPipe) {
    out += '(';
    node->write_to(out);
    out += ')';
  } else {
    node->write_to(out);
  }
  for (const auto& f : field) {
    out += '.';
    out += f;
  }
}

void BranchNode::write_to(std::string& out) const {
  const char* name = type == NodeType::kIf ? "if" : type == NodeType::kRange ? "range" : "with";
  out += "{{";
  out += name;
  out += ' ';
  pipe->write_to(out);
  out += "}}";
  list->write_to(out);
  if (else_list) {
    out += "{{else}}";
    else_list->write_to(out);
  }
  out += "{{end}}";
}

void TemplateNode::write_to(std::string& out) const {
  out += "{{template ";
  out += go_quote(name);
  if (pipe) {
    out += ' ';
    pipe->write_to(out);
  }
  out += "}}";
}

std::string Tree::location(const Node* n, int* line, int* col) const {
  const std::string& t = *text;
  size_t pos = std::min<size_t>(n->pos, t.size());
  size_t nl = t.rfind('\n', pos == 0 ? std::string::npos : pos - 1);
  if (pos == 0) nl = std::string::npos;
  size_t byte_num = nl == std::string::npos ? pos : pos - (nl + 1);
  size_t line_num = 1;
  for (size_t i = 0; i < pos; ++i) line_num += t[i] == '\n';
  if (line) *line = static_cast<int>(line_num);
  if (col) *col = static_cast<int>(byte_num);
  return std::string(parse_name) + ":" + std::to_string(line_num) + ":" + std::to_string(byte_num);
}

bool is_empty_tree(const Node* n) {
  if (n == nullptr) return true;
  switch (n->type) {
    case NodeType::kComment:
      return true;
    case NodeType::kList:
      for (const Node* c : static_cast<const ListNode*>(n)->nodes) {
        if (!is_empty_tree(c)) return false;
      }
      return true;
    case NodeType::kText: {
      // len(bytes.TrimSpace(text)) == 0
      std::string_view s = static_cast<const TextNode*>(n)->text;
      for (size_t i = 0; i < s.size();) {
        size_t w;
        uint32_t r = decode_rune(s, i, &w);
        if (!go_is_space(r)) return false;
        i += w;
      }
      return true;
    }
    default:
      return false;
  }
}

namespace {

struct ParseError {
  std::string message;
  int line;
  uint32_t pos;
};

// Nesting the parser (and later the executor, which recurses the same way) accepts: parenthesized
// pipelines and if/range/with/block bodies together. Go caps only parentheses, at 10000
// (parse.go maxStackDepth, "max expression depth exceeded"), and leaves control nesting to its
// growable stacks; ours are fixed (8 MiB, less on other threads, frames several times larger under
// ASan), so one lower cap covers both. Real charts nest a few dozen levels at most.
constexpr int kMaxNestingDepth = 1000;

class Parser {
 public:
  Parser(const std::string& name, std::shared_ptr<const std::string> text, const FuncTable& funcs)
      : parse_name_(name), text_(std::move(text)), funcs_(funcs) {}

  std::vector<std::shared_ptr<Tree>> parse() {
    bool break_ok = funcs_.find("break") == nullptr;
    bool continue_ok = funcs_.find("continue") == nullptr;
    lexer_.emplace(*text_, break_ok, continue_ok);
    auto top = new_tree(parse_name_);
    tree_ = top.get();
    vars_ = {"$"};
    tree_->root = make<ListNode>(peek().pos);
    size_t root_mark = nodes_.size();
    while (peek().type != ItemType::kEOF) {
      if (peek().type == ItemType::kLeftDelim) {
        const Item& delim = next();
        if (next_non_space().type == ItemType::kDefine) {
          auto def = new_tree({});  // named by parse_definition
          Tree* saved = tree_;
          std::vector<std::string_view> saved_vars{"$"};
          saved_vars.swap(vars_);
          tree_ = def.get();
          parse_definition(def);
          tree_ = saved;
          vars_.swap(saved_vars);
          continue;
        }
        backup2(delim);
      }
      Node* n = text_or_action();
      if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
        errorf("unexpected " + n->str());
      }
      nodes_.push_back(n);
    }
    tree_->root->nodes = finish_nodes<Node*>(root_mark);
    add(top);
    return order_;
  }

 private:
  std::shared_ptr<Tree> new_tree(std::string_view name) {
    if (!arena_) {
      // About as many bytes of nodes as of template text; the arena grows past that if needed.
      size_t first = std::clamp<size_t>(text_->size(), 1024, size_t{1} << 20);
      arena_ = std::make_shared<std::pmr::monotonic_buffer_resource>(first);
    }
    auto t = std::make_shared<Tree>(arena_);
    if (arena_parse_name_.empty()) arena_parse_name_ = t->intern(parse_name_);
    t->name = name == parse_name_ ? arena_parse_name_ : t->intern(name);
    t->parse_name = arena_parse_name_;
    t->text = text_;
    return t;
  }

  template <class T, class... A>
  T* make(uint32_t pos, A&&... a) {
    return tree_->make<T>(pos, tree_, std::forward<A>(a)...);
  }

  // --- token stream (Go's three-token lookahead) ---
  // Items are copied, as Go copies them: 32 bytes, their text a view of the template's.
  Item next() {
    if (peek_count_ > 0) {
      --peek_count_;
    } else {
      token_[0] = lexer_->next();
    }
    return token_[peek_count_];
  }
  void backup() { ++peek_count_; }
  void backup2(const Item& t1) {
    token_[1] = t1;
    peek_count_ = 2;
  }
  void backup3(const Item& t2, const Item& t1) {
    token_[1] = t1;
    token_[2] = t2;
    peek_count_ = 3;
  }
  Item peek() {
    if (peek_count_ > 0) return token_[peek_count_ - 1];
    peek_count_ = 1;
    token_[0] = lexer_->next();
    return token_[0];
  }
  Item next_non_space() {
    for (;;) {
      Item t = next();
      if (t.type != ItemType::kSpace) return t;
    }
  }
  Item peek_non_space() {
    Item t = next_non_space();
    backup();
    return t;
  }

  [[noreturn]] void errorf(const std::string& msg) {
    const Item& at = token_[0];
    throw ParseError{"template: " + parse_name_ + ":" + std::to_string(at.line) + ": " + msg,
                     at.line, at.pos};
  }

  Item expect(ItemType expected, const std::string& context) {
    Item t = next_non_space();
    if (t.type != expected) unexpected(t, context);
    return t;
  }
  Item expect_one_of(ItemType e1, ItemType e2, const std::string& context) {
    Item t = next_non_space();
    if (t.type != e1 && t.type != e2) unexpected(t, context);
    return t;
  }
  [[noreturn]] void unexpected(const Item& t, const std::string& context) {
    if (t.type == ItemType::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != t.line) {
        extra = " in action started at " + parse_name_ + ":" + std::to_string(action_line_);
        if (lexer_->error().size() >= 7 &&
            lexer_->error().compare(lexer_->error().size() - 7, 7, " action") == 0) {
          extra = extra.substr(std::string(" in action").size());
        }
      }
      errorf(lexer_->error() + extra);
    }
    errorf("unexpected " + t.str() + " in " + context);
  }

  // Adds a finished tree to the set (Go's Tree.add).
  void add(const std::shared_ptr<Tree>& t) {
    auto it = set_.find(t->name);
    if (it == set_.end() || is_empty_tree(it->second->root)) {
      if (it != set_.end()) {
        for (auto& o : order_) {
          if (o.get() == it->second) o = t;
        }
        it->second = t.get();
      } else {
        set_.emplace(t->name, t.get());
        if (t->name == parse_name_) {
          order_.insert(order_.begin(), t);
        } else {
          order_.push_back(t);
        }
      }
      return;
    }
    if (!is_empty_tree(t->root)) {
      errorf("template: multiple definition of template " + go_quote(t->name));
    }
  }

  void parse_definition(const std::shared_ptr<Tree>& def) {
    const std::string context = "define clause";
    const Item& name = expect_one_of(ItemType::kString, ItemType::kRawString, context);
    std::string n;
    if (!go_unquote(name.val, &n)) errorf("invalid syntax");
    tree_->name = tree_->intern(n);
    expect(ItemType::kRightDelim, context);
    auto [list, end] = item_list();
    tree_->root = list;
    if (end->type != NodeType::kEnd) errorf("unexpected " + end->str() + " in " + context);
    add(def);
  }

  // Counts one level of nesting for as long as it lives.
  class Nest {
   public:
    explicit Nest(Parser& p) : p_(p) {
      if (p_.depth_ >= kMaxNestingDepth) p_.errorf("max expression depth exceeded");
      ++p_.depth_;
    }
    ~Nest() { --p_.depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    Parser& p_;
  };

  std::pair<ListNode*, Node*> item_list() {
    Nest nest(*this);
    ListNode* list = make<ListNode>(peek_non_space().pos);
    size_t mark = nodes_.size();
    while (peek_non_space().type != ItemType::kEOF) {
      Node* n = text_or_action();
      if (n->type == NodeType::kEnd || n->type == NodeType::kElse) {
        list->nodes = finish_nodes<Node*>(mark);
        return {list, n};
      }
      nodes_.push_back(n);
    }
    errorf("unexpected EOF");
  }

  Node* text_or_action() {
    const Item& t = next_non_space();
    switch (t.type) {
      case ItemType::kText: {
        return make<TextNode>(t.pos, t.val);
      }
      case ItemType::kLeftDelim: {
        action_line_ = t.line;
        Node* n = action();
        action_line_ = 0;
        return n;
      }
      case ItemType::kComment:
        return make<CommentNode>(t.pos, t.val);
      default:
        unexpected(t, "input");
    }
  }

  Node* action() {
    const Item& t = next_non_space();
    switch (t.type) {
      case ItemType::kBlock:
        return block_control();
      case ItemType::kBreak:
        return break_control(t.pos, "{{break}}", true);
      case ItemType::kContinue:
        return break_control(t.pos, "{{continue}}", false);
      case ItemType::kElse:
        return else_control();
      case ItemType::kEnd:
        return make<EndNode>(expect(ItemType::kRightDelim, "end").pos);
      case ItemType::kIf:
        return branch(NodeType::kIf, true, "if");
      case ItemType::kRange:
        return branch(NodeType::kRange, false, "range");
      case ItemType::kTemplate:
        return template_control();
      case ItemType::kWith:
        return branch(NodeType::kWith, false, "with");
      default:
        break;
    }
    backup();
    const Item& tok = peek();
    PipeNode* p = pipeline("command", ItemType::kRightDelim);
    return make<ActionNode>(tok.pos, p);
  }

  Node* break_control(uint32_t pos, const std::string& what, bool is_break) {
    const Item& t = next_non_space();
    if (t.type != ItemType::kRightDelim) unexpected(t, what);
    if (range_depth_ == 0) errorf(what + " outside {{range}}");
    if (is_break) return make<BreakNode>(pos);
    return make<ContinueNode>(pos);
  }

  PipeNode* pipeline(const std::string& context, ItemType end) {
    const Item& tok = peek_non_space();
    PipeNode* pipe = make<PipeNode>(tok.pos);
    size_t decl_mark = nodes_.size();
  decls:
    if (const Item& v = peek_non_space(); v.type == ItemType::kVariable) {
      next();
      const Item& after = peek();
      const Item& nx = peek_non_space();
      if (nx.type == ItemType::kAssign || nx.type == ItemType::kDeclare) {
        pipe->is_assign = nx.type == ItemType::kAssign;
        next_non_space();
        nodes_.push_back(new_variable(v.pos, v.val));
        vars_.emplace_back(v.val);
      } else if (nx.type == ItemType::kChar && nx.val == ",") {
        next_non_space();
        nodes_.push_back(new_variable(v.pos, v.val));
        vars_.emplace_back(v.val);
        if (context == "range" && nodes_.size() - decl_mark < 2) {
          ItemType pt = peek_non_space().type;
          if (pt == ItemType::kVariable || pt == ItemType::kRightDelim ||
              pt == ItemType::kRightParen) {
            goto decls;
          }
          errorf("range can only initialize variables");
        }
        errorf("too many declarations in " + context);
      } else if (after.type == ItemType::kSpace) {
        backup3(v, after);
      } else {
        backup2(v);
      }
    }
    pipe->decl = finish_nodes<VariableNode*>(decl_mark);
    size_t cmd_mark = nodes_.size();
    for (;;) {
      const Item& t = next_non_space();
      if (t.type == end) {
        pipe->cmds = finish_nodes<CommandNode*>(cmd_mark);
        check_pipeline(pipe, context);
        return pipe;
      }
      switch (t.type) {
        case ItemType::kBool:
        case ItemType::kCharConstant:
        case ItemType::kComplex:
        case ItemType::kDot:
        case ItemType::kField:
        case ItemType::kIdentifier:
        case ItemType::kNumber:
        case ItemType::kNil:
        case ItemType::kRawString:
        case ItemType::kString:
        case ItemType::kVariable:
        case ItemType::kLeftParen:
          backup();
          nodes_.push_back(command());
          break;
        default:
          unexpected(t, context);
      }
    }
  }

  void check_pipeline(PipeNode* pipe, const std::string& context) {
    if (pipe->cmds.empty()) errorf("missing value for " + context);
    for (size_t i = 1; i < pipe->cmds.size(); ++i) {
      switch (pipe->cmds[i]->args[0]->type) {
        case NodeType::kBool:
        case NodeType::kDot:
        case NodeType::kNil:
        case NodeType::kNumber:
        case NodeType::kString:
          errorf("non executable command in pipeline stage " + std::to_string(i + 1));
        default:
          break;
      }
    }
  }

  Node* branch(NodeType type, bool allow_else_if, const std::string& context) {
    size_t mark = vars_.size();
    PipeNode* pipe = pipeline(context, ItemType::kRightDelim);
    if (context == "range") ++range_depth_;
    auto [list, next_node] = item_list();
    if (context == "range") --range_depth_;
    ListNode* else_list = nullptr;
    if (next_node->type == NodeType::kElse) {
      if (allow_else_if && peek().type == ItemType::kIf) {
        this->next();
        Nest nest(*this);  // an else-if chain recurses like nesting
        else_list = make<ListNode>(next_node->pos);
        size_t mark = nodes_.size();
        nodes_.push_back(branch(NodeType::kIf, true, "if"));
        else_list->nodes = finish_nodes<Node*>(mark);
      } else {
        auto [el, nn] = item_list();
        else_list = el;
        if (nn->type != NodeType::kEnd) errorf("expected end; found " + nn->str());
      }
    }
    vars_.resize(mark);
    auto* b = make<BranchNode>(pipe->pos, type);
    b->pipe = pipe;
    b->list = list;
    b->else_list = else_list;
    return b;
  }

  Node* else_control() {
    const Item& p = peek_non_space();
    if (p.type == ItemType::kIf) return make<ElseNode>(p.pos);
    const Item& t = expect(ItemType::kRightDelim, "else");
    return make<ElseNode>(t.pos);
  }

  Node* block_control() {
    const std::string context = "block clause";
    const Item& tok = next_non_space();
    std::string name = parse_template_name(tok, context);
    PipeNode* pipe = pipeline(context, ItemType::kRightDelim);

    auto block = new_tree(name);
    Tree* saved = tree_;
    auto saved_vars = vars_;
    tree_ = block.get();
    vars_ = {"$"};
    auto [list, end] = item_list();
    block->root = list;
    if (end->type != NodeType::kEnd) {
      tree_ = saved;
      errorf("unexpected " + end->str() + " in " + context);
    }
    add(block);
    tree_ = saved;
    vars_ = saved_vars;
    auto* t = make<TemplateNode>(tok.pos);
    t->name = tree_->intern(name);
    t->pipe = pipe;
    return t;
  }

  Node* template_control() {
    const std::string context = "template clause";
    const Item& tok = next_non_space();
    std::string name = parse_template_name(tok, context);
    PipeNode* pipe = nullptr;
    if (next_non_space().type != ItemType::kRightDelim) {
      backup();
      pipe = pipeline(context, ItemType::kRightDelim);
    }
    auto* t = make<TemplateNode>(tok.pos);
    t->name = tree_->intern(name);
    t->pipe = pipe;
    return t;
  }

  std::string parse_template_name(const Item& tok, const std::string& context) {
    if (tok.type == ItemType::kString || tok.type == ItemType::kRawString) {
      std::string s;
      if (!go_unquote(tok.val, &s)) errorf("invalid syntax");
      return s;
    }
    unexpected(tok, context);
  }

  CommandNode* command() {
    CommandNode* cmd = make<CommandNode>(peek_non_space().pos);
    size_t mark = nodes_.size();
    for (;;) {
      peek_non_space();
      Node* op = operand();
      if (op) nodes_.push_back(op);
      const Item& t = next();
      if (t.type == ItemType::kSpace) continue;
      if (t.type == ItemType::kRightDelim || t.type == ItemType::kRightParen) {
        backup();
      } else if (t.type == ItemType::kPipe) {
      } else {
        unexpected(t, "operand");
      }
      break;
    }
    cmd->args = finish_nodes<Node*>(mark);
    if (cmd->args.empty()) errorf("empty command");
    return cmd;
  }

  Node* operand() {
    Node* node = term();
    if (!node) return nullptr;
    if (peek().type == ItemType::kField) {
      auto* chain = make<ChainNode>(peek().pos, node);
      size_t mark = names_.size();
      while (peek().type == ItemType::kField) names_.push_back(next().val.substr(1));
      chain->field = finish_names(mark);
      switch (node->type) {
        case NodeType::kField: {
          auto* fn = make<FieldNode>(chain->pos);
          fn->ident = split(tree_->intern(chain->str()).substr(1));
          return fn;
        }
        case NodeType::kVariable: {
          auto* vn = make<VariableNode>(chain->pos);
          vn->ident = split(tree_->intern(chain->str()));
          return vn;
        }
        case NodeType::kBool:
        case NodeType::kString:
        case NodeType::kNumber:
        case NodeType::kNil:
        case NodeType::kDot:
          errorf("unexpected . after term " + go_quote(node->str()));
        default:
          return chain;
      }
    }
    return node;
  }

  // The parts of `s` between dots; `s` must outlive the tree (a slice of its text or arena).
  NameList split(std::string_view s) {
    size_t mark = names_.size();
    size_t p = 0;
    for (;;) {
      size_t d = s.find('.', p);
      names_.push_back(s.substr(p, d == std::string::npos ? std::string::npos : d - p));
      if (d == std::string::npos) break;
      p = d + 1;
    }
    return finish_names(mark);
  }

  // Lists are collected on these stacks and copied into the arena at their final size when
  // complete (a nested list is finished before its parent goes on).
  template <class T>
  ArenaList<T> finish_nodes(size_t mark) {
    auto list = tree_->list<T>(nodes_.data() + mark, nodes_.size() - mark);
    nodes_.resize(mark);
    return list;
  }
  NameList finish_names(size_t mark) {
    auto list = tree_->list<std::string_view>(names_.data() + mark, names_.size() - mark);
    names_.resize(mark);
    return list;
  }

  VariableNode* new_variable(uint32_t pos, std::string_view ident) {
    auto* v = make<VariableNode>(pos);
    v->ident = split(ident);
    return v;
  }

  Node* term() {
    const Item& t = next_non_space();
    switch (t.type) {
      case ItemType::kIdentifier: {
        const FuncDef* f = funcs_.find(t.val);
        if (!f) errorf("function " + go_quote(t.val) + " not defined");
        return make<IdentifierNode>(t.pos, t.val, f);
      }
      case ItemType::kDot:
        return make<DotNode>(t.pos);
      case ItemType::kNil:
        return make<NilNode>(t.pos);
      case ItemType::kVariable: {
        VariableNode* v = new_variable(t.pos, t.val);
        for (const auto& name : vars_) {
          if (name == v->ident[0]) return v;
        }
        errorf("undefined variable " + go_quote(v->ident[0]));
      }
      case ItemType::kField: {
        auto* f = make<FieldNode>(t.pos);
        f->ident = split(t.val.substr(1));
        return f;
      }
      case ItemType::kBool:
        return make<BoolNode>(t.pos, t.val == "true");
      case ItemType::kCharConstant:
      case ItemType::kComplex:
      case ItemType::kNumber:
        return new_number(t);
      case ItemType::kLeftParen: {
        Nest nest(*this);
        return pipeline("parenthesized pipeline", ItemType::kRightParen);
      }
      case ItemType::kString:
      case ItemType::kRawString: {
        std::string s;
        if (!go_unquote(t.val, &s)) errorf("invalid syntax");
        return make<StringNode>(t.pos, t.val, s);
      }
      default:
        break;
    }
    backup();
    return nullptr;
  }

  static std::optional<uint64_t> parse_uint(std::string_view text) {
    if (text.empty() || text[0] == '+' || text[0] == '-') return std::nullopt;
    return go_parse_uint(text, 0);
  }
  static std::optional<int64_t> parse_int(std::string_view text) { return go_parse_int(text, 0); }
  static std::optional<double> parse_float(std::string_view text) {
    auto f = go_parse_float(text);
    if (f && (std::isinf(*f) || std::isnan(*f))) return std::nullopt;
    return f;
  }

  Node* new_number(const Item& t) {
    auto* n = make<NumberNode>(t.pos);
    n->text = t.val;
    std::string_view text = n->text;
    if (t.type == ItemType::kCharConstant) {
      size_t i = 1;
      uint32_t r;
      bool mb;
      if (!go_unquote_char(text, &i, text[0], &r, &mb)) errorf("invalid syntax");
      if (text.substr(i) != "'") errorf("malformed character constant: " + std::string(text));
      n->int64 = r;
      n->is_int = true;
      n->uint64 = r;
      n->is_uint = true;
      n->float64 = r;
      n->is_float = true;
      return n;
    }
    if (t.type == ItemType::kComplex) {
      // fmt.Sscan of "a+bi": real and imaginary parts.
      size_t k = text.find_last_of("+-");
      while (k != std::string::npos && k > 0 && (text[k - 1] | 0x20) == 'e') {
        k = text.find_last_of("+-", k - 1);
      }
      if (k == std::string::npos || k == 0) errorf("expected integer");
      auto re = parse_float(text.substr(0, k));
      auto im = parse_float(text.substr(k, text.size() - k - 1));
      if (!re || !im) errorf("expected integer");
      n->is_complex = true;
      n->float64 = *re;
      n->imag = *im;
      simplify_complex(n);
      return n;
    }
    if (!text.empty() && text.back() == 'i') {
      if (auto f = parse_float(text.substr(0, text.size() - 1))) {
        n->is_complex = true;
        n->float64 = 0;
        n->imag = *f;
        simplify_complex(n);
        return n;
      }
    }
    auto u = parse_uint(text);
    if (u) {
      n->is_uint = true;
      n->uint64 = *u;
    }
    auto i = parse_int(text);
    if (i) {
      n->is_int = true;
      n->int64 = *i;
      if (*i == 0) {
        n->is_uint = true;
        n->uint64 = u ? *u : 0;
      }
    }
    if (n->is_int) {
      n->is_float = true;
      n->float64 = static_cast<double>(n->int64);
    } else if (n->is_uint) {
      n->is_float = true;
      n->float64 = static_cast<double>(n->uint64);
    } else {
      auto f = parse_float(text);
      if (f) {
        if (text.find_first_of(".eEpP") == std::string::npos) {
          errorf("integer overflow: " + go_quote(text));
        }
        n->is_float = true;
        n->float64 = *f;
        // Go converts and compares back; a conversion out of range is undefined here, so the
        // range is checked first: [-2^63, 2^63) and [0, 2^64).
        if (!n->is_int && *f >= -0x1p63 && *f < 0x1p63 &&
            static_cast<double>(static_cast<int64_t>(*f)) == *f) {
          n->is_int = true;
          n->int64 = static_cast<int64_t>(*f);
        }
        if (!n->is_uint && *f >= 0 && *f < 0x1p64 &&
            static_cast<double>(static_cast<uint64_t>(*f)) == *f) {
          n->is_uint = true;
          n->uint64 = static_cast<uint64_t>(*f);
        }
      }
    }
    if (!n->is_int && !n->is_uint && !n->is_float) {
      errorf("illegal number syntax: " + go_quote(text));
    }
    return n;
  }

  static void simplify_complex(NumberNode* n) {
    n->is_float = n->imag == 0;
    if (n->is_float) {
      double f = n->float64;
      n->is_int = std::fabs(f) < 9.3e18 && static_cast<double>(static_cast<int64_t>(f)) == f;
      if (n->is_int) n->int64 = static_cast<int64_t>(f);
      n->is_uint = f >= 0 && f < 1.8e19 && static_cast<double>(static_cast<uint64_t>(f)) == f;
      if (n->is_uint) n->uint64 = static_cast<uint64_t>(f);
    }
  }

  std::string parse_name_;
  std::shared_ptr<const std::string> text_;
  std::shared_ptr<std::pmr::monotonic_buffer_resource> arena_;  // shared by every tree parsed
  const FuncTable& funcs_;
  std::optional<Lexer> lexer_;  // made in parse(), when the function table is known
  Item token_[3];
  int peek_count_ = 0;
  Tree* tree_ = nullptr;
  std::vector<std::string_view> vars_;  // slices of the text, and "$"
  int action_line_ = 0;
  int range_depth_ = 0;
  int depth_ = 0;  // nesting of parentheses and control bodies (kMaxNestingDepth)
  std::string_view arena_parse_name_;  // parse_name_ in the trees' arena
  // The trees order_ holds, by name (in their arena); order_ keeps the order.
  std::unordered_map<std::string_view, const Tree*> set_;
  std::vector<std::shared_ptr<Tree>> order_;
  std::vector<Node*> nodes_;              // lists being built (finish_nodes)
  std::vector<std::string_view> names_;  // name lists being built (finish_names)
};

}  // namespace

core::Result<std::vector<std::shared_ptr<Tree>>> parse_template(
    const std::string& name, std::shared_ptr<const std::string> text, const FuncTable& funcs) {
  Parser p(name, text, funcs);
  try {
    return p.parse();
  } catch (const ParseError& e) {
    // Column (1-based) of the token the error was found at.
    const std::string& t = *text;
    size_t pos = std::min<size_t>(e.pos, t.size());
    size_t nl = pos == 0 ? std::string::npos : t.rfind('\n', pos - 1);
    int col = static_cast<int>(nl == std::string::npos ? pos : pos - nl - 1) + 1;
    core::Error err(e.message, name, e.line, col);
    return err;
  }
}

}  // namespace oc::helm
