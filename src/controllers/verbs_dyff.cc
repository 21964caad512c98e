#include "controllers/verbs_dyff.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "core/json.h"
#include "core/yaml.h"

namespace oc::controllers::verbs {

namespace {

using core::Node;

// --- the model: dyff compares the YAML sigs.k8s.io/yaml writes, so maps are in go-yaml v2's
// key order and every scalar has a tag.

Node sorted_copy(const Node& n) {
  if (n.is_mapping()) {
    std::vector<const core::MapEntry*> es;
    for (const auto& e : n.entries()) es.push_back(&e);
    std::stable_sort(es.begin(), es.end(), [](const core::MapEntry* a, const core::MapEntry* b) {
      return core::yaml_v2_key_less(a->key.text(), b->key.text());
    });
    Node out = Node::mapping();
    for (const auto* e : es) out.set(e->key.text(), sorted_copy(e->value));
    return out;
  }
  if (n.is_sequence()) {
    Node out = Node::sequence();
    for (const auto& i : n.items()) out.push_back(sorted_copy(i));
    return out;
  }
  return n;
}

std::string tag_of(const Node& n) {
  if (n.is_mapping()) return "map";
  if (n.is_sequence()) return "list";
  switch (n.type()) {
    case core::ScalarType::kNull:
      return "<nil>";
    case core::ScalarType::kBool:
      return "bool";
    case core::ScalarType::kInt:
      return "int";
    case core::ScalarType::kFloat:
      return "float";
    default:
      return n.is_null() ? "<nil>" : "string";
  }
}

std::string hash_of(const Node& n) {
  return core::write_json(n).value_or(n.text());
}

std::string plural(size_t n, const std::string& singular, const std::string& plural_form = "") {
  static const char* words[] = {"no",    "one",   "two",  "three", "four",   "five",  "six",
                                "seven", "eight", "nine", "ten",   "eleven", "twelve"};
  std::string number = n < 13 ? words[n] : std::to_string(n);
  if (n == 1) return number + " " + singular;
  return number + " " + (plural_form.empty() ? singular + "s" : plural_form);
}

size_t width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::vector<std::string> split(std::string_view s, char sep = '\n') {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    if (p == std::string_view::npos) {
      out.emplace_back(s.substr(start));
      return out;
    }
    out.emplace_back(s.substr(start, p - start));
    start = p + 1;
  }
}

std::string trim_right(std::string s, std::string_view chars = " ") {
  while (!s.empty() && chars.find(s.back()) != std::string_view::npos) s.pop_back();
  return s;
}

// --- what differs ------------------------------------------------------------------------------

struct PathElement {
  std::string name;  // map key or named-list entry
  int idx = -1;      // plain list index
};
using Path = std::vector<PathElement>;

enum class DetailKind { kAddition, kRemoval, kModification, kOrderChange };

struct Detail {
  DetailKind kind;
  Node from;  // removed entries (a mapping or sequence), or the old value
  Node to;
};

struct Diff {
  Path path;
  std::vector<Detail> details;
};

class Comparer {
 public:
  std::vector<Diff> objects(const Path& path, const Node& from, const Node& to) {
    if (tag_of(from) != tag_of(to))
      return {Diff{path, {Detail{DetailKind::kModification, from, to}}}};
    if (from.is_mapping()) return mappings(path, from, to);
    if (from.is_sequence()) return sequences(path, from, to);
    std::string tag = tag_of(from);
    if (tag == "<nil>") return {};
    if (from.text() != to.text())
      return {Diff{path, {Detail{DetailKind::kModification, from, to}}}};
    return {};
  }

 private:
  static Path with(const Path& p, PathElement e) {
    Path out = p;
    out.push_back(std::move(e));
    return out;
  }

