#include "helm/template_exec.h"

#include <algorithm>
#include <array>

#include "helm/go_fmt.h"
#include "helm/go_unicode.h"
#include "helm/template_parser.h"

namespace oc::helm {

// --- TemplateSet -------------------------------------------------------------------------------

void TemplateSet::add(const std::vector<std::shared_ptr<Tree>>& trees) {
  trees_.reserve(trees_.size() + trees.size());
  for (const auto& t : trees) {
    auto it = trees_.find(t->name);
    if (it != trees_.end()) {
      if (is_empty_tree(t->root) && it->second->root != nullptr) continue;
      trees_.erase(it);  // its key views the name of the tree being replaced
    }
    trees_.emplace(t->name, t.get());
  }
}

const Tree* TemplateSet::find(std::string_view name) const {
  auto it = trees_.find(name);
  return it == trees_.end() ? nullptr : it->second;
}

// --- errors ------------------------------------------------------------------------------------

namespace {

struct ExecAbort {
  TemplateError err;
};

// Every include/tpl level wraps the error below it ("error calling include: template: …"), so a
// chain of N levels builds N messages of growing length: quadratic, as in Go, where a chart can
// nest includes as deep as the stack allows. Once a message is this long it goes up unchanged
// through the nested levels (no copies) and only the outermost include/tpl wraps it, so the text
// names where the chain started and ends in the root cause. Helm's own limit case (one name
// included 1001 deep) gives 83 KB and is kept whole.
constexpr size_t kPassThroughErrorBytes = size_t(128) << 10;

enum class Flow { kNormal, kBreak, kContinue };

std::string_view param_go_name(Param p) {
  return param_type_name(p);
}

bool can_be_nil(Param p) {
  switch (p) {
    case Param::kValue:
    case Param::kAny:
    case Param::kSliceIface:
    case Param::kSliceString:
    case Param::kMapIface:
    case Param::kMapString:
    case Param::kBytes:
      return true;
    default:
      return false;
  }
}

Value zero_of(Param p) {
  switch (p) {
    case Param::kAny:
      return Value::nil();
    case Param::kSliceIface:
      return Value::nil_slice(GoType::kSliceIface);
    case Param::kSliceString:
      return Value::nil_slice(GoType::kSliceString);
    case Param::kMapIface:
      return Value::nil_map(GoType::kMapIface);
    case Param::kMapString:
      return Value::nil_map(GoType::kMapString);
    case Param::kBytes:
      return Value::bytes("");
    default:
      return Value();
  }
}

bool assignable(const Value& v, Param p) {
  if (v.iface()) return p == Param::kAny || p == Param::kValue;
  switch (p) {
    case Param::kValue:
    case Param::kAny:
      return true;
    case Param::kString:
      return v.type() == GoType::kString;
    case Param::kInt:
      return v.type() == GoType::kInt;
    case Param::kInt64:
      return v.type() == GoType::kInt64;
    case Param::kFloat64:
      return v.type() == GoType::kFloat64;
    case Param::kBool:
      return v.type() == GoType::kBool;
    case Param::kUint8:
      return v.type() == GoType::kUint8;
    case Param::kUint32:
      return v.type() == GoType::kUint32;
    case Param::kCertificate:
      return v.kind() == Kind::kObject && v.object_ptr()->type_name() == "sprig.certificate";
    case Param::kTime:
      return v.kind() == Kind::kObject && v.object_ptr()->type_name() == "time.Time";
    case Param::kSliceIface:
      return v.type() == GoType::kSliceIface;
    case Param::kSliceString:
      return v.type() == GoType::kSliceString;
    case Param::kMapIface:
      return v.type() == GoType::kMapIface || v.type() == GoType::kValues;
    case Param::kMapString:
      return v.type() == GoType::kMapString;
    case Param::kBytes:
      return v.type() == GoType::kBytes;
  }
  return false;
}

// The static type name text/template reports for a value ("interface {}" for interface slots).
std::string static_type(const Value& v) {
  if (v.iface()) return "interface {}";
  return v.type_name();
}

bool is_hex_int(std::string_view s) {
  return s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
         s.find_first_of("pP") == std::string_view::npos;
}

// Elements of a collection as text/template sees them (interface slots keep the flag).
Value element_of(GoType container, const Value& stored) {
  switch (container) {
    case GoType::kSliceIface:
    case GoType::kMapIface:
    case GoType::kValues:
      return stored.as_iface();
    default:
      return stored;
  }
}

Value map_zero(GoType map_type) {
  switch (map_type) {
    case GoType::kMapString:
      return Value::string("");
    case GoType::kFiles:
      return Value::bytes("");
    default:
      return Value::nil();
  }
}

// Small argument buffer: most calls have few arguments.
class ArgBuf {
 public:
  explicit ArgBuf(size_t n) : n_(n) {
    if (n > inline_.size()) heap_.resize(n);
  }
  Value& operator[](size_t i) { return n_ > inline_.size() ? heap_[i] : inline_[i]; }
  Args span() const {
    return n_ > inline_.size() ? Args(heap_.data(), n_) : Args(inline_.data(), n_);
  }

