// `opencenter helm template` run as a process: --output templates-json prints the helm oracle's
// output byte for byte, the default output is helm template's manifest stream, and failures
// exit non-zero with Helm's message and print nothing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

#include "chart_support.h"

namespace oc::helm {
namespace {

namespace fs = std::filesystem;

std::string cases_dir() {
  return std::string(OC_CONFORMANCE_DIR) + "/helm";
}

// Conformance cases whose output is fully deterministic (no `nondeterministic` file).
std::vector<std::string> deterministic_cases() {
  std::vector<std::string> out;
  std::error_code ec;
  if (!fs::is_directory(cases_dir(), ec)) return out;
  for (const auto& e : fs::directory_iterator(cases_dir(), ec)) {
    if (e.is_directory() && fs::exists(e.path() / "expected.json") &&
        !fs::exists(e.path() / "nondeterministic")) {
      out.push_back(e.path().filename());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string sh_quote(const std::string& s) {
  return "'" + s + "'";
}

class HelmTemplateCli : public ::testing::TestWithParam<std::string> {};

TEST_P(HelmTemplateCli, TemplatesJsonIsTheOraclesOutputByteForByte) {
  std::string dir = cases_dir() + "/" + GetParam();
  std::istringstream args(test::read_all(dir + "/args"));
  std::string name = "release-name", ns = "default", w;
  while (args >> w) {
    if (w == "-name") args >> name;
    if (w == "-namespace") args >> ns;
  }
  auto r = test::run(std::string(OC_BINARY) + " helm template " + sh_quote(name) + " " +
                     sh_quote(dir + "/chart") + " -n " + sh_quote(ns) + " -f " +
                     sh_quote(dir + "/values.yaml") + " --output templates-json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out == test::read_all(dir + "/expected.json"))
      << "output differs from expected.json";
}

std::string param_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string n;
  for (char c : info.param) n.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return n;
}

INSTANTIATE_TEST_SUITE_P(Cases, HelmTemplateCli, ::testing::ValuesIn(deterministic_cases()),
                         param_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(HelmTemplateCli);

TEST(HelmTemplateCliOutput, ManifestStreamHasSourceHeadersInInstallOrder) {
  test::TempDir dir;
  auto path = testing::write_chart(
      dir,
      {{"Chart.yaml", testing::chart_yaml("demo")},
       {"templates/a-deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"},
       {"templates/b-sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}\n"}});
  auto r = test::run(std::string(OC_BINARY) + " helm template rel " + sh_quote(path));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      "---\n# Source: demo/templates/b-sa.yaml\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
      "  name: rel\n---\n# Source: demo/templates/a-deploy.yaml\napiVersion: apps/v1\n"
      "kind: Deployment\nmetadata:\n  name: d\n");
}

TEST(HelmTemplateCliOutput, EmptyChartPrintsAnEmptyJsonObjectLikeTheOracle) {
  test::TempDir dir;
  auto path = testing::write_chart(dir, {{"Chart.yaml", testing::chart_yaml("demo")}});
  auto r = test::run(std::string(OC_BINARY) + " helm template " + sh_quote(path) +
                     " --output templates-json");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{}\n");
}

TEST(HelmTemplateCliOutput, RequiredFailureExitsNonZeroWithHelmsMessageAndNoOutput) {
  test::TempDir dir;
  auto path = testing::write_chart(
      dir, {{"Chart.yaml", testing::chart_yaml("demo")},
            {"templates/cm.yaml", "x: {{ required \"host is required\" .Values.host }}"}});
  auto r = test::run(std::string(OC_BINARY) + " helm template " + sh_quote(path));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("execution error at (demo/templates/cm.yaml:1:6): host is required"),
            std::string::npos)
      << r.err;
  auto ok =
      test::run(std::string(OC_BINARY) + " helm template " + sh_quote(path) + " --set host=h");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("x: h"), std::string::npos) << ok.out;
}

}  // namespace
}  // namespace oc::helm
