#include "source/gitignore.h"

#include <cstdint>

#include "core/utf8.h"

namespace oc::source::gitignore {

namespace {

// utf8.DecodeRuneInString: an invalid or truncated sequence decodes as U+FFFD of width 1.
uint32_t decode_rune(std::string_view s, size_t* width) {
  size_t n = core::utf8_valid_len(s, 0);
  if (n == 0) {
    *width = 1;
    return 0xFFFD;
  }
  *width = n;
  auto b = [&](size_t i) { return uint32_t(uint8_t(s[i])); };
  switch (n) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

struct Chunk {
  bool star = false;
  std::string_view chunk;
  std::string_view rest;
};

// filepath.scanChunk: leading stars, then everything up to the next star outside a class.
Chunk scan_chunk(std::string_view p) {
  Chunk c;
  while (!p.empty() && p[0] == '*') {
    p.remove_prefix(1);
    c.star = true;
  }
  bool in_range = false;
  size_t i = 0;
  for (; i < p.size(); ++i) {
    char ch = p[i];
    if (ch == '\\') {
      if (i + 1 < p.size()) ++i;
    } else if (ch == '[') {
      in_range = true;
    } else if (ch == ']') {
      in_range = false;
    } else if (ch == '*' && !in_range) {
      break;
    }
  }
  c.chunk = p.substr(0, i);
  c.rest = p.substr(i);
  return c;
}

// filepath.getEsc: one possibly escaped rune of a character class.
bool get_esc(std::string_view& chunk, uint32_t* r) {
  if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') return false;
  if (chunk[0] == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) return false;
  }
  size_t n = 0;
  *r = decode_rune(chunk, &n);
  bool bad = *r == 0xFFFD && n == 1;  // an invalid byte, not an encoded U+FFFD
  chunk.remove_prefix(n);
  return !bad && !chunk.empty();
}

enum class ChunkResult { kOk, kFailed, kBad };

// filepath.matchChunk: matches `chunk` (no stars) at the start of `s`; on kOk, `s` is advanced.
// After a mismatch the rest of the chunk is still parsed so a syntax error is always reported.
ChunkResult match_chunk(std::string_view chunk, std::string_view& s) {
  bool failed = false;
  std::string_view t = s;
  while (!chunk.empty()) {
    if (!failed && t.empty()) failed = true;
    switch (chunk[0]) {
      case '[': {
        uint32_t r = 0;
        if (!failed) {
          size_t n = 0;
          r = decode_rune(t, &n);
          t.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk[0] == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool match = false;
        int nrange = 0;
        for (;;) {
          if (!chunk.empty() && chunk[0] == ']' && nrange > 0) {
            chunk.remove_prefix(1);
            break;
          }
          uint32_t lo = 0, hi = 0;
          if (!get_esc(chunk, &lo)) return ChunkResult::kBad;
          hi = lo;
          if (chunk[0] == '-') {
            chunk.remove_prefix(1);
            if (!get_esc(chunk, &hi)) return ChunkResult::kBad;
          }
          if (lo <= r && r <= hi) match = true;
          ++nrange;
        }
        if (match == negated) failed = true;
        break;
      }
      case '?':
        if (!failed) {
          if (t[0] == '/') failed = true;
          size_t n = 0;
          decode_rune(t, &n);
          t.remove_prefix(n);
        }
        chunk.remove_prefix(1);
        break;
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) return ChunkResult::kBad;
        [[fallthrough]];
      default:
        if (!failed) {
          if (chunk[0] != t[0]) failed = true;
          t.remove_prefix(1);
        }
        chunk.remove_prefix(1);
        break;
    }
  }
  if (failed) return ChunkResult::kFailed;
  s = t;
  return ChunkResult::kOk;
}

// Go's strings.TrimSpace(s) == "" (unicode.IsSpace over the whole line).
bool blank(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t n = 0;
    uint32_t r = decode_rune(s.substr(i), &n);
    bool space = r == ' ' || (r >= '\t' && r <= '\r') || r == 0x85 || r == 0xA0 || r == 0x1680 ||
                 (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 || r == 0x202F ||
                 r == 0x205F || r == 0x3000;
    if (!space) return false;
    i += n;
  }
  return true;
}

bool has_suffix(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Glob glob_match(std::string_view pattern, std::string_view name) {
  while (!pattern.empty()) {
    Chunk c = scan_chunk(pattern);
    pattern = c.rest;
    if (c.star && c.chunk.empty()) {
      // A trailing star matches the rest of the name unless it holds a separator.
      return name.find('/') == std::string_view::npos ? Glob::kMatch : Glob::kNoMatch;
    }
    std::string_view t = name;
    ChunkResult r = match_chunk(c.chunk, t);
    // The last chunk must consume the whole name, or a star may still find a later match.
    if (r == ChunkResult::kOk && (t.empty() || !pattern.empty())) {
      name = t;
      continue;
    }
    if (r == ChunkResult::kBad) return Glob::kBadPattern;
    bool advanced = false;
    if (c.star) {
      for (size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        std::string_view u = name.substr(i + 1);
        ChunkResult r2 = match_chunk(c.chunk, u);
        if (r2 == ChunkResult::kOk) {
          if (pattern.empty() && !u.empty()) continue;
          name = u;
          advanced = true;
          break;
        }
        if (r2 == ChunkResult::kBad) return Glob::kBadPattern;
      }
    }
    if (!advanced) return glob_valid(pattern) ? Glob::kNoMatch : Glob::kBadPattern;
  }
  return name.empty() ? Glob::kMatch : Glob::kNoMatch;
}

bool glob_valid(std::string_view pattern) {
  while (!pattern.empty()) {
    Chunk c = scan_chunk(pattern);
    pattern = c.rest;
    std::string_view empty;
    if (match_chunk(c.chunk, empty) == ChunkResult::kBad) return false;
  }
  return true;
}

Pattern Pattern::parse(std::string_view p, std::vector<std::string> domain) {
  Pattern res;
  res.domain_ = std::move(domain);
  if (!p.empty() && p[0] == '!') {
    res.inclusion_ = true;
    p.remove_prefix(1);
  }
  // Trailing spaces are dropped unless the line ends in an escaped space ("\ ").
  if (!has_suffix(p, "\\ ")) {
    while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
  }
  if (has_suffix(p, "/")) {
    res.dir_only_ = true;
    p.remove_suffix(1);
  }
  res.is_glob_ = p.find('/') != std::string_view::npos;
  size_t start = 0;
  for (;;) {
    size_t slash = p.find('/', start);
    res.segments_.emplace_back(
        p.substr(start, slash == std::string_view::npos ? p.npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  // A malformed segment makes filepath.Match fail on every name, so the pattern can never match
  // (go-git treats the error as a mismatch); decide it once here.
  for (const std::string& s : res.segments_) {
    if (!glob_valid(s)) res.valid_ = false;
    res.literal_.push_back(s.find_first_of("*?[\\") == std::string::npos);
  }
  return res;
}

MatchResult Pattern::match(std::span<const std::string_view> path, bool is_dir) const {
  if (path.size() <= domain_.size()) return MatchResult::kNoMatch;
  for (size_t i = 0; i < domain_.size(); ++i) {
    if (path[i] != domain_[i]) return MatchResult::kNoMatch;
  }
  if (!valid_) return MatchResult::kNoMatch;
  path = path.subspan(domain_.size());
  bool ok = is_glob_ ? glob_path_match(path, is_dir) : simple_name_match(path, is_dir);
  if (!ok) return MatchResult::kNoMatch;
  return inclusion_ ? MatchResult::kInclude : MatchResult::kExclude;
}

bool Pattern::segment_matches(size_t i, std::string_view name) const {
  return literal_[i] ? segments_[i] == name : glob_match(segments_[i], name) == Glob::kMatch;
}

// A pattern without a slash matches any component of the path: "foo" excludes "a/foo/b".
bool Pattern::simple_name_match(std::span<const std::string_view> path, bool is_dir) const {
  for (size_t i = 0; i < path.size(); ++i) {
    if (!segment_matches(0, path[i])) continue;
    if (dir_only_ && !is_dir && i == path.size() - 1) return false;
    return true;
  }
  return false;
}

// go-git v5's globMatch, step for step: segments are matched from the root of the domain, "**"
// skips components up to the first one the next segment matches, a trailing "**" matches
// everything (including the directory itself), and once the pattern is used up any remaining
// components match (so "a/b" also matches "a/b/c").
bool Pattern::glob_path_match(std::span<const std::string_view> path, bool is_dir) const {
  bool matched = false;
  bool can_traverse = false;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const std::string& seg = segments_[i];
    if (seg.empty()) {
      can_traverse = false;
      continue;
    }
    if (seg == "**") {
      if (i == segments_.size() - 1) break;
      can_traverse = true;
      continue;
    }
    if (seg.find("**") != std::string::npos) return false;
    if (path.empty()) return false;
    if (can_traverse) {
      can_traverse = false;
      while (!path.empty()) {
        std::string_view e = path[0];
        path = path.subspan(1);
        if (segment_matches(i, e)) {
          matched = true;
          break;
        }
        if (path.empty()) matched = false;
      }
    } else {
      if (!segment_matches(i, path[0])) return false;
      matched = true;
      path = path.subspan(1);
    }
  }
  if (matched && dir_only_ && !is_dir && path.empty()) matched = false;
  return matched;
}

std::vector<Pattern> read_patterns(std::string_view text, const std::vector<std::string>& domain) {
  // bufio.Scanner's default limit: a longer line is an ErrTooLong that ends scanning.
  constexpr size_t kMaxLine = 64 * 1024;
  std::vector<Pattern> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string_view::npos ? text.size() : nl;
    if (end - pos >= kMaxLine) break;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!(line.starts_with("#")) && !blank(line)) out.push_back(Pattern::parse(line, domain));
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  return out;
}

int Matcher::deciding_pattern(std::span<const std::string_view> path, bool is_dir) const {
  for (size_t i = patterns_.size(); i-- > 0;) {
    if (patterns_[i].match(path, is_dir) != MatchResult::kNoMatch) return int(i);
  }
  return -1;
}

bool Matcher::match(std::span<const std::string_view> path, bool is_dir) const {
  for (size_t i = patterns_.size(); i-- > 0;) {
    MatchResult r = patterns_[i].match(path, is_dir);
    if (r != MatchResult::kNoMatch) return r == MatchResult::kExclude;
  }
  return false;
}

}  // namespace oc::source::gitignore
