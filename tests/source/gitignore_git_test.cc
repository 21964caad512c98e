// Differential test against the real `git check-ignore --no-index` on a generated tree and
// generated .gitignore files. Flux matches with go-git v5, which is not git: every path on
// which the two disagree must be explained by one of the known differences listed below
// (docs/source.md), or the test fails and prints the case.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <span>
#include <sstream>

#include "helpers.h"
#include "source/gitignore.h"

namespace oc::source::gitignore {
namespace {

using oc::test::TempDir;

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

// Known ways go-git v5 (filepath.Match per component) and git (wildmatch) differ.
enum class Why {
  kAgree,
  kParentExcluded,    // git: a path below an excluded directory is excluded, whatever follows
  kGlobSyntax,        // [!…], [[:class:]], "**" inside a segment, "\" handling
  kAncestorMatch,     // go-git: a pattern matching a parent decides for everything below it
  kTrailingStarStar,  // go-git: "a/**" matches "a" itself
  kUnexplained,
};

const char* why_name(Why w) {
  switch (w) {
    case Why::kAgree:
      return "agree";
    case Why::kParentExcluded:
      return "git excludes the parent directory";
    case Why::kGlobSyntax:
      return "glob syntax (Go filepath.Match vs wildmatch)";
    case Why::kAncestorMatch:
      return "go-git applies a parent's match to what is below it";
    case Why::kTrailingStarStar:
      return "go-git \"dir/**\" matches dir itself";
    default:
      return "UNEXPLAINED";
  }
}

// Constructs of a pattern on which the two glob engines read differently.
bool divergent_syntax(const std::string& p) {
  if (p.find("[!") != std::string::npos || p.find("[:") != std::string::npos) return true;
  if (p.find('\\') != std::string::npos) return true;
  // "**" that is not a whole segment (git: like "*"; go-git glob patterns: never match).
  auto segs = split(p);
  for (std::string_view s : segs) {
    if (s != "**" && s.find("**") != std::string_view::npos) return true;
  }
  return false;
}

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::string name() {
    static const std::vector<std::string> names = {
        "a",        "b",     "ab",  "abc",    "foo",   "bar", "baz", "foo.txt",
        "bar.yaml", "x.jpg", "doc", "docs",   "build", "out", "a1",  "b2",
        "Ab",       "#c",    "!d",  "sp ace", "t*",    "q?",  "[x]", "ba"};
    return names[rng_() % names.size()];
  }

  std::string segment() {
    static const std::vector<std::string> segs = {
        "a",     "b",           "foo",  "bar",   "doc",   "docs",   "build",   "*",
        "?",     "a*",          "*o",   "b?",    "*.txt", "*.yaml", "[ab]",    "[a-c]*",
        "[^a]*", "ba?",         "\\#c", "\\!d",  "t\\*",  "q\\?",   "\\[x\\]", "sp ace",
        "[!a]*", "[[:alpha:]]", "a**",  "foo.*", "A*",    "[xyz]",  "d*s"};
    return segs[rng_() % segs.size()];
  }

  std::string pattern() {
    std::string p;
    if (rng_() % 5 == 0) p += "!";
    switch (rng_() % 9) {
      case 0:
        p += segment();
        break;
      case 1:
        p += segment() + "/";
        break;
      case 2:
        p += "/" + segment();
        break;
      case 3:
        p += segment() + "/" + segment();
        break;
      case 4:
        p += "**/" + segment();
        break;
      case 5:
        p += segment() + "/**";
        break;
      case 6:
        p += segment() + "/**/" + segment();
        break;
      case 7:
        p += "/" + segment() + "/" + segment() + "/";
        break;
      default:
        p += segment();
        break;
    }
    if (rng_() % 12 == 0) p += "  ";
    return p;
  }

  uint32_t next() { return rng_(); }

