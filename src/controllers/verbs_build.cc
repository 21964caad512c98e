// `build kustomization` and `diff kustomization` (see verbs.h).
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

// --- build / diff
// ----------------------------------------------------------------------------------

namespace {

const std::string kSopsMask = "**SOPS**";

// flux build/diff never decrypt: SOPS-encrypted Secrets are shown with their values masked and
// their `sops` metadata dropped (flux2 internal/build maskSopsData).
std::string mask_sops_file(const std::string& text) {
  if (text.find("sops:") == std::string::npos || text.find("mac: ENC[") == std::string::npos)
    return text;
  core::ParseOptions po;
  po.comments = false;
  auto docs = core::parse_yaml_stream(text, po);
  if (!docs.ok()) return text;
  bool changed = false;
  for (auto& d : *docs) {
    if (!d.is_mapping() || !d.find("sops") || kube::text(d, {"kind"}) != "Secret") continue;
    d.erase("sops");
    if (Node* data = d.find("data"); data && data->is_mapping()) {
      for (auto& e : data->entries()) e.value = Node::string(core::base64_encode(kSopsMask));
    }
    if (Node* sd = d.find("stringData"); sd && sd->is_mapping()) {
      for (auto& e : sd->entries()) e.value = Node::string(kSopsMask);
    }
    changed = true;
  }
  return changed ? core::write_yaml_stream(*docs) : text;
}

core::Result<std::map<std::string, std::string>> read_tree(const std::string& dir) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) return core::Error("invalid resource path " + dq(dir) + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return core::Error(dir + ": " + ec.message());
    std::string name = it->path().filename().string();
    if (it->is_directory() && name == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    std::string rel = fs::relative(it->path(), dir).generic_string();
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string content = ss.str();
    if (rel.size() > 5 &&
        (rel.ends_with(".yaml") || rel.ends_with(".yml") || rel.ends_with(".json"))) {
      content = mask_sops_file(content);
    }
    files.emplace(std::move(rel), std::move(content));
  }
  return files;
}

struct Loaded {
  Node ks;
  bool found = true;
};

core::Result<Loaded> load_kustomization(kube::Client* client, const Scope& scope,
                                        const BuildOptions& opts) {
  Loaded l;
  if (!opts.kustomization_file.empty()) {
    std::ifstream in(opts.kustomization_file, std::ios::binary);
    if (!in) return core::Error("invalid kustomization file " + dq(opts.kustomization_file));
    std::stringstream ss;
    ss << in.rdbuf();
    core::ParseOptions po;
    po.file = opts.kustomization_file;
    auto docs = core::parse_yaml_stream(ss.str(), po);
    if (!docs.ok()) return docs.error();
    for (auto& d : *docs) {
      auto m = core::to_json_model(d, core::Schema::kYaml12);
      if (!m.ok() || kube::text(*m, {"kind"}) != "Kustomization" ||
          kube::text(*m, {"metadata", "name"}) != opts.name)
        continue;
      l.ks = std::move(*m);
      if (kube::text(l.ks, {"metadata", "namespace"}).empty()) {
        kube::ensure(l.ks, {"metadata"}).set("namespace", Node::string(scope.namespace_name));
      }
      return l;
    }
    return core::Error("failed to find Kustomization '" + opts.name + "' in " +
                       opts.kustomization_file);
  }
  auto r = flux_resource(*client, "Kustomization");
  if (!r.ok()) return r.error();
  auto got = get_object(*client, *r, scope.namespace_name, opts.name);
  if (!got.ok()) {
    if (!opts.ignore_not_found || got.error().message.find("not found") == std::string::npos)
      return got.error();
    // A Kustomization yet to be created: everything it would apply is new.
    l.found = false;
    l.ks = Node::mapping();
    l.ks.set("apiVersion", Node::string("kustomize.toolkit.fluxcd.io/v1"));
    l.ks.set("kind", Node::string("Kustomization"));
    Node meta = Node::mapping();
    meta.set("name", Node::string(opts.name));
    meta.set("namespace", Node::string(scope.namespace_name));
    l.ks.set("metadata", std::move(meta));
    l.ks.set("spec", Node::mapping());
    return l;
  }
  l.ks = std::move(*got);
  return l;
}

// The objects the Kustomization would apply with the local directory as its path.
core::Result<std::vector<Node>> build_objects(kube::Client& client, Node ks,
                                              const BuildOptions& opts, bool offline) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (opts.path.empty() || !fs::is_directory(opts.path, ec))
    return core::Error("invalid resource path " + dq(opts.path));
  auto files = read_tree(opts.path);
  if (!files.ok()) return files.error();
  Node& spec = kube::ensure(ks, {"spec"});
  spec.set("path", Node::string("./"));
  // SOPS data is masked, never decrypted; offline builds cannot read substituteFrom objects.
  spec.erase("decryption");
  if (offline) {
    if (Node* pb = spec.find("postBuild"); pb && pb->is_mapping()) pb->erase("substituteFrom");
  }
  ArtifactCache cache([](const std::string&,
                         const std::string&) -> core::Result<std::map<std::string, std::string>> {
    return core::Error("no artifact server for a local build");
  });
  Logger log;
  log.capture(true);
  Metrics metrics;
  EventRecorder recorder(client, "flux-cli");
  KustomizationReconciler reconciler(client, cache, recorder, log, metrics);
  return reconciler.build(ks, ArtifactTree::from(std::move(*files)));
}