 private:
  size_t n_;
  std::array<Value, 6> inline_;
  std::vector<Value> heap_;
};

const FuncDef* map_method(GoType t, std::string_view name);

}  // namespace

// Methods of map types (chartutil.Values, engine.files) are registered by helm_funcs.cc.
const FuncDef* values_method(std::string_view name);
const FuncDef* files_method(std::string_view name);
const FuncDef* version_set_method(std::string_view name);

namespace {
const FuncDef* map_method(GoType t, std::string_view name) {
  if (t == GoType::kValues) return values_method(name);
  if (t == GoType::kFiles) return files_method(name);
  if (t == GoType::kVersionSet) return version_set_method(name);
  return nullptr;
}
}  // namespace

// --- execution state (Go's state) --------------------------------------------------------------

struct Executor::State {
  Executor& ex;
  const Tree* tmpl;
  std::string* out;
  const Node* node = nullptr;
  int depth = 0;
  struct Var {
    std::string_view name;
    Value value;
  };
  std::vector<Var> vars;

  State(Executor& e, const Tree* t, std::string* o) : ex(e), tmpl(t), out(o) {}

  void at(const Node* n) { node = n; }

  [[noreturn]] void errorf(const std::string& msg) {
    TemplateError e;
    if (node == nullptr) {
      e.message = "template: " + std::string(tmpl->name) + ": " + msg;
      e.file = tmpl->parse_name;
    } else {
      const Tree* t = node->tree ? node->tree : tmpl;
      int line = 0, col = 0;
      std::string loc = t->location(node, &line, &col);
      e.message = "template: " + loc + ": executing " + go_quote(tmpl->name) + " at <" +
                  node->str() + ">: " + msg;
      e.file = t->parse_name;
      e.line = line;
      e.column = col + 1;
    }
    throw ExecAbort{std::move(e)};
  }

  // --- variables ---
  size_t mark() const { return vars.size(); }
  void pop(size_t m) { vars.resize(m); }
  void push(std::string_view name, Value v) { vars.push_back(Var{name, std::move(v)}); }
  void set_var(std::string_view name, Value v) {
    for (size_t i = vars.size(); i-- > 0;) {
      if (vars[i].name == name) {
        vars[i].value = std::move(v);
        return;
      }
    }
    errorf("undefined variable: " + std::string(name));
  }
  void set_top_var(size_t n, Value v) { vars[vars.size() - n].value = std::move(v); }
  const Value& var_value(std::string_view name) {
    for (size_t i = vars.size(); i-- > 0;) {
      if (vars[i].name == name) return vars[i].value;
    }
    errorf("undefined variable: " + std::string(name));
  }

  void write(std::string_view s) {
    out->append(s);
    if (out->size() > ex.opts_.limits.max_output_bytes) {
      errorf("output exceeds the limit of " + std::to_string(ex.opts_.limits.max_output_bytes) +
             " bytes");
    }
  }

  void count_step() {
    if (++ex.steps_ > ex.opts_.limits.max_steps) {
      errorf("exceeded the limit of " + std::to_string(ex.opts_.limits.max_steps) +
             " execution steps");
    }
  }

  // --- walk ---
  Flow walk(const Value& dot, const Node* node) {
    at(node);
    switch (node->type) {
      case NodeType::kAction: {
        count_step();
        auto* a = static_cast<const ActionNode*>(node);
        Value val = eval_pipeline(dot, a->pipe);
        if (a->pipe->decl.empty()) print_value(node, val);
        return Flow::kNormal;
      }
      case NodeType::kBreak:
        return Flow::kBreak;
      case NodeType::kContinue:
        return Flow::kContinue;
      case NodeType::kComment:
        return Flow::kNormal;
      case NodeType::kIf:
      case NodeType::kWith:
        return walk_if_or_with(dot, static_cast<const BranchNode*>(node));
      case NodeType::kList:
        for (const Node* n : static_cast<const ListNode*>(node)->nodes) {
          Flow f = walk(dot, n);
          if (f != Flow::kNormal) return f;
        }
        return Flow::kNormal;
      case NodeType::kRange:
        walk_range(dot, static_cast<const BranchNode*>(node));
        return Flow::kNormal;
      case NodeType::kTemplate:
        walk_template(dot, static_cast<const TemplateNode*>(node));
        return Flow::kNormal;
      case NodeType::kText:
        write(static_cast<const TextNode*>(node)->text);
        return Flow::kNormal;
      default:
        errorf("unknown node: " + node->str());
    }
  }

