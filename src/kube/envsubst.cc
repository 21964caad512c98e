// Flux's envsubst (fluxcd/pkg envsubst, forked from drone/envsubst), rewritten from the Go
// sources' behaviour. The Go parser is a hand-written scanner whose quirks are observable
// (which characters end a token, how `$$` and `\/` escapes are removed from the buffer, how a
// peek past a multi-byte rune moves the cursor), so the scanner below keeps the same state —
// buffer, cursor, token start, last rune width, mode bits, accept predicate — and the parser
// makes the same calls in the same order. Evaluation and the glob matcher (envsubst/path, a
// fork of Go's path.Match where `*` and `?` also match '/') follow the Go functions.
#include "kube/envsubst.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <utility>
#include <vector>

#include "core/utf8.h"

namespace oc::kube {
namespace {

// --- Go runes ------------------------------------------------------------------------------

constexpr uint32_t kRuneError = 0xFFFD;
constexpr int32_t kUpperLower = 0x110000;  // unicode.UpperLower

struct GoRuneRange {
  uint32_t lo, hi;
};
struct GoCaseRange {
  uint32_t lo, hi;
  int32_t upper, lower;  // deltas
};
#include "kube/go_unicode.inc"

template <size_t N>
const GoRuneRange* find_range(const GoRuneRange (&table)[N], uint32_t r) {
  size_t lo = 0, hi = N;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (r < table[mid].lo) {
      hi = mid;
    } else if (r > table[mid].hi) {
      lo = mid + 1;
    } else {
      return &table[mid];
    }
  }
  return nullptr;
}

bool go_is_letter(uint32_t r) {
  if (r < 0x80) return (r | 0x20) >= 'a' && (r | 0x20) <= 'z';
  return find_range(kGoLetterRanges, r) != nullptr;
}

bool go_is_digit(uint32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  return find_range(kGoDigitRanges, r) != nullptr;
}

// unicode.ToUpper / unicode.ToLower.
uint32_t go_to_case(uint32_t r, bool upper) {
  if (r < 0x80) {
    if (upper && r >= 'a' && r <= 'z') return r - 32;
    if (!upper && r >= 'A' && r <= 'Z') return r + 32;
    return r;
  }
  size_t lo = 0, hi = std::size(kGoCaseRanges);
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const GoCaseRange& cr = kGoCaseRanges[mid];
    if (r < cr.lo) {
      hi = mid;
    } else if (r > cr.hi) {
      lo = mid + 1;
    } else {
      int32_t delta = upper ? cr.upper : cr.lower;
      // Alternating pairs: even offsets from lo are upper case, odd ones lower case.
      if (delta == kUpperLower) return cr.lo + (((r - cr.lo) & ~1u) | (upper ? 0u : 1u));
      return uint32_t(int32_t(r) + delta);
    }
  }
  return r;
}

// utf8.DecodeRuneInString(s[i:]): RuneError with width 1 for an invalid byte.
uint32_t decode_rune(std::string_view s, size_t i, size_t* width) {
  if (i >= s.size()) {
    *width = 0;
    return kRuneError;
  }
  size_t n = core::utf8_valid_len(s, i);
  if (n == 0) {
    *width = 1;
    return kRuneError;
  }
  *width = n;
  auto b = [&](size_t k) { return uint32_t(uint8_t(s[i + k])); };
  switch (n) {
    case 1:
      return b(0);
    case 2:
      return (b(0) & 0x1F) << 6 | (b(1) & 0x3F);
    case 3:
      return (b(0) & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
    default:
      return (b(0) & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
  }
}

// strings.Map(unicode.ToUpper/ToLower, s): every rune mapped, invalid bytes become U+FFFD.
std::string map_case(std::string_view s, bool upper) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t w;
    uint32_t r = decode_rune(s, i, &w);
    core::utf8_append(out, go_to_case(r, upper));
    i += w;
  }
  return out;
}

// string(unicode.To…(first rune)) + the rest.
std::string map_first_case(std::string_view s, bool upper) {
  if (s.empty()) return std::string();
  size_t w;
  uint32_t r = decode_rune(s, 0, &w);
  std::string out;
  core::utf8_append(out, go_to_case(r, upper));
  out.append(s.substr(w));
  return out;
}

