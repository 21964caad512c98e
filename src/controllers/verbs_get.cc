// `get`: flux get's tables, -o yaml|json and --watch (see verbs.h).
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

// --- get ---------------------------------------------------------------------------------------

namespace {

int get_watch(kube::Client& client, const Scope& scope, const GetOptions& opts, const Output& o) {
  auto r = flux_resource(client, opts.kinds.front());
  if (!r.ok()) return o.failure(r.error().message);
  const FluxKind& fk = *find_flux_kind(opts.kinds.front());
  kube::ListOptions lo;
  lo.label_selector = opts.label_selector;
  bool first = true;
  auto res = client.watch(
      *r, scope.all_namespaces ? "" : scope.namespace_name, "", lo, seconds_of(scope.timeout),
      [&](kube::WatchEvent&& ev) {
        if (ev.type == "BOOKMARK" || ev.type == "ERROR") return !stopped(scope);
        if (!opts.name.empty() && kube::text(ev.object, {"metadata", "name"}) != opts.name)
          return !stopped(scope);
        if (!opts.status_selector.empty() &&
            !status_selector_matches(opts.status_selector, ev.object))
          return !stopped(scope);
        std::vector<std::string> header;
        if (first && !opts.no_header) header = get_header(fk, scope.all_namespaces);
        o.out << format_table(header, {get_row(fk, ev.object, scope.all_namespaces, false)})
              << std::flush;
        first = false;
        return !stopped(scope);
      },
      scope.stop);
  if (!res.ok() && res.error().code != 0) return o.failure(res.error().message);
  return 0;
}

}  // namespace

int get(kube::Client& client, const Scope& scope, const GetOptions& opts, const Output& o) {
  bool multi = opts.all || opts.kinds.size() > 1;
  if (!opts.status_selector.empty()) {
    if (auto err = status_selector_error(opts.status_selector)) return o.failure(*err);
  }
  if (opts.watch) {
    if (multi) return o.failure("expected a single resource type, but found all");
    return get_watch(client, scope, opts, o);
  }
  std::vector<Node> collected;
  int status = 0;
  for (const auto& kind : opts.kinds) {
    auto r = flux_resource(client, kind);
    if (!r.ok()) {
      if (multi) continue;  // flux get all skips kinds the cluster does not serve
      return o.failure(r.error().message);
    }
    const FluxKind& fk = *find_flux_kind(kind);
    kube::ListOptions lo;
    lo.label_selector = opts.label_selector;
    auto list = client.list(*r, scope.all_namespaces ? "" : scope.namespace_name, lo);
    if (!list.ok()) {
      if (multi && list.error().code == 404) continue;
      status = o.failure(list.error().message);
      if (multi) continue;
      return status;
    }
    std::vector<Node> items;
    if (const Node* it = list->find("items"); it && it->is_sequence()) {
      for (const auto& i : it->items()) {
        if (!opts.name.empty() && kube::text(i, {"metadata", "name"}) != opts.name) continue;
        Node copy = i;
        if (!copy.find("kind")) copy.set("kind", Node::string(fk.kind));
        if (!copy.find("apiVersion")) copy.set("apiVersion", Node::string(r->api_version()));
        items.push_back(std::move(copy));
      }
    }
    if (items.empty()) {
      if (!opts.name.empty()) {
        status = o.failure(fk.kind + " object '" + opts.name + "' not found in " +
                           ns_or_any(scope) + " namespace");
        if (!multi) return status;
        continue;
      }
      if (!multi)
        return o.failure("no " + fk.kind + " objects found in " + ns_or_any(scope) + " namespace");
      continue;
    }
    if (opts.output == "yaml" || opts.output == "json") {
      for (auto& i : items) collected.push_back(std::move(i));
      continue;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& i : items) {
      if (!opts.status_selector.empty() && !status_selector_matches(opts.status_selector, i))
        continue;
      rows.push_back(get_row(fk, i, scope.all_namespaces, multi));
    }
    if (multi && rows.empty()) continue;
    std::vector<std::string> header;
    if (!opts.no_header) header = get_header(fk, scope.all_namespaces);
    o.out << format_table(header, rows);
    if (multi) o.out << "\n";
  }
  if (opts.output == "yaml" || opts.output == "json") {
    if (!collected.empty() || !multi)
      o.out << print_objects(std::move(collected), !opts.name.empty() && !multi, opts.output);
  }
  o.out.flush();
  return status;
}

}  // namespace oc::controllers::verbs