  Flow walk_if_or_with(const Value& dot, const BranchNode* n) {
    check_stack();  // the parser bounds nesting; this also covers threads with small stacks
    size_t m = mark();
    Value val = eval_pipeline(dot, n->pipe);
    bool truth = go_truth(val.unwrapped());
    Flow f = Flow::kNormal;
    if (truth) {
      f = walk(n->type == NodeType::kWith ? val : dot, n->list);
    } else if (n->else_list) {
      f = walk(dot, n->else_list);
    }
    pop(m);
    return f;
  }

  // One range iteration; false when the loop must stop (break).
  bool one_iteration(const BranchNode* r, size_t m, const Value& index, const Value& elem) {
    count_step();
    if (!r->pipe->decl.empty()) set_top_var(1, elem);
    if (r->pipe->decl.size() > 1) set_top_var(2, index);
    Flow f = walk(elem, r->list);
    pop(m);
    return f != Flow::kBreak;
  }

  void walk_range(const Value& dot, const BranchNode* r) {
    at(r);
    check_stack();
    size_t outer = mark();
    Value val = eval_pipeline(dot, r->pipe).unwrapped();
    size_t m = mark();
    bool ran = false;
    switch (val.kind()) {
      case Kind::kSlice: {
        // Hold a reference: the body may replace the variable that held the slice.
        Value keep = val;
        const auto& items = keep.items();
        for (size_t i = 0; i < items.size(); ++i) {
          ran = true;
          if (!one_iteration(r, m, Value::integer(static_cast<int64_t>(i)),
                             element_of(keep.type(), items[i]))) {
            break;
          }
        }
        break;
      }
      case Kind::kBytes: {
        Value keep = val;
        std::string_view b = keep.str();
        for (size_t i = 0; i < b.size(); ++i) {
          ran = true;
          if (!one_iteration(r, m, Value::integer(static_cast<int64_t>(i)),
                             Value::uinteger(static_cast<unsigned char>(b[i]), GoType::kUint8))) {
            break;
          }
        }
        break;
      }
      case Kind::kMap: {
        Value keep = val;
        const MapObj* mo = keep.map_obj();
        if (!mo || mo->size() == 0) break;
        // fmtsort order over a snapshot of the keys (Go iterates a sorted copy too).
        std::vector<MapObj::Entry> snapshot = mo->entries();
        for (const auto& e : snapshot) {
          ran = true;
          if (!one_iteration(r, m, e.key, element_of(keep.type(), e.value))) break;
        }
        break;
      }
      case Kind::kInt:
      case Kind::kUint: {
        // Range over an integer (Go >= 1.22, which current Helm releases are built with).
        if (r->pipe->decl.size() > 1) {
          std::string s;
          go_print_value(s, val);
          errorf("can't use " + s + " to iterate over more than one variable");
        }
        int64_t n = val.kind() == Kind::kInt ? val.as_int() : static_cast<int64_t>(val.as_uint());
        for (int64_t i = 0; i < n; ++i) {
          ran = true;
          Value e = val.kind() == Kind::kInt
                        ? Value::integer(i, val.type())
                        : Value::uinteger(static_cast<uint64_t>(i), val.type());
          if (!one_iteration(r, m, e, e)) break;
        }
        break;
      }
      case Kind::kInvalid:
        break;
      default: {
        std::string s;
        go_print_value(s, val);
        errorf("range can't iterate over " + s);
      }
    }
    if (!ran && r->else_list) walk(dot, r->else_list);
    pop(outer);
  }

  void walk_template(const Value& dot, const TemplateNode* t) {
    at(t);
    const Tree* tree = ex.lookup_tree(t->name);
    if (tree == nullptr) errorf("template " + go_quote(t->name) + " not defined");
    if (depth >= 100000) errorf("exceeded maximum template depth (100000)");
    check_stack();
    Value d = eval_pipeline(dot, t->pipe);
    State ns(ex, tree, out);
    ns.depth = depth + 1;
    ns.vars.reserve(8);
    ns.push("$", d);
    ns.walk(d, tree->root);
  }

  void check_stack() {
    char here;
    if (ex.stack_base_ &&
        ex.stack_base_ - &here > static_cast<ptrdiff_t>(ex.opts_.limits.max_stack_bytes)) {
      errorf("exceeded maximum template depth (nesting exhausts the " +
             std::to_string(ex.opts_.limits.max_stack_bytes >> 20) + " MiB stack limit)");
    }
  }

