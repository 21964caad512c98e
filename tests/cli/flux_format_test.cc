// The operator verbs' output formats against flux's own golden files (flux2 cmd/flux/testdata,
// internal/tree, homeport/dyff as flux pins it), without a cluster.
#include <gtest/gtest.h>

#include "controllers/verbs_dyff.h"
#include "controllers/verbs_format.h"
#include "core/json.h"

namespace oc::controllers::verbs {
namespace {

core::Node json(const std::string& text) {
  auto n = core::parse_json(text);
  EXPECT_TRUE(n.ok()) << text;
  return n.ok() ? *n : core::Node();
}

TEST(FluxFormat, Table_MatchesFluxGetGolden) {
  // flux2 cmd/flux/testdata/get/get.golden, byte for byte.
  std::vector<std::vector<std::string>> rows = {
      {"podinfo", "main@sha1:696f056d", "False", "True", "Fetched revision: main@sha1:696f056d"},
      {"podinfo-shard1", "main@sha1:696f056d", "False", "True",
       "Fetched revision: main@sha1:696f056d"},
      {"podinfo-shard2", "main@sha1:696f056d", "False", "True",
       "Fetched revision: main@sha1:696f056d"},
  };
  EXPECT_EQ(format_table({"Name", "Revision", "Suspended", "Ready", "Message"}, rows),
            "NAME          \tREVISION          \tSUSPENDED\tREADY\tMESSAGE                         "
            "     \n"
            "podinfo       \tmain@sha1:696f056d\tFalse    \tTrue \tFetched revision: "
            "main@sha1:696f056d\t\n"
            "podinfo-shard1\tmain@sha1:696f056d\tFalse    \tTrue \tFetched revision: "
            "main@sha1:696f056d\t\n"
            "podinfo-shard2\tmain@sha1:696f056d\tFalse    \tTrue \tFetched revision: "
            "main@sha1:696f056d\t\n");
  // get_status_ready_false.golden: an empty revision still takes its column's width.
  EXPECT_EQ(format_table(
                {"Name", "Revision", "Suspended", "Ready", "Message"},
                {{"gr-failed", "", "False", "False", "failed to checkout and determine revision"}}),
            "NAME     \tREVISION\tSUSPENDED\tREADY\tMESSAGE                                   \n"
            "gr-failed\t        \tFalse    \tFalse\tfailed to checkout and determine revision\t\n");
}

TEST(FluxFormat, Table_MultilineCellsTakeSeveralLinesAndNoHeaderPrintsRowsOnly) {
  EXPECT_EQ(format_table({"A", "B"}, {{"x", "one\ntwo"}}), "A\tB   \nx\tone\t\n \ttwo\t\n");
  EXPECT_EQ(format_table({}, {{"x", "y"}}), "x\ty\t\n");
}

TEST(FluxFormat, TruncateHex_ShortensDigestsOf40To128HexDigits) {
  std::string sha1(40, 'a');
  EXPECT_EQ(truncate_hex("main@sha1:" + sha1), "main@sha1:aaaaaaaa");
  EXPECT_EQ(truncate_hex("sha256:" + std::string(64, '0') + " and " + sha1),
            "sha256:00000000 and aaaaaaaa");
  EXPECT_EQ(truncate_hex(std::string(39, 'a')), std::string(39, 'a'));
  EXPECT_EQ(truncate_hex(std::string(129, 'a')), std::string(129, 'a'));
  EXPECT_EQ(truncate_hex("x" + sha1), "x" + sha1);  // not at a word boundary
}

TEST(FluxFormat, GetRow_UsesFluxColumnsAndDefaults) {
  const FluxKind* ks = find_flux_kind("kustomization");
  ASSERT_NE(ks, nullptr);
  auto obj = json(R"({"metadata":{"name":"apps","namespace":"flux-system"},"spec":{"suspend":true},
                      "status":{"lastAppliedRevision":"main@sha1:)" +
                  std::string(40, 'b') + R"("}})");
  EXPECT_EQ(get_row(*ks, obj, true, true),
            (std::vector<std::string>{"flux-system", "kustomization/apps", "main@sha1:bbbbbbbb",
                                      "True", "False", "waiting to be reconciled"}));
  const FluxKind* provider = find_flux_kind("Provider");
  ASSERT_NE(provider, nullptr);
  EXPECT_EQ(get_header(*provider, false), (std::vector<std::string>{"Name", "Ready", "Message"}));
  EXPECT_TRUE(status_selector_matches("ready!=true", obj));
  EXPECT_FALSE(status_selector_matches("ready=true", obj));
}

TEST(FluxFormat, Tree_PrintsLikeFluxTreeGolden) {
  auto meta = [](std::string ns, std::string name, std::string group, std::string kind) {
    return ObjMeta{std::move(ns), std::move(name), std::move(group), std::move(kind), "v1"};
  };
  InventoryTree t{
      meta("flux-system", "flux-system", "kustomize.toolkit.fluxcd.io", "Kustomization"), {}};
  t.children.push_back({meta("", "flux-system", "", "Namespace"), {}});
  InventoryTree infra{
      meta("flux-system", "infrastructure", "kustomize.toolkit.fluxcd.io", "Kustomization"), {}};
  infra.children.push_back({meta("", "cert-manager", "", "Namespace"), {}});
  infra.children.push_back(
      {meta("cert-manager", "cert-manager", "source.toolkit.fluxcd.io", "HelmRepository"), {}});
  t.children.push_back(infra);
  t.children.push_back(
      {meta("flux-system", "flux-system", "source.toolkit.fluxcd.io", "GitRepository"), {}});
  EXPECT_EQ(print_tree(t),
            "Kustomization/flux-system/flux-system\n"
            "├── Namespace/flux-system\n"
            "├── Kustomization/flux-system/infrastructure\n"
            "│   ├── Namespace/cert-manager\n"
            "│   └── HelmRepository/cert-manager/cert-manager\n"
            "└── GitRepository/flux-system/flux-system\n");
}

TEST(FluxFormat, LogLine_MatchesFluxLogsTemplateAndFilters) {
  std::string line =
      R"({"level":"error","ts":"2022-08-02T12:56:34.961Z","msg":"no changes","controllerKind":"Kustomization",)"
      R"("name":"podinfo","namespace":"default","error":"boom"})";
  LogFilter all;
  all.all_namespaces = true;
  EXPECT_EQ(format_log_line(line, all),
            "2022-08-02T12:56:34.961Z error Kustomization/podinfo.default - no changes boom\n");
  LogFilter f;
  f.namespace_name = "flux-system";
  EXPECT_FALSE(format_log_line(line, f));
  f.namespace_name = "default";
  f.level = "info";
  EXPECT_FALSE(format_log_line(line, f));
  f.level = "error";
  f.kind = "kustomization";
  EXPECT_TRUE(format_log_line(line, f));
  EXPECT_FALSE(format_log_line("not json", all));
}

TEST(FluxFormat, EventLastSeen_CountsRepeats) {
  auto ev = json(
      R"({"firstTimestamp":"2026-01-01T00:00:00Z","lastTimestamp":"2026-01-01T00:09:00Z","count":3})");
  int64_t now = 1767225600 + 600;  // 2026-01-01T00:10:00Z
  EXPECT_EQ(event_last_seen(ev, now), "60s (x3 over 10m)");
  EXPECT_EQ(event_last_seen(json(R"({"firstTimestamp":"2026-01-01T00:09:55Z"})"), now), "5s");
  EXPECT_EQ(event_last_seen(json("{}"), now), "<unknown>");
}

TEST(FluxFormat, GoTimeString_IsGoTimeFormat) {
  EXPECT_EQ(go_time_string("2023-03-06T14:11:13Z"), "2023-03-06 14:11:13 +0000 UTC");
  EXPECT_EQ(go_time_string("2023-03-06T14:11:13.250Z"), "2023-03-06 14:11:13.25 +0000 UTC");
}

// flux2 cmd/flux/testdata/diff-kustomization/diff-with-drifted-service.golden.
TEST(FluxDyff, NamedListEntryValueChange) {
  auto live = json(R"({"spec":{"ports":[{"name":"http","port":9899,"protocol":"TCP"}]}})");
  auto desired = json(R"({"spec":{"ports":[{"name":"http","port":9898,"protocol":"TCP"}]}})");
  EXPECT_EQ(dyff_report(live, desired),
            "\nspec.ports.http.port\n± value change\n- 9899\n+ 9898\n\n");
  EXPECT_EQ(dyff_report(live, live), "");
}

// diff-with-drift-ignore.golden: added entries are indented by two.
TEST(FluxDyff, MapEntryAdded) {
  auto live = json(R"({"metadata":{"name":"podinfo"}})");
  auto desired = json(
      R"({"metadata":{"labels":{"kustomize.toolkit.fluxcd.io/name":"podinfo"},"name":"podinfo"}})");
  EXPECT_EQ(dyff_report(live, desired),
            "\nmetadata\n+ one map entry added:\n  labels:\n    kustomize.toolkit.fluxcd.io/name: "
            "podinfo\n\n");
}

// diff-with-drifted-secret.golden.
TEST(FluxDyff, SecretValuesAreMasked) {
  auto live = json(R"({"data":{"password":"YQ==","username":"YQ=="}})");
  auto desired = json(R"({"data":{"password":"Yg==","username":"YQ=="}})");
  mask_secret_data(live, desired);
  EXPECT_EQ(dyff_report(live, desired),
            "\ndata.password\n± value change\n- *** (before)\n+ *** (after)\n\n");
}

TEST(FluxDyff, ListEntriesRemovedAndAddedSideBySide) {
  auto live = json(R"({"list":[{"aaa":"bbb","name":"one"}],"x":1})");
  auto desired = json(R"({"list":[{"aaa":"bbb","name":"two"}],"x":"1"})");
  EXPECT_EQ(dyff_report(live, desired),
            "\nlist\n"
            "- one list entry removed:   + one list entry added:\n"
            "- name: one                   - name: two\n"
            "  aaa: bbb                      aaa: bbb\n"
            "\nx\n± type change from int to string\n- 1\n+ 1\n\n");
}

TEST(FluxDyff, MultilineTextIsALineDiff) {
  auto live = json(R"({"data":{"cert":"a\nb\nc\n"}})");
  auto desired = json(R"({"data":{"cert":"a\nB\nc\n"}})");
  EXPECT_EQ(
      dyff_report(live, desired),
      "\ndata.cert\n± value change in multiline text (one insert, one deletion)\n- b\n+ B\n\n\n");
}

}  // namespace
}  // namespace oc::controllers::verbs
