#include "core/semver.h"

#include <gtest/gtest.h>

#include <random>

#include "support/process.h"

namespace oc::core {
namespace {

const std::string kOracle = std::string(OC_BINARY_DIR) + "/oracles/semvergo";

bool check(const std::string& c, const std::string& v) {
  auto con = Constraint::parse(c);
  EXPECT_TRUE(con.ok()) << c;
  auto ver = Version::parse(v);
  EXPECT_TRUE(ver.has_value()) << v;
  return con.ok() && ver && con->check(*ver);
}

TEST(Semver, ParsesAndOrdersLikeSemver2) {
  EXPECT_EQ(Version::parse("v1.2")->to_string(), "1.2.0");
  EXPECT_EQ(Version::parse("1.2.3-rc.1+build.5")->prerelease, "rc.1");
  EXPECT_FALSE(Version::parse("1.2.3.4").has_value());
  EXPECT_FALSE(Version::parse("1.2.3-").has_value());
  EXPECT_FALSE(Version::parse("latest").has_value());
  EXPECT_TRUE(*Version::parse("1.0.0-alpha") < *Version::parse("1.0.0-alpha.1"));
  EXPECT_TRUE(*Version::parse("1.0.0-alpha.1") < *Version::parse("1.0.0-alpha.beta"));
  EXPECT_TRUE(*Version::parse("1.0.0-beta.2") < *Version::parse("1.0.0-beta.11"));
  EXPECT_TRUE(*Version::parse("1.0.0-rc.1") < *Version::parse("1.0.0"));
  EXPECT_EQ(Version::parse("1.0.0+a")->compare(*Version::parse("1.0.0+b")), 0);
}

TEST(Semver, ConstraintsLikeMasterminds) {
  EXPECT_TRUE(check(">=1.0.0 <2.0.0", "1.5.0"));
  EXPECT_FALSE(check(">=1.0.0, <2.0.0", "2.0.0"));
  EXPECT_TRUE(check("~1.2.3", "1.2.9"));
  EXPECT_FALSE(check("~1.2.3", "1.3.0"));
  EXPECT_TRUE(check("^1.2.3", "1.9.0"));
  EXPECT_FALSE(check("^0.2.3", "0.3.0"));
  EXPECT_TRUE(check("1.2.x", "1.2.7"));
  EXPECT_TRUE(check("1.0 - 1.4.5", "1.4.5"));
  EXPECT_TRUE(check("<1.0.0 || >=2.0.0", "2.1.0"));
  EXPECT_FALSE(check(">=1.0.0", "1.1.0-rc.1"));  // prereleases need a prerelease constraint
  EXPECT_TRUE(check(">=1.1.0-rc.0", "1.1.0-rc.1"));
  EXPECT_TRUE(check("*", "3.2.1"));
  EXPECT_FALSE(Constraint::parse("foo").ok());
}

TEST(SemverDifferential, AgreesWithMastermindsSemver) {
  if (!test::executable(kOracle)) GTEST_SKIP() << "Go oracle not built (needs golang-go)";
  const char* seed = std::getenv("OC_SEED");
  std::mt19937 rng(seed ? std::strtoul(seed, nullptr, 10) : 5);
  auto num = [&] { return std::to_string(rng() % 4); };
  auto part = [&] {
    int r = int(rng() % 10);
    return r == 0 ? std::string("x") : r == 1 ? std::string("*") : num();
  };
  auto version = [&] {
    std::string v = (rng() % 5 == 0 ? "v" : "") + num();
    if (rng() % 6) v += "." + num();
    if (rng() % 6) v += "." + num();
    if (rng() % 4 == 0) v += std::string("-") + (rng() % 2 ? "rc." + num() : "alpha");
    return v;
  };
  static const char* kOps[] = {"", "=", "!=", ">", "<", ">=", "<=", "~", "~>", "^", "=>", "=<"};
  std::string input;
  std::vector<std::pair<std::string, std::string>> cases;
  for (int i = 0; i < 3000; ++i) {
    std::string c;
    int n = 1 + int(rng() % 2);
    for (int k = 0; k < n; ++k) {
      if (k) c += rng() % 2 ? ", " : " ";
      std::string v = part();
      if (rng() % 3) v += "." + part();
      if (rng() % 3) v += "." + part();
      if (rng() % 5 == 0) v += "-rc." + num();
      c += std::string(kOps[rng() % std::size(kOps)]) + v;
    }
    if (rng() % 8 == 0) c += " || " + std::string(kOps[rng() % std::size(kOps)]) + num() + "." + num();
    if (rng() % 10 == 0) c = num() + "." + num() + " - " + num() + "." + num() + "." + num();
    std::string v = version();
    cases.emplace_back(c, v);
    input += c + "\t" + v + "\n";
  }
  auto r = test::run(kOracle, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  size_t p = 0;
  int mismatches = 0;
  for (const auto& [c, v] : cases) {
    size_t e = r.out.find('\n', p);
    std::string want = r.out.substr(p, e - p);
    p = e + 1;
    auto con = Constraint::parse(c);
    auto ver = Version::parse(v);
    std::string got = !con.ok() ? "badc" : !ver ? "badv" : con->check(*ver) ? "true" : "false";
    if (got != want && mismatches++ < 10) ADD_FAILURE() << "'" << c << "' on " << v << ": Masterminds says " << want << ", we say " << got;
  }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace oc::core
