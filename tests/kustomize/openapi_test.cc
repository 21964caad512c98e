// The builtin schema (src/kustomize/openapi.h): scopes answered from the table alone, the
// structure parsed on first use — both must agree with kustomize v5.5's bundled v1.21.2 schema.
#include "kustomize/openapi.h"

#include <gtest/gtest.h>

namespace oc::kustomize {
namespace {

TEST(BuiltinOpenApi, ScopesComeFromTheTableOfKustomizesSchema) {
  const OpenApiSchema& s = OpenApiSchema::builtin();
  for (auto [api, kind] : std::vector<std::pair<const char*, const char*>>{
           {"v1", "Namespace"},
           {"v1", "Node"},
           {"v1", "PersistentVolume"},
           {"rbac.authorization.k8s.io/v1", "ClusterRole"},
           {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding"},
           {"apiextensions.k8s.io/v1", "CustomResourceDefinition"},
           {"storage.k8s.io/v1", "StorageClass"},
           {"admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"},
           {"scheduling.k8s.io/v1", "PriorityClass"}}) {
    EXPECT_TRUE(s.is_cluster_scoped(api, kind)) << api << " " << kind;
  }
  for (auto [api, kind] : std::vector<std::pair<const char*, const char*>>{
           {"v1", "ConfigMap"},
           {"v1", "Secret"},
           {"apps/v1", "Deployment"},
           {"rbac.authorization.k8s.io/v1", "Role"},
           {"networking.k8s.io/v1", "Ingress"},
           {"kustomize.toolkit.fluxcd.io/v1", "Kustomization"},  // unknown: namespaced
           {"v1", "NoSuchKind"}}) {
    EXPECT_FALSE(s.is_cluster_scoped(api, kind)) << api << " " << kind;
  }
}

TEST(BuiltinOpenApi, StructureLoadsOnFirstUseWithMergeKeys) {
  const OpenApiSchema& s = OpenApiSchema::builtin();
  const SchemaNode* deploy = s.for_type("apps/v1", "Deployment");
  ASSERT_NE(deploy, nullptr);
  const SchemaNode* containers = deploy->field("spec")->field("template")->field("spec")->field(
      "containers");
  ASSERT_NE(containers, nullptr);
  EXPECT_TRUE(containers->has_merge_strategy());
  EXPECT_EQ(containers->merge_keys(), std::vector<std::string>{"name"});
  EXPECT_EQ(s.for_type("v1", "NoSuchKind"), nullptr);
  EXPECT_EQ(s.for_type("apps/v1", "Deployment"), deploy);  // parsed once
}

}  // namespace
}  // namespace oc::kustomize
