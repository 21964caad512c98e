// Random kustomization trees for differential tests: a base of assorted workloads and the
// objects they refer to (ConfigMaps, Secrets, ServiceAccounts, Roles, PVCs, Services…), an
// overlay and sometimes a component, exercising namespaces, prefixes/suffixes, labels,
// annotations, images, replicas, strategic-merge and JSON patches (targeted or not),
// generators with behaviours, name references, vars and replacements. Deterministic per seed.
#pragma once

#include <map>
#include <random>
#include <string>
#include <vector>

namespace oc::kustomize::difftest {

class RandomTree {
 public:
  explicit RandomTree(uint32_t seed) : rng_(seed) {}

  // relative path → content; the kustomization to build is "overlay".
  std::map<std::string, std::string> generate() {
    files_.clear();
    names_.clear();
    make_base();
    make_component();
    make_overlay();
    return files_;
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return pick(100) < percent; }
  template <class T>
  const T& one(const std::vector<T>& v) {
    return v[pick(static_cast<int>(v.size()))];
  }

  std::string value() {
    static const std::vector<std::string> values = {
        "plain",
        "\"yes\"",
        "\"123\"",
        "\"on\"",
        "\"1.0\"",
        "'with: colon'",
        "true",
        "42",
        "3.5",
        "null",
        "\"\"",
        "hello world",
        "\"0777\"",
        "x-y_z.1",
        "\"a very long value that goes past the eighty column folding limit of the yaml emitter "
        "used by kustomize\""};
    return one(values);
  }

  std::string image() {
    static const std::vector<std::string> images = {"nginx",
                                                    "nginx:1.19",
                                                    "docker.io/library/nginx:1.21",
                                                    "registry:5000/app/web:v2",
                                                    "busybox@sha256:1234567890abcdef",
                                                    "quay.io/org/tool:1.0@sha256:abcdef0123456789",
                                                    "redis"};
    return one(images);
  }

  void add(const std::string& path, const std::string& content) { files_[path] = content; }

  std::string container(const std::string& name, bool refs) {
    std::string c = "      - name: " + name + "\n        image: " + image() + "\n";
    if (chance(50)) {
      c += "        ports:\n        - containerPort: " + std::to_string(8000 + pick(3)) + "\n";
      if (chance(50)) c += "          protocol: TCP\n";
    }
    if (refs && chance(60)) {
      c += "        env:\n        - name: FROM_CM\n          valueFrom:\n            "
           "configMapKeyRef:\n"
           "              name: " +
           one(config_maps_) + "\n              key: k\n";
      if (chance(50)) {
        c += "        - name: FROM_SECRET\n          valueFrom:\n            secretKeyRef:\n"
             "              name: " +
             one(secrets_) + "\n              key: s\n";
      }
      if (chance(40)) c += "        - name: PLAIN\n          value: " + value() + "\n";
      if (chance(30)) c += "        - name: VAR\n          value: $(SVC_NAME)\n";
    }
    if (refs && chance(40)) {
      c += "        envFrom:\n        - configMapRef:\n            name: " + one(config_maps_) +
           "\n";
    }
    if (chance(30)) c += "        args: [\"--flag\", \"$(SVC_NAME)\"]\n";
    return c;
  }

  std::string pod_spec(bool refs) {
    std::string s = "    spec:\n";
    if (refs && chance(50)) s += "      serviceAccountName: " + one(service_accounts_) + "\n";
    s += "      containers:\n" + container("main", refs);
    if (chance(40)) s += container("sidecar", refs);
    if (refs && chance(60)) {
      s += "      volumes:\n      - name: cfg\n        configMap:\n          name: " +
           one(config_maps_) + "\n";
      if (chance(50))
        s += "      - name: sec\n        secret:\n          secretName: " + one(secrets_) + "\n";
      if (chance(30))
        s += "      - name: data\n        persistentVolumeClaim:\n          claimName: claim\n";
    }
    return s;
  }

  std::string workload(const std::string& kind, const std::string& name) {
    std::string api = kind == "CronJob" || kind == "Job" ? "batch/v1" : "apps/v1";
    std::string d =
        "apiVersion: " + api + "\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n";
    if (chance(50)) d += "  labels:\n    app: " + name + "\n";
    if (chance(30)) d += "  annotations:\n    note: " + value() + "\n";
    d += "spec:\n";
    if (kind == "CronJob") {
      return d + "  schedule: \"*/5 * * * *\"\n  jobTemplate:\n    spec:\n      template:\n" +
             indent(pod_template(name), 4);
    }
    if (kind == "Deployment" || kind == "StatefulSet") {
      if (chance(50)) d += "  replicas: " + std::to_string(1 + pick(3)) + "\n";
      if (chance(60)) d += "  selector:\n    matchLabels:\n      app: " + name + "\n";
    }
    if (kind == "StatefulSet") {
      d += "  serviceName: " + one(services_) + "\n";
      if (chance(50)) {
        d += "  volumeClaimTemplates:\n  - metadata:\n      name: www\n    spec:\n"
             "      accessModes: [ReadWriteOnce]\n";
      }
    }
    return d + "  template:\n" + pod_template(name);
  }

