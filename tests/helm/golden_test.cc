// The golden template suite: small templates over the language and every Sprig/Helm function,
// with the outputs (or errors) the helm oracle produced, committed under golden/expected/
// (regenerate with golden/regenerate.py). Errors compare Go's full message: kind, template,
// line, column and context.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/json.h"
#include "helm/render.h"
#include "helm/values.h"
#include "support/process.h"

namespace oc::helm {
namespace {

namespace fs = std::filesystem;

struct GoldenCase {
  std::string group, name, values, tmpl;
  std::string nondeterministic;  // regex, when set
  std::string deviation, expect;
  bool has_deviation = false;
  bool expect_error = false;
  std::string expected;  // output or error text
};

void PrintTo(const GoldenCase& c, std::ostream* os) {
  *os << c.group << "/" << c.name;
}

std::string golden_dir() {
  return OC_HELM_GOLDEN_DIR;
}

std::vector<GoldenCase> parse_group(const std::string& group) {
  std::string text = test::read_all(golden_dir() + "/cases/" + group + ".txt");
  std::vector<GoldenCase> out;
  std::vector<std::string> lines;
  {
    size_t p = 0;
    for (;;) {
      size_t q = text.find('\n', p);
      lines.push_back(text.substr(p, q == std::string::npos ? std::string::npos : q - p));
      if (q == std::string::npos) break;
      p = q + 1;
    }
  }
  std::vector<std::string> vals, tmpl;
  enum { kNone, kValues, kTemplate } section = kNone;
  auto flush = [&]() {
    if (out.empty()) return;
    std::string t, v;
    for (size_t i = 0; i < tmpl.size(); ++i) t += (i ? "\n" : "") + tmpl[i];
    for (size_t i = 0; i < vals.size(); ++i) v += (i ? "\n" : "") + vals[i];
    if (!t.empty() && t.back() == '\n') t.pop_back();
    out.back().tmpl = t;
    out.back().values = v;
    tmpl.clear();
    vals.clear();
  };
  static const RE2 directive(
      R"(^### (case|values|template|nondeterministic|deviation|expect)(?::\s?(.*))?$)");
  for (const auto& line : lines) {
    std::string key, arg;
    if (RE2::FullMatch(line, directive, &key, &arg)) {
      if (key == "case") {
        flush();
        GoldenCase c;
        c.group = group;
        c.name = arg;
        while (!c.name.empty() && c.name.back() == ' ') c.name.pop_back();
        out.push_back(c);
        section = kNone;
      } else if (key == "values") {
        section = kValues;
      } else if (key == "template") {
        section = kTemplate;
      } else {
        if (key == "nondeterministic") out.back().nondeterministic = arg;
        if (key == "deviation") {
          out.back().deviation = arg;
          out.back().has_deviation = true;
        }
        if (key == "expect") out.back().expect = arg;
        section = kNone;
      }
      continue;
    }
    if (section == kValues) vals.push_back(line);
    if (section == kTemplate) tmpl.push_back(line);
  }
  flush();
  auto expected = core::parse_json(test::read_all(golden_dir() + "/expected/" + group + ".json"));
  for (auto& c : out) {
    if (!expected.ok()) break;
    if (const core::Node* e = expected->find(c.name)) {
      if (const core::Node* o = e->find("output")) {
        c.expected = o->text();
      } else if (const core::Node* er = e->find("error")) {
        c.expected = er->text();
        c.expect_error = true;
      }
    }
  }
  return out;
}

std::vector<GoldenCase> all_cases() {
  std::vector<GoldenCase> out;
  std::error_code ec;
  std::vector<std::string> groups;
  for (const auto& e : fs::directory_iterator(golden_dir() + "/cases", ec)) {
    if (e.path().extension() == ".txt") groups.push_back(e.path().stem());
  }
  std::sort(groups.begin(), groups.end());
  for (const auto& g : groups) {
    auto cs = parse_group(g);
    out.insert(out.end(), cs.begin(), cs.end());
  }
  return out;
}

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesTheOracle) {
  const GoldenCase& c = GetParam();
  auto values = parse_values_yaml(c.values, "values.yaml");
  ASSERT_TRUE(values.ok()) << values.error().to_string();
  auto r = render_template_text(c.tmpl, *values);
  if (c.has_deviation) {
    // Helm itself (not the oracle) is matched here; the expectation is hand-written.
    std::string expect = c.expect;
    size_t p;
    while ((p = expect.find("\\n")) != std::string::npos) expect.replace(p, 2, "\n");
    if (expect.rfind("error: ", 0) == 0) {
      ASSERT_FALSE(r.ok()) << c.deviation;
      EXPECT_EQ(r.error().message, expect.substr(7)) << c.deviation;
      return;
    }
    ASSERT_TRUE(r.ok()) << c.deviation << ": " << r.error().message;
    EXPECT_EQ(*r, expect) << c.deviation;
    return;
  }
  if (c.expect_error) {
    ASSERT_FALSE(r.ok()) << "expected error: " << c.expected << "\ngot output: " << *r;
    EXPECT_EQ(r.error().message, c.expected);
    return;
  }
  ASSERT_TRUE(r.ok()) << r.error().message;
  if (!c.nondeterministic.empty()) {
    EXPECT_TRUE(RE2::FullMatch(*r, RE2("(?s)" + c.nondeterministic))) << *r;
    return;
  }
  EXPECT_EQ(*r, c.expected);
}

std::string case_name(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string n = info.param.group + "_" + info.param.name;
  for (char& ch : n) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return n;
}

INSTANTIATE_TEST_SUITE_P(Templates, Golden, ::testing::ValuesIn(all_cases()), case_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Golden);

}  // namespace
}  // namespace oc::helm