  std::vector<Diff> mappings(const Path& path, const Node& from, const Node& to) {
    std::vector<Diff> result;
    Node removals = Node::mapping(), additions = Node::mapping();
    for (const auto& e : from.entries()) {
      if (const Node* t = to.find(e.key.text())) {
        auto d = objects(with(path, {e.key.text(), -1}), e.value, *t);
        result.insert(result.end(), d.begin(), d.end());
      } else {
        removals.set(e.key.text(), e.value);
      }
    }
    for (const auto& e : to.entries()) {
      if (!from.find(e.key.text())) additions.set(e.key.text(), e.value);
    }
    Diff diff{path, {}};
    if (!removals.empty())
      diff.details.push_back({DetailKind::kRemoval, std::move(removals), Node()});
    if (!additions.empty())
      diff.details.push_back({DetailKind::kAddition, Node(), std::move(additions)});
    if (!diff.details.empty()) result.insert(result.begin(), std::move(diff));
    return result;
  }

  // The identifier of a list of maps: `name`, `key` or `id` when every entry of both lists has a
  // distinct value for it; past three entries, any string field with that property.
  static std::string identifier(const Node& a, const Node& b) {
    auto distinct = [](const Node& list, const std::string& key) -> size_t {
      std::set<std::string> values;
      for (const auto& e : list.items()) {
        if (!e.is_mapping()) continue;
        if (const Node* v = e.find(key); v && v->is_scalar()) values.insert(v->text());
      }
      return values.size();
    };
    for (const char* id : {"name", "key", "id"}) {
      if (distinct(a, id) == a.size() && distinct(b, id) == b.size()) return id;
    }
    auto string_fields = [](const Node& list) -> std::map<std::string, std::set<std::string>> {
      std::map<std::string, std::set<std::string>> out;
      for (const auto& e : list.items()) {
        if (!e.is_mapping()) return {};
        for (const auto& kv : e.entries()) {
          if (kv.value.is_scalar() && kv.value.type() == core::ScalarType::kString)
            out[kv.key.text()].insert(kv.value.text());
        }
      }
      return out;
    };
    auto fa = string_fields(a), fb = string_fields(b);
    for (const auto& [key, values] : fa) {
      auto it = fb.find(key);
      if (it != fb.end() && values.size() == a.size() && it->second.size() == b.size() &&
          values.size() > 3)
        return key;
    }
    return "";
  }

  static const Node* by_name(const Node& list, const std::string& id, const std::string& name) {
    for (const auto& e : list.items()) {
      if (!e.is_mapping()) continue;
      if (const Node* v = e.find(id); v && v->is_scalar() && v->text() == name) return &e;
    }
    return nullptr;
  }

  std::vector<Diff> sequences(const Path& path, const Node& from, const Node& to) {
    if (from.empty() && to.empty()) return {};
    std::string id = identifier(from, to);
    if (!id.empty()) return named_lists(path, id, from, to);
    return simple_lists(path, from, to);
  }

  static std::vector<Diff> pack(std::vector<Diff> result, const Path& path,
                                std::vector<Detail> order, std::vector<Node> additions,
                                std::vector<Node> removals) {
    Diff diff{path, std::move(order)};
    if (!removals.empty()) {
      Node seq = Node::sequence();
      for (auto& r : removals) seq.push_back(std::move(r));
      diff.details.push_back({DetailKind::kRemoval, std::move(seq), Node()});
    }
    if (!additions.empty()) {
      Node seq = Node::sequence();
      for (auto& a : additions) seq.push_back(std::move(a));
      diff.details.push_back({DetailKind::kAddition, Node(), std::move(seq)});
    }
    if (!diff.details.empty()) result.insert(result.begin(), std::move(diff));
    return result;
  }