// string([]rune(s)) reversed: invalid bytes become U+FFFD on the way.
std::string reverse_runes(std::string_view s) {
  std::vector<uint32_t> runes;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    runes.push_back(decode_rune(s, i, &w));
    i += w;
  }
  std::string out;
  out.reserve(s.size());
  for (auto it = runes.rbegin(); it != runes.rend(); ++it) core::utf8_append(out, *it);
  return out;
}

// strings.Replace(s, old, repl, n) with n < 0 meaning all. An empty `old` matches before
// every rune and at the end.
std::string go_replace(std::string_view s, std::string_view old, std::string_view repl, int n) {
  if (old == repl || n == 0) return std::string(s);
  std::string out;
  size_t start = 0;
  for (int done = 0; n < 0 || done < n; ++done) {
    size_t j;
    if (old.empty()) {
      if (done > 0) {
        if (start >= s.size()) break;
        size_t w;
        decode_rune(s, start, &w);
        j = start + w;
      } else {
        j = start;
      }
    } else {
      j = s.find(old, start);
      if (j == std::string_view::npos) break;
    }
    out.append(s.substr(start, j - start));
    out.append(repl);
    start = j + old.size();
  }
  out.append(s.substr(start));
  return out;
}

// strconv.Atoi: optional sign and decimal digits, within int64.
std::optional<int64_t> go_atoi(std::string_view s) {
  size_t i = 0;
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return std::nullopt;
  uint64_t v = 0;
  const uint64_t limit = neg ? uint64_t(INT64_MAX) + 1 : uint64_t(INT64_MAX);
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    uint64_t d = uint64_t(s[i] - '0');
    if (v > (limit - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return neg ? int64_t(0 - v) : int64_t(v);
}

// --- glob matching (fluxcd/pkg envsubst/path.Match) ----------------------------------------

enum class Glob { kNo, kYes, kBadPattern };

struct ChunkMatch {
  std::string_view rest;
  bool ok = false;
  bool bad = false;
};

// Splits off the next run of stars and the literal/class/`?` chunk after it.
bool scan_chunk(std::string_view& pattern, std::string_view& chunk) {
  bool star = false;
  while (!pattern.empty() && pattern[0] == '*') {
    pattern.remove_prefix(1);
    star = true;
  }
  bool in_range = false;
  size_t i = 0;
  for (; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) ++i;
    } else if (c == '[') {
      in_range = true;
    } else if (c == ']') {
      in_range = false;
    } else if (c == '*' && !in_range) {
      break;
    }
  }
  chunk = pattern.substr(0, i);
  pattern.remove_prefix(i);
  return star;
}

// A possibly escaped character of a class; `bad` for a malformed class.
uint32_t class_char(std::string_view& chunk, bool* bad) {
  if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') {
    *bad = true;
    return 0;
  }
  if (chunk[0] == '\\') {
    chunk.remove_prefix(1);
    if (chunk.empty()) {
      *bad = true;
      return 0;
    }
  }
  size_t w;
  uint32_t r = decode_rune(chunk, 0, &w);
  if (r == kRuneError && w == 1) *bad = true;
  chunk.remove_prefix(w);
  if (chunk.empty()) *bad = true;
  return r;
}

ChunkMatch match_chunk(std::string_view chunk, std::string_view s) {
  while (!chunk.empty()) {
    if (s.empty()) return {};
    switch (chunk[0]) {
      case '[': {
        size_t w;
        uint32_t r = decode_rune(s, 0, &w);
        s.remove_prefix(w);
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk[0] == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool matched = false;
        for (int ranges = 0;; ++ranges) {
          if (!chunk.empty() && chunk[0] == ']' && ranges > 0) {
            chunk.remove_prefix(1);
            break;
          }
          bool bad = false;
          uint32_t lo = class_char(chunk, &bad);
          if (bad) return {{}, false, true};
          uint32_t hi = lo;
          if (chunk[0] == '-') {
            chunk.remove_prefix(1);
            hi = class_char(chunk, &bad);
            if (bad) return {{}, false, true};
          }
          if (lo <= r && r <= hi) matched = true;
        }
        if (matched == negated) return {};
        break;
      }
      case '?': {
        size_t w;
        decode_rune(s, 0, &w);
        s.remove_prefix(w);
        chunk.remove_prefix(1);
        break;
      }
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) return {{}, false, true};
        [[fallthrough]];
      default:
        if (chunk[0] != s[0]) return {};
        s.remove_prefix(1);
        chunk.remove_prefix(1);
    }
  }
  return {s, true, false};
}

