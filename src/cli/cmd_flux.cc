// The Flux-like operator verbs (DESIGN.md §4): `opencenter get/reconcile/suspend/resume/events/
// logs/tree/build/diff/trace`, with the flux CLI's names, aliases, flags and defaults (-n is
// flux-system, --timeout 5m). The verbs themselves are in controllers/verbs.h; this file maps
// arguments onto them. See docs/operator-verbs.md.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cli/command.h"
#include "cli/target.h"
#include "controllers/verbs.h"
#include "kube/client.h"
#include "kube/kubeconfig.h"
#include "kube/object.h"

namespace oc::cli {

namespace {

namespace verbs = controllers::verbs;

verbs::Output output(const Io& io) {
  return verbs::Output{io.out, io.err};
}

// flux's default namespace: flux-system, or $FLUX_SYSTEM_NAMESPACE.
std::string default_namespace() {
  const char* env = std::getenv("FLUX_SYSTEM_NAMESPACE");
  return env && *env ? env : "flux-system";
}

// -n/-A/--timeout. Returns false (after printing a usage error) when --timeout is invalid.
bool scope_of(const Args& args, const Io& io, verbs::Scope& s) {
  s.namespace_name = args.given("namespace") && !args.get("namespace").empty()
                         ? args.get("namespace")
                         : default_namespace();
  s.all_namespaces = args.flag("all-namespaces");
  if (args.given("timeout") || !args.get("timeout").empty()) {
    auto d = kube::parse_duration(args.get("timeout"));
    if (!d || d->count() <= 0) {
      io.err << "opencenter: error: invalid --timeout " << args.get("timeout")
             << " (a duration such as 5m or 30s)\n";
      return false;
    }
    s.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
  }
  return true;
}

core::Result<std::unique_ptr<kube::Client>> connect(const Args& args) {
  auto access = target_access(args);
  if (!access.ok()) return access.error();
  return kube::Client::connect(*access);
}

// Runs `fn(client, scope)` against the targeted cluster.
template <class Fn>
int with_cluster(const Args& args, const Io& io, Fn fn) {
  verbs::Scope scope;
  if (!scope_of(args, io, scope)) return kExitUsage;
  auto client = connect(args);
  if (!client.ok()) return output(io).failure(client.error().to_string());
  return fn(**client, scope);
}

Flag timeout_flag() {
  return {"--timeout", "How long to wait (a Go duration)", Flag::Kind::kString, "5m", {}};
}

Command base(std::vector<std::string> path, std::string summary) {
  Command c;
  c.path = std::move(path);
  c.summary = std::move(summary);
  c.namespace_flags = true;
  c.flags.push_back(timeout_flag());
  // --kubeconfig/--context are the global flags (app.cc), which CLI11 also takes after the
  // verb. add_target_flags() is not used: app.cc overwrites a command's own --kubeconfig with
  // the global value, so `get ks --kubeconfig K` would lose K.
  return c;
}

// --- get ---------------------------------------------------------------------------------------

void add_get(Registry& r, std::vector<std::string> path, std::string summary,
             std::vector<std::string> kinds, bool all) {
  Command c = base(std::move(path), std::move(summary));
  c.description =
      "Prints the status of Flux objects like `flux get`: NAME, REVISION, SUSPENDED, READY and\n"
      "MESSAGE (NAMESPACE first with -A). --watch prints rows as objects change, until --timeout.";
  c.output_flag = true;
  c.flags.push_back({"-w,--watch", "After listing, watch for changes", Flag::Kind::kBool, "", {}});
  c.flags.push_back({"--no-header", "Skip the header", Flag::Kind::kBool, "", {}});
  c.flags.push_back({"--status-selector",
                     "Filter by a condition, e.g. ready=false or ready!=true",
                     Flag::Kind::kString,
                     "",
                     {}});
  c.flags.push_back(
      {"-l,--label-selector", "Filter objects by label selector", Flag::Kind::kString, "", {}});
  c.args = {{"NAME", "Only this object", false, false}};
  c.run = [kinds, all](const Args& args, const Io& io) {
    return with_cluster(args, io, [&](kube::Client& client, const verbs::Scope& scope) {
      verbs::GetOptions o;
      o.kinds = kinds;
      o.all = all;
      o.name = args.get("NAME");
      o.watch = args.flag("watch");
      o.output = args.get("output");
      o.no_header = args.flag("no-header");
      o.status_selector = args.get("status-selector");
      o.label_selector = args.get("label-selector");
      return verbs::get(client, scope, o, output(io));
    });
  };
  r.add(std::move(c));
}

std::vector<std::string> source_kinds() {
  return {"OCIRepository", "Bucket", "GitRepository", "HelmRepository", "HelmChart"};
}

void register_get(Registry& r) {
  add_get(r, {"get", "sources", "git"}, "Get GitRepository source statuses", {"GitRepository"},
          false);
  add_get(r, {"get", "sources", "helm"}, "Get HelmRepository source statuses", {"HelmRepository"},
          false);
  add_get(r, {"get", "sources", "oci"}, "Get OCIRepository source statuses", {"OCIRepository"},
          false);
  add_get(r, {"get", "sources", "bucket"}, "Get Bucket source statuses", {"Bucket"}, false);
  add_get(r, {"get", "sources", "chart"}, "Get HelmChart source statuses", {"HelmChart"}, false);
  add_get(r, {"get", "sources", "all"}, "Get all source statuses", source_kinds(), true);
  for (const char* p : {"kustomizations", "kustomization", "ks"}) {
    add_get(r, {"get", p}, "Get Kustomization statuses", {"Kustomization"}, false);
  }
  for (const char* p : {"helmreleases", "helmrelease", "hr"}) {
    add_get(r, {"get", p}, "Get HelmRelease statuses", {"HelmRelease"}, false);
  }
  add_get(r, {"get", "receivers"}, "Get Receiver statuses", {"Receiver"}, false);
  add_get(r, {"get", "alerts"}, "Get Alert statuses", {"Alert"}, false);
  add_get(r, {"get", "alert-providers"}, "Get Provider statuses", {"Provider"}, false);
  std::vector<std::string> everything = source_kinds();
  for (const char* k : {"HelmRelease", "Kustomization", "Receiver", "Provider", "Alert"})
    everything.push_back(k);
  add_get(r, {"get", "all"}, "Get all Flux objects and their statuses", everything, true);
}

// --- reconcile / suspend / resume
// ------------------------------------------------------------------

struct KindPath {
  std::vector<std::string> path;  // after the verb
  std::string kind;
};

std::vector<KindPath> reconcilable() {
  return {{{"source", "git"}, "GitRepository"},
          {{"source", "helm"}, "HelmRepository"},
          {{"source", "oci"}, "OCIRepository"},
          {{"source", "bucket"}, "Bucket"},
          {{"source", "chart"}, "HelmChart"},
          {{"kustomization"}, "Kustomization"},
          {{"ks"}, "Kustomization"},
          {{"helmrelease"}, "HelmRelease"},
          {{"hr"}, "HelmRelease"}};
}

void register_reconcile(Registry& r) {
  for (const auto& kp : reconcilable()) {
    std::vector<std::string> path = {"reconcile"};
    path.insert(path.end(), kp.path.begin(), kp.path.end());
    Command c = base(path, "Reconcile a " + kp.kind + " now and wait for the result");
    c.description =
        "Sets reconcile.fluxcd.io/requestedAt and waits until the controller has handled the\n"
        "request (status.lastHandledReconcileAt), like `flux reconcile`. Exit 1 with the Ready\n"
        "message when the reconciliation fails.";
    bool with_source = kp.kind == "Kustomization" || kp.kind == "HelmRelease";
    if (with_source)
      c.flags.push_back({"--with-source", "Reconcile the source first", Flag::Kind::kBool, "", {}});
    c.args = {{"NAME", "The object", true, false}};
    std::string kind = kp.kind;
    c.run = [kind, with_source](const Args& args, const Io& io) {
      return with_cluster(args, io, [&](kube::Client& client, const verbs::Scope& scope) {
        verbs::ReconcileOptions o{kind, args.get("NAME"), with_source && args.flag("with-source")};
        return verbs::reconcile(client, scope, o, output(io));
      });
    };
    r.add(std::move(c));
  }
}

void register_suspend_resume(Registry& r) {
  for (bool suspend : {true, false}) {
    for (const auto& kp : reconcilable()) {
      std::vector<std::string> path = {suspend ? "suspend" : "resume"};
      path.insert(path.end(), kp.path.begin(), kp.path.end());
      Command c = base(path, suspend ? "Suspend the reconciliation of " + kp.kind + " objects"
                                     : "Resume suspended " + kp.kind + " objects");
      c.flags.push_back({"--all",
                         suspend ? "Suspend all objects of the kind in the namespace"
                                 : "Resume all objects of the kind in the namespace",
                         Flag::Kind::kBool,
                         "",
                         {}});
      if (!suspend) {
        c.flags.push_back({"--wait",
                           "Wait for every resumed object to reconcile (the default for one NAME)",
                           Flag::Kind::kBool,
                           "",
                           {}});
        c.flags.push_back(
            {"--no-wait", "Do not wait, even for one NAME", Flag::Kind::kBool, "", {}});
      }
      c.args = {{"NAME", "Objects", false, true}};
      std::string kind = kp.kind;
      c.run = [kind, suspend](const Args& args, const Io& io) {
        return with_cluster(args, io, [&](kube::Client& client, const verbs::Scope& scope) {
          verbs::SuspendOptions o;
          o.kind = kind;
          o.names = args.list("NAME");
          o.all = args.flag("all");
          o.suspend = suspend;
          // flux: wait when --wait is not given and exactly one object is named, else as --wait
          // says.
          o.wait = !args.flag("no-wait") && (args.flag("wait") || o.names.size() == 1);
          return verbs::suspend(client, scope, o, output(io));
        });
      };
      r.add(std::move(c));
    }
  }
}

// --- events / logs -----------------------------------------------------------------------------

void register_events(Registry& r) {
  Command c = base({"events"}, "Display Kubernetes events for Flux objects");
  c.flags.push_back({"--for",
                     "Events of one object (Kind/name) or kind, and of what it refers to",
                     Flag::Kind::kString,
                     "",
                     {}});
  c.flags.push_back({"--types",
                     "Only these types (Normal, Warning), comma-separated",
                     Flag::Kind::kString,
                     "",
                     {}});
  c.flags.push_back(
      {"-w,--watch", "Stream events as they happen, until --timeout", Flag::Kind::kBool, "", {}});
  c.run = [](const Args& args, const Io& io) {
    return with_cluster(args, io, [&](kube::Client& client, const verbs::Scope& scope) {
      verbs::EventsOptions o;
      o.for_selector = args.get("for");
      std::string types = args.get("types");
      for (size_t p = 0; !types.empty() && p <= types.size();) {
        size_t c2 = types.find(',', p);
        if (c2 == std::string::npos) c2 = types.size();
        if (c2 > p) o.types.push_back(types.substr(p, c2 - p));
        p = c2 + 1;
      }
      o.watch = args.flag("watch");
      return verbs::events(client, scope, o, output(io));
    });
  };
  r.add(std::move(c));
}

std::string first_kubeconfig(const Args& args) {
  if (!args.get("kubeconfig").empty()) return args.get("kubeconfig");
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::string s = env;
    return s.substr(0, s.find(':'));
  }
  return "";
}

// The controllers' log of the targeted cluster: only the local cluster's is readable (the
// controllers run in the API server's process and log to <data dir>/controllers.log).
core::Result<std::string> log_file(const Args& args) {
  namespace fs = std::filesystem;
  if (!args.get("data-dir").empty()) return args.get("data-dir") + "/controllers.log";
  std::string local = default_local_dir();
  std::string path = first_kubeconfig(args);
  if (path.empty()) {
    const char* home = std::getenv("HOME");
    std::string kube_config = home ? std::string(home) + "/.kube/config" : "";
    if (kube_config.empty() || ::access(kube_config.c_str(), R_OK) != 0)
      return local + "/controllers.log";
    path = kube_config;
  }
  std::error_code ec;
  // `opencenter up` and `opencenter apiserver --kubeconfig-out D/kubeconfig` keep the log beside
  // it.
  std::string beside = (fs::path(path).parent_path() / "controllers.log").string();
  if (fs::exists(beside, ec)) return beside;
  auto target = kube::load_kubeconfig(path, args.get("context"));
  auto local_access = kube::load_kubeconfig(local + "/kubeconfig");
  if (target.ok() && local_access.ok() && target->server == local_access->server)
    return local + "/controllers.log";
  return core::Error(
      "logs: reading controller logs is supported for the local cluster only for now (its "
      "controllers log to " +
      local + "/controllers.log, or pass --data-dir); for controllers running in " +
      (target.ok() ? target->server : path) + " use `kubectl logs` on their pods");
}

void register_logs(Registry& r) {
  Command c = base({"logs"}, "Display formatted logs of the Flux-compatible controllers");
  c.description =
      "Prints the controllers' JSON log lines like `flux logs`:\n"
      "  <time> <level> <Kind>/<name>.<namespace> - <message> <error>\n"
      "For the local cluster it reads <data dir>/controllers.log (--data-dir to point elsewhere).";
  c.flags.push_back({"--data-dir",
                     "The local cluster's data directory (default: beside the kubeconfig, else "
                     "~/.local/share/opencenter/local)",
                     Flag::Kind::kString,
                     "",
                     {}});
  c.flags.push_back(
      {"-f,--follow", "Stream new lines, until --timeout", Flag::Kind::kBool, "", {}});
  c.flags.push_back(
      {"--level", "Only this level", Flag::Kind::kString, "", {"debug", "info", "error"}});
  c.flags.push_back({"--kind", "Only this kind, e.g. Kustomization", Flag::Kind::kString, "", {}});
  c.flags.push_back({"--name", "Only this object", Flag::Kind::kString, "", {}});
  c.flags.push_back(
      {"--tail", "Lines from the end of the log to show (-1: all)", Flag::Kind::kString, "-1", {}});
  c.flags.push_back(
      {"--since", "Only lines newer than this duration, e.g. 5m", Flag::Kind::kString, "", {}});
  c.run = [](const Args& args, const Io& io) {
    verbs::Scope scope;
    if (!scope_of(args, io, scope)) return kExitUsage;
    verbs::LogsOptions o;
    auto file = log_file(args);
    if (!file.ok()) return output(io).failure(file.error().message);
    o.file = *file;
    o.level = args.get("level");
    o.kind = args.get("kind");
    o.name = args.get("name");
    o.follow = args.flag("follow");
    o.tail = std::atol(args.get("tail").c_str());
    if (!args.get("since").empty()) {
      auto d = kube::parse_duration(args.get("since"));
      if (!d) {
        io.err << "opencenter: error: invalid --since " << args.get("since") << "\n";
        return kExitUsage;
      }
      o.since = std::chrono::duration_cast<std::chrono::seconds>(*d);
    }
    return verbs::logs(scope, o, output(io));
  };
  r.add(std::move(c));
}

// --- tree / build / diff / trace ---------------------------------------------------------------

void register_tree(Registry& r) {
  for (const char* p : {"kustomization", "ks"}) {
    Command c = base({"tree", p}, "Print the inventory of a Kustomization as a tree");
    c.flags.push_back({"--compact", "Flux objects only", Flag::Kind::kBool, "", {}});
    c.flags.push_back({"-o,--output",
                       "json or yaml instead of the tree",
                       Flag::Kind::kString,
                       "",
                       {"json", "yaml"}});
    c.args = {{"NAME", "The Kustomization", true, false}};
    c.run = [](const Args& args, const Io& io) {
      return with_cluster(args, io, [&](kube::Client& client, const verbs::Scope& scope) {
        verbs::TreeOptions o{args.get("NAME"), args.flag("compact"), args.get("output")};
        return verbs::tree(client, scope, o, output(io));
      });
    };
    r.add(std::move(c));
  }
}

void register_build_diff(Registry& r) {
  for (const char* p : {"kustomization", "ks"}) {
    Command b =
        base({"build", p}, "Build a Kustomization from a local directory as the cluster would");
    b.description =
        "Reads the Kustomization from the cluster (or --kustomization-file), builds --path as its\n"
        "spec.path (generated kustomization.yaml, postBuild substitution, owner labels) and "
        "prints\n"
        "the YAML stream, like `flux build kustomization`. SOPS data is masked, never decrypted.";
    b.flags.push_back(
        {"--path", "The local directory standing for spec.path", Flag::Kind::kString, "", {}});
    b.flags.push_back({"--kustomization-file",
                       "The Kustomization's YAML instead of the cluster's",
                       Flag::Kind::kString,
                       "",
                       {}});
    b.flags.push_back({"--dry-run",
                       "Do not contact the cluster (needs --kustomization-file)",
                       Flag::Kind::kBool,
                       "",
                       {}});
    b.args = {{"NAME", "The Kustomization", true, false}};
    b.run = [](const Args& args, const Io& io) {
      verbs::Scope scope;
      if (!scope_of(args, io, scope)) return kExitUsage;
      verbs::BuildOptions o;
      o.name = args.get("NAME");
      o.path = args.get("path");
      o.kustomization_file = args.get("kustomization-file");
      o.dry_run = args.flag("dry-run");
      if (o.path.empty()) {
        io.err << "opencenter: error: --path is required\n";
        return kExitUsage;
      }
      if (o.dry_run) return verbs::build(nullptr, scope, o, output(io));
      auto client = connect(args);
      if (!client.ok()) return output(io).failure(client.error().to_string());
      return verbs::build(client->get(), scope, o, output(io));
    };
    std::vector<Flag> build_flags = b.flags;
    std::vector<Positional> build_args = b.args;
    r.add(std::move(b));

    Command d = base({"diff", p},
                     "Show what applying a local directory through a Kustomization would change");
    d.description =
        "Builds --path as `build kustomization` does, dry-runs every object against the cluster "
        "and\n"
        "prints what would be created, drift as a dyff report, and what would be pruned, like\n"
        "`flux diff kustomization`. Exit 0: no differences; 1: differences; 2: the diff failed.";
    d.flags = build_flags;
    d.flags.pop_back();  // --dry-run
    d.flags.push_back({"--ignore-not-found",
                       "A Kustomization missing from the cluster is not an error",
                       Flag::Kind::kBool,
                       "",
                       {}});
    d.flags.push_back({"--progress-bar",
                       "Accepted for flux compatibility; no progress bar is shown",
                       Flag::Kind::kString,
                       "",
                       {"true", "false"}});
    d.args = build_args;
    d.run = [](const Args& args, const Io& io) {
      verbs::Scope scope;
      if (!scope_of(args, io, scope)) return kExitUsage;
      verbs::BuildOptions o;
      o.name = args.get("NAME");
      o.path = args.get("path");
      o.kustomization_file = args.get("kustomization-file");
      o.ignore_not_found = args.flag("ignore-not-found");
      if (o.path.empty()) {
        io.err << "opencenter: error: --path is required\n";
        return kExitUsage;
      }
      auto client = connect(args);
      if (!client.ok()) {
        output(io).failure(client.error().to_string());
        return kExitUsage;
      }
      return verbs::diff(**client, scope, o, output(io));
    };
    r.add(std::move(d));
  }
}

void register_trace(Registry& r) {
  Command c =
      base({"trace"}, "Trace an object back to the Flux Kustomization and source that manage it");
  c.description =
      "  opencenter trace deployment app -n apps\n"
      "  opencenter trace deployment/app service/app -n apps\n"
      "  opencenter trace app --kind Deployment --api-version apps/v1 -n apps";
  c.flags.push_back({"--kind", "The object's kind, e.g. Deployment", Flag::Kind::kString, "", {}});
  c.flags.push_back(
      {"--api-version", "The object's API version, e.g. apps/v1", Flag::Kind::kString, "", {}});
  c.args = {{"RESOURCE", "<resource> <name>… or <resource>/<name>…", true, true}};
  c.run = [](const Args& args, const Io& io) {
    return with_cluster(args, io, [&](kube::Client& client, verbs::Scope scope) {
      // trace addresses workloads: -n means the object's namespace, default "default"? flux
      // keeps its flux-system default here too, so we do the same.
      verbs::TraceOptions o{args.list("RESOURCE"), args.get("kind"), args.get("api-version")};
      return verbs::trace(client, scope, o, output(io));
    });
  };
  r.add(std::move(c));
}

}  // namespace

void register_flux_commands(Registry& r) {
  register_get(r);
  register_reconcile(r);
  register_suspend_resume(r);
  register_events(r);
  register_logs(r);
  register_tree(r);
  register_build_diff(r);
  register_trace(r);
}

}  // namespace oc::cli