  // --- eval ---
  Value eval_pipeline(const Value& dot, const PipeNode* pipe) {
    if (pipe == nullptr) return Value();
    at(pipe);
    Value value;
    bool have = false;
    for (const CommandNode* cmd : pipe->cmds) {
      value = eval_command(dot, cmd, have ? &value : nullptr);
      have = true;
      if (value.iface()) value = std::move(value).unwrapped();
    }
    for (const VariableNode* v : pipe->decl) {
      if (pipe->is_assign) {
        set_var(v->ident[0], value);
      } else {
        push(v->ident[0], value);
      }
    }
    return value;
  }

  void not_a_function(const NodeList& args, const Value* final) {
    if (args.size() > 1 || final != nullptr) {
      errorf("can't give argument to non-function " + args[0]->str());
    }
  }

  Value eval_command(const Value& dot, const CommandNode* cmd, const Value* final) {
    const Node* first = cmd->args[0];
    switch (first->type) {
      case NodeType::kField:
        return eval_field_node(dot, static_cast<const FieldNode*>(first), &cmd->args, final);
      case NodeType::kChain:
        return eval_chain_node(dot, static_cast<const ChainNode*>(first), &cmd->args, final);
      case NodeType::kIdentifier:
        return eval_function(dot, static_cast<const IdentifierNode*>(first), cmd, &cmd->args,
                             final);
      case NodeType::kPipe:
        not_a_function(cmd->args, final);
        return eval_pipeline(dot, static_cast<const PipeNode*>(first));
      case NodeType::kVariable:
        return eval_variable_node(dot, static_cast<const VariableNode*>(first), &cmd->args, final);
      default:
        break;
    }
    at(first);
    not_a_function(cmd->args, final);
    switch (first->type) {
      case NodeType::kBool:
        return Value::boolean(static_cast<const BoolNode*>(first)->value);
      case NodeType::kDot:
        return dot;
      case NodeType::kNil:
        errorf("nil is not a command");
      case NodeType::kNumber:
        return ideal_constant(static_cast<const NumberNode*>(first));
      case NodeType::kString:
        return static_cast<const StringNode*>(first)->value();
      default:
        break;
    }
    errorf("can't evaluate command " + go_quote(first->str()));
  }

  Value ideal_constant(const NumberNode* c) {
    at(c);
    if (c->is_complex) errorf("complex constants are not supported: " + std::string(c->text));
    if (c->is_float && !is_hex_int(c->text) && c->text[0] != '\'' &&
        c->text.find_first_of(".eEpP") != std::string::npos) {
      return Value::floating(c->float64);
    }
    if (c->is_int) return Value::integer(c->int64);
    if (c->is_uint) errorf(std::string(c->text) + " overflows int");
    return Value();
  }

  Value eval_field_node(const Value& dot, const FieldNode* f, const NodeList* args,
                        const Value* final) {
    at(f);
    return eval_field_chain(dot, dot, f, f->ident, 0, args, final);
  }

  Value eval_chain_node(const Value& dot, const ChainNode* chain, const NodeList* args,
                        const Value* final) {
    at(chain);
    if (chain->field.empty()) errorf("internal error: no fields in evalChainNode");
    if (chain->node->type == NodeType::kNil) {
      errorf("indirection through explicit nil in " + chain->str());
    }
    Value pipe = eval_arg(dot, Param::kValue, chain->node);
    return eval_field_chain(dot, pipe, chain, chain->field, 0, args, final);
  }

  Value eval_variable_node(const Value& dot, const VariableNode* v, const NodeList* args,
                           const Value* final) {
    at(v);
    const Value& value = var_value(v->ident[0]);
    if (v->ident.size() == 1) {
      if (args) not_a_function(*args, final);
      return value;
    }
    return eval_field_chain(dot, value, v, v->ident, 1, args, final);
  }

  Value eval_field_chain(const Value& dot, Value receiver, const Node* node,
                         const NameList& ident, size_t from,
                         const NodeList* args, const Value* final) {
    size_t n = ident.size();
    for (size_t i = from; i + 1 < n; ++i) {
      receiver = eval_field(dot, ident[i], node, nullptr, nullptr, receiver);
    }
    return eval_field(dot, ident[n - 1], node, args, final, receiver);
  }

  Value eval_function(const Value& dot, const IdentifierNode* node, const Node* cmd,
                      const NodeList* args, const Value* final) {
    at(node);
    return eval_call(dot, *node->fn, nullptr, cmd, node->ident, args, final);
  }

