#include "controllers/flux.h"

#include <thread>

#include "controllers/conditions.h"
#include "controllers/runtime.h"
#include "core/json.h"
#include "kube/object.h"

namespace oc::controllers {

using core::Node;

const kube::ApiResource kGitRepositoryResource{"source.toolkit.fluxcd.io", "v1", "gitrepositories",
                                               "GitRepository", true};
const kube::ApiResource kKustomizationResource{"kustomize.toolkit.fluxcd.io", "v1", "kustomizations",
                                               "Kustomization", true};
const kube::ApiResource kSecretResource{"", "v1", "secrets", "Secret", true};
const kube::ApiResource kConfigMapResource{"", "v1", "configmaps", "ConfigMap", true};

namespace {

struct CrdSpec {
  const char* group;
  const char* kind;
  const char* plural;
  const char* short_name;  // "" for none
  const char* category;    // fluxcd-sources, fluxcd-appliers, fluxcd-notifications
  const char* version;
  std::vector<std::pair<const char*, const char*>> columns_before_age;  // name, jsonPath
  std::vector<std::pair<const char*, const char*>> spec_defaults;       // field, default
  bool ready_columns = true;
  bool status = true;
};

Node column(const std::string& name, const std::string& path, const std::string& type) {
  Node c = Node::mapping();
  c.set("jsonPath", Node::string(path));
  c.set("name", Node::string(name));
  c.set("type", Node::string(type));
  return c;
}

Node crd_for(const CrdSpec& s) {
  std::string kind = s.kind;
  std::string lower;
  for (char c : kind) lower.push_back(char(std::tolower(static_cast<unsigned char>(c))));
  Node crd = Node::mapping();
  crd.set("apiVersion", Node::string("apiextensions.k8s.io/v1"));
  crd.set("kind", Node::string("CustomResourceDefinition"));
  Node meta = Node::mapping();
  meta.set("name", Node::string(std::string(s.plural) + "." + s.group));
  Node labels = Node::mapping();
  labels.set("app.kubernetes.io/part-of", Node::string("opencenter"));
  meta.set("labels", std::move(labels));
  crd.set("metadata", std::move(meta));
  Node spec = Node::mapping();
  spec.set("group", Node::string(s.group));
  Node names = Node::mapping();
  Node cats = Node::sequence();
  cats.push_back(Node::string("all"));
  cats.push_back(Node::string("fluxcd"));
  cats.push_back(Node::string(s.category));
  names.set("categories", std::move(cats));
  names.set("kind", Node::string(kind));
  names.set("listKind", Node::string(kind + "List"));
  names.set("plural", Node::string(s.plural));
  if (*s.short_name) {
    Node sn = Node::sequence();
    sn.push_back(Node::string(s.short_name));
    names.set("shortNames", std::move(sn));
  }
  names.set("singular", Node::string(lower));
  spec.set("names", std::move(names));
  spec.set("scope", Node::string("Namespaced"));
  Node version = Node::mapping();
  Node cols = Node::sequence();
  for (const auto& [n, p] : s.columns_before_age) cols.push_back(column(n, p, "string"));
  cols.push_back(column("Age", ".metadata.creationTimestamp", "date"));
  if (s.ready_columns) {
    cols.push_back(column("Ready", ".status.conditions[?(@.type==\"Ready\")].status", "string"));
    cols.push_back(column("Status", ".status.conditions[?(@.type==\"Ready\")].message", "string"));
  }
  version.set("additionalPrinterColumns", std::move(cols));
  version.set("name", Node::string(s.version));
  Node schema = Node::mapping();
  schema.set("type", Node::string("object"));
  Node props = Node::mapping();
  Node spec_schema = Node::mapping();
  spec_schema.set("type", Node::string("object"));
  spec_schema.set("x-kubernetes-preserve-unknown-fields", Node::boolean(true));
  if (!s.spec_defaults.empty()) {
    Node sp = Node::mapping();
    for (const auto& [field, def] : s.spec_defaults) {
      Node f = Node::mapping();
      f.set("type", Node::string("string"));
      f.set("default", Node::string(def));
      sp.set(field, std::move(f));
    }
    spec_schema.set("properties", std::move(sp));
  }
  props.set("spec", std::move(spec_schema));
  if (s.status) {
    Node st = Node::mapping();
    st.set("type", Node::string("object"));
    st.set("x-kubernetes-preserve-unknown-fields", Node::boolean(true));
    Node def = Node::mapping();
    def.set("observedGeneration", Node::integer(-1));
    st.set("default", std::move(def));
    props.set("status", std::move(st));
  }
  schema.set("properties", std::move(props));
  Node wrapper = Node::mapping();
  wrapper.set("openAPIV3Schema", std::move(schema));
  version.set("schema", std::move(wrapper));
  version.set("served", Node::boolean(true));
  version.set("storage", Node::boolean(true));
  if (s.status) {
    Node sub = Node::mapping();
    sub.set("status", Node::mapping());
    version.set("subresources", std::move(sub));
  }
  Node versions = Node::sequence();
  versions.push_back(std::move(version));
  spec.set("versions", std::move(versions));
  crd.set("spec", std::move(spec));
  return crd;
}

}  // namespace

std::vector<Node> flux_crds() {
  std::vector<CrdSpec> specs = {
      {"source.toolkit.fluxcd.io", "GitRepository", "gitrepositories", "gitrepo", "fluxcd-sources", "v1",
       {{"URL", ".spec.url"}}, {{"timeout", "60s"}}},
      {"source.toolkit.fluxcd.io", "HelmRepository", "helmrepositories", "helmrepo", "fluxcd-sources", "v1",
       {{"URL", ".spec.url"}}, {{"provider", "generic"}}},
      {"source.toolkit.fluxcd.io", "HelmChart", "helmcharts", "hc", "fluxcd-sources", "v1",
       {{"Chart", ".spec.chart"}, {"Version", ".spec.version"}, {"Source Kind", ".spec.sourceRef.kind"},
        {"Source Name", ".spec.sourceRef.name"}},
       {{"reconcileStrategy", "ChartVersion"}, {"version", "*"}}},
      {"source.toolkit.fluxcd.io", "OCIRepository", "ocirepositories", "ocirepo", "fluxcd-sources", "v1",
       {{"URL", ".spec.url"}}, {{"provider", "generic"}, {"timeout", "60s"}}},
      {"source.toolkit.fluxcd.io", "Bucket", "buckets", "", "fluxcd-sources", "v1",
       {{"Endpoint", ".spec.endpoint"}}, {{"provider", "generic"}, {"timeout", "60s"}}},
      {"kustomize.toolkit.fluxcd.io", "Kustomization", "kustomizations", "ks", "fluxcd-appliers", "v1", {}, {}},
      {"helm.toolkit.fluxcd.io", "HelmRelease", "helmreleases", "hr", "fluxcd-appliers", "v2", {}, {}},
      {"notification.toolkit.fluxcd.io", "Provider", "providers", "", "fluxcd-notifications", "v1beta3", {}, {},
       false, false},
      {"notification.toolkit.fluxcd.io", "Alert", "alerts", "", "fluxcd-notifications", "v1beta3", {},
       {{"eventSeverity", "info"}}, false, false},
      {"notification.toolkit.fluxcd.io", "Receiver", "receivers", "", "fluxcd-notifications", "v1", {},
       {{"interval", "10m"}}},
  };
  std::vector<Node> out;
  for (const auto& s : specs) out.push_back(crd_for(s));
  return out;
}

core::Status install_crds(kube::Client& client) {
  const kube::ApiResource crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions",
                               "CustomResourceDefinition", false};
  for (const auto& crd : flux_crds()) {
    std::string name = kube::text(crd, {"metadata", "name"});
    auto live = client.get(crds, "", name);
    if (live.ok()) continue;
    if (live.error().code != 404) return live.error();
    auto created = client.create(crds, "", crd);
    if (!created.ok() && created.error().code != 409) return created.error();
  }
  // Wait until discovery serves the kinds.
  for (int i = 0; i < 100; ++i) {
    if (client.resource_for("kustomize.toolkit.fluxcd.io/v1", "Kustomization").ok() &&
        client.resource_for("source.toolkit.fluxcd.io/v1", "GitRepository").ok()) {
      return core::Status();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return core::Error("the Flux CRDs were created but the API server does not serve them");
}

core::Result<std::chrono::nanoseconds> spec_duration(const Node& obj, const char* field,
                                                     std::chrono::nanoseconds fallback) {
  std::string v = kube::text(obj, {"spec", field});
  if (v.empty()) return fallback;
  auto d = kube::parse_duration(v);
  if (!d || d->count() < 0) {
    return core::Error("spec." + std::string(field) + ": invalid duration \"" + v + "\"");
  }
  return *d;
}

void echo_reconcile_request(Node& obj) {
  const Node* ann = kube::at(obj, {"metadata", "annotations"});
  const Node* v = ann && ann->is_mapping() ? ann->find(kRequestedAtAnnotation) : nullptr;
  if (v && v->is_scalar() && !v->text().empty()) {
    kube::ensure(obj, {"status"}).set("lastHandledReconcileAt", Node::string(v->text()));
  }
}

void set_observed_generation_if_settled(Node& obj) {
  if (condition_status(obj, kReady) == "True" || condition_status(obj, kStalled) == "True") {
    kube::ensure(obj, {"status"}).set("observedGeneration", Node::integer(kube::generation(obj)));
  }
}

bool suspended(const Node& obj) { return kube::text(obj, {"spec", "suspend"}) == "true"; }

}  // namespace oc::controllers
