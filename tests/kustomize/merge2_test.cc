// Strategic merge as kustomize v5 does it (src/kustomize/merge2.h). The expected outputs were
// checked with kubectl kustomize v5.5.0; patch_cases_test.cc compares many more cases live.
#include "kustomize/merge2.h"

#include <gtest/gtest.h>

#include "core/scalar.h"
#include "core/yaml.h"

namespace oc::kustomize {
namespace {

std::string merged(const std::string& dest, const std::string& patch) {
  core::Node d = *core::parse_yaml(dest);
  core::Node p = *core::parse_yaml(patch);
  auto kept = strategic_merge(d, p, OpenApiSchema::builtin());
  if (!kept.ok()) return "error: " + kept.error().message;
  if (!*kept) return "deleted";
  return core::write_yaml(*core::to_json_model(d, core::Schema::kYaml12),
                          core::YamlStyle::kustomize());
}

const std::string kDeploy =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n"
    "      containers:\n      - name: a\n        image: a\n      - name: b\n        image: b\n"
    "      - name: x\n        image: x\n";

TEST(StrategicMerge, PatchElementsComeFirstThenTheRest) {
  std::string p =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n"
      "      containers:\n      - name: b\n        image: b2\n      - name: c\n        image: c\n";
  EXPECT_EQ(
      merged(kDeploy, p),
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n"
      "    spec:\n      containers:\n      - image: b2\n        name: b\n      - image: c\n"
      "        name: c\n      - image: a\n        name: a\n      - image: x\n        name: x\n");
}

TEST(StrategicMerge, DeleteDirectiveRemovesTheElement) {
  std::string p =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n"
      "      containers:\n      - name: b\n        $patch: delete\n";
  std::string out = merged(kDeploy, p);
  EXPECT_EQ(out.find("name: b"), std::string::npos) << out;
  EXPECT_NE(out.find("name: a"), std::string::npos) << out;
}

TEST(StrategicMerge, NullDeletesAKey) {
  EXPECT_EQ(merged("kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n  b: \"2\"\n",
                   "kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: null\n"),
            "data:\n  b: \"2\"\nkind: ConfigMap\nmetadata:\n  name: c\n");
}

TEST(StrategicMerge, ExplicitNullInTheOriginalSurvivesButEmptyValueDoesNot) {
  EXPECT_EQ(merged("kind: ConfigMap\nmetadata:\n  name: c\n  kept: null\n  dropped:\n",
                   "kind: ConfigMap\nmetadata:\n  name: c\n"),
            "kind: ConfigMap\nmetadata:\n  kept: null\n  name: c\n");
}

TEST(StrategicMerge, ListsOfUnknownKindsAreReplaced) {
  EXPECT_EQ(merged("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n"
                   "  items:\n  - name: a\n  - name: b\n",
                   "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n"
                   "  items:\n  - name: c\n"),
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  items:\n"
            "  - name: c\n");
}

TEST(StrategicMerge, PrimitiveMergeListIsAUnionPatchFirst) {
  EXPECT_EQ(merged("kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\n  finalizers: [a, b]\n",
                   "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\n  finalizers: [c, a]\n"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  finalizers:\n  - c\n  - a\n  - b\n"
            "  name: c\n");
}

TEST(StrategicMerge, ReplaceDirectiveOnAMapReplacesIt) {
  EXPECT_EQ(merged("kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: \"1\"\n",
                   "kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  $patch: replace\n  b: \"2\"\n"),
            "data:\n  b: \"2\"\nkind: ConfigMap\nmetadata:\n  name: c\n");
}

TEST(StrategicMerge, TopLevelDeleteDeletesTheObject) {
  EXPECT_EQ(merged(kDeploy,
                   "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n$patch: delete\n"),
            "deleted");
}

TEST(StrategicMerge, SetElementOrderIsPassedThroughLikeKustomize) {
  std::string out = merged(kDeploy,
                           "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n"
                           "  template:\n    spec:\n      $setElementOrder/containers:\n"
                           "      - name: x\n");
  EXPECT_NE(out.find("$setElementOrder/containers"), std::string::npos) << out;
}

TEST(StrategicMerge, ChangingAMapIntoAScalarIsAnError) {
  EXPECT_EQ(merged("kind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n",
                   "kind: ConfigMap\nmetadata:\n  name: c\ndata: text\n")
                .substr(0, 6),
            "error:");
}

}  // namespace
}  // namespace oc::kustomize
