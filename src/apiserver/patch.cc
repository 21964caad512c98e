#include "apiserver/patch.h"

#include <algorithm>
#include <map>
#include <set>

#include "apiserver/objects.h"
#include "core/json.h"
#include "kube/json_patch.h"
#include "kube/merge_patch.h"

namespace oc::apiserver {

using core::Node;

PatchResult merge_patch(Node& obj, const Node& patch) {
  if (!patch.is_mapping()) return PatchResult{"merge patch must be a JSON object", false, ""};
  kube::apply_merge_patch(obj, patch);
  return {};
}

PatchResult json_patch(Node& obj, const Node& ops) {
  auto parsed = kube::parse_json_patch(ops);
  if (!parsed.ok()) return PatchResult{parsed.error().message, false, ""};
  if (core::Status st = kube::apply_json_patch(obj, *parsed); !st.ok()) {
    return PatchResult{st.error().message, true, ""};
  }
  return {};
}

// --- strategic merge patch -----------------------------------------------------------------

namespace {

// The patch merge key of a list field, by field name and (for `ports`) context; empty when the
// list is replaced as a whole. From the patchMergeKey/patchStrategy tags of k8s.io/api.
std::string merge_key(const ResourceInfo& r, const std::vector<std::string>& path,
                      const std::string& field) {
  if (field == "containers" || field == "initContainers" || field == "ephemeralContainers" ||
      field == "env" || field == "volumes" || field == "imagePullSecrets" ||
      field == "resourceClaims") {
    return "name";
  }
  if (field == "volumeMounts") return "mountPath";
  if (field == "volumeDevices") return "devicePath";
  if (field == "hostAliases") return "ip";
  if (field == "ownerReferences") return "uid";
  if (field == "conditions") return "type";
  if (field == "topologySpreadConstraints") return "topologyKey";
  if (field == "ports") {
    // Service ports merge by port; container ports by containerPort.
    bool service = r.group.empty() && r.kind == "Service" && path.size() == 1 && path[0] == "spec";
    return service ? "port" : "containerPort";
  }
  return "";
}

// Lists of scalars merged as sets (patchStrategy:"merge" on a primitive list).
bool primitive_merge_list(const std::string& field) { return field == "finalizers"; }

bool directive(const std::string& k) { return !k.empty() && k[0] == '$'; }

std::string merge_map(const ResourceInfo& r, std::vector<std::string>& path, Node& orig,
                      const Node& patch);

std::string merge_list(const ResourceInfo& r, std::vector<std::string>& path,
                       const std::string& field, Node& orig, const Node& patch) {
  // A `{"$patch": "replace"}` element replaces the list with the other elements.
  for (const auto& i : patch.items()) {
    if (i.is_mapping() && i.find("$patch") && i.find("$patch")->text() == "replace") {
      Node out = Node::sequence();
      for (const auto& j : patch.items()) {
        if (!(j.is_mapping() && j.find("$patch"))) out.push_back(j);
      }
      orig = std::move(out);
      return "";
    }
  }
  std::string key = merge_key(r, path, field);
  if (key.empty()) {
    if (primitive_merge_list(field) && orig.is_sequence()) {
      for (const auto& i : patch.items()) {
        bool present = false;
        for (const auto& o : orig.items()) present = present || o == i;
        if (!present) orig.push_back(i);
      }
      return "";
    }
    orig = patch;
    return "";
  }
  if (!orig.is_sequence()) orig = Node::sequence();
  for (const auto& item : patch.items()) {
    if (!item.is_mapping()) return "merging an object in a list requires the merge key \"" + key + "\"";
    const Node* kv = item.find(key);
    if (!kv) return "map: " + core::write_json(item).value_or("{}") + " does not contain declared merge key: " + key;
    const Node* p = item.find("$patch");
    auto& items = orig.items();
    auto it = std::find_if(items.begin(), items.end(), [&](const Node& o) {
      const Node* ov = o.is_mapping() ? o.find(key) : nullptr;
      return ov && *ov == *kv;
    });
    if (p && p->text() == "delete") {
      if (it != items.end()) items.erase(it);
      continue;
    }
    if (it == items.end()) {
      Node fresh = Node::mapping();
      path.push_back(field);
      std::string err = merge_map(r, path, fresh, item);
      path.pop_back();
      if (!err.empty()) return err;
      items.push_back(std::move(fresh));
    } else {
      path.push_back(field);
      std::string err = merge_map(r, path, *it, item);
      path.pop_back();
      if (!err.empty()) return err;
    }
  }
  return "";
}

void set_element_order(Node& list, const Node& order, const std::string& key) {
  if (!list.is_sequence() || !order.is_sequence()) return;
  std::vector<Node> sorted;
  std::vector<bool> used(list.items().size(), false);
  for (const auto& want : order.items()) {
    for (size_t i = 0; i < list.items().size(); ++i) {
      if (used[i]) continue;
      const Node& it = list.items()[i];
      const Node* v = key.empty() ? &it : (it.is_mapping() ? it.find(key) : nullptr);
      const Node* w = key.empty() ? &want : (want.is_mapping() ? want.find(key) : nullptr);
      if (v && w && *v == *w) {
        sorted.push_back(it);
        used[i] = true;
        break;
      }
    }
  }
  for (size_t i = 0; i < list.items().size(); ++i) {
    if (!used[i]) sorted.push_back(list.items()[i]);
  }
  list.items() = std::move(sorted);
}

std::string merge_map(const ResourceInfo& r, std::vector<std::string>& path, Node& orig,
                      const Node& patch) {
  if (const Node* p = patch.find("$patch")) {
    if (p->text() == "replace") {
      Node out = Node::mapping();
      for (const auto& e : patch.entries()) {
        if (!directive(e.key.text())) out.entries().push_back(e);
      }
      orig = std::move(out);
      return "";
    }
    if (p->text() == "delete") {
      orig = Node();
      return "";
    }
  }
  if (!orig.is_mapping()) orig = Node::mapping();
  std::vector<std::pair<std::string, const Node*>> orders;
  const Node* retain = nullptr;
  for (const auto& e : patch.entries()) {
    const std::string& k = e.key.text();
    if (k == "$patch") continue;
    if (k == "$retainKeys") {
      retain = &e.value;
      continue;
    }
    if (k.rfind("$setElementOrder/", 0) == 0) {
      orders.emplace_back(k.substr(17), &e.value);
      continue;
    }
    if (k.rfind("$deleteFromPrimitiveList/", 0) == 0) {
      std::string field = k.substr(25);
      if (Node* list = orig.find(field); list && list->is_sequence() && e.value.is_sequence()) {
        auto& items = list->items();
        items.erase(std::remove_if(items.begin(), items.end(),
                                   [&](const Node& i) {
                                     for (const auto& d : e.value.items()) {
                                       if (d == i) return true;
                                     }
                                     return false;
                                   }),
                    items.end());
      }
      continue;
    }
    if (e.value.is_null()) {
      orig.erase(k);
      continue;
    }
    Node* cur = orig.find(k);
    if (e.value.is_mapping()) {
      if (const Node* p = e.value.find("$patch"); p && p->text() == "delete") {
        orig.erase(k);
        continue;
      }
      Node fresh;
      Node& target = cur ? *cur : fresh;
      path.push_back(k);
      std::string err = merge_map(r, path, target, e.value);
      path.pop_back();
      if (!err.empty()) return err;
      if (!cur) orig[k] = std::move(fresh);
    } else if (e.value.is_sequence()) {
      Node fresh = Node::sequence();
      Node& target = cur ? *cur : fresh;
      std::string err = merge_list(r, path, k, target, e.value);
      if (!err.empty()) return err;
      if (!cur) orig[k] = std::move(fresh);
    } else {
      orig[k] = e.value;
    }
  }
  for (const auto& [field, order] : orders) {
    if (Node* list = orig.find(field)) set_element_order(*list, *order, merge_key(r, path, field));
  }
  if (retain && retain->is_sequence()) {
    auto& es = orig.entries();
    es.erase(std::remove_if(es.begin(), es.end(),
                            [&](const core::MapEntry& e) {
                              for (const auto& k : retain->items()) {
                                if (k.text() == e.key.text()) return false;
                              }
                              return true;
                            }),
             es.end());
  }
  return "";
}

}  // namespace

PatchResult strategic_merge_patch(const ResourceInfo& r, Node& obj, const Node& patch) {
  if (!patch.is_mapping()) return PatchResult{"strategic merge patch must be a JSON object", false, ""};
  std::vector<std::string> path;
  std::string err = merge_map(r, path, obj, patch);
  if (!err.empty()) return PatchResult{err, false, ""};
  return {};
}

// --- server-side apply ----------------------------------------------------------------------

namespace {

using Path = std::vector<std::string>;

void leaves(const Node& v, Path& prefix, std::set<Path>& out) {
  if (v.is_mapping() && !v.empty()) {
    for (const auto& e : v.entries()) {
      prefix.push_back(e.key.text());
      leaves(e.value, prefix, out);
      prefix.pop_back();
    }
    return;
  }
  out.insert(prefix);
}

std::set<Path> applied_leaves(const Node& applied) {
  std::set<Path> out;
  Path p;
  for (const auto& e : applied.entries()) {
    const std::string& k = e.key.text();
    if (k == "apiVersion" || k == "kind") continue;
    if (k == "metadata") {
      if (!e.value.is_mapping()) continue;
      for (const auto& m : e.value.entries()) {
        const std::string& mk = m.key.text();
        if (mk != "labels" && mk != "annotations" && mk != "finalizers" && mk != "ownerReferences") {
          continue;
        }
        p = {"metadata", mk};
        leaves(m.value, p, out);
      }
      continue;
    }
    p = {k};
    leaves(e.value, p, out);
  }
  return out;
}

void from_fields(const Node& trie, Path& prefix, std::set<Path>& out) {
  if (!trie.is_mapping()) return;
  for (const auto& e : trie.entries()) {
    const std::string& k = e.key.text();
    if (k == ".") continue;
    prefix.push_back(k.rfind("f:", 0) == 0 ? k.substr(2) : k);
    if (!e.value.is_mapping() || e.value.empty() ||
        (e.value.size() == 1 && e.value.entries()[0].key.text() == ".")) {
      out.insert(prefix);
    } else {
      from_fields(e.value, prefix, out);
    }
    prefix.pop_back();
  }
}

Node to_fields(const std::set<Path>& paths) {
  Node root = Node::mapping();
  for (const auto& p : paths) {
    Node* cur = &root;
    for (const auto& part : p) {
      std::string k = part.rfind("k:", 0) == 0 || part.rfind("v:", 0) == 0 ||
                              part.rfind("i:", 0) == 0
                          ? part
                          : "f:" + part;
      cur = &(*cur)[k];
      if (!cur->is_mapping()) *cur = Node::mapping();
    }
  }
  return root;
}

bool is_prefix(const Path& a, const Path& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

bool owns(const std::set<Path>& set, const Path& p) {
  for (const auto& q : set) {
    if (is_prefix(q, p) || is_prefix(p, q)) return true;
  }
  return false;
}

const Node* get_path(const Node& n, const Path& p) {
  const Node* cur = &n;
  for (const auto& k : p) {
    if (!cur->is_mapping()) return nullptr;
    cur = cur->find(k);
    if (!cur) return nullptr;
  }
  return cur;
}

void set_path(Node& n, const Path& p, const Node& v) {
  Node* cur = &n;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!cur->is_mapping()) *cur = Node::mapping();
    cur = &(*cur)[p[i]];
  }
  *cur = v;
}

void erase_path(Node& n, const Path& p) {
  if (p.empty()) return;
  Node* cur = &n;
  for (size_t i = 0; i + 1 < p.size(); ++i) {
    if (!cur->is_mapping()) return;
    cur = cur->find(p[i]);
    if (!cur) return;
  }
  if (cur->is_mapping()) cur->erase(p.back());
}

std::string dotted(const Path& p) {
  std::string s;
  for (const auto& k : p) s += "." + k;
  return s;
}

std::string print_manager(const Node& entry) {
  std::string s;
  core::append_json_string(s, text(entry, {"manager"}), false);
  std::string sub = text(entry, {"subresource"});
  if (!sub.empty()) {
    s += " with subresource ";
    core::append_json_string(s, sub, false);
  }
  if (text(entry, {"operation"}) == "Update") {
    s += " using " + text(entry, {"apiVersion"});
    std::string t = text(entry, {"time"});
    if (!t.empty()) s += " at " + t;
  }
  return s;
}

}  // namespace