  std::vector<Diff> named_lists(const Path& path, const std::string& id, const Node& from,
                                const Node& to) {
    std::vector<Diff> result;
    std::vector<Node> removals, additions;
    std::vector<std::string> from_names, to_names;
    for (const auto& f : from.items()) {
      std::string name = f.find(id)->text();
      if (const Node* t = by_name(to, id, name)) {
        auto d = objects(with(path, {name, -1}), f, *t);
        result.insert(result.end(), d.begin(), d.end());
        from_names.push_back(name);
      } else {
        removals.push_back(f);
      }
    }
    for (const auto& t : to.items()) {
      std::string name = t.find(id)->text();
      if (by_name(from, id, name)) {
        to_names.push_back(name);
      } else {
        additions.push_back(t);
      }
    }
    std::vector<Detail> order;
    if (from_names != to_names) {
      Node a = Node::sequence(), b = Node::sequence();
      for (const auto& n : from_names) a.push_back(Node::string(n));
      for (const auto& n : to_names) b.push_back(Node::string(n));
      order.push_back({DetailKind::kOrderChange, std::move(a), std::move(b)});
    }
    return pack(std::move(result), path, std::move(order), std::move(additions),
                std::move(removals));
  }

  std::vector<Diff> simple_lists(const Path& path, const Node& from, const Node& to) {
    if (from.size() == 1 && to.size() == 1)
      return objects(with(path, {"", 0}), from.items()[0], to.items()[0]);
    std::map<std::string, int> from_count, to_count;
    for (const auto& e : from.items()) ++from_count[hash_of(e)];
    for (const auto& e : to.items()) ++to_count[hash_of(e)];
    std::vector<Node> removals, additions, from_common, to_common;
    std::set<std::string> removed, added;
    for (const auto& e : from.items()) {
      std::string h = hash_of(e);
      auto it = to_count.find(h);
      if (it == to_count.end()) {
        removals.push_back(e);
        continue;
      }
      from_common.push_back(e);
      if (from_count[h] > it->second && removed.insert(h).second) {
        for (int i = 0; i < from_count[h] - it->second; ++i) removals.push_back(e);
      }
    }
    for (const auto& e : to.items()) {
      std::string h = hash_of(e);
      auto it = from_count.find(h);
      if (it == from_count.end()) {
        additions.push_back(e);
        continue;
      }
      to_common.push_back(e);
      if (to_count[h] > it->second && added.insert(h).second) {
        for (int i = 0; i < to_count[h] - it->second; ++i) additions.push_back(e);
      }
    }
    std::vector<Detail> order;
    if (from_common.size() == to_common.size()) {
      for (size_t i = 0; i < from_common.size(); ++i) {
        if (hash_of(from_common[i]) != hash_of(to_common[i])) {
          Node a = Node::sequence(), b = Node::sequence();
          for (auto& n : from_common) a.push_back(n);
          for (auto& n : to_common) b.push_back(n);
          order.push_back({DetailKind::kOrderChange, std::move(a), std::move(b)});
          break;
        }
      }
    }
    return pack({}, path, std::move(order), std::move(additions), std::move(removals));
  }
};

// --- how it is written -------------------------------------------------------------------------

// ytbx.RestructureObject: well-known keys (`name` first, …) lead, the rest ordered by depth so
// long structures come last.
const std::vector<std::vector<std::string>>& known_key_orders() {
  static const std::vector<std::vector<std::string>> orders = {
      {"name", "director_uuid", "releases", "instance_groups", "networks", "resource_pools",
       "compilation"},
      {"name", "url", "version", "sha1"},
      {"jobs", "resources", "resource_types"},
      {"name", "type", "source"},
      {"get"},
      {"put"},
      {"task"},
      {"releases", "instance_groups", "configuration", "variables"},
      {"auth", "templates"},
      {"name"},
      {"key"},
      {"id"},
  };
  return orders;
}

int max_depth(const Node& n) {
  int best = 0;
  if (n.is_mapping()) {
    for (const auto& e : n.entries()) best = std::max(best, 1 + max_depth(e.value));
  } else if (n.is_sequence()) {
    for (const auto& i : n.items()) best = std::max(best, 1 + max_depth(i));
  }
  return best;
}

void restructure(Node& n) {
  if (n.is_sequence()) {
    for (auto& i : n.items()) restructure(i);
    return;
  }
  if (!n.is_mapping()) return;
  std::vector<std::string> keys;
  for (const auto& e : n.entries()) keys.push_back(e.key.text());
  int best = -1, hits = 0;
  const auto& orders = known_key_orders();
  for (size_t i = 0; i < orders.size(); ++i) {
    int count = 0;
    for (const auto& k : orders[i]) count += std::find(keys.begin(), keys.end(), k) != keys.end();
    if (count > 0 && count > hits) {
      best = int(i);
      hits = count;
    }
  }
  if (best >= 0) {
    std::vector<std::string> first;
    for (const auto& k : orders[size_t(best)]) {
      if (std::find(keys.begin(), keys.end(), k) != keys.end()) first.push_back(k);
    }
    std::vector<const core::MapEntry*> rest;
    for (const auto& e : n.entries()) {
      if (std::find(first.begin(), first.end(), e.key.text()) == first.end()) rest.push_back(&e);
    }
    std::stable_sort(rest.begin(), rest.end(),
                     [](const core::MapEntry* a, const core::MapEntry* b) {
                       return max_depth(a->value) < max_depth(b->value);
                     });
    Node out = Node::mapping();
    for (const auto& k : first) out.set(k, *n.find(k));
    for (const auto* e : rest) out.set(e->key.text(), e->value);
    n = std::move(out);
  }
  for (auto& e : n.entries()) restructure(e.value);
}

// How dyff writes values (gonvenience/neat without colours): block YAML with two-space
// indentation, sequences at their key's indentation, and scalars as their plain text, unquoted.
void neat(std::string& out, const Node& n, size_t indent) {
  std::string pad(indent, ' ');
  auto scalar = [](const Node& s) { return s.is_null() ? std::string("null") : s.text(); };
  if (n.is_mapping()) {
    for (const auto& e : n.entries()) {
      out += pad + e.key.text() + ":";
      const Node& v = e.value;
      if (v.is_mapping()) {
        if (v.empty()) {
          out += " {}\n";
        } else {
          out += "\n";
          neat(out, v, indent + 2);
        }
      } else if (v.is_sequence()) {
        if (v.empty()) {
          out += " []\n";
        } else {
          out += "\n";
          neat(out, v, indent);
        }
      } else if (v.text().find('\n') != std::string::npos) {
        out += " |\n";
        std::string text = v.text();
        if (!text.empty() && text.back() == '\n') text.pop_back();
        for (const auto& l : split(text)) out += pad + "  " + l + "\n";
      } else {
        std::string t = scalar(v);
        out += t.empty() ? "\n" : " " + t + "\n";
      }
    }
    return;
  }
  if (n.is_sequence()) {
    for (const auto& i : n.items()) {
      if (i.is_scalar()) {
        out += pad + "- " + scalar(i) + "\n";
        continue;
      }
      std::string inner;
      neat(inner, i, indent + 2);
      if (inner.empty()) {
        out += pad + "- " + (i.is_mapping() ? "{}" : "[]") + "\n";
        continue;
      }
      out += pad + "- " + inner.substr(indent + 2);
    }
    return;
  }
  out += scalar(n) + "\n";
}

std::string neat_yaml(const Node& n) {
  std::string out;
  neat(out, n, 0);
  return out;
}

std::string yaml_of(const Node& n) {
  if (n.is_scalar() && n.is_null()) return "<nil>";
  return neat_yaml(n);
}

std::string with_prefix(const std::string& prefix, const std::string& text) {
  std::string out;
  auto lines = split(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    out += i == 0 ? prefix : std::string(width(prefix), ' ');
    out += lines[i] + "\n";
  }
  return out;
}

std::string with_continuous_prefix(const std::string& prefix, std::string text) {
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::string out;
  for (const auto& line : split(text)) out += prefix + line + "\n";
  return out;
}

std::string table_style(const std::string& separator, int indent,
                        const std::vector<std::string>& columns) {
  size_t rows = 0;
  std::vector<std::vector<std::string>> cols;
  std::vector<size_t> max;
  for (const auto& c : columns) {
    cols.push_back(split(c));
    rows = std::max(rows, cols.back().size());
    size_t m = 0;
    for (const auto& l : cols.back()) m = std::max(m, width(l));
    max.push_back(m);
  }
  std::string out;
  for (size_t r = 0; r < rows; ++r) {
    std::string line;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (c) line += separator;
      std::string cell = r < cols[c].size() ? cols[c][r] : "";
      line += std::string(size_t(indent), ' ') + cell + std::string(max[c] - width(cell), ' ');
    }
    out += trim_right(line);
    if (r + 1 < rows) out += "\n";
  }
  return out;
}

