#include "apiserver/controllers.h"

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "apiserver/objects.h"
#include "core/json.h"

namespace oc::apiserver {

namespace {

using core::Node;

constexpr const char* kAgent = "opencenter-controller/v1";

struct KeyParts {
  std::string group, resource, ns, name;
};

KeyParts split_key(const std::string& key) {
  KeyParts k;
  size_t a = key.find('/');
  size_t b = key.find('/', a + 1);
  size_t c = key.find('/', b + 1);
  k.group = key.substr(0, a);
  if (k.group == "core") k.group.clear();
  k.resource = key.substr(a + 1, b - a - 1);
  k.ns = key.substr(b + 1, c - b - 1);
  k.name = key.substr(c + 1);
  return k;
}

std::string to_json(const Node& n) { return core::write_json(n).value_or("{}"); }

// A short, stable hash like kube's pod-template-hash (FNV-1a of the template's JSON, written in
// kube's "safe" alphabet).
std::string template_hash(const Node& tmpl) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : to_json(tmpl)) {
    h ^= c;
    h *= 1099511628211ull;
  }
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string s;
  for (int i = 0; i < 10; ++i) {
    s.push_back(kAlphabet[h % 27]);
    h /= 27;
  }
  return s;
}

int64_t int_at(const Node& n, std::initializer_list<std::string_view> keys, int64_t def) {
  const Node* v = at(n, keys);
  if (!v || !v->is_scalar() || v->is_null()) return def;
  return std::atoll(v->text().c_str());
}

}  // namespace

struct BuiltinControllers::Impl {
  Api& api;
  bool simulate;
  std::thread thread;
  std::atomic<bool> stopping{false};

  // Garbage collection indexes.
  std::unordered_map<std::string, std::string> uid_to_key;
  std::unordered_map<std::string, std::set<std::string>> dependents;  // owner uid → keys
  std::unordered_map<std::string, std::vector<std::string>> owners_of;  // key → owner uids
  std::set<std::string> deleting;  // keys being deleted with foreground/orphan/namespace work
  int next_ip = 10;

  Impl(Api& a, bool sim) : api(a), simulate(sim) {}

  // --- API access -------------------------------------------------------------------------

  std::string path_of(const std::string& key, const std::string& sub) {
    KeyParts k = split_key(key);
    auto r = api.registry().find_resource(k.group, k.resource);
    if (!r) return "";
    std::string p = r->group.empty() ? "/api/" + r->version : "/apis/" + r->group + "/" + r->version;
    if (!k.ns.empty()) p += "/namespaces/" + k.ns;
    p += "/" + k.resource + "/" + k.name;
    if (!sub.empty()) p += "/" + sub;
    return p;
  }

  Response call(const std::string& method, const std::string& path, const std::string& body,
                const std::string& content_type = "application/json") {
    Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.content_type = content_type;
    req.user_agent = kAgent;
    req.query.emplace_back("fieldManager", "opencenter-controller");
    return api.handle(req);
  }

  void merge_status(const std::string& key, const ResourceInfo& r, const Node& status) {
    Node patch = Node::mapping();
    patch["status"] = status;
    call("PATCH", path_of(key, r.status_subresource ? "status" : ""), to_json(patch),
         "application/merge-patch+json");
  }