  Value eval_field(const Value& dot, std::string_view field_name, const Node* node,
                   const NodeList* args, const Value* final, const Value& receiver_in) {
    if (!receiver_in.valid()) {
      if (ex.opts_.strict) errorf("nil data; no entry for key " + go_quote(field_name));
      return Value();
    }
    if (receiver_in.kind() == Kind::kNil) {
      errorf("nil pointer evaluating " + static_type(receiver_in) + "." + std::string(field_name));
    }
    const Value& receiver = receiver_in;  // interfaces hold the concrete value already
    // Methods first (Go looks them up on *T).
    const FuncDef* method = nullptr;
    if (receiver.kind() == Kind::kObject) {
      method = receiver.object_ptr()->method(field_name);
    } else if (receiver.kind() == Kind::kMap || receiver.kind() == Kind::kSlice) {
      method = map_method(receiver.type(), field_name);
    }
    if (method) return eval_call(dot, *method, &receiver, node, field_name, args, final);
    bool has_args = (args && args->size() > 1) || final != nullptr;
    switch (receiver.kind()) {
      case Kind::kObject: {
        Value out;
        if (receiver.object_ptr()->field(field_name, &out)) {
          if (has_args) {
            errorf(std::string(field_name) + " has arguments but cannot be invoked as function");
          }
          return out;
        }
        break;
      }
      case Kind::kMap: {
        if (has_args) errorf(std::string(field_name) + " is not a method but has arguments");
        const MapObj* m = receiver.map_obj();
        const Value* found = m ? m->find(field_name) : nullptr;
        if (found) return element_of(receiver.type(), *found);
        if (ex.opts_.strict) errorf("map has no entry for key " + go_quote(field_name));
        return map_zero(receiver.type());
      }
      default:
        break;
    }
    errorf("can't evaluate field " + std::string(field_name) + " in type " +
           static_type(receiver_in));
  }

  // evalCall. `receiver` is the method receiver (nullptr for functions).
  Value eval_call(const Value& dot, const FuncDef& fn, const Value* receiver, const Node* node,
                  std::string_view name, const NodeList* all_args, const Value* final) {
    count_step();
    const Node* const* args = nullptr;
    size_t nargs = 0;
    if (all_args) {
      args = all_args->data() + 1;
      nargs = all_args->size() - 1;
    }
    size_t num_params = fn.params.size();
    size_t num_in = nargs + (final ? 1 : 0);
    size_t num_fixed = nargs;
    if (fn.variadic) {
      num_fixed = num_params - 1;
      if (num_in < num_fixed) {
        errorf("wrong number of args for " + std::string(name) + ": want at least " +
               std::to_string(num_params - 1) + " got " + std::to_string(nargs));
      }
    } else if (num_in != num_params) {
      errorf("wrong number of args for " + std::string(name) + ": want " +
             std::to_string(num_params) + " got " + std::to_string(num_in));
    }

    if (fn.special != FuncDef::Special::kNone) {
      bool is_or = fn.special == FuncDef::Special::kOr;
      Value v;
      for (size_t i = 0; i < nargs; ++i) {
        v = eval_arg(dot, Param::kValue, args[i]);
        if (go_truth(v.unwrapped()) == is_or) return v;
      }
      if (final) v = validate_type(*final, Param::kValue);
      return v;
    }

    size_t off = receiver ? 1 : 0;
    ArgBuf argv(num_in + off);
    if (receiver) argv[0] = *receiver;
    size_t i = 0;
    for (; i < num_fixed && i < nargs; ++i) argv[off + i] = eval_arg(dot, fn.params[i], args[i]);
    if (fn.variadic) {
      Param elem = fn.params.back();
      for (; i < nargs; ++i) argv[off + i] = eval_arg(dot, elem, args[i]);
    }
    if (final) {
      Param t = fn.params.empty() ? Param::kAny : fn.params.back();
      if (fn.variadic && num_in - 1 < num_fixed) t = fn.params[num_in - 1];
      argv[off + i] = validate_type(*final, t);
    }
    CallCtx ctx{ex, name};
    Value result;
    try {
      result = fn.impl(ctx, argv.span());
    } catch (const FuncError& e) {
      at(node);
      errorf("error calling " + std::string(name) + ": " + e.what());
    }
    // Strings built by functions (printf "%s%s" $s $s in a loop doubles each step) are held to
    // the output limit, so memory stays bounded even when nothing is written. Helm has no bound.
    if ((result.kind() == Kind::kString || result.kind() == Kind::kBytes) &&
        result.str().size() > ex.opts_.limits.max_output_bytes) {
      at(node);
      errorf("error calling " + std::string(name) + ": result of " +
             std::to_string(result.str().size()) + " bytes exceeds the limit of " +
             std::to_string(ex.opts_.limits.max_output_bytes) + " bytes");
    }
    return result;
  }

