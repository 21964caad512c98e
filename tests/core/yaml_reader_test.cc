#include <gtest/gtest.h>

#include "core/yaml.h"

namespace oc::core {
namespace {

Node parse_ok(std::string_view text) {
  auto r = parse_yaml(text);
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return r.ok() ? std::move(*r) : Node();
}

Error parse_err(std::string_view text, ParseOptions opts = {}) {
  opts.file = "f.yaml";
  auto r = parse_yaml_stream(text, opts);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? Error() : r.error();
}

TEST(YamlRead, StreamOfDocuments) {
  auto r = parse_yaml_stream("a: 1\n---\nb: 2\n...\n---\n# only a comment\n---\n- x\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 4u);
  EXPECT_EQ((*r)[0].find("a")->text(), "1");
  EXPECT_EQ((*r)[1].find("b")->text(), "2");
  EXPECT_TRUE((*r)[2].is_null());
  EXPECT_TRUE((*r)[3].is_sequence());
  EXPECT_TRUE(parse_yaml_stream("")->empty());
  EXPECT_TRUE(parse_yaml_stream("# nothing\n")->empty());
}

TEST(YamlRead, ScalarStylesTagsAndMarks) {
  Node d = parse_ok("a: plain\nb: 'single'\nc: \"double\"\nd: |\n  lit\ne: >-\n  folded\n  text\n"
                    "f: !!str 12\ng: !custom x\n");
  EXPECT_EQ(d.find("a")->style(), ScalarStyle::kPlain);
  EXPECT_EQ(d.find("a")->type(), ScalarType::kUnresolved);
  EXPECT_EQ(d.find("b")->style(), ScalarStyle::kSingleQuoted);
  EXPECT_EQ(d.find("b")->type(), ScalarType::kString);
  EXPECT_EQ(d.find("c")->style(), ScalarStyle::kDoubleQuoted);
  EXPECT_EQ(d.find("d")->style(), ScalarStyle::kLiteral);
  EXPECT_EQ(d.find("d")->text(), "lit\n");
  EXPECT_EQ(d.find("e")->style(), ScalarStyle::kFolded);
  EXPECT_EQ(d.find("e")->text(), "folded text");
  EXPECT_EQ(d.find("f")->tag(), "tag:yaml.org,2002:str");
  EXPECT_EQ(d.find("g")->tag(), "!custom");
  EXPECT_EQ(d.find("c")->mark().line, 3u);
  EXPECT_EQ(d.find("c")->mark().column, 4u);
}

TEST(YamlRead, AliasesAreExpanded) {
  Node d = parse_ok("base: &b\n  x: 1\n  y: [1, 2]\ncopy: *b\nitems: [&s v, *s]\n");
  EXPECT_EQ(*d.find("base"), *d.find("copy"));
  EXPECT_EQ(d.find("base")->anchor(), "b");
  EXPECT_EQ(d.find("items")->items()[1].text(), "v");
}

TEST(YamlRead, BillionLaughsIsRejected) {
  std::string doc = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'j'; ++c) {
    doc += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) doc += std::string(i ? ", *" : "*") + prev;
    doc += "]\n";
    prev = c;
  }
  Error e = parse_err(doc);
  EXPECT_NE(e.message.find("billion laughs"), std::string::npos) << e.message;
  EXPECT_EQ(e.file, "f.yaml");
  EXPECT_GT(e.line, 0);
}

TEST(YamlRead, UnknownAliasIsAnError) {
  Error e = parse_err("a: *nope\n");
  EXPECT_EQ(e.line, 1);
  EXPECT_EQ(e.column, 4);
  EXPECT_NE(e.message.find("unknown anchor 'nope'"), std::string::npos);
}

TEST(YamlRead, DepthIsBounded) {
  ParseOptions o;
  o.max_depth = 50;
  Error e = parse_err(std::string(60, '[') + std::string(60, ']'), o);
  EXPECT_NE(e.message.find("nested deeper than 50 levels"), std::string::npos);
  // The default limit holds against far deeper input without exhausting the stack.
  Error deep = parse_err(std::string(200000, '['));
  EXPECT_FALSE(deep.message.empty());
}

TEST(YamlRead, SizeIsBounded) {
  ParseOptions o;
  o.max_bytes = 10;
  Error e = parse_err("a: 123456789\n", o);
  EXPECT_NE(e.message.find("over the limit of 10"), std::string::npos);
}

TEST(YamlRead, DuplicateKeysNameBothLines) {
  Error e = parse_err("a: 1\nb: 2\na: 3\n");
  EXPECT_EQ(e.to_string(), "f.yaml:3:1: mapping key \"a\" already defined at line 1");
  std::string big;
  for (int i = 0; i < 40; ++i) big += "k" + std::to_string(i) + ": v\n";
  big += "k7: again\n";
  Error e2 = parse_err(big);
  EXPECT_EQ(e2.line, 41);
  EXPECT_NE(e2.message.find("\"k7\" already defined at line 8"), std::string::npos);
  // 1 and '1' are different keys, as in go-yaml.
  EXPECT_TRUE(parse_yaml("1: a\n'1': b\n").ok());
  ParseOptions lax;
  lax.allow_duplicate_keys = true;
  EXPECT_TRUE(parse_yaml("a: 1\na: 2\n", lax).ok());
}

TEST(YamlRead, SyntaxErrorsCarryPosition) {
  Error e = parse_err("a: [1, 2\nb: 3\n");
  EXPECT_EQ(e.file, "f.yaml");
  EXPECT_GT(e.line, 0);
  EXPECT_NE(e.message.find("flow sequence"), std::string::npos) << e.message;
  Error tab = parse_err("a:\n\tb: 1\n");
  EXPECT_EQ(tab.line, 2);
  EXPECT_NE(tab.message.find("tabs"), std::string::npos) << tab.message;
  Error one = parse_yaml("a: 1\n---\nb: 2\n").error();
  EXPECT_NE(one.message.find("expected one YAML document, found 2"), std::string::npos);
}

TEST(YamlRead, CrlfBomAndUnicode) {
  Node d = parse_ok("\xEF\xBB\xBF" "a: 1\r\n# c\r\nb: 'é'\r\n");
  EXPECT_EQ(d.find("b")->text(), "é");
  EXPECT_EQ(d.entries()[1].key.head_comment(), "# c");
}

TEST(YamlRead, CommentsAttachToTheirNodes) {
  Node d = parse_ok(
      "# file head\n"
      "\n"
      "a: 1 # line a\n"
      "b: # on key b\n"
      "  # head of c\n"
      "  c: x\n"
      "  # foot of b's map\n"
      "# head of list\n"
      "list:\n"
      "- one # about one\n"
      "# about two\n"
      "- two\n"
      "s: | # header\n"
      "  text # not a comment\n"
      "q: \"a # b\" # real\n"
      "# the end\n");
  EXPECT_EQ(d.head_comment(), "# file head\n");
  EXPECT_EQ(d.find("a")->line_comment(), "# line a");
  EXPECT_EQ(d.entries()[1].key.line_comment(), "# on key b");
  const Node& b = *d.find("b");
  EXPECT_EQ(b.entries()[0].key.head_comment(), "# head of c");
  EXPECT_EQ(b.foot_comment(), "# foot of b's map");
  EXPECT_EQ(d.entries()[2].key.head_comment(), "# head of list");
  const Node& list = *d.find("list");
  EXPECT_EQ(list.items()[0].line_comment(), "# about one");
  EXPECT_EQ(list.items()[1].head_comment(), "# about two");
  EXPECT_EQ(d.find("s")->line_comment(), "# header");
  EXPECT_EQ(d.find("s")->text(), "text # not a comment\n");
  EXPECT_EQ(d.find("q")->text(), "a # b");
  EXPECT_EQ(d.find("q")->line_comment(), "# real");
  EXPECT_EQ(d.foot_comment(), "# the end");
}

TEST(YamlRead, CommentsInNonAsciiDocuments) {
  Node d = parse_ok("name: 'naïve café' # é\n# 中文\nnext: ü\n");
  EXPECT_EQ(d.find("name")->line_comment(), "# é");
  EXPECT_EQ(d.entries()[1].key.head_comment(), "# 中文");
}

TEST(YamlRead, CommentsCanBeTurnedOff) {
  ParseOptions o;
  o.comments = false;
  auto r = parse_yaml("a: 1 # c\n", o);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->find("a")->has_comments());
}

}  // namespace
}  // namespace oc::core
