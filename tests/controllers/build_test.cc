// The Kustomization build half (generator, kustomize build, decryption, substitution, owner
// labels) on in-memory artifacts, without a cluster.
#include <gtest/gtest.h>

#include "controllers/events.h"
#include "controllers/kustomization.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/yaml.h"
#include "crypto/age_keys.h"
#include "crypto/sops.h"
#include "kube/object.h"

namespace oc::controllers {
namespace {

core::Node yaml(const std::string& s) {
  auto n = core::parse_yaml(s);
  EXPECT_TRUE(n.ok()) << s;
  auto m = core::to_json_model(*n, core::Schema::kYaml12);
  return m.ok() ? *m : core::Node();
}

const char* kDeploy = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
)";

const char* kConfigMap = R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: apps
data:
  greeting: hello ${name:=world}
)";

class Build : public ::testing::Test {
 protected:
  Build() {
    kube::ClusterAccess access;
    access.server = "http://127.0.0.1:1";  // never contacted by these tests
    auto client = kube::Client::connect(access);
    client_ = std::move(*client);
    events_ = std::make_unique<EventRecorder>(*client_, "kustomize-controller");
    cache_ = std::make_unique<ArtifactCache>([](const std::string&, const std::string&) {
      return core::Result<std::map<std::string, std::string>>(core::Error("no fetching in this test"));
    });
    reconciler_ = std::make_unique<KustomizationReconciler>(*client_, *cache_, *events_, log_, metrics_);
  }
  core::Result<std::vector<core::Node>> build(const std::string& ks_yaml, std::map<std::string, std::string> files) {
    return reconciler_->build(yaml(ks_yaml), ArtifactTree::from(std::move(files)));
  }
  std::unique_ptr<kube::Client> client_;
  std::unique_ptr<EventRecorder> events_;
  std::unique_ptr<ArtifactCache> cache_;
  Logger log_;
  Metrics metrics_;
  std::unique_ptr<KustomizationReconciler> reconciler_;
};

const char* kKs = R"(apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
  prune: true
  interval: 1m
  sourceRef: {kind: GitRepository, name: fleet}
)";

TEST_F(Build, GeneratesAKustomizationForPlainManifests) {
  auto objs = build(kKs, {{"apps/deploy.yaml", kDeploy},
                          {"apps/notes.txt", "not yaml"},
                          {"apps/sub/cm.yaml", kConfigMap},
                          {"apps/base/kustomization.yaml", "resources: [svc.yaml]\n"},
                          {"apps/base/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: apps}\nspec: {ports: [{port: 80}]}\n"},
                          {"apps/base/ignored.yaml", "apiVersion: v1\nkind: Secret\nmetadata: {name: not-listed}\n"},
                          {"other/x.yaml", kConfigMap}});
  ASSERT_TRUE(objs.ok()) << objs.error().to_string();
  // Lexical walk: base/ (as one kustomization), deploy.yaml, sub/cm.yaml; not base/ignored.yaml.
  ASSERT_EQ(objs->size(), 3u);
  EXPECT_EQ(kube::text((*objs)[0], {"kind"}), "Service");
  EXPECT_EQ(kube::text((*objs)[1], {"kind"}), "Deployment");
  EXPECT_EQ(kube::text((*objs)[2], {"kind"}), "ConfigMap");
  for (const auto& o : *objs) {
    EXPECT_EQ(kube::text(o, {"metadata", "labels", "kustomize.toolkit.fluxcd.io/name"}), "apps");
    EXPECT_EQ(kube::text(o, {"metadata", "labels", "kustomize.toolkit.fluxcd.io/namespace"}), "flux-system");
  }
  // Normalised: ports get protocol TCP.
  EXPECT_NE(core::write_json((*objs)[1]).value_or("").find("\"protocol\":\"TCP\""), std::string::npos);
  // No postBuild: ${...} is left alone.
  EXPECT_EQ(kube::text((*objs)[2], {"data", "greeting"}), "hello ${name:=world}");
}

TEST_F(Build, NonKubernetesYamlInAPlainDirectoryIsAnError) {
  auto objs = build(kKs, {{"apps/values.yaml", "replicas: 3\n"}});
  ASSERT_FALSE(objs.ok());
  EXPECT_NE(objs.error().to_string().find("failed to decode Kubernetes YAML from apps/values.yaml"), std::string::npos)
      << objs.error().to_string();
}

TEST_F(Build, MissingPathAndInvalidYamlNameTheProblem) {
  auto missing = build(R"(apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec: {path: ./nope, prune: true, interval: 1m, sourceRef: {kind: GitRepository, name: fleet}})",
                       {{"apps/deploy.yaml", kDeploy}});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().to_string().find("kustomization path not found"), std::string::npos);
  auto broken = build(kKs, {{"apps/kustomization.yaml", "resources: [deploy.yaml]\n"},
                            {"apps/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x\n"}});
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().to_string().find("deploy.yaml"), std::string::npos) << broken.error().to_string();
}