Glob glob_match(std::string_view pattern, std::string_view name) {
  while (!pattern.empty()) {
    std::string_view chunk;
    bool star = scan_chunk(pattern, chunk);
    // The fork returns at once on a trailing star: it matches the rest, '/' included.
    if (star && chunk.empty()) return Glob::kYes;
    ChunkMatch m = match_chunk(chunk, name);
    if (m.ok && (m.rest.empty() || !pattern.empty())) {
      name = m.rest;
      continue;
    }
    if (m.bad) return Glob::kBadPattern;
    bool advanced = false;
    if (star) {
      for (size_t i = 0; i < name.size(); ++i) {
        ChunkMatch t = match_chunk(chunk, name.substr(i + 1));
        if (t.ok) {
          if (pattern.empty() && !t.rest.empty()) continue;
          name = t.rest;
          advanced = true;
          break;
        }
        if (t.bad) return Glob::kBadPattern;
      }
    }
    if (!advanced) return Glob::kNo;
  }
  return name.empty() ? Glob::kYes : Glob::kNo;
}

// Removes the shortest (longest) prefix of s matching `pattern`; a malformed pattern leaves s
// as it is. Prefixes are byte slices, shortest of length 1, as in the Go loop.
std::string trim_prefix_match(std::string_view s, std::string_view pattern, bool longest) {
  size_t best = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    size_t len = s.size() - i;
    Glob g = glob_match(pattern, s.substr(0, len));
    if (g == Glob::kBadPattern) return std::string(s);
    if (g == Glob::kYes) {
      best = len;
      if (longest) break;
    }
  }
  return std::string(s.substr(best));
}

// The suffix forms reverse the value and the pattern rune by rune, as the Go code does.
std::string trim_suffix_match(std::string_view s, std::string_view pattern, bool longest) {
  return reverse_runes(trim_prefix_match(reverse_runes(s), reverse_runes(pattern), longest));
}

// --- parse tree ----------------------------------------------------------------------------

struct Expr {
  bool is_text = true;
  std::string text;   // text node
  std::string param;  // function node: variable name
  std::string name;   // operator ("" for a plain ${var})
  std::vector<Expr> args;
  size_t offset = 0;  // of the `${` in the original text
};

struct ParseFailure {
  const char* message;
  size_t offset;
};

constexpr const char* kErrBadSubstitution = "bad substitution";
constexpr const char* kErrMissingClosingBrace = "missing closing brace";
constexpr const char* kErrParseVariableName = "unable to parse variable name";
constexpr const char* kErrParseFuncSubstitution = "unable to parse substitution within function";
constexpr const char* kErrParseDefaultFunction = "unable to parse default function";

// --- scanner (parse/scan.go) ---------------------------------------------------------------

enum class Token { kIllegal, kEof, kIdent, kLbrack, kRbrack };

constexpr uint8_t kScanIdent = 1;
constexpr uint8_t kScanLbrack = 2;
constexpr uint8_t kScanRbrack = 4;
constexpr uint8_t kScanEscape = 8;
constexpr uint8_t kEscapeDollar = 1;
constexpr uint8_t kEscapeBackslash = 2;
constexpr uint8_t kEscapeAll = kEscapeDollar | kEscapeBackslash;

// Go's scanner reports rune 0 for the end of input, so a NUL byte also ends a token (and the
// text after one is dropped, as in Go).
constexpr uint32_t kEof = 0;

// `i` is the byte length of the token including `r`.
using Accept = bool (*)(uint32_t r, size_t i);

bool accept_rune(uint32_t, size_t) {
  return true;
}
bool accept_ident(uint32_t r, size_t) {
  return go_is_letter(r) || go_is_digit(r) || r == '_';
}
bool accept_colon(uint32_t r, size_t) {
  return r == ':';
}
bool accept_one_hash(uint32_t r, size_t i) {
  return r == '#' && i == 1;
}
bool accept_not_closing(uint32_t r, size_t) {
  return r != '}';
}
bool accept_hash_func(uint32_t r, size_t i) {
  return r == '#' && i < 3;
}
bool accept_percent_func(uint32_t r, size_t i) {
  return r == '%' && i < 3;
}
bool accept_default_func(uint32_t r, size_t i) {
  return (i == 1 && r == ':') || (i == 2 && (r == '=' || r == '-' || r == '?' || r == '+'));
}
bool accept_replace_func(uint32_t r, size_t i) {
  return (i == 1 && r == '/') || (i == 2 && (r == '/' || r == '#' || r == '%'));
}
bool accept_one_equal(uint32_t r, size_t i) {
  return i == 1 && r == '=';
}
bool accept_one_colon(uint32_t r, size_t i) {
  return i == 1 && r == ':';
}
bool reject_colon_close(uint32_t r, size_t) {
  return r != ':' && r != '}';
}
bool accept_slash(uint32_t r, size_t) {
  return r == '/';
}
bool accept_not_slash(uint32_t r, size_t) {
  return r != '/';
}
bool accept_casing_func(uint32_t r, size_t i) {
  return (r == ',' || r == '^') && i < 3;
}

