#include "controllers/apply.h"

#include <algorithm>
#include <thread>

#include "core/base64.h"
#include "core/json.h"
#include "kube/object.h"

namespace oc::controllers {

namespace {

using core::Node;

std::pair<std::string, std::string> split_api_version(const std::string& av) {
  size_t slash = av.find('/');
  if (slash == std::string::npos) return {"", av};
  return {av.substr(0, slash), av.substr(slash + 1)};
}

int kind_rank(const std::string& kind) {
  static const char* kOrder[] = {
      "CustomResourceDefinition", "Namespace", "ClusterRole", "ClusterClass", "RuntimeClass",
      "PriorityClass", "StorageClass", "VolumeSnapshotClass", "IngressClass", "GatewayClass",
      "ClusterRoleBinding", "ResourceQuota", "ServiceAccount", "Role", "RoleBinding", "ConfigMap",
      "Secret", "Service", "LimitRange", "Deployment", "StatefulSet", "CronJob",
      "PodDisruptionBudget"};
  int i = 0;
  for (const char* k : kOrder) {
    if (kind == k) return i;
    ++i;
  }
  if (kind == "MutatingWebhookConfiguration") return 1001;
  if (kind == "ValidatingWebhookConfiguration") return 1002;
  return 1000;
}

int stage_of(const ObjMeta& m) {
  if (m.group == "apiextensions.k8s.io" || (m.group.empty() && m.kind == "Namespace") ||
      (m.group == "rbac.authorization.k8s.io" && m.kind == "ClusterRole")) {
    return 0;
  }
  if (m.kind.size() > 5 && m.kind.compare(m.kind.size() - 5, 5, "Class") == 0) return 1;
  return 2;
}

bool opted_out(const Node& obj) {
  return meta_value(obj, kReconcileKey) == "disabled" || meta_value(obj, kSsaKey) == "Ignore";
}

// The object without the fields the drift test ignores.
Node comparable(const Node& obj) {
  Node out = Node::mapping();
  for (const auto& e : obj.entries()) {
    const std::string* k = core::key_text(e);
    if (!k || *k == "status") continue;
    if (*k == "metadata") {
      Node meta = Node::mapping();
      for (const char* keep : {"labels", "annotations"}) {
        if (const Node* v = e.value.find(keep); v && !v->empty()) meta.set(keep, *v);
      }
      out.set("metadata", std::move(meta));
      continue;
    }
    out.set(*k, e.value);
  }
  return out;
}

// Semantic equality that ignores mapping key order (the live object and a dry-run result may
// order fields differently after merges).
bool same(const Node& a, const Node& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_scalar()) return a == b;
  if (a.is_sequence()) {
    if (a.items().size() != b.items().size()) return false;
    for (size_t i = 0; i < a.items().size(); ++i) {
      if (!same(a.items()[i], b.items()[i])) return false;
    }
    return true;
  }
  if (a.entries().size() != b.entries().size()) return false;
  for (const auto& e : a.entries()) {
    const std::string* k = core::key_text(e);
    if (!k) return false;
    const Node* other = b.find(*k);
    if (!other || !same(e.value, *other)) return false;
  }
  return true;
}

std::string api_error(const ObjMeta& m, const std::string& what, const core::Error& e) {
  return m.subject() + " " + what + ": " + e.message;
}

}  // namespace

ObjMeta ObjMeta::of(const Node& obj) {
  ObjMeta m;
  auto [g, v] = split_api_version(kube::text(obj, {"apiVersion"}));
  m.group = g;
  m.version = v;
  m.kind = kube::text(obj, {"kind"});
  m.ns = kube::text(obj, {"metadata", "namespace"});
  m.name = kube::text(obj, {"metadata", "name"});
  return m;
}

std::string ObjMeta::id() const {
  std::string n;
  for (char c : name) {
    if (c == ':') {
      n += "__";
    } else {
      n.push_back(c);
    }
  }
  return ns + "_" + n + "_" + group + "_" + kind;
}

