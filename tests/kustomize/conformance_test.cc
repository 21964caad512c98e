// Every case in ../shared/conformance/kustomize: building input/<target> gives expected.yaml
// byte for byte (kubectl kustomize's output, legacy order), or fails where expected.err exists.
#include <gtest/gtest.h>

#include <filesystem>

#include "conformance_cases.h"
#include "core/file.h"
#include "kustomize/kustomize.h"
#include "support/process.h"

namespace fs = std::filesystem;

namespace oc::kustomize {
namespace {

using conformance::case_names;
using conformance::param_name;

class KustomizeConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(KustomizeConformance, BuildMatchesKustomize) {
  std::string dir = conformance::cases_dir() + "/" + GetParam();
  std::string input = dir + "/input/" + conformance::target_of(GetParam());
  BuildOptions opts;
  opts.reorder = Reorder::kLegacy;
  auto res = build(input, opts);
  if (fs::exists(dir + "/expected.err")) {
    EXPECT_FALSE(res.ok()) << "kustomize fails here:\n"
                           << test::read_all(dir + "/expected.err") << "\nwe printed:\n"
                           << (res.ok() ? to_yaml(*res) : "");
    return;
  }
  ASSERT_TRUE(res.ok()) << res.error().to_string();
  EXPECT_EQ(to_yaml(*res), test::read_all(dir + "/expected.yaml"));
}

INSTANTIATE_TEST_SUITE_P(Cases, KustomizeConformance, ::testing::ValuesIn(case_names()),
                         param_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(KustomizeConformance);

}  // namespace
}  // namespace oc::kustomize
