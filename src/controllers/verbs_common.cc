#include "controllers/verbs_common.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "controllers/apply.h"
#include "controllers/conditions.h"
#include "controllers/events.h"
#include "controllers/kustomization.h"
#include "controllers/log.h"
#include "controllers/metrics.h"
#include "controllers/tree_fs.h"
#include "controllers/verbs_dyff.h"
#include "controllers/verbs_format.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/yaml.h"
#include "kube/kstatus.h"
#include "kube/object.h"

namespace oc::controllers::verbs::detail {

using core::Node;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string dq(const std::string& s) {
  return "\"" + s + "\"";
}

std::string ns_or_any(const Scope& s) {
  return s.all_namespaces ? "any" : dq(s.namespace_name);
}

// "Kustomization 'flux-system/apps' not found".
std::string not_found(const std::string& kind, const std::string& ns, const std::string& name) {
  return kind + " '" + (ns.empty() ? name : ns + "/" + name) + "' not found";
}

// The API resource of a Flux kind, or flux's "no matches" error when the cluster lacks its CRD.
core::Result<kube::ApiResource> flux_resource(kube::Client& client, const std::string& kind) {
  const FluxKind* fk = find_flux_kind(kind);
  std::string api_version = fk ? fk->api_version : "";
  std::string canonical = fk ? fk->kind : kind;
  if (!fk) return core::Error("'" + kind + "' is not a recognized Flux kind");
  auto r = client.resource_for(api_version, canonical);
  if (!r.ok()) {
    if (r.error().code == 0 || r.error().code == 404) {
      return core::Error("no matches for kind " + dq(canonical) + " in version " + dq(api_version));
    }
    return r.error();
  }
  return r;
}

// The object, or "Kind 'ns/name' not found".
core::Result<Node> get_object(kube::Client& client, const kube::ApiResource& r,
                              const std::string& ns, const std::string& name) {
  auto got = client.get(r, r.namespaced ? ns : "", name);
  if (!got.ok() && got.error().code == 404)
    return core::Error(not_found(r.kind, r.namespaced ? ns : "", name));
  return got;
}

void strip_managed_fields(Node& obj) {
  if (Node* meta = obj.is_mapping() ? obj.find("metadata") : nullptr; meta && meta->is_mapping()) {
    meta->erase("managedFields");
  }
}

std::string print_objects(std::vector<Node> items, bool single, const std::string& format) {
  for (auto& i : items) strip_managed_fields(i);
  Node doc;
  if (single && items.size() == 1) {
    doc = std::move(items.front());
  } else {
    doc = Node::mapping();
    doc.set("apiVersion", Node::string("v1"));
    Node list = Node::sequence();
    for (auto& i : items) list.push_back(std::move(i));
    doc.set("items", std::move(list));
    doc.set("kind", Node::string("List"));
    Node meta = Node::mapping();
    meta.set("resourceVersion", Node::string(""));
    doc.set("metadata", std::move(meta));
  }
  if (format == "json") {
    core::JsonStyle js;
    js.indent = "    ";
    return core::write_json(doc, js).value_or("{}") + "\n";
  }
  auto model = core::to_json_model(doc, core::Schema::kYaml12);
  return core::write_yaml(model.ok() ? *model : doc, core::YamlStyle::kustomize());
}

int seconds_of(std::chrono::milliseconds d) {
  return int(std::max<int64_t>(1, (d.count() + 999) / 1000));
}

bool stopped(const Scope& s) {
  return s.stop && s.stop->load();
}

std::string success_message(const std::string& kind, const Node& obj) {
  if (kind == "Kustomization")
    return "applied revision " + kube::text(obj, {"status", "lastAppliedRevision"});
  if (kind == "HelmRelease") {
    const Node* h = kube::at(obj, {"status", "history"});
    std::string rev = h && h->is_sequence() && !h->empty()
                          ? kube::text(h->items().front(), {"chartVersion"})
                          : kube::text(obj, {"status", "lastAttemptedRevision"});
    return "applied revision " + rev;
  }
  return "fetched revision " + kube::text(obj, {"status", "artifact", "revision"});
}

bool spec_suspended(const Node& obj) {
  const Node* s = kube::at(obj, {"spec", "suspend"});
  return s && s->is_scalar() && s->text() == "true";
}

int64_t int_at(const Node& obj, std::initializer_list<std::string_view> path) {
  std::string t = kube::text(obj, path);
  return t.empty() ? 0 : std::atoll(t.c_str());
}

}  // namespace oc::controllers::verbs::detail