std::optional<ObjMeta> ObjMeta::parse(const std::string& id, const std::string& version) {
  // namespace_name_group_kind: the first '_' ends the namespace, the last two '_' separate group
  // and kind; names cannot contain '_' (but "__" stands for ':').
  size_t first = id.find('_');
  size_t last = id.rfind('_');
  if (first == std::string::npos || last == first) return std::nullopt;
  size_t mid = id.rfind('_', last - 1);
  if (mid == std::string::npos || mid < first) return std::nullopt;
  ObjMeta m;
  m.ns = id.substr(0, first);
  std::string name = id.substr(first + 1, mid - first - 1);
  for (size_t p; (p = name.find("__")) != std::string::npos;) name.replace(p, 2, ":");
  m.name = name;
  m.group = id.substr(mid + 1, last - mid - 1);
  m.kind = id.substr(last + 1);
  m.version = version;
  if (m.name.empty() || m.kind.empty()) return std::nullopt;
  return m;
}

std::string ObjMeta::subject() const {
  return ns.empty() ? kind + "/" + name : kind + "/" + ns + "/" + name;
}

std::string_view to_string(Action a) {
  switch (a) {
    case Action::kCreated: return "created";
    case Action::kConfigured: return "configured";
    case Action::kUnchanged: return "unchanged";
    case Action::kSkipped: return "skipped";
    case Action::kDeleted: return "deleted";
    case Action::kUnknown: return "unknown";
  }
  return "unknown";
}

std::string ChangeSet::summary() const {
  std::string out;
  for (const auto& c : entries) {
    if (c.action == Action::kCreated || c.action == Action::kConfigured || c.action == Action::kDeleted) {
      if (!out.empty()) out.push_back('\n');
      out += c.obj.subject() + " " + std::string(to_string(c.action));
    }
  }
  return out;
}

bool ChangeSet::changed() const {
  for (const auto& c : entries) {
    if (c.action == Action::kCreated || c.action == Action::kConfigured || c.action == Action::kDeleted) return true;
  }
  return false;
}

std::string meta_value(const Node& obj, std::string_view key) {
  for (const char* where : {"labels", "annotations"}) {
    const Node* m = kube::at(obj, {"metadata", where});
    if (m && m->is_mapping()) {
      if (const Node* v = m->find(key); v && v->is_scalar()) return v->text();
    }
  }
  return "";
}

void normalize_for_apply(Node& obj) {
  std::string kind = kube::text(obj, {"kind"});
  if (kind != "CustomResourceDefinition") obj.erase("status");
  if (Node* meta = obj.find("metadata"); meta && meta->is_mapping()) meta->erase("creationTimestamp");
  if (kind == "Secret") {
    if (const Node* found = obj.find("stringData"); found && found->is_mapping()) {
      // Copy first: inserting "data" may move the entries `found` points into.
      Node sd = *found;
      Node& data = obj["data"];
      if (!data.is_mapping()) data = Node::mapping();
      for (const auto& e : sd.entries()) {
        if (const std::string* k = core::key_text(e)) {
          data.set(*k, Node::string(core::base64_encode(e.value.is_scalar() ? e.value.text() : "")));
        }
      }
      obj.erase("stringData");
    }
  }
  auto default_protocol = [](Node* ports) {
    if (!ports || !ports->is_sequence()) return;
    for (auto& p : ports->items()) {
      if (p.is_mapping() && !p.find("protocol")) p.set("protocol", Node::string("TCP"));
    }
  };
  auto fix_pod_spec = [&](Node* spec) {
    if (!spec || !spec->is_mapping()) return;
    for (const char* list : {"containers", "initContainers"}) {
      Node* cs = spec->find(list);
      if (!cs || !cs->is_sequence()) continue;
      for (auto& c : cs->items()) {
        if (c.is_mapping()) default_protocol(c.find("ports"));
      }
    }
  };
  if (kind == "Service") {
    default_protocol(const_cast<Node*>(kube::at(obj, {"spec", "ports"})));
  } else if (kind == "Pod") {
    fix_pod_spec(obj.find("spec"));
  } else if (kind == "CronJob") {
    fix_pod_spec(const_cast<Node*>(kube::at(obj, {"spec", "jobTemplate", "spec", "template", "spec"})));
  } else {
    fix_pod_spec(const_cast<Node*>(kube::at(obj, {"spec", "template", "spec"})));
  }
}