  std::string pod_template(const std::string& name) {
    std::string t = "    metadata:\n      labels:\n        app: " + name + "\n";
    return t + pod_spec(true);
  }

  static std::string indent(const std::string& s, int n) {
    std::string pad(n, ' '), out;
    size_t pos = 0;
    while (pos < s.size()) {
      size_t nl = s.find('\n', pos);
      out += pad + s.substr(pos, nl - pos + 1);
      pos = nl == std::string::npos ? s.size() : nl + 1;
    }
    return out;
  }

  void make_base() {
    config_maps_ = {"app-config", "extra-config"};
    secrets_ = {"app-secret"};
    services_ = {"web", "api"};
    service_accounts_ = {"runner", "default"};
    std::string res;
    std::vector<std::string> docs;
    docs.push_back("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  k: " +
                   value() + "\n  other: " + value() + "\n");
    docs.push_back(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secret\ntype: Opaque\n"
        "data:\n  s: c2VjcmV0\n");
    docs.push_back("apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: runner\n");
    for (const auto& svc : services_) {
      std::string s = "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + svc +
                      "\nspec:\n  selector:\n    app: " + svc + "\n  ports:\n  - port: 80\n";
      if (chance(50)) s += "    targetPort: 8080\n  - port: 443\n    name: https\n";
      docs.push_back(s);
    }
    workloads_.clear();
    const std::vector<std::string> kinds = {"Deployment", "Deployment", "StatefulSet",
                                            "CronJob",    "DaemonSet",  "Job"};
    int n = 1 + pick(3);
    for (int i = 0; i < n; ++i) {
      std::string kind = one(kinds);
      std::string name = i == 0 ? "web" : "worker" + std::to_string(i);
      workloads_.push_back({kind, name});
      docs.push_back(workload(kind, name));
    }
    if (chance(60)) {
      docs.push_back(
          "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n"
          "rules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  resourceNames: [app-config]\n"
          "  verbs: [get]\n");
      std::string rb =
          "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n"
          "  name: read\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n"
          "  name: reader\nsubjects:\n- kind: ServiceAccount\n  name: runner\n";
      if (chance(40)) rb += "- kind: ServiceAccount\n  name: default\n";
      if (chance(30)) rb += "  namespace: other\n";
      docs.push_back(rb);
    }
    if (chance(40)) {
      docs.push_back(
          "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n"
          "  name: admin-ish\nrules: []\n---\napiVersion: rbac.authorization.k8s.io/v1\n"
          "kind: ClusterRoleBinding\nmetadata:\n  name: admin-ish\nroleRef:\n"
          "  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: admin-ish\n"
          "subjects:\n- kind: ServiceAccount\n  name: runner\n  namespace: default\n");
    }
    if (chance(50)) {
      docs.push_back(
          "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n"
          "  tls:\n  - secretName: app-secret\n  rules:\n  - host: example.com\n    http:\n"
          "      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n"
          "          service:\n            name: web\n            port:\n              number: "
          "80\n");
    }
    if (chance(40)) {
      docs.push_back(
          "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n"
          "spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n"
          "    name: web\n  minReplicas: 1\n  maxReplicas: 3\n");
    }
    if (chance(40)) {
      docs.push_back(
          "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: claim\nspec:\n"
          "  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n");
    }
    if (chance(40)) {
      docs.push_back(
          "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec:\n"
          "  items:\n  - name: a\n    value: 1\n  - name: b\n    value: 2\n  template:\n"
          "    spec:\n      containers:\n      - name: c\n        image: " +
          image() + "\n");
    }
    if (chance(30)) {
      docs.push_back(
          "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n"
          "  minAvailable: 1\n  selector:\n    matchLabels:\n      app: web\n");
    }
    if (chance(30)) {
      docs.push_back(
          "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np\n"
          "spec:\n  podSelector:\n    matchLabels:\n      app: web\n  ingress:\n  - from:\n"
          "    - podSelector:\n        matchLabels:\n          app: api\n");
    }
    // Split into a few files, some multi-document.
    std::string k = "resources:\n";
    size_t i = 0;
    int file_no = 0;
    while (i < docs.size()) {
      size_t take = 1 + pick(3);
      std::string content;
      for (size_t j = 0; j < take && i < docs.size(); ++j, ++i) {
        if (!content.empty()) content += "---\n";
        content += docs[i];
      }
      std::string name = "res" + std::to_string(file_no++) + ".yaml";
      add("base/" + name, content);
      k += "- " + name + "\n";
    }
    if (chance(50)) {
      k += "configMapGenerator:\n- name: generated\n  literals:\n  - a=" +
           std::to_string(pick(100)) + "\n  - b=" + value() + "\n";
      config_maps_.push_back("generated");
      if (chance(40)) k += "  options:\n    disableNameSuffixHash: true\n";
    }
    if (chance(40)) {
      k += "secretGenerator:\n- name: gen-secret\n  literals:\n  - password=hunter2\n";
      secrets_.push_back("gen-secret");
    }
    if (chance(40)) k += "commonLabels:\n  team: " + one(std::vector<std::string>{"a", "b"}) + "\n";
    if (chance(30)) k += "namePrefix: base-\n";
    if (chance(15)) k += "namespace: base-ns\n";
    if (chance(30)) {
      k += "vars:\n- name: SVC_NAME\n  objref:\n    apiVersion: v1\n    kind: Service\n    name: "
           "web\n"
           "  fieldref:\n    fieldPath: metadata.name\n";
    }
    add("base/kustomization.yaml", k);
  }