class Scanner {
 public:
  explicit Scanner(std::string_view text) : buf_(text) {}

  uint32_t read() {
    if (pos_ >= buf_.size()) {
      width_ = 0;
      return kEof;
    }
    uint32_t r = decode_rune(buf_, pos_, &width_);
    pos_ += width_;
    return r;
  }
  // Steps back by the width of the last rune read, whichever read that was (Go does the same).
  void unread() { pos_ = width_ > pos_ ? 0 : pos_ - width_; }
  uint32_t peek() {
    uint32_t r = read();
    unread();
    return r;
  }
  // Removes the escape character just read from the buffer.
  void skip() {
    buf_.erase(pos_ - 1, 1);
    ++removed_;
  }
  std::string token() const {
    return start_ <= pos_ ? buf_.substr(start_, pos_ - start_) : std::string();
  }
  // Offset in the original text of the current token's start.
  size_t token_origin() const { return start_ + removed_; }

  Token scan() {
    start_ = pos_;
    uint32_t r = read();
    if (r == kEof) return Token::kEof;
    if (scan_lbrack(r)) return Token::kLbrack;
    if (scan_rbrack(r)) return Token::kRbrack;
    if (scan_ident(r)) return Token::kIdent;
    return Token::kIllegal;
  }

  Accept accept = nullptr;
  uint8_t mode = 0;
  uint8_t escape_chars = 0;

 private:
  bool scan_ident(uint32_t r) {
    if (!(mode & kScanIdent)) return false;
    if (scan_escaped(r)) {
      skip();
    } else if (!accept(r, pos_ - start_)) {
      return false;
    }
    for (;;) {
      r = read();
      if (r == kEof) {
        unread();
        break;
      }
      if (scan_lbrack(r)) {
        unread();
        unread();
        break;
      }
      if (scan_escaped(r)) {
        skip();
        continue;
      }
      if (!accept(r, pos_ - start_)) {
        unread();
        break;
      }
    }
    return true;
  }

  bool scan_lbrack(uint32_t r) {
    if (!(mode & kScanLbrack) || r != '$') return false;
    if (read() == '{') return true;
    unread();
    return false;
  }

  bool scan_rbrack(uint32_t r) const { return (mode & kScanRbrack) && r == '}'; }

  bool scan_escaped(uint32_t r) {
    if (!(mode & kScanEscape)) return false;
    if (r == '$' && (escape_chars & kEscapeDollar) && peek() == '$') return true;
    if (r == '\\' && (escape_chars & kEscapeBackslash)) {
      uint32_t next = peek();
      return next == '/' || next == '\\';
    }
    return false;
  }

  std::string buf_;
  size_t pos_ = 0;
  size_t start_ = 0;
  size_t width_ = 0;
  size_t removed_ = 0;
};

