#include "kube/selector.h"

#include <gtest/gtest.h>

namespace oc::kube {
namespace {

bool match(const std::string& sel, const Labels& labels) {
  auto s = LabelSelector::parse(sel);
  EXPECT_TRUE(s.ok()) << sel << ": " << (s.ok() ? "" : s.error().message);
  return s.ok() && s->matches(labels);
}

TEST(LabelSelector, MatchesKubernetesSemantics) {
  Labels l = {{"app", "web"}, {"tier", "front"}, {"n", "5"}};
  EXPECT_TRUE(match("", l));
  EXPECT_TRUE(match("app=web", l));
  EXPECT_TRUE(match("app==web", l));
  EXPECT_FALSE(match("app=api", l));
  EXPECT_TRUE(match("app!=api", l));
  EXPECT_TRUE(match("missing!=x", l));  // != matches objects without the label
  EXPECT_TRUE(match("tier in (front, back)", l));
  EXPECT_FALSE(match("tier notin (front)", l));
  EXPECT_TRUE(match("missing notin (front)", l));
  EXPECT_TRUE(match("app", l));
  EXPECT_FALSE(match("!app", l));
  EXPECT_TRUE(match("!missing", l));
  EXPECT_TRUE(match("app=web, tier in (front)", l));
  EXPECT_FALSE(match("app=web,!tier", l));
  EXPECT_TRUE(match("n>4", l));
  EXPECT_FALSE(match("n<5", l));
  EXPECT_TRUE(match("app=", {{"app", ""}}));
}

TEST(LabelSelector, RejectsMalformedSelectorsWithAMessage) {
  for (const char* bad : {"app=web,", "tier in front", "tier in (a,", "n>x", "=x"}) {
    auto s = LabelSelector::parse(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.error().message.find("unable to parse requirement"), std::string::npos);
  }
}

TEST(FieldSelector, EqualityAndEscapes) {
  auto s = FieldSelector::parse("metadata.name=a\\,b,status.phase!=Running");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->requirements().size(), 2u);
  EXPECT_EQ(s->requirements()[0].values[0], "a,b");
  EXPECT_TRUE(s->matches({{"metadata.name", "a,b"}, {"status.phase", "Pending"}}));
  EXPECT_FALSE(s->matches({{"metadata.name", "a,b"}, {"status.phase", "Running"}}));
  // Absent fields compare as "".
  auto empty = FieldSelector::parse("spec.nodeName=");
  EXPECT_TRUE(empty->matches(Labels{}));
  EXPECT_FALSE(FieldSelector::parse("nonsense").ok());
}

}  // namespace
}  // namespace oc::kube