  void make_component() {
    has_component_ = chance(35);
    if (!has_component_) return;
    std::string c = "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n";
    if (chance(60)) {
      add("comp/extra.yaml",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: comp-config\n"
          "data:\n  feature: enabled\n");
      c += "resources:\n- extra.yaml\n";
    }
    c += "patches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n"
         "      name: not-used\n    spec:\n      template:\n        metadata:\n"
         "          annotations:\n            component: added\n  target:\n    kind: Deployment\n";
    if (chance(50)) c += "commonAnnotations:\n  from-component: \"true\"\n";
    add("comp/kustomization.yaml", c);
  }

  std::string smp_patch(const std::string& kind, const std::string& name) {
    std::string api = kind == "CronJob" || kind == "Job" ? "batch/v1" : "apps/v1";
    std::string p =
        "apiVersion: " + api + "\nkind: " + kind + "\nmetadata:\n  name: " + name + "\n";
    std::string spec_prefix = kind == "CronJob"
                                  ? "spec:\n  jobTemplate:\n    spec:\n      template:\n"
                                  : "spec:\n  template:\n";
    int pad = kind == "CronJob" ? 4 : 0;
    std::string body;
    switch (pick(6)) {
      case 0:
        body = "    spec:\n      containers:\n      - name: main\n        image: patched:" +
               std::to_string(pick(9)) + "\n";
        break;
      case 1:
        body = "    spec:\n      containers:\n      - name: added\n        image: added:1\n";
        break;
      case 2:
        body = "    spec:\n      containers:\n      - name: sidecar\n        $patch: delete\n";
        break;
      case 3:
        body =
            "    spec:\n      containers:\n      - name: main\n        env:\n        - name: NEW\n"
            "          value: " +
            value() + "\n";
        break;
      case 4:
        body = "    metadata:\n      labels:\n        patched: \"yes\"\n      annotations: null\n";
        break;
      default:
        body =
            "    spec:\n      containers:\n      - name: main\n        ports:\n"
            "        - containerPort: 9090\n          name: metrics\n";
        break;
    }
    return p + spec_prefix + indent(body, pad);
  }

