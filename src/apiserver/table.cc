#include "apiserver/table.h"

#include <functional>

#include "apiserver/objects.h"
#include "core/json.h"
#include "kube/format.h"
#include "kube/jsonpath.h"

namespace oc::apiserver {

namespace {

using core::Node;

struct Column {
  std::string name;
  std::string type;  // string, integer, number, boolean, date
  int priority = 0;
  std::function<Node(const Node&)> cell;
};

Node str(std::string s) { return Node::string(std::move(s)); }
Node num(int64_t v) { return Node::integer(v); }

int64_t count(const Node& obj, std::initializer_list<std::string_view> path) {
  const Node* v = at(obj, path);
  return v ? int64_t(v->size()) : 0;
}

int64_t integer(const Node& obj, std::initializer_list<std::string_view> path, int64_t def = 0) {
  std::string t = text(obj, path);
  return t.empty() ? def : std::atoll(t.c_str());
}

Node age(const Node& obj) { return str(kube::age_since(text(obj, {"metadata", "creationTimestamp"}))); }

std::string join_items(const Node* list, const std::function<std::string(const Node&)>& f) {
  std::string out;
  if (!list || !list->is_sequence()) return out;
  for (const auto& i : list->items()) {
    std::string s = f(i);
    if (s.empty()) continue;
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

std::string selector_text(const Node* sel) {
  std::string out;
  if (!sel || !sel->is_mapping()) return out;
  for (const auto& e : sel->entries()) {
    if (!out.empty()) out += ',';
    out += e.key.text() + "=" + (e.value.is_scalar() ? e.value.text() : "");
  }
  return out;
}

Node or_none(std::string s) { return str(s.empty() ? "<none>" : s); }

std::vector<Column> columns_for(const ResourceInfo& r) {
  std::vector<Column> c;
  c.push_back({"Name", "string", 0, [](const Node& o) { return str(text(o, {"metadata", "name"})); }});
  const std::string& g = r.group;
  const std::string& k = r.kind;
  auto containers = [](const Node& o) {
    return or_none(join_items(at(o, {"spec", "template", "spec", "containers"}),
                              [](const Node& x) { return text(x, {"name"}); }));
  };
  auto images = [](const Node& o) {
    return or_none(join_items(at(o, {"spec", "template", "spec", "containers"}),
                              [](const Node& x) { return text(x, {"image"}); }));
  };
  if (r.custom) {
    for (const auto& pc : r.columns) {
      std::string path = pc.json_path;
      std::string type = pc.type;
      c.push_back({pc.name, type == "date" ? "string" : type, pc.priority, [path, type](const Node& o) {
                     auto sel = kube::jsonpath(o, path);
                     if (!sel.ok() || sel->empty()) return Node();
                     const Node* v = sel->front();
                     if (type == "date") return str(kube::age_since(v->is_scalar() ? v->text() : ""));
                     if (v->is_scalar()) return v->is_null() ? Node() : Node::string(v->text());
                     return str(core::write_json(*v).value_or(""));
                   }});
    }
    if (r.columns.empty()) c.push_back({"Age", "string", 0, age});
    return c;
  }
  if (g.empty() && k == "ConfigMap") {
    c.push_back({"Data", "integer", 0, [](const Node& o) { return num(count(o, {"data"}) + count(o, {"binaryData"})); }});
  } else if (g.empty() && k == "Secret") {
    c.push_back({"Type", "string", 0, [](const Node& o) { return str(text(o, {"type"})); }});
    c.push_back({"Data", "integer", 0, [](const Node& o) { return num(count(o, {"data"})); }});
  } else if (g.empty() && k == "Namespace") {
    c.push_back({"Status", "string", 0, [](const Node& o) { return str(text(o, {"status", "phase"})); }});
  } else if (g.empty() && k == "ServiceAccount") {
    c.push_back({"Secrets", "integer", 0, [](const Node& o) { return num(count(o, {"secrets"})); }});
  } else if (g.empty() && k == "Pod") {
    c.push_back({"Ready", "string", 0, [](const Node& o) {
                   int64_t total = count(o, {"spec", "containers"}), ready = 0;
                   if (const Node* cs = at(o, {"status", "containerStatuses"}); cs && cs->is_sequence()) {
                     for (const auto& s : cs->items()) ready += text(s, {"ready"}) == "true";
                   }
                   return str(std::to_string(ready) + "/" + std::to_string(total));
                 }});
    c.push_back({"Status", "string", 0, [](const Node& o) {
                   if (!text(o, {"metadata", "deletionTimestamp"}).empty()) return str("Terminating");
                   std::string p = text(o, {"status", "phase"});
                   return str(p.empty() ? "Pending" : p);
                 }});
    c.push_back({"Restarts", "string", 0, [](const Node& o) {
                   int64_t n = 0;
                   if (const Node* cs = at(o, {"status", "containerStatuses"}); cs && cs->is_sequence()) {
                     for (const auto& s : cs->items()) n += integer(s, {"restartCount"});
                   }
                   return str(std::to_string(n));
                 }});
    c.push_back({"Age", "string", 0, age});
    c.push_back({"IP", "string", 1, [](const Node& o) { return or_none(text(o, {"status", "podIP"})); }});
    c.push_back({"Node", "string", 1, [](const Node& o) { return or_none(text(o, {"spec", "nodeName"})); }});
    return c;
  } else if (g == "apps" && k == "Deployment") {
    c.push_back({"Ready", "string", 0, [](const Node& o) {
                   return str(std::to_string(integer(o, {"status", "readyReplicas"})) + "/" +
                              std::to_string(integer(o, {"spec", "replicas"}, 1)));
                 }});
    c.push_back({"Up-to-date", "integer", 0, [](const Node& o) { return num(integer(o, {"status", "updatedReplicas"})); }});
    c.push_back({"Available", "integer", 0, [](const Node& o) { return num(integer(o, {"status", "availableReplicas"})); }});
    c.push_back({"Age", "string", 0, age});
    c.push_back({"Containers", "string", 1, containers});
    c.push_back({"Images", "string", 1, images});
    c.push_back({"Selector", "string", 1, [](const Node& o) { return or_none(selector_text(at(o, {"spec", "selector", "matchLabels"}))); }});
    return c;
  } else if (g == "apps" && k == "ReplicaSet") {
    c.push_back({"Desired", "integer", 0, [](const Node& o) { return num(integer(o, {"spec", "replicas"}, 1)); }});
    c.push_back({"Current", "integer", 0, [](const Node& o) { return num(integer(o, {"status", "replicas"})); }});
    c.push_back({"Ready", "integer", 0, [](const Node& o) { return num(integer(o, {"status", "readyReplicas"})); }});
    c.push_back({"Age", "string", 0, age});
    c.push_back({"Containers", "string", 1, containers});
    c.push_back({"Images", "string", 1, images});
    return c;
  } else if (g == "apps" && k == "StatefulSet") {
    c.push_back({"Ready", "string", 0, [](const Node& o) {
                   return str(std::to_string(integer(o, {"status", "readyReplicas"})) + "/" +
                              std::to_string(integer(o, {"spec", "replicas"}, 1)));
                 }});
  } else if (g == "apps" && k == "DaemonSet") {
    for (const auto& [name, field] : std::vector<std::pair<const char*, const char*>>{
             {"Desired", "desiredNumberScheduled"}, {"Current", "currentNumberScheduled"},
             {"Ready", "numberReady"}, {"Up-to-date", "updatedNumberScheduled"},
             {"Available", "numberAvailable"}}) {
      std::string f = field;
      c.push_back({name, "integer", 0, [f](const Node& o) { return num(integer(o, {"status", f})); }});
    }
    c.push_back({"Node Selector", "string", 0, [](const Node& o) {
                   return or_none(selector_text(at(o, {"spec", "template", "spec", "nodeSelector"})));
                 }});
  } else if (g == "batch" && k == "Job") {
    c.push_back({"Status", "string", 0, [](const Node& o) {
                   const Node* conds = at(o, {"status", "conditions"});
                   std::string s = "Running";
                   if (conds && conds->is_sequence()) {
                     for (const auto& cd : conds->items()) {
                       if (text(cd, {"status"}) != "True") continue;
                       if (text(cd, {"type"}) == "Complete") s = "Complete";
                       if (text(cd, {"type"}) == "Failed") s = "Failed";
                     }
                   }
                   return str(s);
                 }});
    c.push_back({"Completions", "string", 0, [](const Node& o) {
                   return str(std::to_string(integer(o, {"status", "succeeded"})) + "/" +
                              std::to_string(integer(o, {"spec", "completions"}, 1)));
                 }});
    c.push_back({"Duration", "string", 0, [](const Node& o) {
                   auto a = kube::parse_rfc3339(text(o, {"status", "startTime"}));
                   auto b = kube::parse_rfc3339(text(o, {"status", "completionTime"}));
                   if (!a) return str("");
                   return str(kube::human_duration((b ? *b : int64_t(std::time(nullptr))) - *a));
                 }});
  } else if (g == "batch" && k == "CronJob") {
    c.push_back({"Schedule", "string", 0, [](const Node& o) { return str(text(o, {"spec", "schedule"})); }});
    c.push_back({"Timezone", "string", 0, [](const Node& o) { return or_none(text(o, {"spec", "timeZone"})); }});
    c.push_back({"Suspend", "boolean", 0, [](const Node& o) { return Node::boolean(text(o, {"spec", "suspend"}) == "true"); }});
    c.push_back({"Active", "integer", 0, [](const Node& o) { return num(count(o, {"status", "active"})); }});
    c.push_back({"Last Schedule", "string", 0, [](const Node& o) {
                   std::string t = text(o, {"status", "lastScheduleTime"});
                   return or_none(t.empty() ? "" : kube::age_since(t));
                 }});
  } else if (g.empty() && k == "Service") {
    c.push_back({"Type", "string", 0, [](const Node& o) {
                   std::string t = text(o, {"spec", "type"});
                   return str(t.empty() ? "ClusterIP" : t);
                 }});
    c.push_back({"Cluster-IP", "string", 0, [](const Node& o) { return or_none(text(o, {"spec", "clusterIP"})); }});
    c.push_back({"External-IP", "string", 0, [](const Node& o) {
                   std::string ips = join_items(at(o, {"status", "loadBalancer", "ingress"}),
                                                [](const Node& x) { return text(x, {"ip"}); });
                   if (ips.empty()) {
                     ips = join_items(at(o, {"spec", "externalIPs"}), [](const Node& x) { return x.text(); });
                   }
                   if (ips.empty()) ips = text(o, {"spec", "externalName"});
                   if (ips.empty() && text(o, {"spec", "type"}) == "LoadBalancer") ips = "<pending>";
                   return or_none(ips);
                 }});
    c.push_back({"Port(s)", "string", 0, [](const Node& o) {
                   return or_none(join_items(at(o, {"spec", "ports"}), [](const Node& p) {
                     std::string s = text(p, {"port"});
                     std::string np = text(p, {"nodePort"});
                     if (!np.empty()) s += ":" + np;
                     std::string proto = text(p, {"protocol"});
                     return s + "/" + (proto.empty() ? "TCP" : proto);
                   }));
                 }});
    c.push_back({"Age", "string", 0, age});
    c.push_back({"Selector", "string", 1, [](const Node& o) { return or_none(selector_text(at(o, {"spec", "selector"}))); }});
    return c;
  } else if (g.empty() && k == "Node") {
    c.push_back({"Status", "string", 0, [](const Node& o) {
                   std::string s = "NotReady";
                   if (const Node* conds = at(o, {"status", "conditions"}); conds && conds->is_sequence()) {
                     for (const auto& cd : conds->items()) {
                       if (text(cd, {"type"}) == "Ready" && text(cd, {"status"}) == "True") s = "Ready";
                     }
                   }
                   return str(s);
                 }});
    c.push_back({"Roles", "string", 0, [](const Node& o) {
                   std::string roles;
                   if (const Node* l = at(o, {"metadata", "labels"}); l && l->is_mapping()) {
                     for (const auto& e : l->entries()) {
                       const std::string& key = e.key.text();
                       if (key.rfind("node-role.kubernetes.io/", 0) == 0) {
                         if (!roles.empty()) roles += ',';
                         roles += key.substr(24);
                       }
                     }
                   }
                   return or_none(roles);
                 }});
    c.push_back({"Age", "string", 0, age});
    c.push_back({"Version", "string", 0, [](const Node& o) { return str(text(o, {"status", "nodeInfo", "kubeletVersion"})); }});
    return c;
  } else if ((g.empty() || g == "events.k8s.io") && k == "Event") {
    c.clear();
    c.push_back({"Last Seen", "string", 0, [](const Node& o) {
                   std::string t = text(o, {"lastTimestamp"});
                   if (t.empty()) t = text(o, {"eventTime"});
                   if (t.empty()) t = text(o, {"metadata", "creationTimestamp"});
                   return str(kube::age_since(t));
                 }});
    c.push_back({"Type", "string", 0, [](const Node& o) { return str(text(o, {"type"})); }});
    c.push_back({"Reason", "string", 0, [](const Node& o) { return str(text(o, {"reason"})); }});
    c.push_back({"Object", "string", 0, [](const Node& o) {
                   std::string kind = text(o, {"involvedObject", "kind"});
                   if (kind.empty()) kind = text(o, {"regarding", "kind"});
                   std::string name = text(o, {"involvedObject", "name"});
                   if (name.empty()) name = text(o, {"regarding", "name"});
                   for (auto& ch : kind) ch = char(std::tolower(static_cast<unsigned char>(ch)));
                   return str(kind + "/" + name);
                 }});
    c.push_back({"Message", "string", 0, [](const Node& o) {
                   std::string m = text(o, {"message"});
                   if (m.empty()) m = text(o, {"note"});
                   return str(m);
                 }});
    c.push_back({"Name", "string", 1, [](const Node& o) { return str(text(o, {"metadata", "name"})); }});
    return c;
  } else if (g == "networking.k8s.io" && k == "Ingress") {
    c.push_back({"Class", "string", 0, [](const Node& o) { return or_none(text(o, {"spec", "ingressClassName"})); }});
    c.push_back({"Hosts", "string", 0, [](const Node& o) {
                   std::string h = join_items(at(o, {"spec", "rules"}), [](const Node& r) { return text(r, {"host"}); });
                   return str(h.empty() ? "*" : h);
                 }});
    c.push_back({"Address", "string", 0, [](const Node& o) {
                   return str(join_items(at(o, {"status", "loadBalancer", "ingress"}),
                                         [](const Node& x) { return text(x, {"ip"}); }));
                 }});
    c.push_back({"Ports", "string", 0, [](const Node& o) { return str(count(o, {"spec", "tls"}) ? "80, 443" : "80"); }});
  } else if (g.empty() && k == "PersistentVolumeClaim") {
    c.push_back({"Status", "string", 0, [](const Node& o) { return str(text(o, {"status", "phase"})); }});
    c.push_back({"Volume", "string", 0, [](const Node& o) { return str(text(o, {"spec", "volumeName"})); }});
    c.push_back({"Capacity", "string", 0, [](const Node& o) { return str(text(o, {"status", "capacity", "storage"})); }});
    c.push_back({"Access Modes", "string", 0, [](const Node& o) {
                   return str(join_items(at(o, {"status", "accessModes"}), [](const Node& m) {
                     std::string s = m.text();
                     if (s == "ReadWriteOnce") return std::string("RWO");
                     if (s == "ReadOnlyMany") return std::string("ROX");
                     if (s == "ReadWriteMany") return std::string("RWX");
                     if (s == "ReadWriteOncePod") return std::string("RWOP");
                     return s;
                   }));
                 }});
    c.push_back({"StorageClass", "string", 0, [](const Node& o) { return or_none(text(o, {"spec", "storageClassName"})); }});
  } else if (g == "apiextensions.k8s.io" && k == "CustomResourceDefinition") {
    c.push_back({"Created At", "date", 0, [](const Node& o) { return str(text(o, {"metadata", "creationTimestamp"})); }});
    return c;
  } else if (g == "coordination.k8s.io" && k == "Lease") {
    c.push_back({"Holder", "string", 0, [](const Node& o) { return str(text(o, {"spec", "holderIdentity"})); }});
  }
  c.push_back({"Age", "string", 0, age});
  return c;
}

}  // namespace

bool wants_table(std::string_view accept) { return accept.find("as=Table") != std::string_view::npos; }

std::string table_json(const ResourceInfo& r, const std::vector<std::string_view>& objects,
                       const std::string& resource_version, const std::string& continue_token) {
  std::vector<Column> cols = columns_for(r);
  Node table = Node::mapping();
  table["kind"] = str("Table");
  table["apiVersion"] = str("meta.k8s.io/v1");
  Node meta = Node::mapping();
  if (!resource_version.empty()) meta["resourceVersion"] = str(resource_version);
  if (!continue_token.empty()) meta["continue"] = str(continue_token);
  table["metadata"] = std::move(meta);
  Node defs = Node::sequence();
  for (const auto& c : cols) {
    Node d = Node::mapping();
    d["name"] = str(c.name);
    d["type"] = str(c.type);
    d["format"] = str(c.name == "Name" ? "name" : "");
    d["description"] = str("");
    d["priority"] = num(c.priority);
    defs.push_back(std::move(d));
  }
  table["columnDefinitions"] = std::move(defs);
  Node rows = Node::sequence();
  for (std::string_view json : objects) {
    auto obj = core::parse_json(json);
    if (!obj.ok()) continue;
    Node row = Node::mapping();
    Node cells = Node::sequence();
    for (const auto& c : cols) cells.push_back(c.cell(*obj));
    row["cells"] = std::move(cells);
    Node partial = Node::mapping();
    partial["kind"] = str("PartialObjectMetadata");
    partial["apiVersion"] = str("meta.k8s.io/v1");
    if (const Node* m = obj->find("metadata")) {
      Node m2 = *m;
      m2.erase("managedFields");
      partial["metadata"] = std::move(m2);
    }
    row["object"] = std::move(partial);
    rows.push_back(std::move(row));
  }
  table["rows"] = std::move(rows);
  return core::write_json(table).value_or("{}");
}

}  // namespace oc::apiserver
