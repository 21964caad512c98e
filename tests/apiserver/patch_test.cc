#include "apiserver/patch.h"

#include <gtest/gtest.h>

#include "apiserver/objects.h"
#include "core/json.h"

namespace oc::apiserver {
namespace {

using core::Node;

Node j(const std::string& s) {
  auto r = core::parse_json(s);
  EXPECT_TRUE(r.ok()) << s;
  return r.ok() ? *r : Node();
}

std::string js(const Node& n) { return *core::write_json(n); }

ResourceInfo deployment() {
  Registry reg;
  return *reg.find("apps", "v1", "deployments");
}

TEST(StrategicMergePatch, MergesContainersByNameAndKeepsOthers) {
  Node live = j(R"({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}}})");
  Node patch = j(R"({"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b:2"},{"name":"c","image":"c:1"}]}}}})");
  ASSERT_TRUE(strategic_merge_patch(deployment(), live, patch).error.empty());
  EXPECT_EQ(js(live),
            R"({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:2"},{"name":"c","image":"c:1"}]}}}})");
}

TEST(StrategicMergePatch, Directives) {
  Node live = j(R"({"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1","env":[{"name":"X","value":"1"}]},{"name":"b","image":"b:1"}]}}},"metadata":{"finalizers":["f1","f2"]}})");
  Node patch = j(R"({"metadata":{"$deleteFromPrimitiveList/finalizers":["f1"]},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"a","$patch":"delete"}]}}}})");
  ASSERT_TRUE(strategic_merge_patch(deployment(), live, patch).error.empty());
  EXPECT_EQ(js(live), R"({"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b:1"}]}}},"metadata":{"finalizers":["f2"]}})");
  Node live2 = j(R"({"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})");
  Node retain = j(R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})");
  ASSERT_TRUE(strategic_merge_patch(deployment(), live2, retain).error.empty());
  EXPECT_EQ(js(live2), R"({"spec":{"strategy":{"type":"Recreate"}}})");
  Node live3 = j(R"({"spec":{"selector":{"matchLabels":{"a":"1"}}}})");
  Node replace = j(R"({"spec":{"selector":{"$patch":"replace","matchLabels":{"b":"2"}}}})");
  ASSERT_TRUE(strategic_merge_patch(deployment(), live3, replace).error.empty());
  EXPECT_EQ(js(live3), R"({"spec":{"selector":{"matchLabels":{"b":"2"}}}})");
}

TEST(StrategicMergePatch, MissingMergeKeyIsAnError) {
  Node live = j(R"({"spec":{"template":{"spec":{"containers":[]}}}})");
  auto r = strategic_merge_patch(deployment(), live, j(R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})"));
  EXPECT_NE(r.error.find("does not contain declared merge key: name"), std::string::npos) << r.error;
}

TEST(ServerSideApply, ConflictsNameTheOtherManagerAndForceTakesOwnership) {
  ResourceInfo cm = *Registry().find("", "v1", "configmaps");
  Node live = j(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1"}})");
  record_update(live, "kubectl-edit", "v1", "", j(R"({"f:data":{"f:a":{}}})"));
  Node applied = j(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"2","b":"3"}})");
  Node l1 = live;
  PatchResult r = server_side_apply(cm, l1, applied, "flux", false, "");
  ASSERT_FALSE(r.error.empty());
  EXPECT_EQ(r.error.rfind("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using v1", 0), 0u) << r.error;
  EXPECT_NE(r.error.find(": .data.a"), std::string::npos);
  EXPECT_NE(r.conflict_causes.find("FieldManagerConflict"), std::string::npos);
  Node l2 = live;
  ASSERT_TRUE(server_side_apply(cm, l2, applied, "flux", true, "").error.empty());
  EXPECT_EQ(js(*l2.find("data")), R"({"a":"2","b":"3"})");
  // kubectl-edit lost .data.a entirely, so its entry is gone; flux owns what it applied.
  const Node& mf = *at(l2, {"metadata", "managedFields"});
  ASSERT_EQ(mf.size(), 1u);
  EXPECT_EQ(text(mf.items()[0], {"manager"}), "flux");
  EXPECT_EQ(text(mf.items()[0], {"operation"}), "Apply");
  EXPECT_EQ(js(*mf.items()[0].find("fieldsV1")), R"({"f:data":{"f:a":{},"f:b":{}}})");
}

TEST(ServerSideApply, SameValueIsSharedAndDroppedFieldsAreRemoved) {
  ResourceInfo cm = *Registry().find("", "v1", "configmaps");
  Node live = j(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})");
  ASSERT_TRUE(server_side_apply(cm, live, j(R"({"data":{"a":"1","b":"2"}})"), "m1", false, "").error.empty());
  // Another manager applies the same value: no conflict, shared ownership.
  ASSERT_TRUE(server_side_apply(cm, live, j(R"({"data":{"a":"1"}})"), "m2", false, "").error.empty());
  // m1 stops applying a and b: b (only m1's) is removed, a (m2 still owns it) stays.
  ASSERT_TRUE(server_side_apply(cm, live, j(R"({"data":{"c":"3"}})"), "m1", false, "").error.empty());
  EXPECT_EQ(js(*live.find("data")), R"({"a":"1","c":"3"})");
}

TEST(ServerSideApply, AnEmptyMapReappliedWithEntriesKeepsThem) {
  ResourceInfo cm = *Registry().find("", "v1", "configmaps");
  Node live = j(R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}})");
  ASSERT_TRUE(server_side_apply(cm, live, j(R"({"data":{}})"), "m1", false, "").error.empty());
  ASSERT_TRUE(server_side_apply(cm, live, j(R"({"data":{"a":"1"}})"), "m1", false, "").error.empty());
  EXPECT_EQ(js(*live.find("data")), R"({"a":"1"})");
  // And back: applying the empty map again drops what only this manager owned.
  ASSERT_TRUE(server_side_apply(cm, live, j(R"({"data":{}})"), "m1", false, "").error.empty());
  EXPECT_EQ(js(*live.find("data")), R"({})");
}

TEST(ServerSideApply, ManagedFieldsInTheAppliedObjectAreRejected) {
  ResourceInfo cm = *Registry().find("", "v1", "configmaps");
  Node live = j(R"({})");
  auto r = server_side_apply(cm, live, j(R"({"metadata":{"managedFields":[]}})"), "m", false, "");
  EXPECT_EQ(r.error, "metadata.managedFields must be nil");
}

TEST(MergePatch, NullDeletesAndObjectsMerge) {
  Node live = j(R"({"a":{"b":1,"c":2},"d":[1,2]})");
  ASSERT_TRUE(merge_patch(live, j(R"({"a":{"b":null,"e":3},"d":[3]})")).error.empty());
  EXPECT_EQ(js(live), R"({"a":{"c":2,"e":3},"d":[3]})");
}

}  // namespace
}  // namespace oc::apiserver