class Writer {
 public:
  explicit Writer(int terminal_width) : width_(terminal_width) {}

  std::string diff(const Diff& d) {
    std::string out = "\n" + path_string(d.path) + "\n";
    std::vector<std::string> blocks;
    for (const auto& detail : d.details) blocks.push_back(this->detail(detail));
    text_blocks(out, 0, blocks);
    return out;
  }

 private:
  static std::string path_string(const Path& p) {
    if (p.empty()) return "(root level)";
    std::string out;
    for (size_t i = 0; i < p.size(); ++i) {
      if (i) out += ".";
      out += p[i].name.empty() ? std::to_string(p[i].idx) : p[i].name;
    }
    return out;
  }

  // dyff's writeTextBlocks: side by side when they fit the terminal, else one after another.
  void text_blocks(std::string& out, int indent, const std::vector<std::string>& blocks) const {
    size_t total = size_t(indent) + (blocks.empty() ? 0 : (blocks.size() - 1) * 3);
    for (const auto& b : blocks) {
      size_t m = 0;
      for (const auto& l : split(b)) m = std::max(m, width(l));
      total += m;
    }
    if (int(total) > width_) {
      for (const auto& b : blocks) {
        for (const auto& l : split(b)) out += std::string(size_t(indent), ' ') + l + "\n";
      }
      return;
    }
    out += table_style("   ", indent, blocks);
  }

