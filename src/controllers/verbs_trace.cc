// `trace`: from an object to the Kustomization and source managing it (see verbs.h).
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
#include "controllers/verbs.h"
#include "controllers/verbs_common.h"
#include "controllers/verbs_dyff.h"
#include "controllers/verbs_format.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/yaml.h"
#include "kube/kstatus.h"
#include "kube/object.h"

namespace oc::controllers::verbs {

using namespace detail;
using core::Node;
using Clock = std::chrono::steady_clock;

// --- trace ---------------------------------------------------------------------------------------

namespace {

struct Discovered {
  kube::ApiResource resource;
  std::string singular;
  std::vector<std::string> short_names;
};

// The served resources, core group first, each group at its preferred version.
core::Result<std::vector<Discovered>> discover(kube::Client& client) {
  std::vector<Discovered> out;
  auto add = [&](const std::string& group, const std::string& version, const std::string& body) {
    auto doc = core::parse_json(body);
    if (!doc.ok()) return;
    const Node* list = doc->find("resources");
    if (!list || !list->is_sequence()) return;
    for (const auto& r : list->items()) {
      std::string name = kube::text(r, {"name"});
      if (name.find('/') != std::string::npos) continue;
      Discovered d;
      d.resource = {group, version, name, kube::text(r, {"kind"}),
                    kube::text(r, {"namespaced"}) == "true"};
      d.singular = kube::text(r, {"singularName"});
      if (const Node* sn = r.find("shortNames"); sn && sn->is_sequence()) {
        for (const auto& s : sn->items()) d.short_names.push_back(s.text());
      }
      out.push_back(std::move(d));
    }
  };
  auto core_list = client.request("GET", "/api/v1");
  if (!core_list.ok()) return core_list.error();
  add("", "v1", *core_list);
  auto groups = client.request("GET", "/apis");
  if (!groups.ok()) return groups.error();
  auto doc = core::parse_json(*groups);
  if (!doc.ok()) return doc.error();
  if (const Node* gs = doc->find("groups"); gs && gs->is_sequence()) {
    for (const auto& g : gs->items()) {
      std::string gv = kube::text(g, {"preferredVersion", "groupVersion"});
      if (gv.empty()) continue;
      auto body = client.request("GET", "/apis/" + gv);
      if (!body.ok()) continue;
      size_t slash = gv.find('/');
      add(gv.substr(0, slash), gv.substr(slash + 1), *body);
    }
  }
  return out;
}

// kubectl's resource argument: "deployment", "deployments", "deploy", "Deployment",
// "deployments.apps".
std::optional<kube::ApiResource> resolve_type(const std::vector<Discovered>& all,
                                              const std::string& arg) {
  std::string a = lower(arg), group;
  size_t dot = a.find('.');
  if (dot != std::string::npos) {
    group = a.substr(dot + 1);
    a = a.substr(0, dot);
  }
  for (const auto& d : all) {
    if (!group.empty() && d.resource.group != group && d.resource.group.rfind(group, 0) != 0)
      continue;
    bool match = a == d.resource.resource || a == d.singular || a == lower(d.resource.kind) ||
                 std::find(d.short_names.begin(), d.short_names.end(), a) != d.short_names.end();
    if (match) return d.resource;
  }
  return std::nullopt;
}

std::string label(const Node& obj, const std::string& key) {
  const Node* labels = kube::at(obj, {"metadata", "labels"});
  if (!labels || !labels->is_mapping()) return "";
  const Node* v = labels->find(key);
  return v && v->is_scalar() ? v->text() : "";
}

// The owning Flux object's namespace/name from its labels, following ownerReferences (a Pod to
// its ReplicaSet to its Deployment) as flux trace does.
std::optional<std::pair<std::string, std::string>> flux_owner(kube::Client& client, const Node& obj,
                                                              std::string_view group,
                                                              int depth = 0) {
  std::string g(group);
  std::string name = label(obj, g + "/name");
  if (!name.empty()) return std::make_pair(label(obj, g + "/namespace"), name);
  if (depth > 8) return std::nullopt;
  const Node* refs = kube::at(obj, {"metadata", "ownerReferences"});
  if (!refs || !refs->is_sequence()) return std::nullopt;
  for (const auto& ref : refs->items()) {
    auto r = client.resource_for(kube::text(ref, {"apiVersion"}), kube::text(ref, {"kind"}));
    if (!r.ok()) return std::nullopt;
    auto owner = client.get(*r, r->namespaced ? kube::text(obj, {"metadata", "namespace"}) : "",
                            kube::text(ref, {"name"}));
    if (!owner.ok()) return std::nullopt;
    if (auto found = flux_owner(client, *owner, group, depth + 1)) return found;
  }
  return std::nullopt;
}

core::Result<std::string> trace_object(kube::Client& client, const Node& obj) {
  if (auto owner = flux_owner(client, obj, kKustomizeGroup)) {
    auto r = flux_resource(client, "Kustomization");
    if (!r.ok()) return r.error();
    auto ks = client.get(*r, owner->first, owner->second);
    if (!ks.ok()) return core::Error("failed to find kustomization: " + ks.error().message);
    std::optional<Node> source;
    std::string kind = kube::text(*ks, {"spec", "sourceRef", "kind"});
    if (kind == "GitRepository" || kind == "OCIRepository" || kind == "Bucket" ||
        kind == "ExternalArtifact") {
      std::string sns = kube::text(*ks, {"spec", "sourceRef", "namespace"});
      if (sns.empty()) sns = owner->first;
      auto sr = client.resource_for("source.toolkit.fluxcd.io/v1", kind);
      if (!sr.ok()) return core::Error("failed to find " + kind + ": " + sr.error().message);
      auto src = client.get(*sr, sns, kube::text(*ks, {"spec", "sourceRef", "name"}));
      if (!src.ok()) return core::Error("failed to find " + kind + ": " + src.error().message);
      source = std::move(*src);
      if (!source->find("kind")) source->set("kind", Node::string(kind));
    }
    return trace_kustomization_report(obj, *ks, source ? &*source : nullptr);
  }
  if (auto owner = flux_owner(client, obj, kHelmGroup)) {
    auto r = flux_resource(client, "HelmRelease");
    if (!r.ok()) return r.error();
    auto hr = client.get(*r, owner->first, owner->second);
    if (!hr.ok()) return core::Error("failed to find HelmRelease: " + hr.error().message);
    std::string out = "\nObject:         " + kube::text(obj, {"kind"}) + "/" +
                      kube::text(obj, {"metadata", "name"});
    if (std::string ns = kube::text(obj, {"metadata", "namespace"}); !ns.empty())
      out += "\nNamespace:      " + ns;
    out += "\nStatus:         Managed by Flux\n---\nHelmRelease:    " + owner->second;
    out += "\nNamespace:      " + owner->first;
    if (std::string t = kube::text(*hr, {"spec", "targetNamespace"}); !t.empty())
      out += "\nTarget:         " + t;
    out += "\nRevision:       " + kube::text(*hr, {"status", "lastAttemptedRevision"});
    if (const Node* c = find_condition(*hr, kReady)) {
      out += "\nStatus:         Last reconciled at " +
             go_time_string(kube::text(*c, {"lastTransitionTime"}));
      out += "\nMessage:        " + kube::text(*c, {"message"});
    } else {
      out += "\nStatus:         Unknown";
    }
    return out + "\n";
  }
  return core::Error("object not managed by Flux");
}

}  // namespace

int trace(kube::Client& client, const Scope& scope, const TraceOptions& opts, const Output& o) {
  std::vector<Node> objects;
  if (!opts.kind.empty() || !opts.api_version.empty()) {
    if (opts.args.empty()) return o.failure("object name is required");
    if (opts.kind.empty()) return o.failure("object kind is required (--kind)");
    if (opts.api_version.empty()) return o.failure("object apiVersion is required (--api-version)");
    auto r = client.resource_for(opts.api_version, opts.kind);
    if (!r.ok()) {
      // Kinds are matched case-insensitively, as flux's scheme lookup does.
      auto all = discover(client);
      if (!all.ok()) return o.failure(all.error().message);
      auto t = resolve_type(*all, opts.kind);
      if (!t) return o.failure("failed to find object: " + r.error().message);
      r = *t;
    }
    auto obj = get_object(client, *r, scope.namespace_name, opts.args.front());
    if (!obj.ok()) return o.failure("failed to find object: " + obj.error().message);
    // flux prints the kind as given with --kind.
    obj->set("kind", Node::string(opts.kind));
    objects.push_back(std::move(*obj));
  } else {
    std::vector<std::pair<std::string, std::string>> wanted;  // (type, name)
    bool slashes = !opts.args.empty() && opts.args.front().find('/') != std::string::npos;
    if (slashes) {
      for (const auto& a : opts.args) {
        size_t s = a.find('/');
        if (s == std::string::npos)
          return o.failure(
              "either `<resource>/<name>` or `<resource> <name>` is required as an argument");
        wanted.emplace_back(a.substr(0, s), a.substr(s + 1));
      }
    } else {
      if (opts.args.size() < 2)
        return o.failure(
            "either `<resource>/<name>` or `<resource> <name>` is required as an argument");
      for (size_t i = 1; i < opts.args.size(); ++i)
        wanted.emplace_back(opts.args.front(), opts.args[i]);
    }
    auto all = discover(client);
    if (!all.ok()) return o.failure(all.error().message);
    for (const auto& [type, name] : wanted) {
      auto r = resolve_type(*all, type);
      if (!r) return o.failure("the server doesn't have a resource type " + dq(type));
      auto obj = get_object(client, *r, scope.namespace_name, name);
      if (!obj.ok()) return o.failure("failed to find object: " + obj.error().message);
      if (!obj->find("kind")) obj->set("kind", Node::string(r->kind));
      objects.push_back(std::move(*obj));
    }
  }
  int status = 0;
  for (size_t i = 0; i < objects.size(); ++i) {
    const Node& obj = objects[i];
    auto report = trace_object(client, obj);
    if (report.ok()) {
      o.out << *report;
    } else {
      status =
          o.failure("failed to trace " + kube::text(obj, {"kind"}) + "/" +
                    kube::text(obj, {"metadata", "name"}) + " in namespace " +
                    kube::text(obj, {"metadata", "namespace"}) + ": " + report.error().message);
    }
    if (i + 1 < objects.size()) o.out << "---\n";
  }
  o.out.flush();
  return status;
}

}  // namespace oc::controllers::verbs