  void remove_object(const std::string& key, const std::string& policy = "Background") {
    call("DELETE", path_of(key, ""), R"({"propagationPolicy":")" + policy + "\"}");
  }

  // Read-modify-write with the resourceVersion precondition, retried on conflicts.
  template <class Fn>
  void update_object(const std::string& key, Fn fn) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto o = api.store().get(key);
      if (!o) return;
      auto obj = core::parse_json(*o->json);
      if (!obj.ok()) return;
      if (!fn(*obj)) return;
      KeyParts k = split_key(key);
      bool ns = k.group.empty() && k.resource == "namespaces";
      Response r = call("PUT", path_of(key, ns ? "finalize" : ""), to_json(*obj));
      if (r.status != 409) return;
    }
  }

  // --- indexes ----------------------------------------------------------------------------

  void forget(const std::string& key) {
    auto it = owners_of.find(key);
    if (it == owners_of.end()) return;
    for (const auto& u : it->second) {
      auto d = dependents.find(u);
      if (d != dependents.end()) {
        d->second.erase(key);
        if (d->second.empty()) dependents.erase(d);
      }
    }
    owners_of.erase(it);
  }

  void index(const std::string& key, const Node& obj) {
    forget(key);
    std::string uid = text(obj, {"metadata", "uid"});
    if (!uid.empty()) uid_to_key[uid] = key;
    std::vector<std::string> owners;
    if (const Node* refs = at(obj, {"metadata", "ownerReferences"}); refs && refs->is_sequence()) {
      for (const auto& ref : refs->items()) {
        std::string ou = text(ref, {"uid"});
        if (ou.empty()) continue;
        owners.push_back(ou);
        dependents[ou].insert(key);
      }
    }
    if (!owners.empty()) owners_of[key] = std::move(owners);
  }

  // --- garbage collection ------------------------------------------------------------------

  void on_deleted(const std::string& key, const Node& obj) {
    std::string uid = text(obj, {"metadata", "uid"});
    forget(key);
    deleting.erase(key);
    if (uid.empty()) return;
    uid_to_key.erase(uid);
    auto it = dependents.find(uid);
    if (it == dependents.end()) return;
    std::set<std::string> deps = it->second;
    dependents.erase(it);
    for (const auto& dep : deps) {
      bool other_owner = false;
      for (const auto& ou : owners_of[dep]) other_owner = other_owner || (ou != uid && uid_to_key.count(ou));
      if (other_owner) {
        update_object(dep, [&](Node& d) { return drop_owner_ref(d, uid); });
      } else {
        remove_object(dep);
      }
    }
  }

  static bool drop_owner_ref(Node& obj, const std::string& uid) {
    Node* refs = metadata(obj).find("ownerReferences");
    if (!refs || !refs->is_sequence()) return false;
    auto& items = refs->items();
    size_t before = items.size();
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const Node& r) { return text(r, {"uid"}) == uid; }),
                items.end());
    if (items.empty()) metadata(obj).erase("ownerReferences");
    return items.size() != before;
  }

  static bool has_finalizer(const Node& obj, const std::string& f) {
    const Node* fins = at(obj, {"metadata", "finalizers"});
    if (!fins || !fins->is_sequence()) return false;
    for (const auto& i : fins->items()) {
      if (i.text() == f) return true;
    }
    return false;
  }

  static bool drop_finalizer(Node& obj, const std::string& f) {
    Node* fins = metadata(obj).find("finalizers");
    if (!fins || !fins->is_sequence()) return false;
    auto& items = fins->items();
    size_t before = items.size();
    items.erase(std::remove_if(items.begin(), items.end(), [&](const Node& i) { return i.text() == f; }),
                items.end());
    return items.size() != before;
  }

  // Work for an object being deleted: foreground/orphan dependents, namespace content.
  void progress_deletion(const std::string& key, const Node& obj) {
    std::string uid = text(obj, {"metadata", "uid"});
    KeyParts k = split_key(key);
    if (k.group.empty() && k.resource == "namespaces") {
      bool empty = true;
      for (const auto& r : api.registry().all()) {
        if (!r.namespaced || !r.storage_version) continue;
        auto items = api.store().list(resource_prefix(r.group, r.resource, k.name), "", 0, nullptr,
                                      nullptr, nullptr);
        for (const auto& o : items) {
          empty = false;
          auto parsed = core::parse_json(*o.json);
          if (parsed.ok() && text(*parsed, {"metadata", "deletionTimestamp"}).empty()) {
            remove_object(o.key);
          }
        }
      }
      if (empty) {
        update_object(key, [](Node& ns) {
          ns["spec"]["finalizers"] = Node::sequence();
          return true;
        });
      } else {
        deleting.insert(key);
      }
      return;
    }
    auto deps_it = dependents.find(uid);
    std::set<std::string> deps = deps_it == dependents.end() ? std::set<std::string>() : deps_it->second;
    if (has_finalizer(obj, "orphan")) {
      for (const auto& dep : deps) update_object(dep, [&](Node& d) { return drop_owner_ref(d, uid); });
      update_object(key, [](Node& o) { return drop_finalizer(o, "orphan"); });
      return;
    }
    if (has_finalizer(obj, "foregroundDeletion")) {
      if (deps.empty()) {
        update_object(key, [](Node& o) { return drop_finalizer(o, "foregroundDeletion"); });
        deleting.erase(key);
      } else {
        for (const auto& dep : deps) {
          auto d = api.store().get(dep);
          if (d && d->json->find("\"deletionTimestamp\"") == std::string::npos) {
            remove_object(dep, "Foreground");
          }
        }
        deleting.insert(key);
      }
    }
  }

  // --- workload simulation ---------------------------------------------------------------

  static Node condition(const char* type, const char* status, const char* reason,
                        const std::string& message, const Node* old_status) {
    Node c = Node::mapping();
    c["type"] = Node::string(type);
    c["status"] = Node::string(status);
    std::string when = now_rfc3339();
    // Keep the transition time when the condition did not change.
    if (old_status) {
      if (const Node* conds = old_status->find("conditions"); conds && conds->is_sequence()) {
        for (const auto& oc : conds->items()) {
          if (text(oc, {"type"}) == type && text(oc, {"status"}) == status) {
            std::string t = text(oc, {"lastTransitionTime"});
            if (!t.empty()) when = t;
          }
        }
      }
    }
    c["lastTransitionTime"] = Node::string(when);
    c["lastUpdateTime"] = Node::string(when);
    c["reason"] = Node::string(reason);
    c["message"] = Node::string(message);
    return c;
  }

  // Writes `status` when it differs from the current one (ignoring condition timestamps).
  void ensure_status(const std::string& key, const ResourceInfo& r, const Node& obj, Node status) {
    const Node* cur = obj.find("status");
    auto strip = [](Node s) {
      if (Node* conds = s.find("conditions"); conds && conds->is_sequence()) {
        for (auto& c : conds->items()) {
          c.erase("lastTransitionTime");
          c.erase("lastUpdateTime");
          c.erase("lastProbeTime");
        }
      }
      return s;
    };
    Node want = status;
    if (cur && cur->is_mapping()) {
      // Only the fields we manage are compared; others (set by users) stay.
      Node have = Node::mapping();
      for (const auto& e : want.entries()) {
        if (const Node* v = cur->find(e.key.text())) have[e.key.text()] = *v;
      }
      if (strip(have) == strip(want)) return;
    }
    merge_status(key, r, status);
  }

  void simulate_object(const std::string& key, const ResourceInfo& r, const Node& obj) {
    if (!text(obj, {"metadata", "deletionTimestamp"}).empty()) return;
    int64_t gen = int_at(obj, {"metadata", "generation"}, 1);
    const Node* old = obj.find("status");
    std::string name = text(obj, {"metadata", "name"});
    if (r.group.empty() && r.kind == "Namespace") {
      // kube-controller-manager's service-account controller: every namespace has a `default`
      // ServiceAccount (Pods and `kubectl create token default` rely on it). A 403 (the
      // namespace began terminating meanwhile) is ignored.
      if (!api.store().get(object_key("", "serviceaccounts", name, "default"))) {
        call("POST", "/api/v1/namespaces/" + name + "/serviceaccounts",
             R"({"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"default"}})");
      }
      return;
    }
    if (r.group == "apps" && r.kind == "Deployment") {
      int64_t n = int_at(obj, {"spec", "replicas"}, 1);
      Node s = Node::mapping();
      s["observedGeneration"] = Node::integer(gen);
      // `opencenter.dev/simulate: unavailable` keeps a rollout from ever completing (to try
      // health checks and timeouts locally).
      const Node* ann = at(obj, {"metadata", "annotations"});
      const Node* sim = ann && ann->is_mapping() ? ann->find("opencenter.dev/simulate") : nullptr;
      if (sim && sim->is_scalar() && sim->text() == "unavailable") {
        std::string rs = ensure_replicaset(key, obj);
        s["replicas"] = Node::integer(n);
        s["updatedReplicas"] = Node::integer(n);
        s["unavailableReplicas"] = Node::integer(n);
        Node conds = Node::sequence();
        conds.push_back(condition("Available", "False", "MinimumReplicasUnavailable",
                                  "Deployment does not have minimum availability.", old));
        conds.push_back(condition("Progressing", "True", "ReplicaSetUpdated",
                                  "ReplicaSet \"" + rs + "\" is progressing.", old));
        s["conditions"] = std::move(conds);
        ensure_status(key, r, obj, std::move(s));
        return;
      }
      if (n > 0) {
        s["replicas"] = Node::integer(n);
        s["updatedReplicas"] = Node::integer(n);
        s["readyReplicas"] = Node::integer(n);
        s["availableReplicas"] = Node::integer(n);
      }
      std::string rs = ensure_replicaset(key, obj);
      Node conds = Node::sequence();
      conds.push_back(condition("Available", "True", "MinimumReplicasAvailable",
                                "Deployment has minimum availability.", old));
      conds.push_back(condition("Progressing", "True", "NewReplicaSetAvailable",
                                "ReplicaSet \"" + rs + "\" has successfully progressed.", old));
      s["conditions"] = std::move(conds);
      ensure_status(key, r, obj, std::move(s));
    } else if (r.group == "apps" && r.kind == "ReplicaSet") {
      int64_t n = int_at(obj, {"spec", "replicas"}, 1);
      Node s = Node::mapping();
      s["replicas"] = Node::integer(n);
      if (n > 0) {
        s["fullyLabeledReplicas"] = Node::integer(n);
        s["readyReplicas"] = Node::integer(n);
        s["availableReplicas"] = Node::integer(n);
      }
      s["observedGeneration"] = Node::integer(gen);
      ensure_status(key, r, obj, std::move(s));
    } else if (r.group == "apps" && r.kind == "StatefulSet") {
      int64_t n = int_at(obj, {"spec", "replicas"}, 1);
      std::string rev = name + "-" + template_hash(at(obj, {"spec", "template"}) ? *at(obj, {"spec", "template"}) : Node());
      Node s = Node::mapping();
      s["observedGeneration"] = Node::integer(gen);
      s["replicas"] = Node::integer(n);
      s["readyReplicas"] = Node::integer(n);
      s["currentReplicas"] = Node::integer(n);
      s["updatedReplicas"] = Node::integer(n);
      s["availableReplicas"] = Node::integer(n);
      s["currentRevision"] = Node::string(rev);
      s["updateRevision"] = Node::string(rev);
      s["collisionCount"] = Node::integer(0);
      ensure_status(key, r, obj, std::move(s));
    } else if (r.group == "apps" && r.kind == "DaemonSet") {
      Node s = Node::mapping();
      for (const char* f : {"currentNumberScheduled", "desiredNumberScheduled", "numberAvailable",
                            "numberReady", "updatedNumberScheduled"}) {
        s[f] = Node::integer(1);
      }
      s["numberMisscheduled"] = Node::integer(0);
      s["observedGeneration"] = Node::integer(gen);
      ensure_status(key, r, obj, std::move(s));
    } else if (r.group == "batch" && r.kind == "Job") {
      if (old && old->find("completionTime")) return;
      int64_t completions = int_at(obj, {"spec", "completions"}, 1);
      std::string now = now_rfc3339();
      Node s = Node::mapping();
      s["startTime"] = Node::string(now);
      s["completionTime"] = Node::string(now);
      s["succeeded"] = Node::integer(completions);
      s["ready"] = Node::integer(0);
      s["terminating"] = Node::integer(0);
      Node conds = Node::sequence();
      conds.push_back(condition("SuccessCriteriaMet", "True", "CompletionsReached",
                                "Reached expected number of succeeded pods", old));
      conds.push_back(condition("Complete", "True", "CompletionsReached",
                                "Reached expected number of succeeded pods", old));
      s["conditions"] = std::move(conds);
      ensure_status(key, r, obj, std::move(s));
    } else if (r.group.empty() && r.kind == "Pod") {
      Node s = Node::mapping();
      s["phase"] = Node::string("Running");
      Node conds = Node::sequence();
      for (const char* c : {"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady",
                            "PodScheduled"}) {
        conds.push_back(condition(c, "True", "", "", old));
      }
      for (auto& c : conds.items()) {
        c.erase("reason");
        c.erase("message");
        c.erase("lastUpdateTime");
      }
      s["conditions"] = std::move(conds);
      s["hostIP"] = Node::string("127.0.0.1");
      s["podIP"] = Node::string("10.244.0." + std::to_string(2 + std::hash<std::string>()(key) % 250));
      Node statuses = Node::sequence();
      if (const Node* cs = at(obj, {"spec", "containers"}); cs && cs->is_sequence()) {
        for (const auto& c : cs->items()) {
          Node st = Node::mapping();
          st["name"] = Node::string(text(c, {"name"}));
          st["image"] = Node::string(text(c, {"image"}));
          st["imageID"] = Node::string("");
          st["ready"] = Node::boolean(true);
          st["started"] = Node::boolean(true);
          st["restartCount"] = Node::integer(0);
          Node running = Node::mapping();
          running["startedAt"] = Node::string(text(obj, {"metadata", "creationTimestamp"}));
          st["state"] = Node::mapping();
          st["state"]["running"] = std::move(running);
          statuses.push_back(std::move(st));
        }
      }
      s["containerStatuses"] = std::move(statuses);
      s["startTime"] = Node::string(text(obj, {"metadata", "creationTimestamp"}));
      ensure_status(key, r, obj, std::move(s));
    } else if (r.group.empty() && r.kind == "Service") {
      std::string type = text(obj, {"spec", "type"});
      if (type != "ExternalName" && text(obj, {"spec", "clusterIP"}).empty()) {
        std::string ip = "10.96." + std::to_string(next_ip / 250) + "." + std::to_string(next_ip % 250 + 1);
        ++next_ip;
        Node patch = Node::mapping();
        patch["spec"] = Node::mapping();
        patch["spec"]["clusterIP"] = Node::string(ip);
        Node ips = Node::sequence();
        ips.push_back(Node::string(ip));
        patch["spec"]["clusterIPs"] = std::move(ips);
        call("PATCH", path_of(key, ""), to_json(patch), "application/merge-patch+json");
      }
      if (type == "LoadBalancer") {
        Node s = Node::mapping();
        s["loadBalancer"] = Node::mapping();
        Node ing = Node::sequence();
        Node one = Node::mapping();
        one["ip"] = Node::string("127.0.0.1");
        ing.push_back(std::move(one));
        s["loadBalancer"]["ingress"] = std::move(ing);
        ensure_status(key, r, obj, std::move(s));
      }
    } else if (r.group.empty() && r.kind == "PersistentVolumeClaim") {
      Node s = Node::mapping();
      s["phase"] = Node::string("Bound");
      if (const Node* am = at(obj, {"spec", "accessModes"})) s["accessModes"] = *am;
      if (const Node* req = at(obj, {"spec", "resources", "requests"})) s["capacity"] = *req;
      ensure_status(key, r, obj, std::move(s));
    }
  }

  // The ReplicaSet a Deployment's current template runs in; older ones are scaled to 0.
  std::string ensure_replicaset(const std::string& deploy_key, const Node& d) {
    const Node* tmpl = at(d, {"spec", "template"});
    Node t = tmpl ? *tmpl : Node::mapping();
    std::string hash = template_hash(t);
    std::string name = text(d, {"metadata", "name"}) + "-" + hash;
    KeyParts k = split_key(deploy_key);
    std::string uid = text(d, {"metadata", "uid"});
    int64_t replicas = int_at(d, {"spec", "replicas"}, 1);
    // Older ReplicaSets of this Deployment go to zero.
    auto deps = dependents.find(uid);
    if (deps != dependents.end()) {
      for (const auto& dep : deps->second) {
        KeyParts dk = split_key(dep);
        if (dk.resource != "replicasets" || dk.name == name) continue;
        update_object(dep, [](Node& rs) {
          if (int_at(rs, {"spec", "replicas"}, 1) == 0) return false;
          rs["spec"]["replicas"] = Node::integer(0);
          return true;
        });
      }
    }
    std::string rs_key = object_key("apps", "replicasets", k.ns, name);
    Node ref = Node::mapping();
    ref["apiVersion"] = Node::string("apps/v1");
    ref["kind"] = Node::string("Deployment");
    ref["name"] = Node::string(text(d, {"metadata", "name"}));
    ref["uid"] = Node::string(uid);
    ref["controller"] = Node::boolean(true);
    ref["blockOwnerDeletion"] = Node::boolean(true);
    if (auto existing = api.store().get(rs_key)) {
      update_object(rs_key, [&](Node& rs) {
        bool changed = false;
        if (int_at(rs, {"spec", "replicas"}, 1) != replicas) {
          rs["spec"]["replicas"] = Node::integer(replicas);
          changed = true;
        }
        // Adopt an orphaned ReplicaSet, as the deployment controller does.
        const Node* refs = at(rs, {"metadata", "ownerReferences"});
        bool owned = false;
        if (refs && refs->is_sequence()) {
          for (const auto& r : refs->items()) owned = owned || text(r, {"controller"}) == "true";
        }
        if (!owned) {
          Node& list = metadata(rs)["ownerReferences"];
          if (!list.is_sequence()) list = Node::sequence();
          list.push_back(ref);
          changed = true;
        }
        return changed;
      });
      return name;
    }
    Node rs = Node::mapping();
    rs["apiVersion"] = Node::string("apps/v1");
    rs["kind"] = Node::string("ReplicaSet");
    Node meta = Node::mapping();
    meta["name"] = Node::string(name);
    meta["namespace"] = Node::string(k.ns);
    Node labels = Node::mapping();
    if (const Node* l = at(t, {"metadata", "labels"}); l && l->is_mapping()) labels = *l;
    labels["pod-template-hash"] = Node::string(hash);
    meta["labels"] = labels;
    Node refs = Node::sequence();
    refs.push_back(std::move(ref));
    meta["ownerReferences"] = std::move(refs);
    rs["metadata"] = std::move(meta);
    Node spec = Node::mapping();
    spec["replicas"] = Node::integer(replicas);
    Node selector = Node::mapping();
    if (const Node* sel = at(d, {"spec", "selector"}); sel && sel->is_mapping()) selector = *sel;
    selector["matchLabels"]["pod-template-hash"] = Node::string(hash);
    spec["selector"] = std::move(selector);
    Node tm = t;
    if (!tm.is_mapping()) tm = Node::mapping();
    tm["metadata"]["labels"] = labels;
    spec["template"] = std::move(tm);
    rs["spec"] = std::move(spec);
    call("POST", "/apis/apps/v1/namespaces/" + k.ns + "/replicasets", to_json(rs));
    return name;
  }

  // --- main loop ----------------------------------------------------------------------------

  void handle(const std::string& key, EventType type, const std::string& json) {
    auto obj = core::parse_json(json);
    if (!obj.ok()) return;
    if (type == EventType::kDeleted) {
      on_deleted(key, *obj);
      return;
    }
    index(key, *obj);
    if (!text(*obj, {"metadata", "deletionTimestamp"}).empty()) {
      progress_deletion(key, *obj);
      return;
    }
    if (simulate) {
      KeyParts k = split_key(key);
      if (auto r = api.registry().find_resource(k.group, k.resource)) simulate_object(key, *r, *obj);
    }
  }

  void run() {
    int64_t rv = 0;
    auto all = api.store().list("", "", 0, nullptr, &rv, nullptr);
    for (const auto& o : all) {
      if (auto obj = core::parse_json(*o.json); obj.ok()) index(o.key, *obj);
    }
    for (const auto& o : all) handle(o.key, EventType::kModified, *o.json);
    while (!stopping) {
      bool gone = false;
      auto events = api.store().events_after(rv, std::chrono::milliseconds(500), &gone);
      if (gone) {
        // Fell behind compaction: start over from the current state.
        uid_to_key.clear();
        dependents.clear();
        owners_of.clear();
        all = api.store().list("", "", 0, nullptr, &rv, nullptr);
        for (const auto& o : all) {
          if (auto obj = core::parse_json(*o.json); obj.ok()) index(o.key, *obj);
        }
        continue;
      }
      for (const auto& e : events) {
        rv = e.rv;
        handle(e.key, e.type, *e.json);
      }
      // Deletions waiting on dependents or namespace content make progress each round.
      std::set<std::string> pending = deleting;
      for (const auto& key : pending) {
        auto o = api.store().get(key);
        if (!o) {
          deleting.erase(key);
          continue;
        }
        if (auto obj = core::parse_json(*o->json); obj.ok()) progress_deletion(key, *obj);
      }
    }
  }
};

BuiltinControllers::BuiltinControllers(Api& api, bool simulate)
    : impl_(std::make_unique<Impl>(api, simulate)) {}

BuiltinControllers::~BuiltinControllers() { stop(); }

void BuiltinControllers::start() {
  impl_->thread = std::thread([this] { impl_->run(); });
}

void BuiltinControllers::stop() {
  impl_->stopping = true;
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace oc::apiserver
