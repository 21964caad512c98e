// The library API: in-memory trees, both output orders, deprecation warnings, and many builds
// at once in one process.
#include <gtest/gtest.h>

#include <thread>

#include "kustomize/kustomization.h"
#include "kustomize/kustomize.h"

namespace oc::kustomize {
namespace {

std::shared_ptr<MemoryFileSystem> tree() {
  auto fs = std::make_shared<MemoryFileSystem>();
  fs->add_file("base/kustomization.yaml", "resources:\n- app.yaml\n");
  fs->add_file("base/app.yaml",
               "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
               "    spec:\n      containers:\n      - name: web\n        image: nginx\n"
               "        envFrom:\n        - configMapRef:\n            name: cfg\n---\n"
               "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\n"
               "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n");
  fs->add_file("overlay/kustomization.yaml",
               "resources:\n- ../base\nnamePrefix: p-\ncommonLabels:\n  app: web\n"
               "configMapGenerator:\n- name: cfg\n  literals:\n  - a=b\n");
  return fs;
}

std::vector<std::string> kinds(const std::vector<core::Node>& objs) {
  std::vector<std::string> out;
  for (const auto& o : objs) out.push_back(o.find("kind")->text());
  return out;
}

TEST(Api, BuildsAnInMemoryTree) {
  BuildOptions o;
  o.fs = tree();
  auto r = build("overlay", o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 4u);
  // The Deployment's reference follows the generated, prefixed and hashed ConfigMap name.
  std::string y = to_yaml(*r);
  EXPECT_NE(y.find("name: p-cfg-4h2mbtbbt6"), std::string::npos) << y;
}

TEST(Api, FifoOrderIsInputOrderWithGeneratedObjectsLast) {
  BuildOptions o;
  o.fs = tree();
  o.reorder = Reorder::kNone;
  auto r = build("overlay", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(kinds(*r),
            (std::vector<std::string>{"Deployment", "Service", "Namespace", "ConfigMap"}));
}

TEST(Api, LegacyOrderSortsByKind) {
  BuildOptions o;
  o.fs = tree();
  o.reorder = Reorder::kLegacy;
  auto r = build("overlay", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(kinds(*r),
            (std::vector<std::string>{"Namespace", "ConfigMap", "Service", "Deployment"}));
}

TEST(Api, SortOptionsInTheKustomizationWin) {
  auto fs = tree();
  fs->add_file("fifo/kustomization.yaml", "resources:\n- ../base\nsortOptions:\n  order: fifo\n");
  BuildOptions o;
  o.fs = fs;
  o.reorder = Reorder::kLegacy;
  auto r = build("fifo", o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(kinds(*r), (std::vector<std::string>{"Deployment", "Service", "Namespace"}));
}

TEST(Api, DeprecationWarningsGoToTheCallback) {
  std::vector<std::string> warnings;
  BuildOptions o;
  o.fs = tree();
  o.warn = [&](std::string_view w) { warnings.emplace_back(w); };
  ASSERT_TRUE(build("overlay", o).ok());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("'commonLabels' is deprecated"), std::string::npos);
}

TEST(Api, ManyBuildsAtOnceGiveTheSameOutput) {
  BuildOptions o;
  o.fs = tree();
  o.reorder = Reorder::kLegacy;
  auto first = build("overlay", o);
  ASSERT_TRUE(first.ok());
  std::string want = to_yaml(*first);
  std::vector<std::string> got(16);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int rep = 0; rep < 5; ++rep) {
        auto r = build("overlay", o);
        got[i] = r.ok() ? to_yaml(*r) : r.error().to_string();
        if (got[i] != want) return;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& g : got) EXPECT_EQ(g, want);
}

TEST(Api, MissingDirectoryIsAnError) {
  BuildOptions o;
  o.fs = tree();
  auto r = build("nope", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("'nope' is not a directory"), std::string::npos);
}

TEST(KustomizationParse, FieldNamesMatchCaseInsensitivelyLikeGo) {
  auto k = parse_kustomization("NAMEPREFIX: p-\nResources:\n- a.yaml\n", "k.yaml");
  ASSERT_TRUE(k.ok()) << k.error().to_string();
  EXPECT_EQ(k->k.name_prefix, "p-");
  ASSERT_EQ(k->k.resources.size(), 1u);
  EXPECT_EQ(k->k.resources[0].mark.line, 3u);
}

TEST(KustomizationParse, Yaml11BooleanWhereAStringIsExpectedIsAnError) {
  // sigs.k8s.io/yaml reads `on` as a boolean; namespace wants a string.
  auto k = parse_kustomization("namespace: on\n", "k.yaml");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error().to_string(), "k.yaml:1:12: namespace: expected a string, got a boolean");
}

TEST(KustomizationParse, NumericLabelValueIsAnError) {
  auto k = parse_kustomization("commonLabels:\n  version: 1\n", "k.yaml");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error().to_string(),
            "k.yaml:2:12: commonLabels.version: expected a string, got a number");
}

TEST(KustomizationParse, NestedUnknownFieldNamesThePath) {
  auto k = parse_kustomization("patches:\n- path: p.yaml\n  targt:\n    kind: X\n", "k.yaml");
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().message.find("patches[0].targt: unknown field"), std::string::npos)
      << k.error().to_string();
}

TEST(KustomizationParse, DeprecatedFieldsAreFoldedIn) {
  auto k = parse_kustomization(
      "bases:\n- ../b\nresources:\n- a.yaml\nimageTags:\n- name: x\n  newTag: v1\n"
      "configMapGenerator:\n- name: c\n  env: x.env\n",
      "k.yaml");
  ASSERT_TRUE(k.ok()) << k.error().to_string();
  ASSERT_EQ(k->k.resources.size(), 2u);
  EXPECT_EQ(k->k.resources[1].value, "../b");
  EXPECT_EQ(k->k.images.size(), 1u);
  EXPECT_EQ(k->k.config_map_generator[0].envs, std::vector<std::string>{"x.env"});
  EXPECT_EQ(k->warnings.size(), 2u);
}

TEST(KustomizationParse, ComponentNeedsItsApiVersion) {
  EXPECT_TRUE(parse_kustomization("kind: Component\nresources: [a]\n", "k").ok());
  auto k = parse_kustomization(
      "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Component\nresources: [a]\n", "k");
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.error().message.find("should be kustomize.config.k8s.io/v1alpha1"),
            std::string::npos);
}

}  // namespace
}  // namespace oc::kustomize
