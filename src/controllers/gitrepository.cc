#include "controllers/gitrepository.h"

#include <filesystem>

#include "controllers/conditions.h"
#include "controllers/flux.h"
#include "core/base64.h"
#include "git/git.h"
#include "kube/object.h"
#include "source/artifact.h"

namespace oc::controllers {

using core::Node;

namespace {

constexpr const char* kKind = "GitRepository";

// The Secret's data (base64-decoded) for spec.secretRef.
core::Result<git::Credentials> credentials(kube::Client& client, const Node& obj) {
  git::Credentials c;
  std::string secret = kube::text(obj, {"spec", "secretRef", "name"});
  if (secret.empty()) return c;
  std::string ns = kube::text(obj, {"metadata", "namespace"});
  auto s = client.get(kSecretResource, ns, secret);
  if (!s.ok()) {
    return core::Error("failed to get secret '" + ns + "/" + secret + "': " + s.error().message);
  }
  auto field = [&](const char* key) -> std::string {
    std::string v = kube::text(*s, {"data", key});
    if (v.empty()) return "";
    auto d = core::base64_decode(v);
    return d ? *d : "";
  };
  c.username = field("username");
  c.password = field("password");
  c.bearer_token = field("bearerToken");
  c.identity = field("identity");
  c.identity_passphrase = field("password");
  c.known_hosts = field("known_hosts");
  c.ca_pem = field("ca.crt");
  if (!c.identity.empty()) c.password.clear();
  return c;
}

std::string first_line(const std::string& s) {
  size_t nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

std::string sanitize(std::string s) {
  for (char& c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
  }
  return s;
}

}  // namespace

GitRepositoryReconciler::GitRepositoryReconciler(kube::Client& client, source::Storage& storage,
                                                 EventRecorder& events, Logger& log, Metrics& metrics,
                                                 std::string work_dir)
    : client_(client), storage_(storage), events_(events), log_(log), metrics_(metrics),
      work_dir_(std::move(work_dir)) {
  std::filesystem::create_directories(work_dir_ + "/git");
  std::filesystem::create_directories(work_dir_ + "/tmp");
}

Outcome GitRepositoryReconciler::reconcile(const std::string& ns, const std::string& name) {
  auto got = client_.get(kGitRepositoryResource, ns, name);
  if (!got.ok()) {
    if (got.error().code == 404) {
      metrics_.forget(kKind, ns, name);
      return Outcome::done();
    }
    return Outcome::error();
  }
  Node obj = std::move(*got);
  LogFields lf = {{"controller", "gitrepository"}, {"controllerGroup", "source.toolkit.fluxcd.io"},
                  {"controllerKind", kKind}, {"name", name}, {"namespace", ns}};

  // Deletion: remove the artifacts, then the finalizer.
  if (!kube::text(obj, {"metadata", "deletionTimestamp"}).empty()) {
    storage_.remove_all("gitrepository", ns, name);
    if (has_finalizer(obj, kFluxFinalizer)) set_finalizer(client_, kGitRepositoryResource, obj, kFluxFinalizer, false);
    metrics_.forget(kKind, ns, name);
    return Outcome::done();
  }
  if (!has_finalizer(obj, kFluxFinalizer)) {
    auto updated = set_finalizer(client_, kGitRepositoryResource, obj, kFluxFinalizer, true);
    if (!updated.ok()) return Outcome::error();
    obj = std::move(*updated);
  }
  const Node before = obj;
  metrics_.set_suspended(kKind, ns, name, suspended(obj));
  if (suspended(obj)) {
    echo_reconcile_request(obj);
    patch_status(client_, kGitRepositoryResource, before, obj);
    log_.info("Reconciliation is suspended for this object", lf);
    return Outcome::done();
  }

  auto interval = spec_duration(obj, "interval", std::chrono::minutes(1));
  auto timeout = spec_duration(obj, "timeout", std::chrono::seconds(60));
  auto fail = [&](const std::string& type, const std::string& reason, const std::string& message,
                  bool stalled) {
    if (!type.empty()) set_condition(obj, type, "True", reason, message);
    set_condition(obj, kReady, "False", reason, message);
    if (stalled) {
      set_condition(obj, kStalled, "True", reason, message);
      remove_condition(obj, kReconciling);
    } else {
      set_condition(obj, kReconciling, "True", kProgressingWithRetry, message);
    }
    set_observed_generation_if_settled(obj);
    echo_reconcile_request(obj);
    patch_status(client_, kGitRepositoryResource, before, obj);
    metrics_.set_condition(kKind, ns, name, "Ready", "False");
    events_.emit(obj, true, reason, message);
    LogFields f = lf;
    f.emplace_back("error", message);
    log_.error("Reconciler error", f);
  };
  if (!interval.ok() || !timeout.ok()) {
    fail("", "InvalidInterval", (!interval.ok() ? interval.error() : timeout.error()).message, true);
    return Outcome::done();
  }
  std::string url = kube::text(obj, {"spec", "url"});
  if (url.empty()) {
    fail("", "URLInvalid", "spec.url is required", true);
    return Outcome::done();
  }
  // What we fetch.
  git::FetchOptions fo;
  fo.url = url;
  fo.ref.branch = kube::text(obj, {"spec", "ref", "branch"});
  fo.ref.tag = kube::text(obj, {"spec", "ref", "tag"});
  fo.ref.semver = kube::text(obj, {"spec", "ref", "semver"});
  fo.ref.name = kube::text(obj, {"spec", "ref", "name"});
  fo.ref.commit = kube::text(obj, {"spec", "ref", "commit"});
  fo.timeout_seconds = int(std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(*timeout).count()));
  auto creds = credentials(client_, obj);
  if (!creds.ok()) {
    fail("FetchFailed", "AuthenticationFailed", creds.error().message, false);
    return Outcome::error();
  }
  fo.credentials = std::move(*creds);
  std::optional<std::string> ignore;
  if (const Node* ig = kube::at(obj, {"spec", "ignore"}); ig && ig->is_scalar() && !ig->is_null()) ignore = ig->text();