  std::string detail(const Detail& d) {
    switch (d.kind) {
      case DetailKind::kAddition: {
        bool seq = d.to.is_sequence();
        std::string out = "+ " +
                          plural(d.to.size(), seq ? "list entry" : "map entry",
                                 seq ? "list entries" : "map entries") +
                          " added:\n";
        Node n = d.to;
        restructure(n);
        // dyff v1.10.2 indents added entries by two, removed ones not at all.
        text_blocks(out, 2, {neat_yaml(n)});
        return out;
      }
      case DetailKind::kRemoval: {
        bool seq = d.from.is_sequence();
        std::string out = "- " +
                          plural(d.from.size(), seq ? "list entry" : "map entry",
                                 seq ? "list entries" : "map entries") +
                          " removed:\n";
        Node n = d.from;
        restructure(n);
        text_blocks(out, 0, {neat_yaml(n)});
        return out;
      }
      case DetailKind::kModification:
        return modification(d.from, d.to);
      case DetailKind::kOrderChange:
        return order_change(d.from, d.to);
    }
    return "";
  }

  std::string modification(const Node& from, const Node& to) {
    std::string ft = tag_of(from), tt = tag_of(to);
    if (ft == "string" && tt == "string") return string_change(from.text(), to.text());
    std::string out =
        ft != tt ? "± type change from " + ft + " to " + tt + "\n" : "± value change\n";
    out += with_prefix("- ", trim_right(yaml_of(from), "\n"));
    out += with_prefix("+ ", trim_right(yaml_of(to), "\n"));
    return out;
  }

