// Vars (api/internal/accumulator/refvartransformer.go, api/filters/refvar): `$(NAME)` in the
// fields of the varReference table becomes the value of the var's field in the object its
// objref selected. A field that is exactly "$(NAME)" takes the value's type.
#include <map>
#include <set>

#include "core/scalar.h"
#include "kustomize/kpath.h"
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Error;
using core::Node;
using core::Status;

namespace {

// A var's value: a primitive with its YAML type, or absent for maps and lists (which kustomize
// refuses to substitute, leaving "$(NAME)").
struct Value {
  bool primitive = false;
  core::ScalarType type = core::ScalarType::kString;
  std::string text;
};

Value value_of(const Node& n) {
  Value v;
  if (!n.is_scalar()) return v;
  v.primitive = true;
  auto r = core::resolve(n, core::Schema::kYaml12);
  if (!r.ok()) {
    v.text = n.text();
    return v;
  }
  switch (r->type) {
    case core::Scalar::Type::kInt:
    case core::Scalar::Type::kUint:
      v.type = core::ScalarType::kInt;
      v.text = r->type == core::Scalar::Type::kInt ? std::to_string(r->i) : std::to_string(r->u);
      break;
    case core::Scalar::Type::kFloat:
      v.type = core::ScalarType::kFloat;
      v.text = core::go_format_float(r->f, 'f', -1);
      break;
    case core::Scalar::Type::kBool:
      v.type = core::ScalarType::kBool;
      v.text = r->b ? "true" : "false";
      break;
    default:
      v.type = core::ScalarType::kString;
      v.text = n.text();
      break;
  }
  return v;
}

// fmt's %v of the value inside a longer string.
std::string formatted(const Value& v) {
  if (v.type == core::ScalarType::kFloat) {
    auto d = core::go_parse_float(v.text);
    return d ? core::go_format_float(*d, 'g', -1) : v.text;
  }
  return v.text;
}

class Replacer {
 public:
  explicit Replacer(const std::map<std::string, Value>& vars) : vars_(vars) {}

  // refvar.DoReplacements. Returns the node's new value.
  Node replace(const std::string& input) {
    std::string buf;
    size_t checkpoint = 0;
    for (size_t cursor = 0; cursor < input.size(); ++cursor) {
      if (input[cursor] != '$' || cursor + 1 >= input.size()) continue;
      buf.append(input, checkpoint, cursor - checkpoint);
      std::string_view rest = std::string_view(input).substr(cursor + 1);
      size_t advance = 1;
      if (rest[0] == '$') {
        buf.push_back('$');
      } else if (rest[0] == '(') {
        size_t close = rest.find(')', 1);
        if (close == std::string_view::npos) {
          buf += "$(";
        } else {
          std::string name(rest.substr(1, close - 1));
          advance = close + 1;
          auto it = vars_.find(name);
          bool ok = it != vars_.end() && it->second.primitive;
          if (ok) used.insert(name);
          if (input == "$(" + name + ")") {
            if (!ok) return Node::string(input);
            return Node::scalar(it->second.text, it->second.type);
          }
          buf += ok ? formatted(it->second) : "$(" + name + ")";
        }
      } else {
        buf.push_back('$');
        buf.push_back(rest[0]);
      }
      cursor += advance;
      checkpoint = cursor + 1;
    }
    if (checkpoint < input.size()) buf.append(input, checkpoint, std::string::npos);
    return Node::string(buf);
  }

  std::set<std::string> used;

 private:
  const std::map<std::string, Value>& vars_;
};

bool is_string(const Node& n) {
  if (!n.is_scalar() || n.is_null()) return false;
  if (n.type() == core::ScalarType::kString) return true;
  if (n.type() != core::ScalarType::kUnresolved) return false;
  if (!n.tag().empty()) return n.tag() == "tag:yaml.org,2002:str";
  return core::resolve_plain(n.text(), core::Schema::kYaml12).type == core::Scalar::Type::kString;
}

Status substitute(Replacer& rep, Node& node) {
  if (node.is_null()) return {};
  if (node.is_scalar()) {
    if (is_string(node)) node = rep.replace(node.text());
    return {};
  }
  if (node.is_mapping()) {
    for (auto& e : node.entries()) {
      if (!is_string(e.key)) return Error("invalid map key: value='" + e.key.text() + "'");
      if (is_string(e.value)) e.value = rep.replace(e.value.text());
    }
    return {};
  }
  for (auto& item : node.items()) {
    if (!is_string(item)) return Error("invalid value type expect a string");
    item = rep.replace(item.text());
  }
  return {};
}

// yaml.convertSliceIndex: "ports[0]" → "ports", "0".
std::vector<std::string> convert_slice_index(std::vector<std::string> fields) {
  std::vector<std::string> out;
  for (auto& f : fields) {
    size_t open = f.rfind('[');
    bool digits = open != std::string::npos && f.size() > open + 2 && f.back() == ']';
    for (size_t i = open + 1; digits && i + 1 < f.size(); ++i)
      digits = std::isdigit(static_cast<unsigned char>(f[i]));
    if (!digits) {
      out.push_back(std::move(f));
      continue;
    }
    if (open > 0) out.push_back(f.substr(0, open));
    out.push_back(f.substr(open + 1, f.size() - open - 2));
  }
  return out;
}

}  // namespace

Status resolve_vars(ResMap& m, const std::vector<Var>& vars,
                    const std::vector<FieldSpec>& var_reference, std::vector<std::string>* unused) {
  // makeVarReplacementMap: vars sorted by name; each reads the first object marked with it.
  std::map<std::string, Value> values;
  for (const auto& v : vars) {
    Resource* found = nullptr;
    for (auto& r : m.list()) {
      for (const auto& n : r->ref_var_names) {
        if (n == v.name) found = r.get();
      }
      if (found) break;
    }
    if (found == nullptr) {
      return Error("var '" + v.name +
                   "' cannot be mapped to a field in the set of known resources");
    }
    auto node = path_get(found->obj, convert_slice_index(split_dotted_path(v.field_path)));
    if (!node.ok() || *node == nullptr) {
      return Error("field specified in var '" + v.name + "' (" + v.field_path +
                   ") not found in corresponding resource");
    }
    values[v.name] = value_of(**node);
  }
  if (values.empty()) return {};
  Replacer rep(values);
  for (auto& r : m.list()) {
    Gvk gvk = r->gvk();
    for (const auto& fs : var_reference) {
      SetFn set = [&rep](Node& n) { return substitute(rep, n); };
      if (Status s = apply_field_spec(r->obj, gvk, fs, CreateKind::kNone, set); !s.ok()) return s;
    }
  }
  if (unused) {
    for (const auto& [name, v] : values) {
      if (!rep.used.count(name)) unused->push_back(name);
    }
  }
  return {};
}

}  // namespace oc::kustomize
