// Every case in ../shared/conformance/helm renders like the helm oracle's expected.json
// (templates listed in `nondeterministic` only need to exist).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/json.h"
#include "helm/chart.h"
#include "helm/render.h"
#include "helm/values.h"
#include "support/process.h"

namespace oc::helm {
namespace {

namespace fs = std::filesystem;

std::string cases_dir() {
  return std::string(OC_CONFORMANCE_DIR) + "/helm";
}

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(cases_dir(), ec)) return out;
  for (const auto& e : fs::directory_iterator(cases_dir(), ec)) {
    if (e.is_directory() && fs::exists(e.path() / "chart")) out.push_back(e.path().filename());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> split_args(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

class HelmConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(HelmConformance, RendersLikeTheOracle) {
  std::string dir = cases_dir() + "/" + GetParam();
  RenderOptions opts;
  auto args = split_args(test::read_all(dir + "/args"));
  for (size_t i = 0; i + 1 < args.size(); i += 2) {
    if (args[i] == "-name") opts.release.name = args[i + 1];
    if (args[i] == "-namespace") opts.release.ns = args[i + 1];
  }
  auto chart = load_chart(dir + "/chart");
  ASSERT_TRUE(chart.ok()) << chart.error().to_string();
  auto values = parse_values_yaml(test::read_all(dir + "/values.yaml"), "values.yaml");
  ASSERT_TRUE(values.ok()) << values.error().to_string();
  auto result = render(**chart, *values, opts);
  ASSERT_TRUE(result.ok()) << result.error().to_string();

  auto expected = core::parse_json(test::read_all(dir + "/expected.json"));
  ASSERT_TRUE(expected.ok()) << expected.error().to_string();
  std::set<std::string> nondeterministic;
  {
    std::istringstream in(test::read_all(dir + "/nondeterministic"));
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) nondeterministic.insert(line);
    }
  }
  std::set<std::string> expected_keys;
  for (const auto& e : expected->entries()) {
    const std::string& key = e.key.text();
    expected_keys.insert(key);
    auto it = result->templates.find(key);
    if (it == result->templates.end()) {
      ADD_FAILURE() << "missing template " << key;
      continue;
    }
    if (nondeterministic.count(key)) continue;
    EXPECT_EQ(it->second, e.value.text()) << "template " << key;
  }
  for (const auto& [k, v] : result->templates) {
    EXPECT_TRUE(expected_keys.count(k)) << "unexpected template " << k;
  }
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n;
  for (char c : info.param) n.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return n;
}

INSTANTIATE_TEST_SUITE_P(Cases, HelmConformance, ::testing::ValuesIn(case_names()), param_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(HelmConformance);

}  // namespace
}  // namespace oc::helm
