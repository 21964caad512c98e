// Differential tests: `opencenter kustomize build` against `kubectl kustomize` (kustomize
// v5.5.0) on the conformance inputs (as given, with load restrictions lifted, and in FIFO
// order) and on generated trees. Skipped with a message when kubectl is absent.
#include "differential.h"
#include "kustomize/kustomize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "conformance_cases.h"
#include "random_tree.h"

namespace fs = std::filesystem;

namespace oc::kustomize {
namespace {

using conformance::case_names;
using conformance::param_name;
using conformance::target_of;
const std::string& kCases = conformance::cases_dir();

class ConformanceInputsVsKubectl : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!difftest::have_kubectl()) GTEST_SKIP() << "kubectl not found: differential test skipped";
  }
};

TEST_P(ConformanceInputsVsKubectl, SameBytesAsKubectl) {
  std::string dir = kCases + "/" + GetParam() + "/input/" + target_of(GetParam());
  EXPECT_EQ(difftest::compare(dir), "");
}

TEST_P(ConformanceInputsVsKubectl, SameBytesWithLoadRestrictionsNone) {
  std::string dir = kCases + "/" + GetParam() + "/input/" + target_of(GetParam());
  EXPECT_EQ(difftest::compare(dir, "--load-restrictor LoadRestrictionsNone"), "");
}

TEST_P(ConformanceInputsVsKubectl, SameBytesInFifoOrder) {
  // The same inputs with `sortOptions: {order: fifo}` added to the built kustomization (the
  // order Flux's controller produces).
  test::TempDir tmp;
  fs::copy(kCases + "/" + GetParam() + "/input", tmp.path(), fs::copy_options::recursive);
  std::string dir = tmp.path() + "/" + target_of(GetParam());
  for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
    std::string k = dir + "/" + name;
    if (!fs::exists(k)) continue;
    std::string text = test::read_all(k);
    if (text.find("sortOptions") != std::string::npos) GTEST_SKIP() << "has its own sortOptions";
    std::ofstream(k, std::ios::app) << "\nsortOptions:\n  order: fifo\n";
  }
  EXPECT_EQ(difftest::compare(dir), "");
}

INSTANTIATE_TEST_SUITE_P(Cases, ConformanceInputsVsKubectl, ::testing::ValuesIn(case_names()),
                         param_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ConformanceInputsVsKubectl);

// OC_SEED=N changes the generated trees; OC_TREES=N how many.
uint32_t base_seed() {
  const char* s = std::getenv("OC_SEED");
  return s ? static_cast<uint32_t>(std::strtoul(s, nullptr, 10)) : 1;
}

class GeneratedTreesVsKubectl : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (!difftest::have_kubectl()) GTEST_SKIP() << "kubectl not found: differential test skipped";
  }
};

TEST_P(GeneratedTreesVsKubectl, SameBytesAsKubectl) {
  uint32_t seed = base_seed() * 1000 + static_cast<uint32_t>(GetParam());
  difftest::RandomTree gen(seed);
  auto files = gen.generate();
  test::TempDir tmp;
  difftest::write_tree(tmp.path(), files);
  std::string diff = difftest::compare(tmp.path() + "/overlay");
  if (!diff.empty()) {
    std::string listing;
    for (const auto& [p, c] : files) listing += "==> " + p + "\n" + c;
    ADD_FAILURE() << "seed " << seed << ": " << diff << "\n--- input:\n" << listing;
  }
}

// The same trees built in-process (no kubectl needed; under ASan this exercises the library on
// varied input): the library gives exactly what the CLI prints, or fails where it fails.
class GeneratedTreesInProcess : public ::testing::TestWithParam<int> {};

TEST_P(GeneratedTreesInProcess, LibraryMatchesTheCli) {
  uint32_t seed = base_seed() * 1000 + static_cast<uint32_t>(GetParam());
  difftest::RandomTree gen(seed);
  auto files = gen.generate();
  test::TempDir tmp;
  difftest::write_tree(tmp.path(), files);
  BuildOptions opts;
  opts.reorder = Reorder::kLegacy;
  auto lib = build(tmp.path() + "/overlay", opts);
  auto cli = difftest::run_ours(tmp.path() + "/overlay");
  ASSERT_EQ(lib.ok(), cli.ok) << "seed " << seed << ": " << (lib.ok() ? cli.err : lib.error().to_string());
  if (lib.ok()) {
    EXPECT_EQ(to_yaml(*lib), cli.out) << "seed " << seed;
  }
}

int tree_count() {
  const char* s = std::getenv("OC_TREES");
  return s ? std::atoi(s) : 60;
}

INSTANTIATE_TEST_SUITE_P(Seeds, GeneratedTreesVsKubectl, ::testing::Range(0, tree_count()));
INSTANTIATE_TEST_SUITE_P(Seeds, GeneratedTreesInProcess, ::testing::Range(0, tree_count()));

}  // namespace
}  // namespace oc::kustomize
