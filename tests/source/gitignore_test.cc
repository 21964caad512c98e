// The gitignore matcher against go-git v5's semantics (fluxcd/pkg sourceignore/gitignore):
// its own test cases re-expressed as tables, Go's filepath.Match cases, and differential runs
// against Go (filepath.Match) and, when a fluxcd/pkg checkout is configured, against Flux's
// matcher itself.
#include "source/gitignore.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "support/process.h"

namespace oc::source::gitignore {
namespace {

std::vector<std::string_view> split(const std::string& p) {
  std::vector<std::string_view> out;
  std::string_view s = p;
  size_t start = 0;
  for (;;) {
    size_t slash = s.find('/', start);
    out.push_back(s.substr(start, slash == std::string_view::npos ? s.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

std::vector<std::string> split_domain(const std::string& d) {
  std::vector<std::string> out;
  if (d.empty()) return out;
  for (std::string_view s : split(d)) out.emplace_back(s);
  return out;
}

// --- filepath.Match (Go's match_test.go table, re-expressed) ---

struct GlobCase {
  const char* pattern;
  const char* name;
  Glob want;
};

class GlobMatch : public ::testing::TestWithParam<GlobCase> {};

TEST_P(GlobMatch, MatchesLikeGoFilepathMatch) {
  const GlobCase& c = GetParam();
  EXPECT_EQ(glob_match(c.pattern, c.name), c.want) << c.pattern << " vs " << c.name;
}

constexpr Glob Y = Glob::kMatch, N = Glob::kNoMatch, B = Glob::kBadPattern;

INSTANTIATE_TEST_SUITE_P(
    GoCases, GlobMatch,
    ::testing::Values(
        GlobCase{"abc", "abc", Y}, GlobCase{"*", "abc", Y}, GlobCase{"*c", "abc", Y},
        GlobCase{"a*", "a", Y}, GlobCase{"a*", "abc", Y}, GlobCase{"a*", "ab/c", N},
        GlobCase{"a*/b", "abc/b", Y}, GlobCase{"a*/b", "a/c/b", N},
        GlobCase{"a*b*c*d*e*/f", "axbxcxdxe/f", Y}, GlobCase{"a*b*c*d*e*/f", "axbxcxdxexxx/f", Y},
        GlobCase{"a*b*c*d*e*/f", "axbxcxdxe/xxx/f", N},
        GlobCase{"a*b*c*d*e*/f", "axbxcxdxexxx/fff", N}, GlobCase{"a*b?c*x", "abxbbxdbxebxczzx", Y},
        GlobCase{"a*b?c*x", "abxbbxdbxebxczzy", N}, GlobCase{"ab[c]", "abc", Y},
        GlobCase{"ab[b-d]", "abc", Y}, GlobCase{"ab[e-g]", "abc", N}, GlobCase{"ab[^c]", "abc", N},
        GlobCase{"ab[^b-d]", "abc", N}, GlobCase{"ab[^e-g]", "abc", Y}, GlobCase{"a\\*b", "a*b", Y},
        GlobCase{"a\\*b", "ab", N}, GlobCase{"a?b", "a\u263Ab", Y},
        GlobCase{"a[^a]b", "a\u263Ab", Y}, GlobCase{"a???b", "a\u263Ab", N},
        GlobCase{"a[^a][^a][^a]b", "a\u263Ab", N}, GlobCase{"[a-\u03b6]*", "\u03b1", Y},
        GlobCase{"*[a-\u03b6]", "A", N}, GlobCase{"a?b", "a/b", N}, GlobCase{"a*b", "a/b", N},
        GlobCase{"[\\]a]", "]", Y}, GlobCase{"[\\-]", "-", Y}, GlobCase{"[x\\-]", "x", Y},
        GlobCase{"[x\\-]", "-", Y}, GlobCase{"[x\\-]", "z", N}, GlobCase{"[\\-x]", "x", Y},
        GlobCase{"[\\-x]", "-", Y}, GlobCase{"[\\-x]", "a", N}, GlobCase{"[]a]", "]", B},
        GlobCase{"[-]", "-", B}, GlobCase{"[x-]", "x", B}, GlobCase{"[x-]", "-", B},
        GlobCase{"[x-]", "z", B}, GlobCase{"[-x]", "x", B}, GlobCase{"[-x]", "-", B},
        GlobCase{"[-x]", "a", B}, GlobCase{"\\", "a", B}, GlobCase{"[a-b-c]", "a", B},
        GlobCase{"[", "a", B}, GlobCase{"[^", "a", B}, GlobCase{"[^bc", "a", B},
        GlobCase{"a[", "a", B}, GlobCase{"a[", "ab", B}, GlobCase{"a[", "x", B},
        GlobCase{"a/b[", "x", B}, GlobCase{"*x", "xxx", Y},
        // '!' is not a negation in Go (only '^' is), unlike git's wildmatch.
        GlobCase{"[!a]", "b", N}, GlobCase{"[!a]", "!", Y},
        // POSIX classes do not exist in Go: "[[:alpha:]]" is the class "[:alph" then "]".
        GlobCase{"[[:alpha:]]", "a", N}, GlobCase{"[[:alpha:]]", "a]", Y},
        // An invalid UTF-8 byte is one rune U+FFFD for '?' and classes.
        GlobCase{"?", "\xff", Y}, GlobCase{"[^a]", "\xff", Y}, GlobCase{"[\xff]", "a", B},
        GlobCase{"", "", Y}, GlobCase{"", "a", N}, GlobCase{"**", "abc", Y},
        GlobCase{"a\\", "a", B}));

// --- go-git v5 pattern cases (fluxcd/pkg sourceignore/gitignore/pattern_test.go) ---

struct PatternCase {
  const char* name;
  const char* pattern;
  const char* domain;  // '/'-separated, "" for none
  const char* path;
  bool is_dir;
  MatchResult want;
};

class PatternMatch : public ::testing::TestWithParam<PatternCase> {};

TEST_P(PatternMatch, MatchesLikeGoGitV5) {
  const PatternCase& c = GetParam();
  Pattern p = Pattern::parse(c.pattern, split_domain(c.domain));
  std::string path = c.path;
  auto comps = split(path);
  EXPECT_EQ(p.match(comps, c.is_dir), c.want) << c.pattern << " vs " << c.path;
}

constexpr MatchResult kNo = MatchResult::kNoMatch, kEx = MatchResult::kExclude,
                      kIn = MatchResult::kInclude;

INSTANTIATE_TEST_SUITE_P(
    GoGitCases, PatternMatch,
    ::testing::Values(
        PatternCase{"SimpleInclusion", "!vul?ano", "", "value/vulkano/tail", false, kIn},
        PatternCase{"DomainLonger", "value", "head/middle/tail", "head/middle", false, kNo},
        PatternCase{"DomainSameLength", "value", "head/middle/tail", "head/middle/tail", false,
                    kNo},
        PatternCase{"DomainMismatch", "value", "head/middle/tail", "head/middle/_tail_/value",
                    false, kNo},
        PatternCase{"SimpleWithDomain", "middle/", "value/volcano", "value/volcano/middle/tail",
                    false, kEx},
        PatternCase{"SimpleOnlyInDomain", "volcano/", "value/volcano", "value/volcano/tail", true,
                    kNo},
        PatternCase{"SimpleAtStart", "value", "", "value/tail", false, kEx},
        PatternCase{"SimpleInTheMiddle", "value", "", "head/value/tail", false, kEx},
        PatternCase{"SimpleAtEnd", "value", "", "head/value", false, kEx},
        PatternCase{"SimpleAtStartDirWanted", "value/", "", "value/tail", false, kEx},
        PatternCase{"SimpleInTheMiddleDirWanted", "value/", "", "head/value/tail", false, kEx},
        PatternCase{"SimpleAtEndDirWanted", "value/", "", "head/value", true, kEx},
        PatternCase{"SimpleAtEndDirWantedNotADir", "value/", "", "head/value", false, kNo},
        PatternCase{"SimpleMismatch", "value", "", "head/val/tail", false, kNo},
        PatternCase{"SimpleValueLonger", "val", "", "head/value/tail", false, kNo},
        PatternCase{"SimpleAsterisk", "v*o", "", "value/vulkano/tail", false, kEx},
        PatternCase{"SimpleQuestionMark", "vul?ano", "", "value/vulkano/tail", false, kEx},
        PatternCase{"SimpleMagicChars", "v[ou]l[kc]ano", "", "value/volcano", false, kEx},
        PatternCase{"SimpleWrongPattern", "v[ou]l[", "", "value/vol[", false, kNo},
        PatternCase{"GlobFromRootWithSlash", "/value/vul?ano", "", "value/vulkano/tail", false,
                    kEx},
        PatternCase{"GlobWithDomain", "middle/tail/", "value/volcano", "value/volcano/middle/tail",
                    true, kEx},
        PatternCase{"GlobOnlyInDomain", "volcano/tail", "value/volcano", "value/volcano/tail",
                    false, kNo},
        PatternCase{"GlobFromRootWithoutSlash", "value/vul?ano", "", "value/vulkano/tail", false,
                    kEx},
        PatternCase{"GlobFromRootMismatch", "value/vulkano", "", "value/volcano", false, kNo},
        PatternCase{"GlobFromRootTooShort", "value/vul?ano", "", "value", false, kNo},
        PatternCase{"GlobFromRootNotAtRoot", "/value/volcano", "", "value/value/volcano", false,
                    kNo},
        PatternCase{"GlobLeadingAsterisksAtStart", "**/*lue/vol?ano", "", "value/volcano/tail",
                    false, kEx},
        PatternCase{"GlobLeadingAsterisksNotAtStart", "**/*lue/vol?ano", "",
                    "head/value/volcano/tail", false, kEx},
        PatternCase{"GlobLeadingAsterisksMismatch", "**/*lue/vol?ano", "",
                    "head/value/Volcano/tail", false, kNo},
        PatternCase{"GlobLeadingAsterisksIsDir", "**/*lue/vol?ano/", "", "head/value/volcano/tail",
                    false, kEx},
        PatternCase{"GlobLeadingAsterisksIsDirAtEnd", "**/*lue/vol?ano/", "", "head/value/volcano",
                    true, kEx},
        PatternCase{"GlobLeadingAsterisksIsDirMismatch", "**/*lue/vol?ano/", "",
                    "head/value/Colcano", true, kNo},
        PatternCase{"GlobLeadingAsterisksNoDirAtEnd", "**/*lue/vol?ano/", "", "head/value/volcano",
                    false, kNo},
        PatternCase{"GlobTrailingAsterisks", "/*lue/vol?ano/**", "", "value/volcano/tail/moretail",
                    false, kEx},
        // go-git v5: a trailing "/**" also matches the directory itself (git does not).
        PatternCase{"GlobTrailingAsterisksExactMatch", "/*lue/vol?ano/**", "", "value/volcano",
                    false, kEx},
        PatternCase{"GlobMiddleAsterisksEmptyMatch", "/*lue/**/vol?ano", "", "value/volcano", false,
                    kEx},
        PatternCase{"GlobMiddleAsterisksOneMatch", "/*lue/**/vol?ano", "", "value/middle/volcano",
                    false, kEx},
        PatternCase{"GlobMiddleAsterisksMultiMatch", "/*lue/**/vol?ano", "",
                    "value/middle1/middle2/volcano", false, kEx},
        PatternCase{"GlobMiddleAsterisksIsDirTrailing", "/*lue/**/vol?ano/", "",
                    "value/middle1/middle2/volcano", true, kEx},
        PatternCase{"GlobMiddleAsterisksIsDirTrailingMismatch", "/*lue/**/vol?ano/", "",
                    "value/middle1/middle2/volcano", false, kNo},
        PatternCase{"GlobMiddleAsterisksIsDir", "/*lue/**/vol?ano/", "",
                    "value/middle1/middle2/volcano/tail", false, kEx},
        PatternCase{"GlobWrongDoubleAsterisk", "/*lue/**foo/vol?ano", "", "value/foo/volcano/tail",
                    false, kNo},
        PatternCase{"GlobMagicChars", "**/head/v[ou]l[kc]ano", "", "value/head/volcano", false,
                    kEx},
        PatternCase{"GlobWrongPatternNoTraversal", "**/head/v[ou]l[", "", "value/head/vol[", false,
                    kNo},
        PatternCase{"GlobWrongPatternOnTraversal", "/value/**/v[ou]l[", "", "value/head/vol[",
                    false, kNo},
        PatternCase{"GlobIssue923", "**/android/**/GeneratedPluginRegistrant.java", "",
                    "packages/flutter_tools/lib/src/android/gradle.dart", false, kNo},
        // More go-git v5 behaviour worth pinning down.
        PatternCase{"GlobPrefixMatchesDescendants", "a/b", "", "a/b/c/d", false, kEx},
        PatternCase{"AnchoredSimple", "/a", "", "x/a", false, kNo},
        PatternCase{"AnchoredSimpleDescendant", "/a", "", "a/x", false, kEx},
        PatternCase{"TrailingStarStarFileItself", "a/**", "", "a", false, kEx},
        PatternCase{"SlashStarNeedsAChild", "a/*", "", "a", true, kNo},
        PatternCase{"EscapedTrailingSpace", "a\\ ", "", "a ", false, kEx},
        PatternCase{"TrailingSpacesTrimmed", "a  ", "", "a", false, kEx},
        PatternCase{"EscapedBang", "\\!a", "", "!a", false, kEx},
        PatternCase{"EscapedHash", "\\#a", "", "#a", false, kEx},
        PatternCase{"BangOnlyMatchesNothing", "!", "", "a", false, kNo},
        PatternCase{"SlashOnlyMatchesNothing", "/", "", "a", true, kNo},
        PatternCase{"StarStarSimple", "**", "", "a/b", false, kEx},
        PatternCase{"StarStarInSimpleSegmentIsStar", "a**", "", "x/abc", false, kEx},
        PatternCase{"DirOnlyMatchesDirOfSameName", "b/", "", "a/b", true, kEx},
        PatternCase{"DomainPrefixMustMatchExactly", "*.yaml", "apps", "apps2/x.yaml", false, kNo},
        PatternCase{"DomainScoped", "*.yaml", "apps", "apps/base/x.yaml", false, kEx}),
    [](const ::testing::TestParamInfo<PatternCase>& info) { return std::string(info.param.name); });

TEST(GitignoreMatcher, LastMatchingPatternDecides) {
  // fluxcd/pkg sourceignore/gitignore/matcher_test.go
  Matcher m({Pattern::parse("**/middle/v[uo]l?ano"), Pattern::parse("!volcano")});
  std::string a = "head/middle/vulkano", b = "head/middle/volcano";
  EXPECT_TRUE(m.match(split(a), false));
  EXPECT_FALSE(m.match(split(b), false));
  EXPECT_EQ(m.deciding_pattern(split(b), false), 1);
}

TEST(GitignoreMatcher, NegationReincludesBelowAnExcludedDirectory) {
  // git cannot re-include a file whose directory is excluded; go-git can, and Flux archives it.
  Matcher m({Pattern::parse("foo/"), Pattern::parse("!foo/keep")});
  std::string dir = "foo", keep = "foo/keep", other = "foo/other";
  EXPECT_TRUE(m.match(split(dir), true));
  EXPECT_FALSE(m.match(split(keep), false));
  EXPECT_TRUE(m.match(split(other), false));
}

TEST(ReadPatterns, SkipsCommentsAndBlankLines) {
  auto ps = read_patterns("# comment\n\n   \n\t\n*.txt\r\n  # not a comment\n!keep.txt", {});
  ASSERT_EQ(ps.size(), 3u);
  Matcher m(ps);
  std::string a = "a.txt", keep = "keep.txt", spaced = "  # not a comment";
  EXPECT_TRUE(m.match(split(a), false));
  EXPECT_FALSE(m.match(split(keep), false));
  EXPECT_TRUE(m.match(split(spaced), false));  // leading spaces are part of the pattern
}

TEST(ReadPatterns, CommentedNegationIsIgnored) {
  // sourceignore_test.go TestReadPatterns "with comments"
  Matcher m(read_patterns("ignore-dir/*\n# !ignore-dir/include", {}));
  std::string a = "ignore-dir/file.yaml", b = "ignore-dir/include";
  EXPECT_TRUE(m.match(split(a), false));
  EXPECT_TRUE(m.match(split(b), false));
}

TEST(ReadPatterns, SimpleAndDomainScoped) {
  // sourceignore_test.go TestReadPatterns "simple" and "domain scoped"
  Matcher simple(read_patterns("ignore-dir/*\n!ignore-dir/include\n", {}));
  std::string f = "ignore-dir/file.yaml", root = "file.yaml", inc = "ignore-dir/include";
  EXPECT_TRUE(simple.match(split(f), false));
  EXPECT_FALSE(simple.match(split(root), false));
  EXPECT_FALSE(simple.match(split(inc), false));
  Matcher scoped(read_patterns("ignore-dir/*", {"domain", "scoped"}));
  std::string in = "domain/scoped/ignore-dir/file.yaml";
  EXPECT_TRUE(scoped.match(split(in), false));
  EXPECT_FALSE(scoped.match(split(f), false));
}

TEST(ReadPatterns, WhitespaceOnlyLinesAreBlankIncludingUnicodeSpaces) {
  auto ps = read_patterns("\xc2\xa0\n\xe3\x80\x80\n\v\f\n", {});
  EXPECT_TRUE(ps.empty());
}

TEST(ReadPatterns, LineOf64KiBEndsTheInputLikeBufioScanner) {
  std::string text = "a\n" + std::string(70000, 'x') + "\nb\n";
  auto ps = read_patterns(text, {});
  ASSERT_EQ(ps.size(), 1u);
}

// --- Differential runs ---

std::string oracle_path(const char* env, const char* built) {
  if (const char* e = std::getenv(env)) return e;
  return built;
}

#ifdef OC_FLUXGO
TEST(GlobMatchDifferential, AgreesWithGoFilepathMatchOnRandomInputs) {
  std::string go = oracle_path("OC_FLUXGO", OC_FLUXGO);
  if (!oc::test::executable(go)) GTEST_SKIP() << "Go oracle not built: " << go;
  std::mt19937 rng(1234);
  const std::vector<std::string> atoms = {
      "a", "b", "c",     "*",    "?",      "[ab]",        "[^a]", "[a-c]", "\\*",  "\\a", "[",
      "]", "-", "[\\]]", "[!a]", "\u03b1", "[^\xce\xb1]", "\\",   "**",    "[a-]", "x"};
  const std::vector<std::string> chars = {"a", "b", "c", "*",      "[",    "]",
                                          "-", "!", "x", "\u03b1", "\xff", "?"};
  std::string input;
  std::vector<std::pair<std::string, std::string>> cases;
  for (int i = 0; i < 20000; ++i) {
    std::string p, n;
    int pl = int(rng() % 5), nl = int(rng() % 6);
    for (int k = 0; k < pl; ++k) p += atoms[rng() % atoms.size()];
    for (int k = 0; k < nl; ++k) n += chars[rng() % chars.size()];
    cases.emplace_back(p, n);
    input += p + "\t" + n + "\n";
  }
  auto r = oc::test::run("'" + go + "' match", input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream out(r.out);
  std::string line;
  size_t i = 0, mismatches = 0;
  while (std::getline(out, line) && i < cases.size()) {
    bool want = line == "1";
    bool got = glob_match(cases[i].first, cases[i].second) == Glob::kMatch;
    if (want != got && ++mismatches < 10) {
      ADD_FAILURE() << "pattern \"" << cases[i].first << "\" name \"" << cases[i].second
                    << "\": Go " << want << ", ours " << got;
    }
    ++i;
  }
  EXPECT_EQ(i, cases.size());
  EXPECT_EQ(mismatches, 0u);
}
#endif

// Random patterns and paths against Flux's own matcher, built from a fluxcd/pkg checkout
// (-DOC_FLUXCD_PKG_DIR=…); skipped otherwise.
TEST(GitignoreDifferential, AgreesWithFluxcdPkgGitignore) {
#ifndef OC_FLUXIGNORE
  GTEST_SKIP() << "configure with -DOC_FLUXCD_PKG_DIR=<fluxcd/pkg checkout> to run";
#else
  std::string oracle = OC_FLUXIGNORE;
  if (!oc::test::executable(oracle)) GTEST_SKIP() << "oracle not built: " << oracle;
  std::mt19937 rng(99);
  const std::vector<std::string> segs = {"a",     "b",  "foo", "*",   "?",  "a*",  "*.yaml", "[ab]",
                                         "[^a]*", "**", "f?o", "\\*", "x[", "b**", ""};
  const std::vector<std::string> names = {"a", "b", "foo", "x.yaml", "ab", "fao", "*", "c"};
  for (int round = 0; round < 40; ++round) {
    std::vector<Pattern> ps;
    std::string input;
    int np = 1 + int(rng() % 8);
    for (int k = 0; k < np; ++k) {
      std::string p = (rng() % 4 == 0) ? "!" : "";
      if (rng() % 3 == 0) p += "/";
      int ns = 1 + int(rng() % 3);
      for (int s = 0; s < ns; ++s) p += (s ? "/" : "") + segs[rng() % segs.size()];
      if (rng() % 4 == 0) p += "/";
      if (rng() % 8 == 0) p += "  ";
      std::string domain = rng() % 4 == 0 ? "a" : "";
      ps.push_back(Pattern::parse(p, split_domain(domain)));
      input += "P\t" + domain + "\t" + p + "\n";
    }
    Matcher m(ps);
    std::vector<std::pair<std::string, bool>> paths;
    for (int k = 0; k < 200; ++k) {
      int depth = 1 + int(rng() % 4);
      std::string path;
      for (int d = 0; d < depth; ++d) path += (d ? "/" : "") + names[rng() % names.size()];
      bool dir = rng() % 2;
      paths.emplace_back(path, dir);
      input += std::string("M\t") + (dir ? "1" : "0") + "\t" + path + "\n";
    }
    auto r = oc::test::run("'" + oracle + "'", input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream out(r.out);
    std::string line;
    for (auto& [path, dir] : paths) {
      ASSERT_TRUE(std::getline(out, line));
      EXPECT_EQ(m.match(split(path), dir), line == "1")
          << "round " << round << " path " << path << " dir " << dir << "\n"
          << input;
    }
  }
#endif
}

}  // namespace
}  // namespace oc::source::gitignore