  // Nothing to do when the remote still points at the stored revision and the content
  // configuration did not change.
  auto remote = git::resolve(fo);
  if (!remote.ok()) {
    fail("FetchFailed", "GitOperationFailed",
         "failed to checkout and determine revision: " + remote.error().message, false);
    return Outcome::error();
  }
  source::Artifact current;
  bool have_artifact = false;
  if (const Node* a = kube::at(obj, {"status", "artifact"}); a && a->is_mapping()) {
    current.path = kube::text(*a, {"path"});
    current.url = kube::text(*a, {"url"});
    current.revision = kube::text(*a, {"revision"});
    current.digest = kube::text(*a, {"digest"});
    have_artifact = !current.path.empty() && storage_.verify(current);
  }
  std::string observed_ignore = kube::text(obj, {"status", "observedIgnore"});
  bool unchanged = have_artifact && current.revision == remote->revision &&
                   observed_ignore == ignore.value_or("") && kube::generation(obj) > 0 &&
                   kube::text(obj, {"status", "observedGeneration"}) == std::to_string(kube::generation(obj));
  std::string message;
  if (!unchanged) {
    std::string tmp = work_dir_ + "/tmp/" + sanitize(ns + "-" + name) + "-" + kube::new_uid();
    std::string cache = work_dir_ + "/git/" + sanitize(url);
    auto commit = git::checkout(fo, cache, tmp);
    if (!commit.ok()) {
      std::error_code ec;
      std::filesystem::remove_all(tmp, ec);
      fail("FetchFailed", "GitOperationFailed",
           "failed to checkout and determine revision: " + commit.error().message, false);
      return Outcome::error();
    }
    auto rules = source::IgnoreRules::load(tmp, ignore);
    core::Result<source::Artifact> art = rules.ok()
        ? storage_.archive("gitrepository", ns, name, commit->hash + ".tar.gz", tmp, *rules, commit->revision)
        : core::Result<source::Artifact>(rules.error());
    std::error_code ec;
    std::filesystem::remove_all(tmp, ec);
    if (!art.ok()) {
      fail("StorageOperationFailed", "ArchiveOperationFailed", "failed to archive: " + art.error().message, false);
      return Outcome::error();
    }
    storage_.garbage_collect(*art);
    Node a = Node::mapping();
    a.set("digest", Node::string(art->digest));
    a.set("lastUpdateTime", Node::string(art->last_update_time));
    a.set("path", Node::string(art->path));
    a.set("revision", Node::string(art->revision));
    a.set("size", Node::integer(art->size));
    a.set("url", Node::string(art->url));
    Node& status = kube::ensure(obj, {"status"});
    status.set("artifact", std::move(a));
    if (ignore) {
      status.set("observedIgnore", Node::string(*ignore));
    } else {
      status.erase("observedIgnore");
    }
    message = "stored artifact for revision '" + art->revision + "'";
    bool new_revision = current.revision != art->revision;
    if (new_revision) {
      events_.emit(obj, false, "NewArtifact", "stored artifact for commit '" + first_line(commit->message) + "'",
                   {{"source.toolkit.fluxcd.io/revision", art->revision}});
    }
    LogFields f = lf;
    f.emplace_back("revision", art->revision);
    log_.info(message, f);
  } else {
    message = "stored artifact for revision '" + current.revision + "'";
  }
  bool was_failing = condition_status(obj, kReady) == "False";
  remove_condition(obj, "FetchFailed");
  remove_condition(obj, "StorageOperationFailed");
  remove_condition(obj, "ArtifactOutdated");
  remove_condition(obj, kReconciling);
  remove_condition(obj, kStalled);
  set_condition(obj, "ArtifactInStorage", "True", kSucceeded, message);
  set_condition(obj, kReady, "True", kSucceeded, message);
  set_observed_generation_if_settled(obj);
  echo_reconcile_request(obj);
  auto patched = patch_status(client_, kGitRepositoryResource, before, obj);
  if (!patched.ok()) return Outcome::error();
  metrics_.set_condition(kKind, ns, name, "Ready", "True");
  if (was_failing) events_.emit(obj, false, kSucceeded.data(), message);
  return Outcome::requeue_after(jitter(*interval));
}

}  // namespace oc::controllers