bool sops_masked(const Node& obj) {
  const Node* data = obj.is_mapping() ? obj.find("data") : nullptr;
  if (!data || !data->is_mapping()) return false;
  std::string masked = core::base64_encode(kSopsMask);
  for (const auto& e : data->entries()) {
    if (e.value.is_scalar() && e.value.text() == masked) return true;
  }
  return false;
}

std::set<std::string> data_keys(const Node* obj) {
  std::set<std::string> keys;
  const Node* data = obj && obj->is_mapping() ? obj->find("data") : nullptr;
  if (data && data->is_mapping()) {
    for (const auto& e : data->entries()) keys.insert(e.key.text());
  }
  return keys;
}

}  // namespace

int build(kube::Client* client, const Scope& scope, const BuildOptions& opts, const Output& o) {
  if (opts.path.empty()) return o.failure("invalid resource path " + dq(opts.path));
  if (opts.dry_run && opts.kustomization_file.empty())
    return o.failure("dry-run mode requires a kustomization file");
  std::unique_ptr<kube::Client> offline;
  if (!client) {
    // Nothing is sent: an offline build reads no cluster object.
    kube::ClusterAccess none;
    none.server = "http://127.0.0.1:1";
    auto c = kube::Client::connect(none);
    if (!c.ok()) return o.failure(c.error().message);
    offline = std::move(*c);
    client = offline.get();
  }
  auto loaded = load_kustomization(opts.dry_run ? nullptr : client, scope, opts);
  if (!loaded.ok()) return o.failure(loaded.error().message);
  auto objects = build_objects(*client, loaded->ks, opts, opts.dry_run);
  if (!objects.ok()) return o.failure(objects.error().to_string());
  std::string out;
  for (const auto& obj : *objects) {
    auto model = core::to_json_model(obj, core::Schema::kYaml12);
    out += core::write_yaml(model.ok() ? *model : obj, core::YamlStyle::kustomize());
    out += "---\n";
  }
  o.out << out << std::flush;
  return 0;
}

int diff(kube::Client& client, const Scope& scope, const BuildOptions& opts, const Output& o) {
  std::error_code ec;
  if (opts.path.empty() || !std::filesystem::is_directory(opts.path, ec)) {
    o.failure("invalid resource path " + dq(opts.path));
    return 2;
  }
  auto loaded = load_kustomization(&client, scope, opts);
  if (!loaded.ok()) {
    o.failure(loaded.error().message);
    return 2;
  }
  auto objects = build_objects(client, loaded->ks, opts, false);
  if (!objects.ok()) {
    o.failure(objects.error().to_string());
    return 2;
  }
  Applier applier(client);
  auto previews = applier.preview(*objects, ApplyOptions{});
  if (!previews.ok()) {
    o.failure(previews.error().message);
    return 2;
  }
  std::string out;
  bool changed = false;
  std::set<std::string> desired_ids;
  for (auto& p : *previews) {
    desired_ids.insert(p.change.obj.id());
    std::string subject = p.change.obj.subject();
    Action action = p.change.action;
    // A SOPS Secret is compared by its keys only: its values are masked (flux2 diffSopsSecret).
    if (p.change.obj.kind == "Secret" && action == Action::kConfigured && p.desired) {
      for (const auto& obj : *objects) {
        if (ObjMeta::of(obj).id() == p.change.obj.id() && sops_masked(obj)) {
          action = data_keys(p.live ? &*p.live : nullptr) == data_keys(&obj) ? Action::kUnchanged
                                                                             : Action::kConfigured;
        }
      }
    }
    switch (action) {
      case Action::kSkipped:
        out += "► " + subject + " skipped\n";
        break;
      case Action::kCreated:
        out += "► " + subject + " created\n";
        changed = true;
        break;
      case Action::kConfigured: {
        out += "► " + subject + " drifted\n";
        Node live = p.live ? *p.live : Node::mapping();
        Node desired = p.desired ? *p.desired : Node::mapping();
        strip_managed_fields(live);
        strip_managed_fields(desired);
        if (p.change.obj.kind == "Secret" && p.change.obj.group.empty())
          mask_secret_data(live, desired);
        out += dyff_report(live, desired);
        changed = true;
        break;
      }
      default:
        break;
    }
  }
  // Objects in the inventory that the new build no longer has would be pruned.
  if (loaded->found && kube::text(loaded->ks, {"spec", "prune"}) == "true") {
    if (const Node* e = kube::at(loaded->ks, {"status", "inventory", "entries"});
        e && e->is_sequence()) {
      for (const auto& entry : e->items()) {
        auto m = ObjMeta::parse(kube::text(entry, {"id"}), kube::text(entry, {"v"}));
        if (!m || desired_ids.count(m->id())) continue;
        out += "► " + m->subject() + " deleted\n";
        changed = true;
      }
    }
  }
  o.out << out << std::flush;
  if (changed) {
    o.warning("identified at least one change, exiting with non-zero exit code");
    return 1;
  }
  return 0;
}

}  // namespace oc::controllers::verbs