  void make_overlay() {
    std::string k = "resources:\n- ../base\n";
    if (chance(20)) {
      add("overlay/ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n");
      k += "- ns.yaml\n";
    }
    if (chance(30)) {
      add("overlay/extra.yaml",
          "apiVersion: v1\nkind: Service\nmetadata:\n  name: extra\nspec:\n"
          "  selector:\n    app: extra\n  ports:\n  - port: 8080\n");
      k += "- extra.yaml\n";
    }
    if (has_component_) k += "components:\n- ../comp\n";
    if (chance(60))
      k += "namespace: " + one(std::vector<std::string>{"prod", "staging", "default"}) + "\n";
    if (chance(50)) k += "namePrefix: " + one(std::vector<std::string>{"p-", "team-"}) + "\n";
    if (chance(30)) k += "nameSuffix: -v2\n";
    if (chance(40))
      k += "commonLabels:\n  env: " + one(std::vector<std::string>{"prod", "dev"}) + "\n";
    if (chance(40)) {
      k += "labels:\n- pairs:\n    owner: " + one(std::vector<std::string>{"me", "\"123\""}) + "\n";
      if (chance(50)) k += "  includeSelectors: true\n";
      if (chance(50)) k += "  includeTemplates: true\n";
    }
    if (chance(40)) k += "commonAnnotations:\n  revision: " + value() + "\n";
    if (chance(50)) {
      k += "images:\n- name: nginx\n";
      switch (pick(4)) {
        case 0:
          k += "  newTag: \"1.25\"\n";
          break;
        case 1:
          k += "  newName: mirror/nginx\n";
          break;
        case 2:
          k += "  digest: sha256:feedface\n";
          break;
        default:
          k += "  newName: mirror/nginx\n  newTag: stable\n";
          break;
      }
      if (chance(40)) k += "- name: redis\n  newTag: \"7\"\n";
    }
    if (chance(30)) {
      for (const auto& w : workloads_) {
        if (w.first == "Deployment" || w.first == "StatefulSet") {
          k +=
              "replicas:\n- name: " + w.second + "\n  count: " + std::to_string(2 + pick(5)) + "\n";
          break;
        }
      }
    }
    std::string patches;
    const auto& w = one(workloads_);
    if (w.first != "Job" && w.first != "DaemonSet" && chance(60)) {
      add("overlay/patch.yaml", smp_patch(w.first, w.second));
      patches += "- path: patch.yaml\n";
    }
    if (chance(40)) {
      patches +=
          "- patch: |-\n    - op: add\n      path: /metadata/annotations\n      value:\n"
          "        json-patched: \"true\"\n  target:\n    kind: Service\n";
      if (chance(50)) patches += "    name: w.*\n";
    }
    if (chance(30)) {
      patches +=
          "- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: any\n"
          "    data:\n      patched: " +
          value() +
          "\n  target:\n    kind: ConfigMap\n"
          "    labelSelector: \"team\"\n";
    }
    if (chance(25)) {
      patches +=
          "- patch: |-\n    - op: replace\n      path: /spec/ports/0/port\n      value: 81\n"
          "  target:\n    version: v1\n    kind: Service\n    name: web\n";
    }
    if (chance(20)) {
      // A JSON patch over every Deployment (a list append and a map replaced wholesale).
      patches +=
          "- patch: |-\n    - op: add\n      path: /spec/template/spec/containers/0/args\n"
          "      value: [\"--json\"]\n    - op: add\n      path: "
          "/spec/template/metadata/annotations\n"
          "      value:\n        rolled: \"1\"\n  target:\n    kind: Deployment\n";
    }
    if (!patches.empty()) k += "patches:\n" + patches;
    // The deprecated patch fields, still common in Flux repositories.
    const auto& w2 = one(workloads_);
    if (w2.first != "Job" && w2.first != "DaemonSet" && chance(20)) {
      add("overlay/psm.yaml", smp_patch(w2.first, w2.second));
      k += "patchesStrategicMerge:\n- psm.yaml\n";
    }
    if (chance(20)) {
      k += "patchesJson6902:\n- target:\n    version: v1\n    kind: Service\n    name: " +
           one(services_) +
           "\n  patch: |-\n    - op: " + one(std::vector<std::string>{"add", "replace"}) +
           "\n      path: /metadata/annotations/j6902\n      value: \"x\"\n";
    }
    if (chance(40)) {
      k += "configMapGenerator:\n- name: app-config\n  behavior: " +
           one(std::vector<std::string>{"merge", "replace"}) + "\n  literals:\n  - k=overlay\n";
      if (chance(50)) {
        add("overlay/app.env", "# comment\nFOO=bar\nEMPTY=\n  SPACED=value with spaces\n");
        k += "  envs:\n  - app.env\n";
      }
    }
    if (chance(30)) {
      add("overlay/config.properties", "line1\nline2: x\n");
      k += "secretGenerator:\n- name: overlay-secret\n  files:\n  - config.properties\n  type: "
           "Opaque\n";
    }
    if (chance(25)) k += "generatorOptions:\n  labels:\n    generated: \"true\"\n";
    if (chance(30)) {
      k += "replacements:\n- source:\n    kind: ConfigMap\n    name: app-config\n    fieldPath: "
           "data.k\n"
           "  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n"
           "    - metadata.annotations.replaced\n    options:\n      create: true\n";
    }
    if (chance(25)) {
      k += "replacements:\n- source:\n    kind: Service\n    name: web\n    fieldPath: "
           "spec.ports.0.port\n"
           "  targets:\n  - select:\n      kind: ConfigMap\n      name: app-config\n    "
           "fieldPaths:\n"
           "    - data.port\n    options:\n      create: true\n";
    }
    if (chance(25)) {
      k += "buildMetadata: [" +
           one(std::vector<std::string>{"originAnnotations", "transformerAnnotations",
                                        "managedByLabel",
                                        "originAnnotations, transformerAnnotations"}) +
           "]\n";
    }
    if (chance(40)) k += "sortOptions:\n  order: fifo\n";
    add("overlay/kustomization.yaml", k);
  }

  std::mt19937 rng_;
  std::map<std::string, std::string> files_;
  std::vector<std::string> names_;
  std::vector<std::string> config_maps_, secrets_, services_, service_accounts_;
  std::vector<std::pair<std::string, std::string>> workloads_;
  bool has_component_ = false;
};

}  // namespace oc::kustomize::difftest