void sort_for_apply(std::vector<Node>& objects) {
  std::stable_sort(objects.begin(), objects.end(), [](const Node& a, const Node& b) {
    ObjMeta ma = ObjMeta::of(a), mb = ObjMeta::of(b);
    int ra = kind_rank(ma.kind), rb = kind_rank(mb.kind);
    if (ra != rb) return ra < rb;
    if (ma.kind != mb.kind) return ma.kind < mb.kind;
    if (ma.group != mb.group) return ma.group < mb.group;
    if (ma.ns != mb.ns) return ma.ns < mb.ns;
    return ma.name < mb.name;
  });
}

bool drifted(const Node& live, const Node& dry_run) {
  return !same(comparable(live), comparable(dry_run));
}

core::Result<kube::ApiResource> Applier::resource(const ObjMeta& m) {
  auto r = client_.resource_for(m.api_version(), m.kind);
  if (!r.ok()) {
    return core::Error(m.subject() + " is not known to the cluster: no kind \"" + m.kind +
                       "\" is registered for version \"" + m.api_version() + "\"");
  }
  return r;
}

core::Result<Change> Applier::apply_one(const Node& obj, const ApplyOptions& opts) {
  ObjMeta m = ObjMeta::of(obj);
  auto r = resource(m);
  if (!r.ok()) return r.error();
  std::string ns = r->namespaced ? m.ns : "";
  if (r->namespaced && ns.empty()) return core::Error(m.subject() + " has no namespace and its kind is namespaced");
  if (opted_out(obj)) return Change{m, Action::kSkipped};
  auto live = client_.get(*r, ns, m.name);
  if (!live.ok() && live.error().code != 404) return core::Error(api_error(m, "get failed", live.error()));
  bool exists = live.ok();
  if (exists && (opted_out(*live) || meta_value(obj, kSsaKey) == "IfNotPresent")) return Change{m, Action::kSkipped};

  kube::WriteOptions dry{opts.field_manager, true, true};
  auto preview = client_.apply(*r, ns, obj, dry);
  if (!preview.ok()) {
    bool immutable = preview.error().code == 422 && preview.error().message.find("immutable") != std::string::npos;
    bool force = opts.force || meta_value(obj, kForceKey) == "enabled" || (exists && meta_value(*live, kForceKey) == "enabled");
    if (!(immutable && force && exists)) return core::Error(api_error(m, "dry-run failed", preview.error()));
    // Recreate: delete, wait until gone, then apply as new.
    client_.remove(*r, ns, m.name, {"Background", false});
    for (int i = 0; i < 300; ++i) {
      auto g = client_.get(*r, ns, m.name);
      if (!g.ok() && g.error().code == 404) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    exists = false;
    preview = client_.apply(*r, ns, obj, dry);
    if (!preview.ok()) return core::Error(api_error(m, "dry-run failed", preview.error()));
  }
  if (exists && !drifted(*live, *preview)) return Change{m, Action::kUnchanged};
  kube::WriteOptions real{opts.field_manager, false, true};
  auto applied = client_.apply(*r, ns, obj, real);
  if (!applied.ok()) return core::Error(api_error(m, "apply failed", applied.error()));
  return Change{m, exists ? Action::kConfigured : Action::kCreated};
}

core::Result<ChangeSet> Applier::apply_staged(std::vector<Node> objects, const ApplyOptions& opts) {
  sort_for_apply(objects);
  std::vector<Node> stages[3];
  for (auto& o : objects) stages[stage_of(ObjMeta::of(o))].push_back(std::move(o));
  ChangeSet set;
  for (int s = 0; s < 3; ++s) {
    for (const auto& obj : stages[s]) {
      auto c = apply_one(obj, opts);
      if (!c.ok()) return c.error();
      set.entries.push_back(std::move(*c));
    }
    // Cluster definitions and classes must be ready before what uses them is applied.
    if (s < 2 && !stages[s].empty() && opts.is_current) {
      auto deadline = std::chrono::steady_clock::now() + opts.stage_wait;
      for (const auto& obj : stages[s]) {
        ObjMeta m = ObjMeta::of(obj);
        auto r = resource(m);
        if (!r.ok()) return r.error();
        for (;;) {
          auto live = client_.get(*r, r->namespaced ? m.ns : "", m.name);
          if (live.ok() && opts.is_current(*live)) break;
          if (std::chrono::steady_clock::now() > deadline) {
            return core::Error(m.subject() + " did not become ready within " +
                               std::to_string(opts.stage_wait.count()) + "s");
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
      }
    }
  }
  return set;
}

core::Result<ChangeSet> Applier::prune(const std::vector<ObjMeta>& stale,
                                       const std::map<std::string, std::string>& owner_labels) {
  ChangeSet set;
  std::vector<std::string> failures;
  // Delete in reverse apply order: workloads before namespaces and CRDs.
  std::vector<ObjMeta> order = stale;
  std::stable_sort(order.begin(), order.end(), [](const ObjMeta& a, const ObjMeta& b) {
    return kind_rank(a.kind) > kind_rank(b.kind);
  });
  for (const auto& m : order) {
    auto r = client_.resource_for(m.api_version(), m.kind);
    if (!r.ok()) {
      set.entries.push_back({m, Action::kDeleted});  // its kind is gone, so is it
      continue;
    }
    std::string ns = r->namespaced ? m.ns : "";
    auto live = client_.get(*r, ns, m.name);
    if (!live.ok()) {
      if (live.error().code == 404) {
        set.entries.push_back({m, Action::kDeleted});
      } else {
        failures.push_back(api_error(m, "get failed", live.error()));
      }
      continue;
    }
    bool owned = true;
    const Node* labels = kube::at(*live, {"metadata", "labels"});
    for (const auto& [k, v] : owner_labels) {
      const Node* l = labels && labels->is_mapping() ? labels->find(k) : nullptr;
      owned = owned && l && l->is_scalar() && l->text() == v;
    }
    if (!owned || meta_value(*live, kPruneKey) == "disabled" || opted_out(*live) ||
        !kube::text(*live, {"metadata", "deletionTimestamp"}).empty()) {
      set.entries.push_back({m, Action::kSkipped});
      continue;
    }
    auto del = client_.remove(*r, ns, m.name, {"Background", false});
    if (!del.ok() && del.error().code != 404) {
      failures.push_back(api_error(m, "delete failed", del.error()));
      continue;
    }
    set.entries.push_back({m, Action::kDeleted});
  }
  if (!failures.empty()) {
    std::string msg;
    for (const auto& f : failures) msg += (msg.empty() ? "" : "\n") + f;
    return core::Error(msg);
  }
  return set;
}

core::Result<std::vector<Applier::Preview>> Applier::preview(const std::vector<Node>& objects,
                                                              const ApplyOptions& opts) {
  std::vector<Node> sorted = objects;
  sort_for_apply(sorted);
  std::vector<Preview> out;
  for (const auto& obj : sorted) {
    ObjMeta m = ObjMeta::of(obj);
    Preview p;
    p.change.obj = m;
    auto r = resource(m);
    if (!r.ok()) {
      // A kind the cluster does not know yet (its CRD is part of this change): would be created.
      p.change.action = Action::kCreated;
      p.desired = obj;
      out.push_back(std::move(p));
      continue;
    }
    std::string ns = r->namespaced ? m.ns : "";
    auto live = client_.get(*r, ns, m.name);
    if (live.ok()) p.live = *live;
    if (opted_out(obj) || (live.ok() && opted_out(*live))) {
      p.change.action = Action::kSkipped;
      out.push_back(std::move(p));
      continue;
    }
    auto dry = client_.apply(*r, ns, obj, kube::WriteOptions{opts.field_manager, true, true});
    if (!dry.ok()) return core::Error(api_error(m, "dry-run failed", dry.error()));
    p.desired = *dry;
    p.change.action = !live.ok() ? Action::kCreated : drifted(*live, *dry) ? Action::kConfigured : Action::kUnchanged;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace oc::controllers
