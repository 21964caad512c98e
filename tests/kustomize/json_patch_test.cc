// RFC 6902 JSON patch with evanphx/json-patch v4 semantics (src/kube/json_patch.h).
#include "kube/json_patch.h"

#include <gtest/gtest.h>

#include "core/json.h"

namespace oc::kube {
namespace {

core::Node json(const std::string& text) {
  auto n = core::parse_json(text);
  EXPECT_TRUE(n.ok()) << n.error().to_string();
  return n.ok() ? *n : core::Node();
}

std::string canon(const core::Node& n) {
  core::JsonStyle s;
  s.sort_keys = true;
  return *core::write_json(n, s);
}

// Applies `patch` to `doc`; returns the result as sorted JSON, or "error: …".
std::string apply(const std::string& doc, const std::string& patch) {
  core::Node d = json(doc);
  auto ops = parse_json_patch(json(patch));
  if (!ops.ok()) return "error: " + ops.error().message;
  auto s = apply_json_patch(d, *ops);
  if (!s.ok()) return "error: " + s.error().message;
  return canon(d);
}

// RFC 6902 appendix A.
TEST(JsonPatch, AddsObjectMember) {
  EXPECT_EQ(apply(R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])"),
            R"({"baz":"qux","foo":"bar"})");
}

TEST(JsonPatch, AddsArrayElementAtIndex) {
  EXPECT_EQ(apply(R"({"foo":["bar","baz"]})", R"([{"op":"add","path":"/foo/1","value":"qux"}])"),
            R"({"foo":["bar","qux","baz"]})");
}

TEST(JsonPatch, AppendsWithDash) {
  EXPECT_EQ(apply(R"({"foo":[1]})", R"([{"op":"add","path":"/foo/-","value":2}])"),
            R"({"foo":[1,2]})");
}

TEST(JsonPatch, RemovesMemberAndElement) {
  EXPECT_EQ(apply(R"({"a":1,"b":[1,2,3]})",
                  R"([{"op":"remove","path":"/a"},{"op":"remove","path":"/b/1"}])"),
            R"({"b":[1,3]})");
}

TEST(JsonPatch, ReplacesValue) {
  EXPECT_EQ(
      apply(R"({"baz":"qux","foo":"bar"})", R"([{"op":"replace","path":"/baz","value":"boo"}])"),
      R"({"baz":"boo","foo":"bar"})");
}

TEST(JsonPatch, MovesAndCopies) {
  EXPECT_EQ(apply(R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
                  R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])"),
            R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})");
  EXPECT_EQ(apply(R"({"a":{"b":1}})", R"([{"op":"copy","from":"/a","path":"/c"}])"),
            R"({"a":{"b":1},"c":{"b":1}})");
}

TEST(JsonPatch, EscapedPointerTokens) {
  EXPECT_EQ(apply(R"({"a/b":1,"m~n":2})",
                  R"([{"op":"replace","path":"/a~1b","value":3},{"op":"remove","path":"/m~0n"}])"),
            R"({"a/b":3})");
}

TEST(JsonPatch, TestOperationPassesAndFails) {
  EXPECT_EQ(apply(R"({"a":[1,2]})", R"([{"op":"test","path":"/a","value":[1,2]}])"),
            R"({"a":[1,2]})");
  EXPECT_EQ(apply(R"({"a":"x"})", R"([{"op":"test","path":"/a","value":"y"}])").substr(0, 6),
            "error:");
}

TEST(JsonPatch, ReplaceOfMissingMemberAddsItLikeEvanphxV4) {
  EXPECT_EQ(apply(R"({"a":1})", R"([{"op":"replace","path":"/b","value":2}])"), R"({"a":1,"b":2})");
}

TEST(JsonPatch, NegativeIndexCountsFromTheEnd) {
  EXPECT_EQ(apply(R"({"a":[1,2,3]})", R"([{"op":"remove","path":"/a/-1"}])"), R"({"a":[1,2]})");
}

TEST(JsonPatch, MissingParentIsAnError) {
  std::string r = apply(R"({"a":1})", R"([{"op":"add","path":"/x/y","value":2}])");
  EXPECT_NE(r.find("doc is missing path"), std::string::npos) << r;
}

TEST(JsonPatch, RemovingMissingMemberIsAnError) {
  std::string r = apply(R"({"a":1})", R"([{"op":"remove","path":"/b"}])");
  EXPECT_NE(r.find("Unable to remove nonexistent key: b"), std::string::npos) << r;
}

TEST(JsonPatch, IndexOutOfRangeIsAnError) {
  std::string r = apply(R"({"a":[1]})", R"([{"op":"add","path":"/a/5","value":2}])");
  EXPECT_NE(r.find("invalid index"), std::string::npos) << r;
}

TEST(JsonPatch, FailedPatchLeavesTheDocumentUnchanged) {
  core::Node d = json(R"({"a":1})");
  auto ops = parse_json_patch(
      json(R"([{"op":"add","path":"/b","value":2},{"op":"remove","path":"/zz"}])"));
  ASSERT_TRUE(ops.ok());
  EXPECT_FALSE(apply_json_patch(d, *ops).ok());
  EXPECT_EQ(canon(d), R"({"a":1})");
}

TEST(JsonPatch, UnknownOperationIsAnError) {
  EXPECT_FALSE(parse_json_patch(json(R"([{"op":"frobnicate","path":"/a"}])")).ok());
  EXPECT_FALSE(parse_json_patch(json(R"({"op":"add"})")).ok());
}

}  // namespace
}  // namespace oc::kube
