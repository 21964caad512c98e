// gitignore patterns as Flux matches them: fluxcd/pkg `sourceignore/gitignore`, a copy of go-git
// v5.16.4 `plumbing/format/gitignore` that uses Go's `path/filepath.Match` for each path
// component. This is not git's wildmatch: docs/source.md lists where the two disagree.
//
// Thread safety: immutable after construction; concurrent const calls are safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace oc::source::gitignore {

enum class Glob { kNoMatch, kMatch, kBadPattern };

// Go's filepath.Match(pattern, name) on Linux: `*`, `?` (one UTF-8 rune), `[...]` with `^` for
// negation and `lo-hi` ranges, `\` escapes. kBadPattern when the pattern is malformed.
Glob glob_match(std::string_view pattern, std::string_view name);

// Whether filepath.Match would ever report a syntax error for `pattern`.
bool glob_valid(std::string_view pattern);

enum class MatchResult { kNoMatch, kExclude, kInclude };

// One pattern line. `domain` is the directory (as path components relative to the archive
// root) whose .sourceignore held the line; the pattern only applies below it.
class Pattern {
 public:
  static Pattern parse(std::string_view line, std::vector<std::string> domain = {});

  // `path` is a path relative to the archive root, split on '/'; `is_dir` tells whether its
  // last component is a directory.
  MatchResult match(std::span<const std::string_view> path, bool is_dir) const;

  bool inclusion() const { return inclusion_; }
  const std::vector<std::string>& domain() const { return domain_; }

 private:
  bool simple_name_match(std::span<const std::string_view> path, bool is_dir) const;
  bool glob_path_match(std::span<const std::string_view> path, bool is_dir) const;

  bool segment_matches(size_t i, std::string_view name) const;

  std::vector<std::string> domain_;
  std::vector<std::string> segments_;
  std::vector<bool> literal_;  // segment has no wildcard or escape: plain string equality
  bool inclusion_ = false;
  bool dir_only_ = false;
  bool is_glob_ = false;
  bool valid_ = true;  // false when a segment is malformed: such a pattern never matches
};

// The patterns of a .sourceignore file or of spec.ignore: one per line, CR LF accepted, lines
// starting with '#' and blank lines skipped. Like Go's bufio.Scanner, a line of 64 KiB or
// more ends the input.
std::vector<Pattern> read_patterns(std::string_view text, const std::vector<std::string>& domain);

// Patterns in increasing priority; the last one that matches decides.
class Matcher {
 public:
  Matcher() = default;
  explicit Matcher(std::vector<Pattern> patterns) : patterns_(std::move(patterns)) {}

  bool match(std::span<const std::string_view> path, bool is_dir) const;
  // Index of the deciding pattern, or -1 when none matches.
  int deciding_pattern(std::span<const std::string_view> path, bool is_dir) const;

  const std::vector<Pattern>& patterns() const { return patterns_; }

 private:
  std::vector<Pattern> patterns_;
};

}  // namespace oc::source::gitignore
