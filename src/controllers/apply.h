// Flux's apply engine (fluxcd/pkg ssa): server-side apply in stages with a dry-run drift test
// per object, so unchanged objects are not written; the change set; inventory ids; pruning of
// objects that left the source.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/node.h"
#include "kube/client.h"

namespace oc::controllers {

// An object's identity as Flux's inventory records it.
struct ObjMeta {
  std::string ns, name, group, kind, version;

  static ObjMeta of(const core::Node& obj);
  // "<ns>_<name>_<group>_<kind>" (cli-utils ObjMetadata.String(); ':' in names → "__").
  std::string id() const;
  // Parses an inventory entry back.
  static std::optional<ObjMeta> parse(const std::string& id, const std::string& version);
  // "Kind/ns/name" or "Kind/name", as Flux prints subjects.
  std::string subject() const;
  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
};

enum class Action { kCreated, kConfigured, kUnchanged, kSkipped, kDeleted, kUnknown };
std::string_view to_string(Action a);

struct Change {
  ObjMeta obj;
  Action action = Action::kUnknown;
};

struct ChangeSet {
  std::vector<Change> entries;
  // "Deployment/default/app configured\nService/default/app created" — the changed entries only.
  std::string summary() const;
  bool changed() const;
};

// Flux's annotation/label keys that steer the applier.
inline constexpr std::string_view kSsaKey = "kustomize.toolkit.fluxcd.io/ssa";
inline constexpr std::string_view kReconcileKey = "kustomize.toolkit.fluxcd.io/reconcile";
inline constexpr std::string_view kForceKey = "kustomize.toolkit.fluxcd.io/force";
inline constexpr std::string_view kPruneKey = "kustomize.toolkit.fluxcd.io/prune";

// The value of a label or an annotation (labels first), or "".
std::string meta_value(const core::Node& obj, std::string_view key);

struct ApplyOptions {
  std::string field_manager = "kustomize-controller";
  // spec.force: delete and recreate objects whose immutable fields changed.
  bool force = false;
  // How long stage 1 and 2 objects (CRDs, Namespaces, *Class kinds) may take to become ready.
  std::chrono::seconds stage_wait{60};
  // Checks whether an object is ready (kstatus); used for the staged waits.
  std::function<bool(const core::Node&)> is_current;
};

class Applier {
 public:
  explicit Applier(kube::Client& client) : client_(client) {}

  // Applies `objects` (already normalised) in Flux's stages. Every object is dry-run first and
  // applied only when it would change. The first failure stops the run: the error names the
  // object; objects of earlier stages stay applied, as in Flux.
  core::Result<ChangeSet> apply_staged(std::vector<core::Node> objects, const ApplyOptions& opts);

  // Deletes `stale` objects that still carry both owner labels with these values and no
  // prune/reconcile/ssa opt-out. Objects already gone count as deleted.
  core::Result<ChangeSet> prune(const std::vector<ObjMeta>& stale,
                                const std::map<std::string, std::string>& owner_labels);

  // Would-be changes without writing anything (for `diff`): dry-run actions per object, and the
  // dry-run result next to the live object.
  struct Preview {
    Change change;
    std::optional<core::Node> live;
    std::optional<core::Node> desired;
  };
  core::Result<std::vector<Preview>> preview(const std::vector<core::Node>& objects,
                                             const ApplyOptions& opts);

 private:
  core::Result<Change> apply_one(const core::Node& obj, const ApplyOptions& opts);
  core::Result<kube::ApiResource> resource(const ObjMeta& m);

  kube::Client& client_;
};

// Flux's normalisation before apply: default protocol TCP on container and Service ports,
// Secret stringData merged into data, metadata.creationTimestamp and status removed (CRDs keep
// status).
void normalize_for_apply(core::Node& obj);

// Flux's apply order: CRDs, Namespaces, ClusterRoles, the *Class kinds, … webhooks last.
void sort_for_apply(std::vector<core::Node>& objects);

// True when the dry-run result differs from the live object in anything but metadata (other
// than labels and annotations) and status.
bool drifted(const core::Node& live, const core::Node& dry_run);

}  // namespace oc::controllers
