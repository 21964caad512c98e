// The manifest head scan (kind, metadata.name, metadata.annotations from libyaml's events)
// against the full parse it replaces: same fields, same errors, on crafted documents, on every
// document the conformance charts render, and on generated ones.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/json.h"
#include "helm/manifest_head.h"
#include "support/process.h"

namespace oc::helm {
namespace {

void expect_same(const std::string& doc) {
  auto fast = parse_manifest_head(doc, "t.yaml");
  auto full = parse_manifest_head_full(doc, "t.yaml");
  ASSERT_EQ(fast.ok(), full.ok()) << doc;
  if (!fast.ok()) {
    EXPECT_EQ(fast.error().to_string(), full.error().to_string()) << doc;
    return;
  }
  EXPECT_EQ(fast->kind, full->kind) << doc;
  EXPECT_EQ(fast->name, full->name) << doc;
  EXPECT_EQ(fast->annotations, full->annotations) << doc;
  EXPECT_EQ(fast->has_annotations, full->has_annotations) << doc;
}

TEST(ManifestHead, CraftedDocumentsReadAsTheFullParseReadsThem) {
  const char* docs[] = {
      "",
      "# only a comment\n",
      "plain scalar\n",
      "- a\n- b\n",
      "kind: Deployment\nmetadata:\n  name: web\n",
      "apiVersion: v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: "
      "pre-install\n    helm.sh/hook-weight: \"-5\"\n",
      "kind: ~\nmetadata:\n  name: null\n  annotations: {}\n",
      "kind: A\nkind: B\nmetadata: {name: first}\nmetadata: {name: second}\n",
      "metadata: x\nmetadata:\n  name: later\n",
      "metadata:\n  name: [a, b]\n  name: n2\n  annotations:\n    a: [1]\n    b: {c: d}\n"
      "    a: again\n    ? [k]\n    : v\n",
      "\"kind\": 'Service'\n'metadata': {\"name\": !!str 123, annotations: {x: !!null ''}}\n",
      "kind: !!str ~\nmetadata:\n  name: |\n    block\n  annotations: >-\n    folded\n",
      "spec:\n  template:\n    metadata:\n      name: inner\nkind: K\n",
      "? kind\n: Explicit\n? [a, b]\n: complex key\n",
      "kind: &k Anchored\nmetadata: {name: *k}\n",
      "kind: *missing\n",
      "kind: A\n---\nkind: B\n",
      "kind: A\n...\n",
      "kind: [unclosed\n",
      "kind: a\n  bad: indentation\n",
      "metadata:\n  annotations:\n    a: 1\n  annotations:\n    b: 2\n",
      "metadata:\n  annotations: x\n  annotations:\n    b: 2\nmetadata:\n  name: second\n",
      "metadata:\n  annotations:\n",
      "metadata:\n  annotations: ~\n",
      "metadata:\n  - name: in a list\n",
      "kind: \"quoted \\u00e9\"\nmetadata:\n  name: 'it''s'\n",
      "kind: Tab\tin\n",
      "{kind: Flow, metadata: {name: f, annotations: {a: 1, b: true}}}\n",
  };
  for (const char* d : docs) expect_same(d);
}

// Every document of every rendered template the conformance charts have.
TEST(ManifestHead, ConformanceDocumentsReadAsTheFullParseReadsThem) {
  std::string root = std::string(OC_CONFORMANCE_DIR) + "/helm";
  std::error_code ec;
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(root, ec)) {
    std::string path = (e.path() / "expected.json").string();
    if (!std::filesystem::exists(path)) continue;
    auto expected = core::parse_json(test::read_all(path));
    ASSERT_TRUE(expected.ok()) << path;
    for (const auto& t : expected->entries()) {  // template name → rendered text
      if (!t.value.is_scalar()) continue;
      const std::string& text = t.value.text();
      size_t p = 0;
      while (p <= text.size()) {
        size_t q = text.find("\n---", p);
        std::string doc = text.substr(p, q == std::string::npos ? std::string::npos : q - p);
        expect_same(doc);
        ++n;
        if (q == std::string::npos) break;
        p = q + 4;
      }
    }
  }
  if (n == 0) GTEST_SKIP() << "no conformance charts under " << root;
  EXPECT_GT(n, 100);
}

// Generated block documents: heads at random places, duplicates, nulls, tags, flow values,
// anchors and aliases, and now and then a syntax error.
std::string gen_value(std::mt19937& rng, int depth, int indent);

std::string gen_key(std::mt19937& rng) {
  static const char* keys[] = {"kind", "metadata", "name", "annotations", "spec", "\"kind\"",
                               "'name'", "labels", "a", "helm.sh/hook", "~", "? x"};
  return keys[rng() % (sizeof keys / sizeof *keys)];
}

std::string gen_scalar(std::mt19937& rng) {
  static const char* values[] = {"Deployment", "~", "null", "\"\"", "''", "!!str 12", "yes",
                                 "'quoted'", "\"dq \\t\"", "&a anchored", "*a", "[x, y]",
                                 "{k: v}", "[unclosed", "12", "pre-install,post-install"};
  return values[rng() % (sizeof values / sizeof *values)];
}

std::string gen_mapping(std::mt19937& rng, int depth, int indent) {
  std::string out;
  int keys = 1 + int(rng() % 4);
  for (int i = 0; i < keys; ++i) {
    out += std::string(size_t(indent), ' ') + gen_key(rng) + ":";
    out += gen_value(rng, depth + 1, indent + 2);
  }
  return out;
}

std::string gen_value(std::mt19937& rng, int depth, int indent) {
  unsigned r = rng() % 10;
  if (depth < 4 && r < 4) return "\n" + gen_mapping(rng, depth, indent);
  if (depth < 4 && r == 4) {
    return "\n" + std::string(size_t(indent), ' ') + "- " + gen_scalar(rng) + "\n" +
           std::string(size_t(indent), ' ') + "- " + gen_scalar(rng) + "\n";
  }
  return " " + gen_scalar(rng) + "\n";
}

TEST(ManifestHead, GeneratedDocumentsReadAsTheFullParseReadsThem) {
  std::mt19937 rng(20261126);
  for (int i = 0; i < 3000; ++i) expect_same(gen_mapping(rng, 0, 0));
}

}  // namespace
}  // namespace oc::helm