// --- parser (parse/parse.go) ---------------------------------------------------------------

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  // The top-level sequence of text and expressions.
  std::optional<ParseFailure> parse(std::vector<Expr>& out) {
    for (;;) {
      s_.accept = accept_rune;
      s_.mode = kScanIdent | kScanLbrack | kScanEscape;
      s_.escape_chars = kEscapeDollar;
      switch (s_.scan()) {
        case Token::kIdent: {
          Expr text;
          text.text = s_.token();
          out.push_back(std::move(text));
          break;
        }
        case Token::kEof:
          return std::nullopt;
        case Token::kLbrack: {
          Expr e;
          if (auto f = parse_func(e, s_.token_origin())) return f;
          out.push_back(std::move(e));
          break;
        }
        default:
          return fail(kErrBadSubstitution);
      }
    }
  }

 private:
  std::optional<ParseFailure> fail(const char* message) const {
    return ParseFailure{message, current_};
  }

  // After `${`: the variable name and the operator that follows it.
  std::optional<ParseFailure> parse_func(Expr& node, size_t origin) {
    if (depth_ >= kMaxSubstitutionNesting) {
      return ParseFailure{"expressions nested too deeply", origin};
    }
    ++depth_;
    size_t saved = current_;
    current_ = origin;
    node.is_text = false;
    node.offset = origin;
    auto result = parse_func_body(node);
    if (!result) current_ = saved;
    --depth_;
    return result;
  }

  std::optional<ParseFailure> parse_func_body(Expr& node) {
    s_.escape_chars = kEscapeAll;
    if (s_.peek() == '#') return parse_len_func(node);

    s_.accept = accept_ident;
    s_.mode = kScanIdent;
    if (s_.scan() != Token::kIdent) return fail(kErrParseVariableName);
    node.param = s_.token();

    switch (s_.peek()) {
      case ':':
        return parse_default_or_substr(node);
      case '=':
        return parse_default_func(node);
      case ',':
      case '^':
        return parse_casing_func(node);
      case '/':
        return parse_replace_func(node);
      case '#':
        return parse_remove_func(node, accept_hash_func);
      case '%':
        return parse_remove_func(node, accept_percent_func);
      default:
        break;
    }
    s_.accept = accept_ident;
    s_.mode = kScanRbrack;
    if (s_.scan() != Token::kRbrack) return fail(kErrMissingClosingBrace);
    return std::nullopt;
  }

  // One function argument: a nested expression or a run of accepted text.
  std::optional<ParseFailure> parse_param(Accept accept, uint8_t mode, Expr& arg) {
    s_.accept = accept;
    s_.mode = mode | kScanLbrack;
    switch (s_.scan()) {
      case Token::kLbrack:
        return parse_func(arg, s_.token_origin());
      case Token::kIdent:
      case Token::kRbrack:
        arg.text = s_.token();
        return std::nullopt;
      default:
        return fail(kErrParseFuncSubstitution);
    }
  }

  std::optional<ParseFailure> parse_arg(Accept accept, uint8_t mode, Expr& node) {
    Expr arg;
    if (auto f = parse_param(accept, mode, arg)) return f;
    node.args.push_back(std::move(arg));
    return std::nullopt;
  }

  std::optional<ParseFailure> parse_default_or_substr(Expr& node) {
    // Go reads the ':', peeks the next rune and steps back by the *peeked* rune's width.
    s_.read();
    uint32_t r = s_.peek();
    s_.unread();
    if (r == '=' || r == '-' || r == '?' || r == '+') return parse_default_func(node);
    return parse_substr_func(node);
  }

  // ${param:offset} and ${param:offset:length}
  std::optional<ParseFailure> parse_substr_func(Expr& node) {
    s_.accept = accept_one_colon;
    s_.mode = kScanIdent;
    if (s_.scan() != Token::kIdent) return fail(kErrBadSubstitution);
    node.name = s_.token();

    if (auto f = parse_arg(reject_colon_close, kScanIdent, node)) return f;

    s_.accept = accept_colon;
    s_.mode = kScanIdent | kScanRbrack;
    switch (s_.scan()) {
      case Token::kRbrack:
        return std::nullopt;
      case Token::kIdent:
        break;
      default:
        return fail(kErrBadSubstitution);
    }

    if (auto f = parse_arg(accept_not_closing, kScanIdent, node)) return f;
    return consume_rbrack();
  }

  // ${param#word} ${param##word} ${param%word} ${param%%word}
  std::optional<ParseFailure> parse_remove_func(Expr& node, Accept accept) {
    s_.accept = accept;
    s_.mode = kScanIdent;
    if (s_.scan() != Token::kIdent) return fail(kErrBadSubstitution);
    node.name = s_.token();

    if (auto f = parse_arg(accept_not_closing, kScanIdent, node)) return f;
    return consume_rbrack();
  }

  // ${param/pattern/string} ${param//pattern/string} ${param/#pattern/string}
  // ${param/%pattern/string}
  std::optional<ParseFailure> parse_replace_func(Expr& node) {
    s_.accept = accept_replace_func;
    s_.mode = kScanIdent;
    if (s_.scan() != Token::kIdent) return fail(kErrBadSubstitution);
    node.name = s_.token();

    if (auto f = parse_arg(accept_not_slash, kScanIdent | kScanEscape, node)) return f;

    s_.accept = accept_slash;
    s_.mode = kScanIdent;
    if (s_.scan() != Token::kIdent) return fail(kErrBadSubstitution);

    // An empty replacement leaves the function with one argument.
    if (s_.peek() == '}') return consume_rbrack();

    if (auto f = parse_arg(accept_not_closing, kScanIdent | kScanEscape, node)) return f;
    return consume_rbrack();
  }

  // ${param=word} ${param:=word} ${param:-word} ${param:?word} ${param:+word}
  std::optional<ParseFailure> parse_default_func(Expr& node) {
    s_.accept = s_.peek() == '=' ? accept_one_equal : accept_default_func;
    s_.mode = kScanIdent;
    if (s_.scan() != Token::kIdent) return fail(kErrParseDefaultFunction);
    node.name = s_.token();

    // The default is any mix of text runs and nested expressions up to the closing brace.
    for (;;) {
      if (s_.peek() == '}') return consume_rbrack();
      if (auto f = parse_arg(accept_not_closing, kScanIdent, node)) return f;
    }
  }

  // ${param,} ${param,,} ${param^} ${param^^}
  std::optional<ParseFailure> parse_casing_func(Expr& node) {
    s_.accept = accept_casing_func;
    s_.mode = kScanIdent;
    if (s_.scan() != Token::kIdent) return fail(kErrBadSubstitution);
    node.name = s_.token();
    return consume_rbrack();
  }

  // ${#param}
  std::optional<ParseFailure> parse_len_func(Expr& node) {
    s_.accept = accept_one_hash;
    s_.mode = kScanIdent;
    if (s_.scan() != Token::kIdent) return fail(kErrBadSubstitution);
    node.name = s_.token();

    s_.accept = accept_ident;
    s_.mode = kScanIdent;
    if (s_.scan() != Token::kIdent) return fail(kErrBadSubstitution);
    node.param = s_.token();
    return consume_rbrack();
  }

  std::optional<ParseFailure> consume_rbrack() {
    s_.mode = kScanRbrack;
    if (s_.scan() != Token::kRbrack) return fail(kErrBadSubstitution);
    return std::nullopt;
  }

  Scanner s_;
  int depth_ = 0;
  size_t current_ = 0;  // origin of the expression being parsed, for error positions
};