  Value validate_type(const Value& value, Param typ) {
    if (!value.valid()) {
      if (can_be_nil(typ)) return zero_of(typ);
      errorf("invalid value; expected " + std::string(param_go_name(typ)));
    }
    if (typ == Param::kValue) return value;
    if (typ == Param::kAny) return value.as_any();
    Value v = value;
    if (!assignable(v, typ)) {
      bool ok = false;
      if (value.iface() && value.kind() != Kind::kNil) {
        v = value.unwrapped();
        ok = assignable(v, typ);
      }
      if (!ok) {
        errorf("wrong type for value; expected " + std::string(param_go_name(typ)) + "; got " +
               static_type(value));
      }
    }
    // Values passed as map[string]interface{} take the parameter's type (reflect assignTo).
    if (typ == Param::kMapIface && v.type() == GoType::kValues)
      return v.with_type(GoType::kMapIface);
    return v;
  }

  Value eval_arg(const Value& dot, Param typ, const Node* n) {
    at(n);
    switch (n->type) {
      case NodeType::kDot:
        return validate_type(dot, typ);
      case NodeType::kNil:
        if (can_be_nil(typ)) return zero_of(typ);
        errorf("cannot assign nil to " + std::string(param_go_name(typ)));
      case NodeType::kField: {
        // Go passes the field node itself as the argument list (so no arguments).
        static Node* const kSelfNodes[1] = {nullptr};
        static const NodeList kSelf(kSelfNodes, 1);
        return validate_type(
            eval_field_node(dot, static_cast<const FieldNode*>(n), &kSelf, nullptr), typ);
      }
      case NodeType::kVariable:
        return validate_type(
            eval_variable_node(dot, static_cast<const VariableNode*>(n), nullptr, nullptr), typ);
      case NodeType::kPipe:
        return validate_type(eval_pipeline(dot, static_cast<const PipeNode*>(n)), typ);
      case NodeType::kIdentifier: {
        auto* id = static_cast<const IdentifierNode*>(n);
        return validate_type(eval_function(dot, id, id, nullptr, nullptr), typ);
      }
      case NodeType::kChain:
        return validate_type(
            eval_chain_node(dot, static_cast<const ChainNode*>(n), nullptr, nullptr), typ);
      default:
        break;
    }
    switch (typ) {
      case Param::kBool:
        if (n->type == NodeType::kBool)
          return Value::boolean(static_cast<const BoolNode*>(n)->value);
        errorf("expected bool; found " + n->str());
      case Param::kFloat64:
        if (n->type == NodeType::kNumber && static_cast<const NumberNode*>(n)->is_float) {
          return Value::floating(static_cast<const NumberNode*>(n)->float64);
        }
        errorf("expected float; found " + n->str());
      case Param::kInt:
      case Param::kInt64:
        if (n->type == NodeType::kNumber && static_cast<const NumberNode*>(n)->is_int) {
          return Value::integer(static_cast<const NumberNode*>(n)->int64,
                                typ == Param::kInt ? GoType::kInt : GoType::kInt64);
        }
        errorf("expected integer; found " + n->str());
      case Param::kUint8:
      case Param::kUint32:
        if (n->type == NodeType::kNumber && static_cast<const NumberNode*>(n)->is_uint) {
          uint64_t u = static_cast<const NumberNode*>(n)->uint64;
          return typ == Param::kUint8 ? Value::uinteger(static_cast<uint8_t>(u), GoType::kUint8)
                                      : Value::uinteger(static_cast<uint32_t>(u), GoType::kUint32);
        }
        errorf("expected unsigned integer; found " + n->str());
      case Param::kAny:
      case Param::kValue:
        switch (n->type) {
          case NodeType::kBool:
            return Value::boolean(static_cast<const BoolNode*>(n)->value);
          case NodeType::kNumber:
            return ideal_constant(static_cast<const NumberNode*>(n));
          case NodeType::kString:
            return static_cast<const StringNode*>(n)->value();
          default:
            errorf("can't handle assignment of " + n->str() + " to empty interface argument");
        }
      case Param::kString:
        if (n->type == NodeType::kString) return static_cast<const StringNode*>(n)->value();
        errorf("expected string; found " + n->str());
      default:
        break;
    }
    errorf("can't handle " + n->str() + " for arg of type " + std::string(param_go_name(typ)));
  }

