// Generator name hashes (values verified against kubectl kustomize v5.5.0 and kustomize's
// hasher_test.go) and the generators that produce them.
#include <gtest/gtest.h>

#include "core/yaml.h"
#include "kustomize/kustomize.h"
#include "kustomize/transformers.h"

namespace oc::kustomize {
namespace {

core::Node yaml(const std::string& text) {
  return *core::parse_yaml(text);
}

TEST(NameHash, EmptyConfigMap) {
  EXPECT_EQ(*generator_hash(yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")),
            "6ct58987ht");
}

TEST(NameHash, ConfigMapLiteralIgnoresTheName) {
  // kustomize hashes "name":"" whatever the object's name is.
  EXPECT_EQ(*generator_hash(yaml("kind: ConfigMap\nmetadata:\n  name: a\ndata:\n  a: b\n")),
            "4h2mbtbbt6");
  EXPECT_EQ(*generator_hash(yaml("kind: ConfigMap\nmetadata:\n  name: other\ndata:\n  a: b\n")),
            "4h2mbtbbt6");
}

TEST(NameHash, SecretIncludesType) {
  EXPECT_EQ(
      *generator_hash(yaml("kind: Secret\nmetadata:\n  name: a\ntype: Opaque\ndata:\n  a: Yg==\n")),
      "k695gkmbtk");
}

TEST(NameHash, HtmlCharactersAreEscapedAsGoDoes) {
  // json.Marshal writes "<" as \u003c; a different byte string gives a different hash.
  auto with_lt = generator_hash(yaml("kind: ConfigMap\ndata:\n  a: \"<\"\n"));
  auto with_x = generator_hash(yaml("kind: ConfigMap\ndata:\n  a: \"x\"\n"));
  ASSERT_TRUE(with_lt.ok());
  EXPECT_NE(*with_lt, *with_x);
  EXPECT_EQ(with_lt->size(), 10u);
}

TEST(Generators, ConfigMapFromLiteralsGetsTheHashSuffix) {
  auto fs = std::make_shared<MemoryFileSystem>();
  fs->add_file("app/kustomization.yaml",
               "configMapGenerator:\n- name: cfg\n  literals:\n  - a=b\n");
  BuildOptions o;
  o.fs = fs;
  auto r = build("app", o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(to_yaml(*r),
            "apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  name: cfg-4h2mbtbbt6\n");
}

TEST(Generators, EnvFileSkipsCommentsAndKeepsEmptyValues) {
  auto fs = std::make_shared<MemoryFileSystem>();
  fs->add_file("app/kustomization.yaml",
               "configMapGenerator:\n- name: cfg\n  envs:\n  - app.env\n  options:\n"
               "    disableNameSuffixHash: true\n");
  fs->add_file("app/app.env", "\xEF\xBB\xBF# comment\nA=1\n  B=two=2\nEMPTY\r\n");
  BuildOptions o;
  o.fs = fs;
  auto r = build("app", o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(to_yaml(*r),
            "apiVersion: v1\ndata:\n  A: \"1\"\n  B: two=2\n  EMPTY: \"\"\nkind: "
            "ConfigMap\nmetadata:\n  name: cfg\n");
}

TEST(Generators, RepeatedKeyIsAnError) {
  auto fs = std::make_shared<MemoryFileSystem>();
  fs->add_file("app/kustomization.yaml",
               "configMapGenerator:\n- name: cfg\n  literals:\n  - a=1\n  - a=2\n");
  BuildOptions o;
  o.fs = fs;
  auto r = build("app", o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("illegally repeats the key `a`"), std::string::npos);
}

TEST(Generators, NonUtf8FileGoesToBinaryData) {
  auto fs = std::make_shared<MemoryFileSystem>();
  fs->add_file("app/kustomization.yaml",
               "configMapGenerator:\n- name: cfg\n  files:\n  - blob\n  options:\n"
               "    disableNameSuffixHash: true\n");
  fs->add_file("app/blob", std::string("\xff\xfe", 2));
  BuildOptions o;
  o.fs = fs;
  auto r = build("app", o);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(to_yaml(*r),
            "apiVersion: v1\nbinaryData:\n  blob: //4=\nkind: ConfigMap\nmetadata:\n"
            "  name: cfg\n");
}

}  // namespace
}  // namespace oc::kustomize