TEST_F(Build, SpecFieldsAreMergedIntoTheKustomization) {
  auto objs = build(R"(apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
  prune: true
  interval: 1m
  sourceRef: {kind: GitRepository, name: fleet}
  targetNamespace: prod
  namePrefix: p-
  images:
  - name: nginx
    newTag: "1.28"
  patches:
  - patch: |
      - op: replace
        path: /spec/replicas
        value: 2
    target: {kind: Deployment}
  commonMetadata:
    labels: {team: web}
    annotations: {owner: ops}
)",
                    {{"apps/kustomization.yaml", "resources: [deploy.yaml]\nimages:\n- name: nginx\n  newName: registry.local/nginx\n"},
                     {"apps/deploy.yaml", kDeploy}});
  ASSERT_TRUE(objs.ok()) << objs.error().to_string();
  ASSERT_EQ(objs->size(), 1u);
  const core::Node& d = (*objs)[0];
  EXPECT_EQ(kube::text(d, {"metadata", "name"}), "p-web");
  EXPECT_EQ(kube::text(d, {"metadata", "namespace"}), "prod");
  EXPECT_EQ(kube::text(d, {"spec", "replicas"}), "2");
  EXPECT_EQ(kube::text(d, {"metadata", "labels", "team"}), "web");
  EXPECT_EQ(kube::text(d, {"metadata", "annotations", "owner"}), "ops");
  std::string json = core::write_json(d).value_or("");
  // The partial image override keeps newName from the file (Flux ≥ 1.9.4).
  EXPECT_NE(json.find("registry.local/nginx:1.28"), std::string::npos) << json;
}

TEST_F(Build, PostBuildSubstitution) {
  std::string ks = std::string(kKs) + "  postBuild:\n    substitute:\n      name: opencenter\n";
  auto objs = build(ks, {{"apps/cm.yaml", kConfigMap},
                         {"apps/raw.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: raw\n  namespace: apps\n"
                                           "  annotations: {kustomize.toolkit.fluxcd.io/substitute: disabled}\n"
                                           "data: {x: \"${untouched}\"}\n"}});
  ASSERT_TRUE(objs.ok()) << objs.error().to_string();
  ASSERT_EQ(objs->size(), 2u);
  EXPECT_EQ(kube::text((*objs)[0], {"data", "greeting"}), "hello opencenter");
  EXPECT_EQ(kube::text((*objs)[1], {"data", "x"}), "${untouched}");
  // Strict mode: an undefined variable without a default fails and names it.
  auto strict = build(ks, {{"apps/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: s, namespace: apps}\ndata: {x: \"${missing}\"}\n"}});
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.error().to_string().find("missing"), std::string::npos) << strict.error().to_string();
  EXPECT_NE(strict.error().to_string().find("ConfigMap/apps/s"), std::string::npos) << strict.error().to_string();
}

TEST_F(Build, SopsEncryptedResourcesNeedDecryption) {
  auto id = crypto::age::X25519Identity::generate();
  crypto::sops::EncryptSpec spec;
  spec.recipients = {{id.recipient().to_string()}};
  spec.rules.encrypted_regex = "^(data|stringData)$";
  std::string plain = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  password: s3cr3t-value\n";
  auto enc = crypto::sops::encrypt_document(plain, "secret.yaml", crypto::sops::Format::kYaml,
                                            crypto::sops::Format::kYaml, {}, spec);
  ASSERT_TRUE(enc.ok()) << enc.error().to_string();
  ASSERT_EQ(enc->find("s3cr3t-value"), std::string::npos);
  auto objs = build(kKs, {{"apps/secret.yaml", *enc}});
  ASSERT_FALSE(objs.ok());
  EXPECT_NE(objs.error().to_string().find("Secret/apps/db is SOPS encrypted, configuring decryption is required"),
            std::string::npos)
      << objs.error().to_string();
}

TEST_F(Build, EncryptedGeneratorSourcesAreDecryptedBeforeTheBuild) {
  auto id = crypto::age::X25519Identity::generate();
  crypto::sops::EncryptSpec spec;
  spec.recipients = {{id.recipient().to_string()}};
  auto enc = crypto::sops::encrypt_document("TOKEN=s3cr3t-value\n", "app.env",
                                            crypto::sops::Format::kDotenv,
                                            crypto::sops::Format::kDotenv, {}, spec);
  ASSERT_TRUE(enc.ok()) << enc.error().to_string();
  std::string ks = std::string(kKs) + "  decryption:\n    provider: sops\n";
  const char* kus =
      "secretGenerator:\n- name: gen\n  namespace: apps\n  envs: [app.env]\n"
      "  files: [plain.txt]\ngeneratorOptions: {disableNameSuffixHash: true}\n";
  // A plaintext source is left alone (no key needed).
  auto plain = build(ks, {{"apps/kustomization.yaml", kus},
                          {"apps/app.env", "TOKEN=open\n"},
                          {"apps/plain.txt", "x"}});
  ASSERT_TRUE(plain.ok()) << plain.error().to_string();
  ASSERT_EQ(plain->size(), 1u);
  EXPECT_EQ(core::base64_decode(kube::text((*plain)[0], {"data", "TOKEN"})).value_or(""), "open");
  // An encrypted one is decrypted before kustomize reads it: without the key that fails, naming
  // the file, before anything is built.
  auto locked = build(
      ks, {{"apps/kustomization.yaml", kus}, {"apps/app.env", *enc}, {"apps/plain.txt", "x"}});
  ASSERT_FALSE(locked.ok());
  std::string err = locked.error().to_string();
  EXPECT_NE(err.find("error decrypting sources"), std::string::npos) << err;
  EXPECT_NE(err.find("apps/app.env"), std::string::npos) << err;
  EXPECT_EQ(err.find("s3cr3t-value"), std::string::npos) << err;
}

}  // namespace
}  // namespace oc::controllers
