// The Flux-like operator verbs (DESIGN.md §4): get, reconcile, suspend/resume, events, logs,
// tree, build, diff and trace against any cluster a kube::Client reaches. They print what the
// flux CLI prints (flux2 cmd/flux, research/flux.md §5): results on `out`, flux's progress and
// failure lines (► ✔ ◎ ✗ ⚠️) on `err`. Each returns an exit status: 0 success, 1 failure
// (or, for diff, "something would change"), 2 usage error. See docs/operator-verbs.md.
//
// Thread safety: one verb per client at a time from one thread.
#pragma once

#include <atomic>
#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "kube/client.h"

namespace oc::controllers::verbs {

// flux's stderrLogger.
struct Output {
  std::ostream& out;
  std::ostream& err;

  void action(std::string_view m) const { err << "► " << m << "\n" << std::flush; }
  void success(std::string_view m) const { err << "✔ " << m << "\n" << std::flush; }
  void waiting(std::string_view m) const { err << "◎ " << m << "\n" << std::flush; }
  void warning(std::string_view m) const { err << "⚠️ " << m << "\n" << std::flush; }
  // Prints "✗ <m>" and returns 1, for `return o.failure(...)`.
  int failure(std::string_view m) const {
    err << "✗ " << m << "\n" << std::flush;
    return 1;
  }
};

// Where and how long: -n/-A and --timeout (flux's defaults: flux-system, 5m).
struct Scope {
  std::string namespace_name = "flux-system";
  bool all_namespaces = false;
  std::chrono::milliseconds timeout{5 * 60 * 1000};
  // How often waits poll (flux: 2s).
  std::chrono::milliseconds poll{500};
  // Set to end watches and follows early (SIGINT).
  const std::atomic<bool>* stop = nullptr;
};

struct GetOptions {
  // Flux kinds to list, in order ("GitRepository", …). More than one is `get all`-style
  // output: names as "kind/name", a blank line after each table, kinds the cluster does not
  // serve skipped silently.
  std::vector<std::string> kinds;
  bool all = false;
  std::string name;  // "" = every object
  bool watch = false;
  std::string output = "table";  // table | yaml | json
  bool no_header = false;
  std::string status_selector;  // "ready=false"
  std::string label_selector;
};
int get(kube::Client& client, const Scope& scope, const GetOptions& opts, const Output& o);

struct ReconcileOptions {
  std::string kind;  // GitRepository | Kustomization | any Flux kind the cluster serves
  std::string name;
  bool with_source = false;
};
int reconcile(kube::Client& client, const Scope& scope, const ReconcileOptions& opts,
              const Output& o);

struct SuspendOptions {
  std::string kind;
  std::vector<std::string> names;  // empty with `all`
  bool all = false;
  bool suspend = true;  // false: resume
  // resume: wait for the reconcile (flux: when exactly one name is given and --wait is not,
  // or when --wait is).
  bool wait = false;
};
int suspend(kube::Client& client, const Scope& scope, const SuspendOptions& opts, const Output& o);

struct EventsOptions {
  std::string for_selector;        // "Kind[/name]"
  std::vector<std::string> types;  // Normal, Warning
  bool watch = false;
};
int events(kube::Client& client, const Scope& scope, const EventsOptions& opts, const Output& o);

struct LogsOptions {
  std::string file;  // the controllers' JSON log
  std::string level;
  std::string kind;
  std::string name;
  bool follow = false;
  long tail = -1;  // lines from the end, -1 = all
  std::chrono::seconds since{0};
};
int logs(const Scope& scope, const LogsOptions& opts, const Output& o);

struct TreeOptions {
  std::string name;
  bool compact = false;
  std::string output;  // "" (text) | yaml | json
};
int tree(kube::Client& client, const Scope& scope, const TreeOptions& opts, const Output& o);

struct BuildOptions {
  std::string name;
  std::string path;  // the local directory standing for spec.path
  // `--kustomization-file`: the Kustomization's YAML instead of the cluster's object.
  std::string kustomization_file;
  bool dry_run = false;           // build offline (needs kustomization_file)
  bool ignore_not_found = false;  // diff: a missing Kustomization is not an error
};
// `build kustomization`: the YAML stream the Kustomization would apply.
int build(kube::Client* client, const Scope& scope, const BuildOptions& opts, const Output& o);
// `diff kustomization`: what applying the local directory would change; 1 when anything would.
int diff(kube::Client& client, const Scope& scope, const BuildOptions& opts, const Output& o);

struct TraceOptions {
  std::vector<std::string> args;  // "deployment app", "deployment/app", or names with `kind`
  std::string kind;
  std::string api_version;
};
int trace(kube::Client& client, const Scope& scope, const TraceOptions& opts, const Output& o);

}  // namespace oc::controllers::verbs