// --- evaluation (template.go, funcs.go) ----------------------------------------------------

bool is_default_op(std::string_view name) {
  return name == "-" || name == "+" || name == "=" || name == "?" || name == ":-" || name == ":+" ||
         name == ":=" || name == ":?";
}

// ${v:pos} / ${v:pos:len} on bytes. Go slices s[pos:pos+len] without checking a negative
// length, which panics; that panic becomes an error here with Go's runtime message.
core::Result<std::string> substring(std::string_view s, const std::vector<std::string>& args) {
  if (args.empty()) return std::string(s);
  auto pos_arg = go_atoi(args[0]);
  if (!pos_arg) return std::string(s);  // bash keeps the value when the offset is not a number
  const int64_t len = int64_t(s.size());
  int64_t pos = *pos_arg;
  if (pos < 0) pos = std::max<int64_t>(0, len + pos);
  if (args.size() == 1) return pos < len ? std::string(s.substr(size_t(pos))) : std::string();
  auto length = go_atoi(args[1]);
  if (!length) return std::string(s);
  const int64_t end = int64_t(uint64_t(pos) + uint64_t(*length));  // Go's int wraps
  if (end >= len) return pos < len ? std::string(s.substr(size_t(pos))) : std::string();
  if (end < 0) {
    return core::Error("runtime error: slice bounds out of range [:" + std::to_string(end) + "]");
  }
  if (pos > end) {
    return core::Error("runtime error: slice bounds out of range [" + std::to_string(pos) + ":" +
                       std::to_string(end) + "]");
  }
  return std::string(s.substr(size_t(pos), size_t(end - pos)));
}

