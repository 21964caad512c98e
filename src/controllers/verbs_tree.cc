// `tree kustomization`: the inventory as a tree (see verbs.h).
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

// --- tree ----------------------------------------------------------------------------------------

namespace {

core::Status tree_of(kube::Client& client, const kube::ApiResource& r, InventoryTree& node,
                     const Node& ks, bool compact) {
  const Node* entries = kube::at(ks, {"status", "inventory", "entries"});
  if (!entries || !entries->is_sequence()) return {};
  std::string ks_ns = kube::text(ks, {"metadata", "namespace"}),
              ks_name = kube::text(ks, {"metadata", "name"});
  for (const auto& e : entries->items()) {
    auto m = ObjMeta::parse(kube::text(e, {"id"}), kube::text(e, {"v"}));
    if (!m) return core::Error("unable to parse object metadata " + dq(kube::text(e, {"id"})));
    if (compact && m->group.find("toolkit.fluxcd.io") == std::string::npos) continue;
    bool is_ks = m->group == kKustomizeGroup && m->kind == "Kustomization";
    if (is_ks && m->ns == ks_ns && m->name == ks_name) continue;
    node.children.push_back({*m, {}});
    // Kustomizations applying to a remote cluster are not followed, as in flux.
    if (is_ks && !kube::at(ks, {"spec", "kubeConfig"})) {
      auto child = client.get(r, m->ns, m->name);
      if (!child.ok()) return core::Error("failed to find object: " + child.error().message);
      if (auto st = tree_of(client, r, node.children.back(), *child, compact); !st.ok()) return st;
    }
  }
  return {};
}

}  // namespace

int tree(kube::Client& client, const Scope& scope, const TreeOptions& opts, const Output& o) {
  auto r = flux_resource(client, "Kustomization");
  if (!r.ok()) return o.failure(r.error().message);
  auto ks = get_object(client, *r, scope.namespace_name, opts.name);
  if (!ks.ok()) return o.failure(ks.error().message);
  InventoryTree root{
      {kube::text(*ks, {"metadata", "namespace"}), kube::text(*ks, {"metadata", "name"}),
       std::string(kKustomizeGroup), "Kustomization", "v1"},
      {}};
  if (auto st = tree_of(client, *r, root, *ks, opts.compact); !st.ok())
    return o.failure(st.error().message);
  if (opts.output == "json") {
    core::JsonStyle js;
    js.indent = "  ";
    o.out << core::write_json(tree_to_node(root), js).value_or("{}") << "\n";
  } else if (opts.output == "yaml") {
    o.out << core::write_yaml(tree_to_node(root), core::YamlStyle::kustomize()) << "\n";
  } else {
    o.out << print_tree(root) << "\n";
  }
  o.out.flush();
  return 0;
}

}  // namespace oc::controllers::verbs
