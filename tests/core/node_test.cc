#include "core/node.h"

#include <gtest/gtest.h>

#include "core/yaml.h"

namespace oc::core {
namespace {

TEST(Node, MappingAccessKeepsInsertionOrder) {
  Node m = Node::mapping();
  m["b"] = Node::integer(1);
  m["a"] = Node::string("x");
  m.set("b", Node::boolean(true));
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m.entries()[0].key.text(), "b");
  EXPECT_EQ(m.entries()[0].value.text(), "true");
  EXPECT_EQ(m.entries()[1].key.text(), "a");
  EXPECT_TRUE(m.erase("b"));
  EXPECT_FALSE(m.erase("b"));
  EXPECT_EQ(m.find("b"), nullptr);
  ASSERT_NE(m.find("a"), nullptr);
  EXPECT_EQ(m.find("a")->text(), "x");
}

TEST(Node, CopyIsDeepIncludingComments) {
  Node m = Node::mapping();
  m["k"] = Node::string("v");
  m["k"].set_line_comment("# c");
  Node copy = m;
  copy["k"].set_text("w");
  copy["k"].set_line_comment("# d");
  EXPECT_EQ(m["k"].text(), "v");
  EXPECT_EQ(m["k"].line_comment(), "# c");
  EXPECT_EQ(copy["k"].line_comment(), "# d");
}

TEST(Node, EqualityIgnoresStyleButNotType) {
  auto a = parse_yaml("a: 'x'\nb: 1\nc: ~\n");
  auto b = parse_yaml("a: \"x\"\nb: 1\nc: null\n");
  auto c = parse_yaml("a: x\nb: '1'\nc: null\n");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_FALSE(*a == *c);  // 1 and '1' differ in typing ('x' and x do not)
  Node s = Node::string("x");
  EXPECT_EQ(s, Node::scalar("x", ScalarType::kString, ScalarStyle::kSingleQuoted));
  EXPECT_FALSE(Node::integer(1) == Node::string("1"));
}

TEST(Node, SetTextKeepsQuotedStyleAndComments) {
  auto doc = parse_yaml("password: \"old\" # keep me\n");
  ASSERT_TRUE(doc.ok());
  Node& v = *doc->find("password");
  v.set_text("new");
  EXPECT_EQ(v.style(), ScalarStyle::kDoubleQuoted);
  EXPECT_EQ(write_yaml(*doc), "password: \"new\" # keep me\n");
}

TEST(Node, NullDetection) {
  EXPECT_TRUE(Node().is_null());
  EXPECT_TRUE(Node::scalar("~", ScalarType::kUnresolved).is_null());
  EXPECT_FALSE(Node::string("null").is_null());
  EXPECT_FALSE(Node::mapping().is_null());
}

}  // namespace
}  // namespace oc::core