// lookupFunc(name, len(args)) applied to the value.
core::Result<std::string> apply(std::string_view name, const std::string& v,
                                const std::vector<std::string>& args) {
  if (name == ",") return map_first_case(v, false);
  if (name == ",,") return map_case(v, false);
  if (name == "^") return map_first_case(v, true);
  if (name == "^^") return map_case(v, true);
  if (name == "#") {
    if (args.empty()) return std::to_string(v.size());
    return trim_prefix_match(v, args[0], false);
  }
  if (name == "##") return args.empty() ? v : trim_prefix_match(v, args[0], true);
  if (name == "%") return args.empty() ? v : trim_suffix_match(v, args[0], false);
  if (name == "%%") return args.empty() ? v : trim_suffix_match(v, args[0], true);
  if (name == ":") return substring(v, args);
  if (name == "/#") {
    // Needs both arguments: ${v/#p/} leaves the value alone.
    if (args.size() != 2) return v;
    if (v.compare(0, args[0].size(), args[0]) == 0) return go_replace(v, args[0], args[1], 1);
    return v;
  }
  if (name == "/%") {
    if (args.size() != 2) return v;
    if (v.size() >= args[0].size() &&
        v.compare(v.size() - args[0].size(), args[0].size(), args[0]) == 0) {
      return v.substr(0, v.size() - args[0].size()) + args[1];
    }
    return v;
  }
  if (name == "/" || name == "//") {
    if (args.empty()) return v;
    return go_replace(v, args[0], args.size() > 1 ? std::string_view(args[1]) : "",
                      name == "/" ? 1 : -1);
  }
  // Every other operator, `:?` and `:+` included, is a default: the value, or when it is
  // empty the arguments joined.
  if (v.empty() && !args.empty()) {
    std::string joined;
    for (const auto& a : args) joined += a;
    return joined;
  }
  return v;
}

struct Evaluator {
  const std::map<std::string, std::string>& vars;
  bool strict;
  size_t failed_at = 0;

  core::Status eval(const Expr& e, std::string& out) {
    if (e.is_text) {
      out += e.text;
      return {};
    }
    std::vector<std::string> args;
    args.reserve(e.args.size());
    for (const Expr& a : e.args) {
      std::string value;
      if (auto st = eval(a, value); !st.ok()) return st;
      args.push_back(std::move(value));
    }
    std::string v;
    bool exists = true;
    if (auto it = vars.find(e.param); it != vars.end()) {
      v = it->second;
    } else {
      exists = !strict;
    }
    if (!exists && !is_default_op(e.name)) {
      failed_at = e.offset;
      // fmt.Errorf("%w: %q", errVarNotSet, name); names are letters, digits and '_', which
      // %q leaves as they are.
      return core::Error("variable not set (strict mode): \"" + e.param + "\"");
    }
    auto r = apply(e.name, v, args);
    if (!r.ok()) {
      failed_at = e.offset;
      return r.error();
    }
    out += *r;
    return {};
  }
};

core::Error located(std::string_view text, core::Error err, size_t offset) {
  int line = 1, column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  err.line = line;
  err.column = column;
  return err;
}

std::optional<core::Error> parse_all(std::string_view text, std::vector<Expr>& out) {
  Parser p(text);
  if (auto f = p.parse(out)) return located(text, core::Error(f->message), f->offset);
  return std::nullopt;
}

void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

void render(const Expr& e, std::string& out) {
  if (e.is_text) {
    append_quoted(out, e.text);
    return;
  }
  out += "${";
  out += e.param;
  if (!e.name.empty() || !e.args.empty()) {
    out += '|';
    out += e.name;
  }
  for (const Expr& a : e.args) {
    out += '|';
    render(a, out);
  }
  out += '}';
}

}  // namespace

core::Result<std::string> envsubst(std::string_view text,
                                   const std::map<std::string, std::string>& vars,
                                   const SubstituteOptions& options) {
  std::vector<Expr> tree;
  if (auto err = parse_all(text, tree)) return *err;
  Evaluator ev{vars, options.strict};
  std::string out;
  out.reserve(text.size());
  for (const Expr& e : tree) {
    if (auto st = ev.eval(e, out); !st.ok()) return located(text, st.error(), ev.failed_at);
  }
  return out;
}

bool valid_var_name(std::string_view name) {
  if (name.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name.substr(1)) {
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

core::Result<std::string> envsubst_parse_tree(std::string_view text) {
  std::vector<Expr> tree;
  if (auto err = parse_all(text, tree)) return *err;
  if (tree.empty()) return std::string("\"\"");
  std::string out;
  for (size_t i = 0; i < tree.size(); ++i) {
    if (i > 0) out += ' ';
    render(tree[i], out);
  }
  return out;
}

}  // namespace oc::kube
