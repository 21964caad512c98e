// Bad input through the real binary: one clear error on stderr naming the file (and line where
// there is one), exit status 1, and nothing on stdout.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/process.h"

namespace oc::kustomize {
namespace {

struct Failure {
  std::string err;
};

// Runs `opencenter kustomize build <dir>` in `root` and checks the failure contract.
Failure build_fails(const test::TempDir& root, const std::string& dir,
                    const std::string& flags = "") {
  auto r = test::run("cd '" + root.path() + "' && '" + std::string(OC_BINARY) +
                     "' kustomize build " + flags + " " + dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.out, "") << "nothing may be printed on stdout when the build fails";
  EXPECT_NE(r.err.find("opencenter: error: "), std::string::npos) << r.err;
  // One error: a single "error:" line (deprecation warnings aside).
  size_t errors = 0;
  for (size_t p = r.err.find("error: "); p != std::string::npos; p = r.err.find("error: ", p + 1)) {
    ++errors;
  }
  EXPECT_EQ(errors, 1u) << r.err;
  return Failure{r.err};
}

const std::string kConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n";

TEST(BadInput, MissingResourceFileNamesTheKustomizationLineAndTheFile) {
  test::TempDir d;
  d.write("app/kustomization.yaml", "resources:\n- cm.yaml\n- missing.yaml\n");
  d.write("app/cm.yaml", kConfigMap);
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/kustomization.yaml:3:3:"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("app/missing.yaml"), std::string::npos) << f.err;
}

TEST(BadInput, DirectoryWithoutKustomizationIsAnError) {
  test::TempDir d;
  d.write("app/cm.yaml", kConfigMap);
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("unable to find one of 'kustomization.yaml'"), std::string::npos) << f.err;
}

TEST(BadInput, BaseCycleIsDetected) {
  test::TempDir d;
  d.write("a/kustomization.yaml", "resources:\n- ../b\n");
  d.write("b/kustomization.yaml", "resources:\n- ../a\n");
  auto f = build_fails(d, "a");
  EXPECT_NE(f.err.find("cycle detected"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("b/kustomization.yaml:2:3:"), std::string::npos) << f.err;
}

TEST(BadInput, BaseThatIsItsOwnParentIsACycle) {
  test::TempDir d;
  d.write("a/sub/kustomization.yaml", "resources:\n- ..\n");
  d.write("a/kustomization.yaml", "resources:\n- sub\n");
  auto f = build_fails(d, "a");
  EXPECT_NE(f.err.find("cycle detected"), std::string::npos) << f.err;
}

TEST(BadInput, StrategicMergePatchMatchingNothing) {
  test::TempDir d;
  d.write("app/kustomization.yaml",
          "resources:\n- cm.yaml\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n"
          "    metadata:\n      name: nope\n    data:\n      a: b\n");
  d.write("app/cm.yaml", kConfigMap);
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/kustomization.yaml:4:3:"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("no matches for Id ConfigMap.v1.[noGrp]/nope"), std::string::npos) << f.err;
}

TEST(BadInput, StrategicMergePatchMatchingSeveralObjects) {
  // The base renames its ConfigMap "app" to "p-app"; the overlay adds another "app". A patch
  // for "app" then matches both (one by its previous name).
  test::TempDir d;
  d.write("base/kustomization.yaml", "namePrefix: p-\nresources:\n- cm.yaml\n");
  d.write("base/cm.yaml", kConfigMap);
  d.write("overlay/kustomization.yaml",
          "resources:\n- ../base\n- cm.yaml\npatches:\n- path: patch.yaml\n");
  d.write("overlay/cm.yaml", kConfigMap);
  d.write("overlay/patch.yaml", kConfigMap + "data:\n  a: b\n");
  auto f = build_fails(d, "overlay");
  EXPECT_NE(f.err.find("overlay/kustomization.yaml:5:3:"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("multiple matches for Id"), std::string::npos) << f.err;
}

TEST(BadInput, InvalidYamlInAResourceNamesFileAndLine) {
  test::TempDir d;
  d.write("app/kustomization.yaml", "resources:\n- bad.yaml\n");
  d.write("app/bad.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: [\n");
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/bad.yaml:5:"), std::string::npos) << f.err;
}

TEST(BadInput, InvalidYamlInTheKustomizationNamesFileAndLine) {
  test::TempDir d;
  d.write("app/kustomization.yaml", "resources:\n- a.yaml\nnamespace: [prod\n");
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/kustomization.yaml:4:"), std::string::npos) << f.err;
}

TEST(BadInput, UnknownKustomizationFieldNamesTheField) {
  test::TempDir d;
  d.write("app/kustomization.yaml", "resources:\n- cm.yaml\nnamePrefx: p-\n");
  d.write("app/cm.yaml", kConfigMap);
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/kustomization.yaml:3:"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("namePrefx"), std::string::npos) << f.err;
}

TEST(BadInput, WrongFieldTypeNamesTheField) {
  test::TempDir d;
  d.write("app/kustomization.yaml", "resources: cm.yaml\n");
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/kustomization.yaml:1:12: resources: expected a list of strings"),
            std::string::npos)
      << f.err;
}

TEST(BadInput, FileOutsideTheRootIsRefused) {
  test::TempDir d;
  d.write("outside/cm.yaml", kConfigMap);
  d.write("app/kustomization.yaml", "resources:\n- ../outside/cm.yaml\n");
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/kustomization.yaml:2:3:"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("is not in or below"), std::string::npos) << f.err;
  // Lifting the restriction builds it.
  auto r = test::run("cd '" + d.path() + "' && '" + std::string(OC_BINARY) +
                     "' kustomize build --load-restrictor LoadRestrictionsNone app");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n");
}

TEST(BadInput, SymlinkEscapingTheRootIsRefused) {
  test::TempDir d;
  d.write("outside/cm.yaml", kConfigMap);
  d.write("app/kustomization.yaml", "resources:\n- link.yaml\n");
  ASSERT_EQ(
      ::symlink((d.path() + "/outside/cm.yaml").c_str(), (d.path() + "/app/link.yaml").c_str()), 0);
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("is not in or below"), std::string::npos) << f.err;
}

TEST(BadInput, DuplicateResourceIdNamesTheEntry) {
  test::TempDir d;
  d.write("app/kustomization.yaml", "resources:\n- a.yaml\n- b.yaml\n");
  d.write("app/a.yaml", kConfigMap);
  d.write("app/b.yaml", kConfigMap);
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/kustomization.yaml:3:3:"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("already registered id: ConfigMap.v1.[noGrp]/app.[noNs]"), std::string::npos)
      << f.err;
}

TEST(BadInput, JsonPatchOnMissingPathNamesThePatch) {
  test::TempDir d;
  d.write("app/kustomization.yaml",
          "resources:\n- cm.yaml\npatches:\n- path: ops.yaml\n  target:\n    kind: ConfigMap\n");
  d.write("app/cm.yaml", kConfigMap);
  d.write("app/ops.yaml", "- op: remove\n  path: /data/missing\n");
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/kustomization.yaml:4:3:"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("ops.yaml"), std::string::npos) << f.err;
}

TEST(BadInput, HelmChartsNeedTheHelmEngine) {
  test::TempDir d;
  d.write("app/kustomization.yaml", "helmCharts:\n- name: podinfo\n  repo: https://example.com\n");
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/kustomization.yaml:2:1:"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("--enable-helm"), std::string::npos) << f.err;
}

TEST(BadInput, RemoteBaseThatCannotBeFetchedNamesTheKustomizationLine) {
  test::TempDir d;
  d.write("app/kustomization.yaml",
          "resources:\n- file://" + d.path() + "/no-such-repo.git//base?ref=v1\n");
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("app/kustomization.yaml:2:3:"), std::string::npos) << f.err;
  EXPECT_NE(f.err.find("no-such-repo.git"), std::string::npos) << f.err;
}

TEST(BadInput, EmptyKustomizationIsAnError) {
  test::TempDir d;
  d.write("app/kustomization.yaml",
          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
  auto f = build_fails(d, "app");
  EXPECT_NE(f.err.find("kustomization.yaml is empty"), std::string::npos) << f.err;
}

TEST(BadInput, MissingDirectoryArgument) {
  test::TempDir d;
  auto f = build_fails(d, "does-not-exist");
  EXPECT_NE(f.err.find("does-not-exist"), std::string::npos) << f.err;
}

}  // namespace
}  // namespace oc::kustomize