 private:
  std::mt19937 rng_;
};

struct Path {
  std::string rel;
  bool dir;
};

TEST(GitignoreVsGit, EveryDisagreementIsAKnownDifference) {
  if (!oc::test::on_path("git")) GTEST_SKIP() << "git not installed";
  std::map<Why, int> counts;
  int compared = 0;
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    Generator g(seed);
    TempDir t;
    std::string root = t.path() + "/repo";
    // The tree: three levels of generated names.
    std::vector<Path> paths;
    std::set<std::string> seen;
    for (int i = 0; i < 60; ++i) {
      std::string rel;
      int depth = 1 + int(g.next() % 3);
      for (int d = 0; d < depth; ++d) {
        rel += (d ? "/" : "") + g.name();
        bool last = d == depth - 1;
        bool dir = !last || g.next() % 3 == 0;
        if (seen.count(rel)) {
          if (!last) continue;
          break;
        }
        // A name already used as a file cannot become a directory.
        bool clash = false;
        for (const Path& p : paths) {
          if (!p.dir && rel.rfind(p.rel + "/", 0) == 0) clash = true;
        }
        if (clash) break;
        seen.insert(rel);
        paths.push_back({rel, dir});
        if (dir) {
          std::filesystem::create_directories(root + "/" + rel);
        } else {
          test::put(root, rel, "x");
        }
      }
    }
    std::string gitignore;
    std::vector<std::string> lines;
    for (int i = 0; i < 14; ++i) {
      lines.push_back(g.pattern());
      gitignore += lines.back() + "\n";
    }
    test::put(root, ".gitignore", gitignore);
    ASSERT_EQ(oc::test::run("git init -q '" + root + "'").exit_code, 0);

    // git: -v -n tells the deciding pattern's line (or nothing) for every path.
    std::string input;
    for (const Path& p : paths) input += p.rel + '\0';
    auto r = oc::test::run("git -C '" + root + "' check-ignore --no-index -v -n -z --stdin", input);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    // Output records: source NUL linenum NUL pattern NUL path NUL.
    std::vector<std::string> fields;
    size_t start = 0;
    for (size_t i = 0; i < r.out.size(); ++i) {
      if (r.out[i] == '\0') {
        fields.push_back(r.out.substr(start, i - start));
        start = i + 1;
      }
    }
    ASSERT_EQ(fields.size(), paths.size() * 4) << r.out;
    std::map<std::string, std::pair<bool, int>> git;  // path → (ignored, line)
    for (size_t i = 0; i < paths.size(); ++i) {
      const std::string& pat = fields[4 * i + 2];
      int line = fields[4 * i + 1].empty() ? 0 : std::stoi(fields[4 * i + 1]);
      git[fields[4 * i + 3]] = {!pat.empty() && pat[0] != '!', line};
    }

    std::vector<Pattern> ps = read_patterns(gitignore, {});
    ASSERT_EQ(ps.size(), lines.size());
    Matcher m(ps);
    for (const Path& p : paths) {
      auto comps = split(p.rel);
      bool ours = m.match(comps, p.dir);
      auto [theirs, git_line] = git.at(p.rel);
      ++compared;
      Why why = Why::kAgree;
      if (ours != theirs) {
        int our_idx = m.deciding_pattern(comps, p.dir);
        std::string our_pat = our_idx >= 0 ? lines[size_t(our_idx)] : "";
        std::string git_pat = git_line > 0 ? lines[size_t(git_line - 1)] : "";
        bool parent_excluded_by_git = false;
        for (size_t k = p.rel.find('/'); k != std::string::npos; k = p.rel.find('/', k + 1)) {
          auto it = git.find(p.rel.substr(0, k));
          if (it != git.end() && it->second.first) parent_excluded_by_git = true;
        }
        // Does go-git's deciding pattern already match a parent of the path? Then it decides
        // for the whole subtree in go-git, while git only applies it to that parent.
        bool decided_by_ancestor = false;
        if (our_idx >= 0) {
          for (size_t k = 1; k < comps.size(); ++k) {
            auto prefix = std::span<const std::string_view>(comps.data(), k);
            if (ps[size_t(our_idx)].match(prefix, true) != MatchResult::kNoMatch)
              decided_by_ancestor = true;
          }
        }
        if (divergent_syntax(our_pat) || divergent_syntax(git_pat)) {
          why = Why::kGlobSyntax;
        } else if (theirs && parent_excluded_by_git) {
          why = Why::kParentExcluded;
        } else if (decided_by_ancestor) {
          why = Why::kAncestorMatch;
        } else if (our_pat.size() > 3 && our_pat.compare(our_pat.size() - 3, 3, "/**") == 0) {
          why = Why::kTrailingStarStar;
        } else {
          why = Why::kUnexplained;
        }
        if (std::getenv("OC_SOURCE_DIFF_VERBOSE")) {
          std::printf("%s: %s%s go-git %d (\"%s\") git %d (\"%s\")\n", why_name(why), p.rel.c_str(),
                      p.dir ? "/" : "", ours, our_pat.c_str(), theirs, git_pat.c_str());
        }
        if (why == Why::kUnexplained) {
          ADD_FAILURE() << "seed " << seed << ": " << p.rel << (p.dir ? "/" : "") << ": go-git "
                        << ours << " (pattern \"" << our_pat << "\"), git " << theirs
                        << " (pattern \"" << git_pat << "\")\n.gitignore:\n"
                        << gitignore;
        }
      }
      ++counts[why];
    }
  }
  std::string summary;
  for (auto& [w, n] : counts) summary += std::string(why_name(w)) + ": " + std::to_string(n) + "\n";
  std::printf("git check-ignore differential over %d paths:\n%s", compared, summary.c_str());
  // The comparison must mostly agree, or it proves nothing.
  EXPECT_GT(counts[Why::kAgree], compared * 8 / 10) << summary;
}

}  // namespace
}  // namespace oc::source::gitignore
