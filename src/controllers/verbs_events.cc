// `events` and `logs` (see verbs.h).
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

// --- events --------------------------------------------------------------------------------------

namespace {

// flux events' kinds: every Flux kind, and what their objects refer to.
struct EventRef {
  std::string kind, name, ns;
};

bool is_event_kind(const std::string& kind) {
  static const std::set<std::string> extra = {"ExternalArtifact", "ImageRepository", "ImagePolicy",
                                              "ImageUpdateAutomation", "ArtifactGenerator"};
  return (find_flux_kind(kind) && find_flux_kind(kind)->kind == kind) || extra.count(kind);
}

std::string canonical_event_kind(const std::string& kind) {
  if (const FluxKind* fk = find_flux_kind(kind)) return fk->kind;
  for (const char* k : {"ExternalArtifact", "ImageRepository", "ImagePolicy",
                        "ImageUpdateAutomation", "ArtifactGenerator"}) {
    if (iequals(k, kind)) return k;
  }
  return "";
}

}  // namespace

int events(kube::Client& client, const Scope& scope, const EventsOptions& opts, const Output& o) {
  for (const auto& t : opts.types) {
    if (!iequals(t, "Normal") && !iequals(t, "Warning")) {
      return o.failure("type '" + t + "' not supported. Supported types are Normal, Warning");
    }
  }
  std::string ns = scope.all_namespaces ? "" : scope.namespace_name;
  std::string for_kind, for_name;
  std::vector<EventRef> refs;
  bool diff_ref_ns = false;
  if (!opts.for_selector.empty()) {
    size_t slash = opts.for_selector.find('/');
    for_kind = slash == std::string::npos ? opts.for_selector : opts.for_selector.substr(0, slash);
    for_name = slash == std::string::npos ? "" : opts.for_selector.substr(slash + 1);
    if (for_kind.empty()) return o.failure("--for selector must be of format <kind>[/<name>]");
    std::string canonical = canonical_event_kind(for_kind);
    if (canonical.empty()) return o.failure("'" + for_kind + "' is not a recognized Flux kind");
    for_kind = canonical;
    if (!for_name.empty() && (for_kind == "Kustomization" || for_kind == "HelmRelease" ||
                              for_kind == "HelmChart" || for_kind == "Alert")) {
      auto r = flux_resource(client, for_kind);
      if (!r.ok()) return o.failure(r.error().message);
      auto obj = get_object(client, *r, scope.namespace_name, for_name);
      if (!obj.ok()) return o.failure(obj.error().message);
      const Node* ref = for_kind == "HelmRelease"
                            ? kube::at(*obj, {"spec", "chart", "spec", "sourceRef"})
                        : for_kind == "Alert" ? kube::at(*obj, {"spec", "providerRef"})
                                              : kube::at(*obj, {"spec", "sourceRef"});
      if (ref) {
        EventRef e{for_kind == "Alert" ? "Provider" : kube::text(*ref, {"kind"}),
                   kube::text(*ref, {"name"}), scope.namespace_name};
        if (for_kind != "Alert" && !kube::text(*ref, {"namespace"}).empty())
          e.ns = kube::text(*ref, {"namespace"});
        refs.push_back(e);
        if (for_kind == "HelmRelease")
          refs.push_back({"HelmChart", scope.namespace_name + "-" + for_name, e.ns});
      }
      for (const auto& e : refs) diff_ref_ns = diff_ref_ns || e.ns != ns;
    }
  }
  bool show_ns = ns.empty() || diff_ref_ns;
  auto wanted = [&](const Node& ev) {
    std::string kind = kube::text(ev, {"involvedObject", "kind"});
    if (!is_event_kind(kind)) return false;
    if (!opts.types.empty()) {
      bool ok = false;
      for (const auto& t : opts.types) ok = ok || iequals(t, kube::text(ev, {"type"}));
      if (!ok) return false;
    }
    std::string name = kube::text(ev, {"involvedObject", "name"});
    std::string ev_ns = kube::text(ev, {"metadata", "namespace"});
    bool main = (ns.empty() || ev_ns == ns) &&
                (for_kind.empty() || (kind == for_kind && (for_name.empty() || name == for_name)));
    if (main) return true;
    for (const auto& r : refs) {
      if (kind == r.kind && name == r.name && ev_ns == r.ns) return true;
    }
    return false;
  };
  auto now = [] { return int64_t(std::time(nullptr)); };

  if (opts.watch) {
    bool first = true;
    std::string watch_ns = refs.empty() ? ns : "";
    auto res = client.watch(
        kEvents, watch_ns, "", {}, seconds_of(scope.timeout),
        [&](kube::WatchEvent&& ev) {
          if (ev.type != "ADDED" && ev.type != "MODIFIED") return !stopped(scope);
          if (!wanted(ev.object)) return !stopped(scope);
          std::vector<std::string> header;
          if (first) header = event_header(show_ns);
          first = false;
          o.out << format_table(header, {event_row(ev.object, show_ns, now())}) << std::flush;
          return !stopped(scope);
        },
        scope.stop);
    if (!res.ok() && res.error().code != 0) return o.failure(res.error().message);
    return 0;
  }

  std::vector<Node> items;
  std::set<std::string> namespaces = {ns};
  for (const auto& r : refs) namespaces.insert(r.ns);
  if (ns.empty()) namespaces = {""};
  for (const auto& n : namespaces) {
    auto list = client.list(kEvents, n);
    if (!list.ok()) return o.failure("error getting events: " + list.error().message);
    if (const Node* it = list->find("items"); it && it->is_sequence()) {
      for (const auto& e : it->items()) {
        if (wanted(e)) items.push_back(e);
      }
    }
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const Node& a, const Node& b) { return event_time(a) < event_time(b); });
  if (items.empty()) {
    o.failure(scope.all_namespaces ? "No events found."
                                   : "No events found in " + scope.namespace_name + " namespace.");
    return 0;
  }
  std::vector<std::vector<std::string>> rows;
  int64_t t = now();
  for (const auto& e : items) rows.push_back(event_row(e, show_ns, t));
  o.out << format_table(event_header(show_ns), rows) << std::flush;
  return 0;
}