  static std::string show_whitespace(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '\n') {
        out += "↵\n";
      } else if (c == ' ') {
        out += "·";
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

  static std::string trim_both(const std::string& s) {
    size_t b = s.find_first_not_of(" \n");
    if (b == std::string::npos) return "";
    size_t e = s.find_last_not_of(" \n");
    return s.substr(b, e - b + 1);
  }

  // Lines with their newline, as diffmatchpatch's line mode splits them.
  static std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < s.size()) {
      size_t nl = s.find('\n', start);
      if (nl == std::string::npos) {
        out.push_back(s.substr(start));
        break;
      }
      out.push_back(s.substr(start, nl - start + 1));
      start = nl + 1;
    }
    return out;
  }

  std::string string_change(const std::string& from, const std::string& to) {
    if (trim_both(from) == trim_both(to)) {
      std::string out = "± whitespace only change\n";
      text_blocks(
          out, 0,
          {with_prefix("- ", show_whitespace(from)), with_prefix("+ ", show_whitespace(to))});
      return out;
    }
    if (from.find('\n') != std::string::npos || to.find('\n') != std::string::npos) {
      // A line diff (longest common subsequence), runs of removed and added lines.
      auto a = lines_of(from), b = lines_of(to);
      size_t n = a.size(), m = b.size();
      std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
      for (size_t i = n; i-- > 0;) {
        for (size_t j = m; j-- > 0;) {
          lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        }
      }
      std::string body;
      int ins = 0, del = 0;
      size_t i = 0, j = 0;
      while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
          ++i;
          ++j;
          continue;
        }
        std::string removed, added;
        while ((i < n || j < m) && !(i < n && j < m && a[i] == b[j])) {
          if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
            removed += a[i++];
          } else {
            added += b[j++];
          }
        }
        if (!removed.empty()) {
          body += with_continuous_prefix("- ", removed);
          ++del;
        }
        if (!added.empty()) {
          body += with_continuous_prefix("+ ", added);
          ++ins;
        }
      }
      return "± value change in multiline text (" + plural(size_t(ins), "insert") + ", " +
             plural(size_t(del), "deletion") + ")\n" + body + "\n";
    }
    return "± value change\n" + with_prefix("- ", from) + with_prefix("+ ", to);
  }

  std::string order_change(const Node& from, const Node& to) {
    auto as_strings = [](const Node& seq) {
      std::vector<std::string> out;
      for (const auto& e : seq.items()) out.push_back(e.is_scalar() ? e.text() : neat_yaml(e));
      return out;
    };
    auto join = [](const std::vector<std::string>& v, const std::string& sep) {
      std::string out;
      for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
      return out;
    };
    auto f = as_strings(from), t = as_strings(to);
    std::string out = "⇆ order changed\n";
    size_t fl = width(join(f, ", ")), tl = width(join(t, ", "));
    if (int(std::max(fl, tl)) < width_ / 2) {
      out += "- " + join(f, ", ") + "\n+ " + join(t, ", ") + "\n";
    } else {
      out += table_style(" ", 2, {join(f, "\n"), join(t, "\n")});
    }
    return out;
  }

  int width_;
};

}  // namespace

std::string dyff_report(const Node& from, const Node& to, int terminal_width) {
  Comparer c;
  auto diffs = c.objects({}, sorted_copy(from), sorted_copy(to));
  if (diffs.empty()) return "";
  Writer w(terminal_width);
  std::string out;
  for (const auto& d : diffs) out += w.diff(d);
  return out + "\n";
}

void mask_secret_data(Node& live, Node& desired) {
  Node* old_data = live.is_mapping() ? live.find("data") : nullptr;
  Node* new_data = desired.is_mapping() ? desired.find("data") : nullptr;
  if (old_data && !old_data->is_mapping()) old_data = nullptr;
  if (new_data && !new_data->is_mapping()) new_data = nullptr;
  if (old_data) {
    for (auto& e : old_data->entries()) {
      Node* other = new_data ? new_data->find(e.key.text()) : nullptr;
      if (other) {
        if (!(e.value == *other)) {
          e.value = Node::string("*** (before)");
          *other = Node::string("*** (after)");
          continue;
        }
        *other = Node::string("***");
      }
      e.value = Node::string("***");
    }
  }
  if (new_data) {
    for (auto& e : new_data->entries()) {
      if (!old_data || !old_data->find(e.key.text())) e.value = Node::string("***");
    }
  }
}

}  // namespace oc::controllers::verbs