Node applied_fields(const Node& applied) { return to_fields(applied_leaves(applied)); }

Node apply_entry(const std::string& manager, const std::string& api_version, const Node& fields) {
  Node e = Node::mapping();
  e["manager"] = Node::string(manager);
  e["operation"] = Node::string("Apply");
  e["apiVersion"] = Node::string(api_version);
  e["time"] = Node::string(now_rfc3339());
  e["fieldsType"] = Node::string("FieldsV1");
  e["fieldsV1"] = fields;
  return e;
}

PatchResult server_side_apply(const ResourceInfo& r, Node& live, const Node& applied,
                              const std::string& manager, bool force,
                              const std::string& subresource) {
  if (!applied.is_mapping()) return PatchResult{"the applied configuration must be an object", false, ""};
  if (at(applied, {"metadata", "managedFields"})) {
    return PatchResult{"metadata.managedFields must be nil", true, ""};
  }
  std::set<Path> mine = applied_leaves(applied);
  Node entries = Node::sequence();
  if (const Node* mf = at(live, {"metadata", "managedFields"}); mf && mf->is_sequence()) entries = *mf;

  struct Other {
    size_t index;
    std::set<Path> fields;
  };
  std::vector<Other> others;
  std::set<Path> my_old;
  long my_index = -1;
  for (size_t i = 0; i < entries.items().size(); ++i) {
    const Node& e = entries.items()[i];
    std::set<Path> f;
    Path prefix;
    if (const Node* fv = e.find("fieldsV1")) from_fields(*fv, prefix, f);
    if (text(e, {"manager"}) == manager && text(e, {"operation"}) == "Apply" &&
        text(e, {"subresource"}) == subresource) {
      my_old = std::move(f);
      my_index = long(i);
    } else {
      others.push_back({i, std::move(f)});
    }
  }
  // Conflicts: changing a value another manager owns.
  std::vector<std::pair<size_t, Path>> conflicts;
  std::vector<Path> changed;
  for (const auto& p : mine) {
    const Node* want = get_path(applied, p);
    const Node* have = get_path(live, p);
    if (have && want && *have == *want) continue;
    changed.push_back(p);
    for (size_t o = 0; o < others.size(); ++o) {
      if (owns(others[o].fields, p)) conflicts.emplace_back(o, p);
    }
  }
  if (!conflicts.empty() && !force) {
    std::string causes = "[";
    for (size_t i = 0; i < conflicts.size(); ++i) {
      const Node& entry = entries.items()[others[conflicts[i].first].index];
      if (i) causes += ',';
      causes += R"({"type":"FieldManagerConflict","message":)";
      core::append_json_string(causes, "conflict with " + print_manager(entry));
      causes += R"(,"field":)";
      core::append_json_string(causes, dotted(conflicts[i].second));
      causes += '}';
    }
    causes += ']';
    std::string msg;
    if (conflicts.size() == 1) {
      const Node& entry = entries.items()[others[conflicts[0].first].index];
      msg = "Apply failed with 1 conflict: conflict with " + print_manager(entry) + ": " +
            dotted(conflicts[0].second);
    } else {
      std::map<std::string, std::vector<std::string>> by;
      for (const auto& [o, p] : conflicts) {
        by[print_manager(entries.items()[others[o].index])].push_back(dotted(p));
      }
      msg = "Apply failed with " + std::to_string(conflicts.size()) + " conflicts: ";
      bool first = true;
      for (const auto& [m, paths] : by) {
        if (!first) msg += "\n";
        first = false;
        msg += "conflicts with " + m + ":";
        for (const auto& p : paths) msg += "\n- " + p;
      }
    }
    return PatchResult{msg, false, causes};
  }
  // Merge the applied values into the live object.
  for (const auto& p : mine) set_path(live, p, *get_path(applied, p));
  // Fields this manager applied before and no longer does, and nobody else owns, go away.
  for (const auto& p : my_old) {
    // Still applied, or an empty map then that now has applied entries below it.
    bool still_mine = false;
    for (const auto& q : mine) still_mine = still_mine || is_prefix(p, q);
    if (still_mine) continue;
    bool other_owner = false;
    for (const auto& o : others) other_owner = other_owner || owns(o.fields, p);
    if (!other_owner) erase_path(live, p);
  }
  // Ownership: forced changes are taken from the others.
  if (force) {
    for (auto& o : others) {
      for (const auto& p : changed) {
        for (auto it = o.fields.begin(); it != o.fields.end();) {
          if (is_prefix(p, *it) || is_prefix(*it, p)) {
            it = o.fields.erase(it);
          } else {
            ++it;
          }
        }
      }
    }
  }
  Node out = Node::sequence();
  for (const auto& o : others) {
    if (o.fields.empty()) continue;
    Node e = entries.items()[o.index];
    e["fieldsV1"] = to_fields(o.fields);
    out.push_back(std::move(e));
  }
  (void)my_index;
  Node mine_entry = apply_entry(manager, r.group_version(), to_fields(mine));
  if (!subresource.empty()) mine_entry["subresource"] = Node::string(subresource);
  out.push_back(std::move(mine_entry));
  metadata(live)["managedFields"] = std::move(out);
  return {};
}

}  // namespace oc::apiserver