// --- logs ----------------------------------------------------------------------------------------

int logs(const Scope& scope, const LogsOptions& opts, const Output& o) {
  if (!opts.level.empty() && opts.level != "debug" && opts.level != "info" &&
      opts.level != "error") {
    return o.failure("unsupported log level \"" + opts.level +
                     "\", must be one of: debug, info, error");
  }
  std::ifstream in(opts.file, std::ios::binary);
  if (!in) return o.failure("cannot read the controllers' log " + opts.file);
  LogFilter f;
  f.level = opts.level;
  f.kind = opts.kind;
  f.name = opts.name;
  f.namespace_name = scope.namespace_name;
  f.all_namespaces = scope.all_namespaces;
  if (opts.since.count() > 0) f.since = int64_t(std::time(nullptr)) - opts.since.count();
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  size_t start = 0;
  if (opts.tail >= 0 && size_t(opts.tail) < lines.size()) start = lines.size() - size_t(opts.tail);
  for (size_t i = start; i < lines.size(); ++i) {
    if (auto s = format_log_line(lines[i], f)) o.out << *s;
  }
  o.out.flush();
  if (!opts.follow) return 0;
  // Follow the file as it grows (flux streams the pods' logs until --timeout).
  std::streamoff pos = 0;
  {
    std::ifstream probe(opts.file, std::ios::binary | std::ios::ate);
    pos = probe.tellg();
  }
  std::string pending;
  auto deadline = Clock::now() + scope.timeout;
  while (!stopped(scope) && Clock::now() < deadline) {
    std::ifstream f2(opts.file, std::ios::binary);
    f2.seekg(0, std::ios::end);
    std::streamoff size = f2.tellg();
    if (size < pos) pos = 0;  // rotated or truncated
    if (size > pos) {
      f2.seekg(pos);
      std::string chunk(size_t(size - pos), '\0');
      f2.read(chunk.data(), std::streamsize(chunk.size()));
      pos = size;
      pending += chunk;
      size_t nl;
      while ((nl = pending.find('\n')) != std::string::npos) {
        if (auto s = format_log_line(pending.substr(0, nl), f)) o.out << *s << std::flush;
        pending.erase(0, nl + 1);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return 0;
}

}  // namespace oc::controllers::verbs