  void print_value(const Node* n, const Value& v) {
    at(n);
    if (!v.valid()) {
      write("<no value>");
      return;
    }
    std::string s;
    if (v.kind() == Kind::kObject && v.object_ptr()->pointer_stringer(&s)) {
      write(s);
      return;
    }
    size_t before = out->size();
    try {
      go_print_value(*out, v, ex.opts_.limits.max_output_bytes);
    } catch (const FuncError& e) {
      out->resize(before);
      errorf(e.what());
    }
    if (out->size() > ex.opts_.limits.max_output_bytes) {
      out->resize(before);
      write(std::string_view());  // reports the limit
      errorf("output exceeds the limit of " + std::to_string(ex.opts_.limits.max_output_bytes) +
             " bytes");
    }
  }
};

// --- Executor ----------------------------------------------------------------------------------

Executor::Executor(const TemplateSet& set, ExecOptions opts) : set_(set), opts_(std::move(opts)) {}
Executor::~Executor() {
  // Empty all first (each is kept alive by our reference meanwhile), then let go.
  for (MapObj* m : changed_) m->entries().clear();
  for (MapObj* m : changed_) {
    if (--m->refs == 0) heap_release(m);
  }
}

void Executor::note_changed(MapObj* m) {
  if (m == nullptr || m->refs == HeapObj::kImmortal) return;
  if (!changed_set_.insert(m).second) return;
  ++m->refs;
  changed_.push_back(m);
}

const Value* Executor::from_yaml_memo(std::string_view text) const {
  auto it = from_yaml_memo_.find(text);
  return it == from_yaml_memo_.end() ? nullptr : &it->second;
}

void Executor::remember_from_yaml(std::string_view text, const Value& v) {
  // Small texts are where parsing costs most per byte; the memo holds at most 4 MiB of them.
  constexpr size_t kMaxText = 16 << 10, kMaxTotal = 4 << 20;
  if (text.size() > kMaxText || from_yaml_memo_bytes_ + text.size() > kMaxTotal) return;
  if (from_yaml_memo_.emplace(std::string(text), v.clone()).second) {
    from_yaml_memo_bytes_ += text.size();
  }
}

const Tree* Executor::lookup_tree(std::string_view name) const {
  for (size_t i = overlays_.size(); i-- > 0;) {
    if (const Tree* t = overlays_[i]->find(name)) return t;
  }
  return set_.find(name);
}

void Executor::step(uint64_t n) {
  steps_ += n;
  if (steps_ > opts_.limits.max_steps) {
    throw FuncError("exceeded the limit of " + std::to_string(opts_.limits.max_steps) +
                    " execution steps");
  }
}

void Executor::check_size(size_t n, std::string_view what) const {
  if (n > opts_.limits.max_collection) {
    throw FuncError(std::string(what) + " of " + std::to_string(n) +
                    " elements exceeds the limit of " +
                    std::to_string(opts_.limits.max_collection));
  }
}

void Executor::run(const Tree* tree, const Value& data, std::string& out) {
  State st(*this, tree, &out);
  st.vars.reserve(8);
  st.push("$", data);
  if (tree->root == nullptr)
    st.errorf(go_quote(tree->name) + " is an incomplete or empty template");
  try {
    st.walk(data, tree->root);
  } catch (const FuncError& e) {
    // A value walk outside a function call (printing a value into an error message) hit a bound.
    st.errorf(e.what());
  }
}

core::Status Executor::execute(std::string_view name, const Value& data, std::string& out) {
  char base;
  const char* saved = stack_base_;
  if (!stack_base_) stack_base_ = &base;
  const Tree* tree = lookup_tree(name);
  if (!tree) {
    stack_base_ = saved;
    return core::Error("template: no template " + go_quote(name) +
                       " associated with template \"gotpl\"");
  }
  try {
    run(tree, data, out);
  } catch (const ExecAbort& a) {
    stack_base_ = saved;
    return core::Error(a.err.message, a.err.file, a.err.line, a.err.column);
  }
  stack_base_ = saved;
  return core::Status::success();
}

std::string Executor::include(std::string_view name, const Value& data) {
  const Tree* tree = lookup_tree(name);
  if (!tree) {
    throw FuncError("template: no template " + go_quote(name) +
                    " associated with template \"gotpl\"");
  }
  // Helm counts nesting per name; this counts per tree, which is the same except for a name a
  // `tpl` text redefines: its two trees count separately, each still bounded.
  int& count = included_[tree];
  if (count > opts_.limits.max_include_depth) {
    throw FuncError("rendering template has a nested reference name: " + std::string(name) +
                    ": unable to execute template");
  }
  char here;
  if (stack_base_ && stack_base_ - &here > static_cast<ptrdiff_t>(opts_.limits.max_stack_bytes)) {
    throw FuncError("exceeded maximum template depth (nesting exhausts the " +
                    std::to_string(opts_.limits.max_stack_bytes >> 20) + " MiB stack limit)");
  }
  ++count;
  std::string out;
  Value dot = data.kind() == Kind::kNil ? Value() : data;
  ++call_depth_;
  try {
    run(tree, dot, out);
  } catch (const ExecAbort& a) {
    --count;
    --call_depth_;
    if (call_depth_ > 0 && a.err.message.size() >= kPassThroughErrorBytes) throw;
    throw FuncError(a.err.message);
  } catch (...) {
    --count;
    --call_depth_;
    throw;
  }
  --count;
  --call_depth_;
  return out;
}

std::string Executor::tpl(std::string_view src, const Value& vals) {
  std::string name = "tpl";
  if (const MapObj* m = vals.map_obj();
      m && (vals.type() == GoType::kMapIface || vals.type() == GoType::kValues)) {
    if (const Value* t = m->find("Template")) {
      if (const MapObj* tm = t->map_obj();
          tm && (t->type() == GoType::kMapIface || t->type() == GoType::kValues)) {
        if (const Value* n = tm->find("Name"); n && n->kind() == Kind::kString) {
          name = std::string(n->str());
        }
      }
    }
  }
  // Helm does not bound tpl (Go's stack overflows, fatally, near 1 GB); we do.
  if (overlays_.size() >= opts_.limits.max_tpl_depth) {  // one overlay per tpl in progress
    throw FuncError("exceeded maximum template depth (" +
                    std::to_string(opts_.limits.max_tpl_depth) + " nested tpl calls)");
  }
  // Checked before parsing: the parser recurses too.
  char here;
  if (stack_base_ && stack_base_ - &here > static_cast<ptrdiff_t>(opts_.limits.max_stack_bytes)) {
    throw FuncError("exceeded maximum template depth (nesting exhausts the " +
                    std::to_string(opts_.limits.max_stack_bytes >> 20) + " MiB stack limit)");
  }
  auto text = std::make_shared<const std::string>(src);
  auto parsed = parse_template(name, text, helm_func_table());
  if (!parsed.ok()) {
    throw FuncError("cannot parse template " + go_quote(src) + ": " + parsed.error().message);
  }
  auto overlay = std::make_unique<TemplateSet>();
  // AddParseTree against the clone: an empty body does not replace an existing template.
  std::vector<std::shared_ptr<Tree>> keep;
  for (const auto& t : *parsed) {
    if (is_empty_tree(t->root) && lookup_tree(t->name) != nullptr) continue;
    keep.push_back(t);
  }
  overlay->add(keep);
  overlays_.push_back(std::move(overlay));
  TreeArena& arena = opts_.arena ? *opts_.arena : retained_;
  arena.insert(arena.end(), parsed->begin(), parsed->end());
  std::string out;
  Value dot = vals.kind() == Kind::kNil ? Value() : vals;
  ++call_depth_;
  try {
    run(parsed->front().get(), dot, out);
  } catch (const ExecAbort& a) {
    overlays_.pop_back();
    --call_depth_;
    if (call_depth_ > 0 && a.err.message.size() >= kPassThroughErrorBytes) throw;
    throw FuncError("error during tpl function execution for " + go_quote(src) + ": " +
                    a.err.message);
  } catch (...) {
    overlays_.pop_back();
    --call_depth_;
    throw;
  }
  overlays_.pop_back();
  --call_depth_;
  // Helm strips "<no value>" from tpl output as from rendered files.
  size_t p = 0;
  std::string cleaned;
  cleaned.reserve(out.size());
  for (;;) {
    size_t q = out.find("<no value>", p);
    if (q == std::string::npos) {
      cleaned.append(out, p);
      break;
    }
    cleaned.append(out, p, q - p);
    p = q + 10;
  }
  return cleaned;
}

// --- Helm's error rewriting ------------------------------------------------------------------

std::string helm_parse_error_message(const std::string& msg) {
  // cleanupParseError: split on ": ", location is token 1, message the last token.
  std::vector<std::string> tokens;
  size_t p = 0;
  for (;;) {
    size_t q = msg.find(": ", p);
    tokens.push_back(msg.substr(p, q == std::string::npos ? std::string::npos : q - p));
    if (q == std::string::npos) break;
    p = q + 2;
  }
  if (tokens.size() == 1) return msg;
  return "parse error at (" + tokens[1] + "): " + tokens.back();
}

std::string helm_exec_error_message(const std::string& msg) {
  // cleanupExecError: SplitN(err, ": ", 3); a HELM_ERR_START…HELM_ERR_END payload (on one line)
  // becomes "execution error at (LOCATION): PAYLOAD".
  size_t a = msg.find(": ");
  if (a == std::string::npos) return msg;
  size_t b = msg.find(": ", a + 2);
  if (b == std::string::npos) return msg;
  std::string location = msg.substr(a + 2, b - a - 2);
  std::string rest = msg.substr(b + 2);
  size_t s = rest.find("HELM_ERR_START");
  if (s != std::string::npos) {
    size_t e = rest.rfind("HELM_ERR_END");
    if (e != std::string::npos && e >= s + 14) {
      std::string payload = rest.substr(s + 14, e - s - 14);
      // Go's regexp `.` does not match a newline.
      if (payload.find('\n') == std::string::npos) {
        return "execution error at (" + location + "): " + payload;
      }
    }
  }
  return msg;
}

}  // namespace oc::helm
