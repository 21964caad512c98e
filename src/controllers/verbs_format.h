// What the operator verbs (`opencenter get/events/logs/tree/trace …`, DESIGN.md §4) print, as
// pure functions over API objects so tests reach them without a cluster. Each format follows
// the flux CLI it imitates (flux2 cmd/flux, research/flux.md §5); differences are listed in
// docs/operator-verbs.md.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controllers/apply.h"
#include "core/node.h"

namespace oc::controllers::verbs {

// flux2's TablePrinter (olekukonko/tablewriter v0.0.5, borderless, tab padding): every cell
// padded to its column's width; header cells upper-cased, joined by '\t' and followed by one
// space; row cells each followed by '\t'. Cells with newlines take several lines. An empty
// header prints rows only (flux's watch output after the first event).
std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows);

// flux's utils.TruncateHex: every run of 40–128 hex digits (a SHA-1 … SHA-512) shortened to 8.
std::string truncate_hex(std::string_view s);

// A Flux kind as `get` knows it (flux2 cmd/flux/get_*.go).
struct FluxKind {
  std::string kind;         // "GitRepository"
  std::string api_version;  // "source.toolkit.fluxcd.io/v1"
  enum class Revision { kNone, kArtifact, kLastApplied, kHelmRelease };
  Revision revision = Revision::kNone;
  bool suspend_column = true;
  // Kinds flux prints as always ready ("Provider is Ready").
  std::string static_ready_message;
  bool is_source = false;  // listed by `get sources all`
};

// Every kind `get` lists, in the order `flux get all` prints them.
const std::vector<FluxKind>& flux_kinds();
// The kind by name, case-insensitive ("kustomization" → Kustomization); nullptr when none.
const FluxKind* find_flux_kind(std::string_view kind);

// "Ready" status and message as flux prints them: False/"waiting to be reconciled" when absent.
std::pair<std::string, std::string> ready_status_and_message(const core::Node& obj);
// Header and one row of `flux get` for objects of `kind`.
std::vector<std::string> get_header(const FluxKind& kind, bool all_namespaces);
std::vector<std::string> get_row(const FluxKind& kind, const core::Node& obj, bool all_namespaces,
                                 bool with_kind);
// flux's --status-selector: "ready=false" or "ready!=true" (condition type and status compared
// case-insensitively). An invalid selector is an error message.
std::optional<std::string> status_selector_error(std::string_view selector);
bool status_selector_matches(std::string_view selector, const core::Node& obj);

// --- events ------------------------------------------------------------------------------------
// The time flux sorts events by (series.lastObservedTime, lastTimestamp, eventTime), in seconds.
int64_t event_time(const core::Node& event);
// "5m", "10s (x3 over 2m)" at `now` (seconds since the epoch), as kubectl/flux events print it.
std::string event_last_seen(const core::Node& event, int64_t now);
std::vector<std::string> event_row(const core::Node& event, bool show_namespace, int64_t now);
std::vector<std::string> event_header(bool show_namespace);

// --- logs --------------------------------------------------------------------------------------
struct LogFilter {
  std::string level;  // "" = any
  std::string kind;   // matches controllerKind or "reconciler kind", case-insensitive
  std::string name;
  std::string namespace_name;
  bool all_namespaces = false;
  std::optional<int64_t> since;  // seconds since the epoch; older lines are left out
};
// One controller JSON log line as `flux logs` prints it:
//   "<ts> <level> <Kind>[/<name>.<namespace>] - <msg> <error>\n"
// nullopt when the line is not JSON or the filter drops it.
std::optional<std::string> format_log_line(std::string_view line, const LogFilter& filter);

// --- tree --------------------------------------------------------------------------------------
struct InventoryTree {
  ObjMeta resource;
  std::vector<InventoryTree> children;
};
// flux tree's text: the root, then ├── / └── / │ branches; ends with a newline.
std::string print_tree(const InventoryTree& tree);
// The JSON flux tree -o json prints ({"resource":{"Namespace","Name","GroupKind":{…}},
// "resources":[…]}).
core::Node tree_to_node(const InventoryTree& tree);

// --- trace -------------------------------------------------------------------------------------
// Go's time.Time.String() of an RFC 3339 UTC time ("2026-11-26 10:00:00 +0000 UTC"), as flux
// trace prints lastTransitionTime; the input when it does not parse.
std::string go_time_string(std::string_view rfc3339);
// flux trace's report for an object managed by a Kustomization; `source` is its GitRepository
// (or other source) when found.
std::string trace_kustomization_report(const core::Node& object, const core::Node& kustomization,
                                       const core::Node* source);

}  // namespace oc::controllers::verbs
