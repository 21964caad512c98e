// Every YAML file under ../shared/conformance round-trips through the document tree, and every
// kustomize expected.yaml is reproduced byte for byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "core/file.h"
#include "core/json.h"
#include "core/scalar.h"
#include "core/yaml.h"
#include "support/process.h"

namespace fs = std::filesystem;

namespace oc::core {
namespace {

const std::string kConformance = OC_CONFORMANCE_DIR;
const std::string kOracle = std::string(OC_BINARY_DIR) + "/oracles/yamlgo";

std::vector<std::string> yaml_files() {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(kConformance, ec)) return out;
  for (auto it = fs::recursive_directory_iterator(kConformance, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string p = it->path().string();
    std::string rel = p.substr(kConformance.size() + 1);
    // Chart templates are Go templates, not YAML.
    if (rel.find("/templates/") != std::string::npos) continue;
    if (rel.size() > 5 && (rel.ends_with(".yaml") || rel.ends_with(".yml"))) out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string case_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n;
  for (char c : info.param) n.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return n + "_" + std::to_string(info.index);
}

std::vector<Node> json_models(const std::vector<Node>& docs) {
  std::vector<Node> out;
  for (const auto& d : docs) {
    if (d.is_null()) continue;
    auto m = to_json_model(d, Schema::kYaml12);
    EXPECT_TRUE(m.ok()) << m.error().to_string();
    if (m.ok()) out.push_back(std::move(*m));
  }
  return out;
}

class ConformanceYaml : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformanceYaml, RoundTripsThroughTheTree) {
  const std::string path = kConformance + "/" + GetParam();
  auto text = read_file(path);
  ASSERT_TRUE(text.ok()) << text.error().to_string();
  ParseOptions po;
  po.file = GetParam();
  auto docs = parse_yaml_stream(*text, po);
  if (!docs.ok()) {
    // Some kustomize inputs are invalid on purpose: go-yaml must reject them too.
    if (!test::executable(kOracle)) GTEST_SKIP() << docs.error().to_string();
    auto r = test::run(kOracle + " kustomize", *text);
    EXPECT_NE(r.exit_code, 0) << "we reject what go-yaml reads: " << docs.error().to_string();
    return;
  }
  for (const YamlStyle& style : {YamlStyle(), YamlStyle::sops()}) {
    std::string out = write_yaml_stream(*docs, style);
    auto again = parse_yaml_stream(out);
    ASSERT_TRUE(again.ok()) << again.error().to_string() << "\n" << out;
    ASSERT_EQ(again->size(), docs->size()) << out;
    for (size_t i = 0; i < docs->size(); ++i) {
      EXPECT_EQ((*docs)[i], (*again)[i]) << "document " << i << " changed:\n" << out;
    }
    // Writing is stable: a second pass gives the same bytes.
    EXPECT_EQ(write_yaml_stream(*again, style), out);
  }
  // The canonical (kustomize) form reads back to the same JSON (keys sorted on both sides,
  // since that form sorts them).
  auto models = json_models(*docs);
  std::string canon = write_yaml_stream(models, YamlStyle::kustomize());
  auto reread = parse_yaml_stream(canon);
  ASSERT_TRUE(reread.ok()) << reread.error().to_string();
  auto as_json = [](const std::vector<Node>& ns) {
    JsonStyle js;
    js.sort_keys = true;
    std::string out;
    for (const auto& n : ns) out += write_json(n, js).value() + "\n";
    return out;
  };
  EXPECT_EQ(as_json(json_models(*reread)), as_json(models));
}

TEST_P(ConformanceYaml, KustomizeFormMatchesGoYaml) {
  if (!test::executable(kOracle)) GTEST_SKIP() << "Go oracle not built (needs golang-go)";
  const std::string path = kConformance + "/" + GetParam();
  auto text = read_file(path);
  ASSERT_TRUE(text.ok());
  auto r = test::run(kOracle + " kustomize", *text);
  auto docs = parse_yaml_stream(*text);
  if (r.exit_code != 0 || !docs.ok()) {
    // Both reject, or go-yaml cannot encode it (integer keys in nested maps): nothing to compare.
    if (r.exit_code != 0 && r.err.find("unsupported type") == std::string::npos) {
      EXPECT_FALSE(docs.ok()) << "go-yaml rejects this file: " << r.err;
    }
    return;
  }
  EXPECT_EQ(write_yaml_stream(json_models(*docs), YamlStyle::kustomize()), r.out);
}

INSTANTIATE_TEST_SUITE_P(Files, ConformanceYaml, ::testing::ValuesIn(yaml_files()), case_name);

std::vector<std::string> kustomize_expected() {
  std::vector<std::string> out;
  for (const auto& f : yaml_files()) {
    if (f.rfind("kustomize/", 0) == 0 && f.ends_with("/expected.yaml")) out.push_back(f);
  }
  return out;
}

class KustomizeExpected : public ::testing::TestWithParam<std::string> {};

TEST_P(KustomizeExpected, WritesTheFileByteForByte) {
  auto text = read_file(kConformance + "/" + GetParam());
  ASSERT_TRUE(text.ok());
  auto docs = parse_yaml_stream(*text);
  ASSERT_TRUE(docs.ok()) << docs.error().to_string();
  // As kustomize writes it: through the JSON model, sorted, canonical scalars.
  EXPECT_EQ(write_yaml_stream(json_models(*docs), YamlStyle::kustomize()), *text);
  // And keeping the source's own styles.
  EXPECT_EQ(write_yaml_stream(*docs), *text);
}

INSTANTIATE_TEST_SUITE_P(Files, KustomizeExpected, ::testing::ValuesIn(kustomize_expected()),
                         case_name);

TEST(Conformance, CorpusIsPresent) {
  if (kConformance.empty() || !fs::is_directory(kConformance)) {
    GTEST_SKIP() << "no conformance cases (set OC_CONFORMANCE_DIR)";
  }
  // Guards against a silently empty parameter list.
  EXPECT_GT(yaml_files().size(), 500u) << "conformance cases not found under " << kConformance;
  EXPECT_GT(kustomize_expected().size(), 100u);
}

}  // namespace
}  // namespace oc::core
