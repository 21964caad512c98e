// The YAML emitter.
//
// Hand-written because no packaged library does what we need: libyaml's emitter (which
// go-yaml v2 ported to Go) cannot write comments nor go-yaml v3's indented sequences, and
// yaml-cpp quotes and folds differently. The scalar analysis, style selection, folding and
// indentation rules below follow libyaml/go-yaml v2's emitter (emitterc.go) so that output is
// byte-identical to `kustomize build`; with `indent_sequences` the indentation follows go-yaml
// v3 (what sops writes). tests/core/yaml_writer_test.cc checks both against the Go libraries.
#include <algorithm>
#include <array>
#include <cstring>
#include <ostream>

#include "core/base64.h"
#include "core/scalar.h"
#include "core/utf8.h"
#include "core/yaml.h"

namespace oc::core {

namespace {

// --- byte classes (emitterc.go / yamlprivateh.go) -----------------------------------------

inline int utf8_width(unsigned char b) {
  if ((b & 0x80) == 0x00) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 1;  // invalid lead byte; input is validated before it gets here
}

// Reads byte i+k of s, or 0 past the end (Go would panic; C libyaml reads the NUL).
inline unsigned char at(std::string_view s, size_t i) {
  return i < s.size() ? static_cast<unsigned char>(s[i]) : 0;
}

inline bool is_space(std::string_view s, size_t i) { return at(s, i) == ' '; }
inline bool is_blank(std::string_view s, size_t i) {
  unsigned char c = at(s, i);
  return c == ' ' || c == '\t';
}
inline bool is_break(std::string_view s, size_t i) {
  unsigned char c = at(s, i);
  return c == '\r' || c == '\n' || (c == 0xC2 && at(s, i + 1) == 0x85) ||
         (c == 0xE2 && at(s, i + 1) == 0x80 && (at(s, i + 2) == 0xA8 || at(s, i + 2) == 0xA9));
}
inline bool is_blankz(std::string_view s, size_t i) {
  return is_blank(s, i) || is_break(s, i) || i >= s.size() || at(s, i) == 0;
}
inline bool is_printable(std::string_view s, size_t i) {
  unsigned char c = at(s, i), c1 = at(s, i + 1), c2 = at(s, i + 2);
  return c == 0x0A || (c >= 0x20 && c <= 0x7E) || (c == 0xC2 && c1 >= 0xA0) ||
         (c > 0xC2 && c < 0xED) || (c == 0xED && c1 < 0xA0) || c == 0xEE ||
         (c == 0xEF && !(c1 == 0xBB && c2 == 0xBF) && !(c1 == 0xBF && (c2 == 0xBE || c2 == 0xBF)));
}
// go-yaml checks the *first* three bytes here whatever i is; kept for identical output.
inline bool is_bom_at_start(std::string_view s) {
  return at(s, 0) == 0xEF && at(s, 1) == 0xBB && at(s, 2) == 0xBF;
}

std::string base64_lines(std::string_view s) {
  std::string enc = base64_encode(s);
  // go-yaml's encodeBase64: 70-column lines, each ending in '\n' when there is more than one.
  constexpr size_t kLine = 70;
  if (enc.size() / kLine + 1 == 1) return enc;
  std::string out;
  for (size_t p = 0; p < enc.size(); p += kLine) {
    out.append(enc, p, kLine);
    out.push_back('\n');
  }
  return out;
}

// --- scalar analysis (yaml_emitter_analyze_scalar) ------------------------------------------

struct Analysis {
  bool multiline = false;
  bool flow_plain_allowed = false;
  bool block_plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = false;
};

// Printable ASCII that changes nothing in the analysis after the first byte: not a space, not
// an indicator (, ? [ ] { } : #). Most keys and values (names, labels, image tags) are all such.
constexpr auto kQuietByte = [] {
  std::array<bool, 256> t{};
  for (int c = 0x21; c < 0x7F; ++c) t[c] = true;
  for (unsigned char c : std::string_view(",?[]{}:#")) t[c] = false;
  return t;
}();

Analysis analyze_scalar(std::string_view v) {
  Analysis a;
  if (v.empty()) return a;
  // Fast path: a first byte that is no indicator (nor '-' or '.', which may start "---" or
  // "..."), then quiet bytes only: everything allowed, as the loop below would find.
  if (kQuietByte[static_cast<unsigned char>(v[0])] &&
      !std::strchr("&*!|>'\"%@`-.", v[0])) {
    bool quiet = true;
    for (size_t i = 1; i < v.size() && quiet; ++i) quiet = kQuietByte[static_cast<unsigned char>(v[i])];
    if (quiet) {
      a.flow_plain_allowed = a.block_plain_allowed = a.single_quoted_allowed = a.block_allowed =
          true;
      return a;
    }
  }
  bool block_indicators = false, flow_indicators = false, line_breaks = false,
       special_characters = false, leading_space = false, leading_break = false,
       trailing_space = false, trailing_break = false, break_space = false, space_break = false,
       preceded_by_whitespace = true, previous_space = false, previous_break = false;
  if (v.size() >= 3 && ((v[0] == '-' && v[1] == '-' && v[2] == '-') ||
                        (v[0] == '.' && v[1] == '.' && v[2] == '.'))) {
    block_indicators = true;
    flow_indicators = true;
  }
  for (size_t i = 0, w = 0; i < v.size(); i += w) {
    unsigned char c = v[i];
    w = utf8_width(c);
    bool followed_by_whitespace = i + w >= v.size() || is_blank(v, i + w);
    if (i == 0) {
      switch (c) {
        case '#': case ',': case '[': case ']': case '{': case '}': case '&': case '*':
        case '!': case '|': case '>': case '\'': case '"': case '%': case '@': case '`':
          flow_indicators = true;
          block_indicators = true;
          break;
        case '?': case ':':
          flow_indicators = true;
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '-':
          if (followed_by_whitespace) {
            flow_indicators = true;
            block_indicators = true;
          }
          break;
        default:
          break;
      }
    } else {
      switch (c) {
        case ',': case '?': case '[': case ']': case '{': case '}':
          flow_indicators = true;
          break;
        case ':':
          flow_indicators = true;
          if (followed_by_whitespace) block_indicators = true;
          break;
        case '#':
          if (preceded_by_whitespace) {
            flow_indicators = true;
            block_indicators = true;
          }
          break;
        default:
          break;
      }
    }
    // The emitter runs with unicode output on (go-yaml sets it), so only unprintables count.
    if (!is_printable(v, i)) special_characters = true;
    if (is_space(v, i)) {
      if (i == 0) leading_space = true;
      if (i + w == v.size()) trailing_space = true;
      if (previous_break) break_space = true;
      previous_space = true;
      previous_break = false;
    } else if (is_break(v, i)) {
      line_breaks = true;
      if (i == 0) leading_break = true;
      if (i + w == v.size()) trailing_break = true;
      if (previous_space) space_break = true;
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = false;
      previous_break = false;
    }
    preceded_by_whitespace = is_blankz(v, i);
  }
  a.multiline = line_breaks;
  a.flow_plain_allowed = true;
  a.block_plain_allowed = true;
  a.single_quoted_allowed = true;
  a.block_allowed = true;
  if (leading_space || leading_break || trailing_space || trailing_break) {
    a.flow_plain_allowed = false;
    a.block_plain_allowed = false;
  }
  if (trailing_space) a.block_allowed = false;
  if (break_space) {
    a.flow_plain_allowed = false;
    a.block_plain_allowed = false;
    a.single_quoted_allowed = false;
  }
  if (space_break || special_characters) {
    a.flow_plain_allowed = false;
    a.block_plain_allowed = false;
    a.single_quoted_allowed = false;
    a.block_allowed = false;
  }
  if (line_breaks) {
    a.flow_plain_allowed = false;
    a.block_plain_allowed = false;
  }
  if (flow_indicators) a.flow_plain_allowed = false;
  if (block_indicators) a.block_plain_allowed = false;
  return a;
}

// --- the emitter -------------------------------------------------------------------------

struct Ctx {
  bool root = false;
  bool sequence = false;
  bool mapping = false;
  bool simple_key = false;
  bool key = false;  // a mapping key (its comments are written by the mapping)
  // The node is the direct content of a block sequence item (go-yaml v3 indents it by 2).
  bool block_seq_item = false;
};

// A scalar ready to write: final text, tag (short form handle+suffix) and requested style.
struct Prepared {
  std::string_view text;
  std::string owned;  // when text had to be transformed (numbers, base64)
  std::string tag_handle;
  std::string tag_suffix;
  ScalarStyle style = ScalarStyle::kPlain;
  Analysis analysis;
};

class Emitter {
 public:
  Emitter(std::string& out, const YamlStyle& style) : out_(out), st_(style) {
    best_indent_ = (style.indent < 2 || style.indent > 9) ? 2 : style.indent;
    best_width_ = style.width;
    if (best_width_ >= 0 && best_width_ <= best_indent_ * 2) best_width_ = 80;
    if (best_width_ < 0) best_width_ = 0x7FFFFFFF;
  }

  void document(const Node& root) {
    Ctx ctx;
    ctx.root = true;
    bool block = writes_block(root);
    if (st_.comments && !block && !root.head_comment().empty()) {
      write_comment_block(root.head_comment());
      write_indent();
    }
    if (st_.comments && !block) pending_comment_ = root.line_comment();
    emit_node(root, ctx);
    flush_pending_comment();
    if (st_.comments && !block && !root.foot_comment().empty()) {
      write_comment_block(root.foot_comment());
    }
    // Implicit document end: finish the line. (go-yaml's encoder clears open_ended before
    // the stream end, so no "..." follows an open-ended scalar.)
    write_indent();
  }

 private:
  // --- output primitives ---
  void put(char c) {
    out_.push_back(c);
    ++column_;
  }
  void put_break() {
    out_.push_back('\n');
    column_ = 0;
  }
  // Copies one UTF-8 character from s at i.
  void write_char(std::string_view s, size_t& i) {
    int w = utf8_width(static_cast<unsigned char>(s[i]));
    if (i + w > s.size()) w = int(s.size() - i);
    out_.append(s.data() + i, w);
    ++column_;
    i += w;
  }
  void write_all(std::string_view s) {
    for (size_t i = 0; i < s.size();) write_char(s, i);
  }
  void write_break_char(std::string_view s, size_t& i) {
    if (s[i] == '\n') {
      put_break();
      ++i;
    } else {
      write_char(s, i);
      column_ = 0;
    }
  }
  void write_indent() {
    int indent = indent_ < 0 ? 0 : indent_;
    if (!indention_ || column_ > indent || (column_ == indent && !whitespace_)) put_break();
    while (column_ < indent) put(' ');
    whitespace_ = true;
    indention_ = true;
  }
  void write_indicator(std::string_view ind, bool need_ws, bool is_ws, bool is_indention) {
    if (need_ws && !whitespace_) put(' ');
    write_all(ind);
    whitespace_ = is_ws;
    indention_ = indention_ && is_indention;
  }

  // --- indentation ---
  void increase_indent(bool flow, bool indentless, const Ctx& ctx) {
    indents_.push_back(indent_);
    if (indent_ < 0) {
      indent_ = flow ? best_indent_ : 0;
    } else if (!indentless) {
      if (!st_.indent_sequences) {
        indent_ += best_indent_;
      } else if (ctx.block_seq_item) {
        indent_ += 2;  // go-yaml v3: the first level inside "- " just skips the indicator
      } else {
        indent_ = best_indent_ * ((indent_ + best_indent_) / best_indent_);
      }
    }
  }
  void restore_indent() {
    indent_ = indents_.back();
    indents_.pop_back();
  }

  // --- comments ---
  // Writes comment lines at the current indentation; empty lines are blank lines.
  void write_comment_block(std::string_view text) {
    size_t p = 0;
    while (p <= text.size()) {
      size_t nl = text.find('\n', p);
      std::string_view line = text.substr(p, nl == std::string_view::npos ? text.npos : nl - p);
      if (line.empty()) {
        if (column_ > 0) put_break();
        put_break();
        whitespace_ = true;
        indention_ = true;
      } else {
        write_indent();
        write_all(line);
        whitespace_ = false;
        indention_ = false;
      }
      if (nl == std::string_view::npos) break;
      p = nl + 1;
    }
  }
  // Line comments waiting for the current scalar: a block scalar writes them on its header
  // line, anything else right after itself.
  void add_pending_comment(const std::string& text) {
    if (text.empty()) return;
    if (!pending_comment_.empty()) pending_comment_ += ' ';
    pending_comment_ += text;
  }
  void flush_pending_comment() {
    if (pending_comment_.empty()) return;
    std::string c = std::move(pending_comment_);
    pending_comment_.clear();
    write_line_comment(c);
  }
  void write_line_comment(std::string_view text) {
    if (text.empty()) return;
    if (!whitespace_) put(' ');
    // A line comment is one line; further lines become comments at the current indentation.
    size_t nl = text.find('\n');
    write_all(text.substr(0, nl));
    whitespace_ = false;
    indention_ = false;
    if (nl != std::string_view::npos) write_comment_block(text.substr(nl + 1));
  }

  // --- scalars ---
  Prepared prepare(const Node& n, const Ctx& ctx) const;
  bool check_simple_key(const Node& n) const;
  void emit_node(const Node& n, const Ctx& ctx);
  void emit_scalar(const Node& n, const Ctx& ctx);
  void emit_prepared(const Prepared& p, const Ctx& ctx, const Node* n);
  void emit_block_sequence(const Node& n, const Ctx& ctx);
  void emit_block_mapping(const Node& n, const Ctx& ctx);
  void emit_flow_sequence(const Node& n, const Ctx& ctx);
  void emit_flow_mapping(const Node& n, const Ctx& ctx);
  void write_plain(std::string_view v, bool allow_breaks, bool root);
  void write_single_quoted(std::string_view v, bool allow_breaks);
  void write_double_quoted(std::string_view v, bool allow_breaks);
  void write_block_hints(std::string_view v);
  void write_literal(std::string_view v, const std::string& line_comment);
  void write_folded(std::string_view v, const std::string& line_comment);
  bool has_comments_inside(const Node& n) const;
  // Whether a collection is written in block style (the emitter's own choice).
  bool writes_block(const Node& n) const {
    if (n.is_scalar() || n.empty() || flow_level_ > 0) return false;
    return st_.canonical || !n.flow() || (st_.comments && has_comments_inside(n));
  }
  std::vector<const MapEntry*> ordered_entries(const Node& n) const;
  // Keys and items get their head comments from the enclosing collection; a collection writes
  // its own only as a mapping value.
  static bool owns_head_comment(const Ctx& ctx) { return ctx.root || (ctx.mapping && !ctx.key); }

  std::string& out_;
  const YamlStyle& st_;
  int best_indent_ = 2;
  int best_width_ = 80;
  int indent_ = -1;
  std::vector<int> indents_;
  int column_ = 0;
  bool whitespace_ = true;
  bool indention_ = true;
  int flow_level_ = 0;
  std::string pending_comment_;
};

constexpr std::string_view kLongTagPrefix = "tag:yaml.org,2002:";

void split_tag(const std::string& tag, Prepared& p) {
  // go-yaml's default tag directives: "!" → "!", "!!" → "tag:yaml.org,2002:".
  if (tag.compare(0, kLongTagPrefix.size(), kLongTagPrefix) == 0) {
    p.tag_handle = "!!";
    p.tag_suffix = tag.substr(kLongTagPrefix.size());
  } else if (!tag.empty() && tag[0] == '!') {
    p.tag_handle = "!";
    p.tag_suffix = tag.substr(1);
  } else {
    p.tag_suffix = tag;  // verbatim: written as !<tag>
  }
}

// go-yaml v2 stringv(): literal for multi-line, plain when it reads back as a string, else
// double-quoted; the emitter may still downgrade the choice.
ScalarStyle canonical_string_style(std::string_view s) {
  if (s.find('\n') != std::string_view::npos) return ScalarStyle::kLiteral;
  if (!needs_quotes_yaml11(s)) return ScalarStyle::kPlain;
  return ScalarStyle::kDoubleQuoted;
}

// A number's text as go-yaml v2 writes the value it decodes from that JSON text.
std::string canonical_number(const std::string& text) {
  Scalar s = resolve_plain(text, Schema::kYaml11);
  switch (s.type) {
    case Scalar::Type::kInt:
      return std::to_string(s.i);
    case Scalar::Type::kUint:
      return std::to_string(s.u);
    case Scalar::Type::kFloat: {
      std::string f = go_format_float(s.f);
      if (f == "+Inf") return ".inf";
      if (f == "-Inf") return "-.inf";
      if (f == "NaN") return ".nan";
      return f;
    }
    default:
      return text;
  }
}

Prepared Emitter::prepare(const Node& n, const Ctx& ctx) const {
  Prepared p;
  const std::string& text = n.text();
  p.text = text;
  bool is_string = n.type() == ScalarType::kString;
  if (st_.canonical) {
    switch (n.type()) {
      case ScalarType::kNull:
        p.text = "null";
        p.style = ScalarStyle::kPlain;
        break;
      case ScalarType::kBool:
      case ScalarType::kInt:
      case ScalarType::kFloat:
        p.owned = n.type() == ScalarType::kBool ? text : canonical_number(text);
        p.text = p.owned;
        p.style = ScalarStyle::kPlain;
        break;
      case ScalarType::kString:
        p.style = canonical_string_style(text);
        break;
      case ScalarType::kUnresolved: {
        Scalar s = resolve_plain(text, Schema::kYaml11);
        if (n.tag().empty() && s.type != Scalar::Type::kString) {
          p.style = ScalarStyle::kPlain;
          if (s.type == Scalar::Type::kNull) p.text = "null";
          else if (s.type != Scalar::Type::kBool) {
            p.owned = canonical_number(text);
            p.text = p.owned;
          }
        } else {
          is_string = true;
          p.style = canonical_string_style(text);
        }
        break;
      }
    }
  } else {
    if (!n.tag().empty()) split_tag(n.tag(), p);
    switch (n.type()) {
      case ScalarType::kNull:
        if (text.empty()) p.text = "null";
        p.style = ScalarStyle::kPlain;
        break;
      case ScalarType::kBool:
      case ScalarType::kInt:
      case ScalarType::kFloat:
        p.style = ScalarStyle::kPlain;
        break;
      case ScalarType::kUnresolved:
        p.style = n.style() == ScalarStyle::kAny ? ScalarStyle::kPlain : n.style();
        break;
      case ScalarType::kString: {
        ScalarStyle s = n.style();
        bool multiline = text.find('\n') != std::string::npos;
        if (s == ScalarStyle::kAny || s == ScalarStyle::kPlain) {
          if (multiline) {
            s = ScalarStyle::kLiteral;
          } else if (n.tag().empty() && needs_quotes_any_schema(text)) {
            s = ScalarStyle::kDoubleQuoted;
          } else {
            s = ScalarStyle::kPlain;
          }
        }
        p.style = s;
        break;
      }
    }
  }
  if (is_string && !utf8_valid(p.text)) {
    // go-yaml: "It can't be encoded directly as YAML so use a binary tag".
    p.owned = base64_lines(p.text);
    p.text = p.owned;
    p.tag_handle = "!!";
    p.tag_suffix = "binary";
    if (p.style == ScalarStyle::kPlain || p.style == ScalarStyle::kAny) {
      p.style = p.owned.find('\n') != std::string::npos ? ScalarStyle::kLiteral : ScalarStyle::kPlain;
    }
  }
  p.analysis = analyze_scalar(p.text);
  (void)ctx;
  return p;
}

bool Emitter::check_simple_key(const Node& n) const {
  size_t length = 0;
  switch (n.kind()) {
    case NodeKind::kScalar: {
      // Printable ASCII without a tag, short enough that no canonical form (a number, "null")
      // reaches the limit: one line, a simple key. Saves preparing every key twice.
      const std::string& t = n.text();
      if (n.tag().empty() && t.size() <= 64 &&
          std::all_of(t.begin(), t.end(), [](char c) { return c >= 0x20 && c < 0x7F; })) {
        return true;
      }
      Prepared p = prepare(n, Ctx{});
      if (p.analysis.multiline) return false;
      length = p.tag_handle.size() + p.tag_suffix.size() + p.text.size();
      break;
    }
    case NodeKind::kSequence:
    case NodeKind::kMapping:
      if (!n.empty()) return false;
      if (!st_.canonical && !n.tag().empty()) length = n.tag().size();
      break;
  }
  return length <= 128;
}

bool Emitter::has_comments_inside(const Node& n) const {
  if (n.has_comments()) return true;
  for (const auto& i : n.items()) {
    if (has_comments_inside(i)) return true;
  }
  for (const auto& e : n.entries()) {
    if (has_comments_inside(e.key) || has_comments_inside(e.value)) return true;
  }
  return false;
}

void Emitter::emit_node(const Node& n, const Ctx& ctx) {
  switch (n.kind()) {
    case NodeKind::kScalar:
      emit_scalar(n, ctx);
      return;
    case NodeKind::kSequence:
    case NodeKind::kMapping: {
      if (!st_.canonical && !n.tag().empty()) {
        Prepared p;
        split_tag(n.tag(), p);
        if (!p.tag_handle.empty()) {
          if (!whitespace_) put(' ');
          write_all(p.tag_handle);
          write_all(p.tag_suffix);
        } else {
          write_indicator("!<", true, false, false);
          write_all(p.tag_suffix);
          write_indicator(">", false, false, false);
        }
        whitespace_ = false;
        indention_ = false;
      }
      bool block = writes_block(n);
      if (n.is_sequence()) {
        block ? emit_block_sequence(n, ctx) : emit_flow_sequence(n, ctx);
      } else {
        block ? emit_block_mapping(n, ctx) : emit_flow_mapping(n, ctx);
      }
      return;
    }
  }
}

void Emitter::emit_scalar(const Node& n, const Ctx& ctx) {
  Prepared p = prepare(n, ctx);
  emit_prepared(p, ctx, &n);
}

void Emitter::emit_prepared(const Prepared& p_in, const Ctx& ctx, const Node* n) {
  const Prepared* pp = &p_in;
  Prepared null_text;
  if (p_in.text.empty() && n && n->is_null() && p_in.style == ScalarStyle::kPlain &&
      (flow_level_ > 0 || ctx.simple_key)) {
    // An empty plain scalar cannot stand in a flow collection or as a key; go-yaml would
    // quote it, which turns null into "". Spell the null out instead.
    null_text.text = "null";
    null_text.style = ScalarStyle::kPlain;
    null_text.tag_handle = p_in.tag_handle;
    null_text.tag_suffix = p_in.tag_suffix;
    null_text.analysis = analyze_scalar(null_text.text);
    pp = &null_text;
  }
  const Prepared& p = *pp;
  // yaml_emitter_select_scalar_style
  ScalarStyle style = p.style;
  if (style == ScalarStyle::kAny) style = ScalarStyle::kPlain;
  if (ctx.simple_key && p.analysis.multiline) style = ScalarStyle::kDoubleQuoted;
  if (style == ScalarStyle::kPlain) {
    if ((flow_level_ > 0 && !p.analysis.flow_plain_allowed) ||
        (flow_level_ == 0 && !p.analysis.block_plain_allowed)) {
      style = ScalarStyle::kSingleQuoted;
    }
    if (p.text.empty() && (flow_level_ > 0 || ctx.simple_key)) style = ScalarStyle::kSingleQuoted;
  }
  if (style == ScalarStyle::kSingleQuoted && !p.analysis.single_quoted_allowed) {
    style = ScalarStyle::kDoubleQuoted;
  }
  if ((style == ScalarStyle::kLiteral || style == ScalarStyle::kFolded) &&
      (!p.analysis.block_allowed || flow_level_ > 0 || ctx.simple_key)) {
    style = ScalarStyle::kDoubleQuoted;
  }

  // yaml_emitter_process_tag
  if (!p.tag_handle.empty() || !p.tag_suffix.empty()) {
    if (!p.tag_handle.empty()) {
      if (!whitespace_) put(' ');
      write_all(p.tag_handle);
      write_all(p.tag_suffix);
    } else {
      write_indicator("!<", true, false, false);
      write_all(p.tag_suffix);
      write_indicator(">", false, false, false);
    }
    whitespace_ = false;
    indention_ = false;
  }

  increase_indent(true, false, ctx);
  std::string line_comment;
  if (style == ScalarStyle::kLiteral || style == ScalarStyle::kFolded) {
    line_comment = std::move(pending_comment_);
    pending_comment_.clear();
  }
  (void)n;
  switch (style) {
    case ScalarStyle::kAny:
    case ScalarStyle::kPlain:
      write_plain(p.text, !ctx.simple_key, ctx.root);
      break;
    case ScalarStyle::kSingleQuoted:
      write_single_quoted(p.text, !ctx.simple_key);
      break;
    case ScalarStyle::kDoubleQuoted:
      write_double_quoted(p.text, !ctx.simple_key);
      break;
    case ScalarStyle::kLiteral:
      write_literal(p.text, line_comment);
      break;
    case ScalarStyle::kFolded:
      write_folded(p.text, line_comment);
      break;
  }
  restore_indent();
}

void Emitter::write_plain(std::string_view v, bool allow_breaks, bool root) {
  // go-yaml v3: an empty plain scalar (a null written as nothing) gets no space before it.
  if (!v.empty() && !whitespace_) put(' ');
  bool spaces = false, breaks = false;
  for (size_t i = 0; i < v.size();) {
    if (is_space(v, i)) {
      if (allow_breaks && !spaces && column_ > best_width_ && !is_space(v, i + 1)) {
        write_indent();
        i += 1;
      } else {
        write_char(v, i);
      }
      spaces = true;
    } else if (is_break(v, i)) {
      if (!breaks && v[i] == '\n') put_break();
      write_break_char(v, i);
      indention_ = true;
      breaks = true;
    } else {
      if (breaks) write_indent();
      write_char(v, i);
      indention_ = false;
      spaces = false;
      breaks = false;
    }
  }
  whitespace_ = false;
  indention_ = false;
  (void)root;
}

void Emitter::write_single_quoted(std::string_view v, bool allow_breaks) {
  write_indicator("'", true, false, false);
  bool spaces = false, breaks = false;
  for (size_t i = 0; i < v.size();) {
    if (is_space(v, i)) {
      if (allow_breaks && !spaces && column_ > best_width_ && i > 0 && i < v.size() - 1 &&
          !is_space(v, i + 1)) {
        write_indent();
        i += 1;
      } else {
        write_char(v, i);
      }
      spaces = true;
    } else if (is_break(v, i)) {
      if (!breaks && v[i] == '\n') put_break();
      write_break_char(v, i);
      indention_ = true;
      breaks = true;
    } else {
      if (breaks) write_indent();
      if (v[i] == '\'') put('\'');
      write_char(v, i);
      indention_ = false;
      spaces = false;
      breaks = false;
    }
  }
  write_indicator("'", false, false, false);
  whitespace_ = false;
  indention_ = false;
}

void Emitter::write_double_quoted(std::string_view v, bool allow_breaks) {
  static const char kHex[] = "0123456789ABCDEF";
  bool spaces = false;
  write_indicator("\"", true, false, false);
  bool bom = is_bom_at_start(v);
  for (size_t i = 0; i < v.size();) {
    unsigned char c = v[i];
    if (!is_printable(v, i) || bom || is_break(v, i) || c == '"' || c == '\\') {
      int w = utf8_width(c);
      uint32_t cp;
      if ((c & 0x80) == 0) {
        cp = c & 0x7F;
      } else if ((c & 0xE0) == 0xC0) {
        cp = c & 0x1F;
      } else if ((c & 0xF0) == 0xE0) {
        cp = c & 0x0F;
      } else {
        cp = c & 0x07;
      }
      for (int k = 1; k < w && i + k < v.size(); ++k) cp = (cp << 6) | (at(v, i + k) & 0x3F);
      i += w;
      put('\\');
      switch (cp) {
        case 0x00: put('0'); break;
        case 0x07: put('a'); break;
        case 0x08: put('b'); break;
        case 0x09: put('t'); break;
        case 0x0A: put('n'); break;
        case 0x0B: put('v'); break;
        case 0x0C: put('f'); break;
        case 0x0D: put('r'); break;
        case 0x1B: put('e'); break;
        case 0x22: put('"'); break;
        case 0x5C: put('\\'); break;
        case 0x85: put('N'); break;
        case 0xA0: put('_'); break;
        case 0x2028: put('L'); break;
        case 0x2029: put('P'); break;
        default: {
          int digits;
          if (cp <= 0xFF) {
            put('x');
            digits = 2;
          } else if (cp <= 0xFFFF) {
            put('u');
            digits = 4;
          } else {
            put('U');
            digits = 8;
          }
          for (int k = (digits - 1) * 4; k >= 0; k -= 4) put(kHex[(cp >> k) & 0x0F]);
        }
      }
      spaces = false;
    } else if (is_space(v, i)) {
      if (allow_breaks && !spaces && column_ > best_width_ && i > 0 && i < v.size() - 1) {
        write_indent();
        if (is_space(v, i + 1)) put('\\');
        i += 1;
      } else {
        write_char(v, i);
      }
      spaces = true;
    } else {
      write_char(v, i);
      spaces = false;
    }
  }
  write_indicator("\"", false, false, false);
  whitespace_ = false;
  indention_ = false;
}

void Emitter::write_block_hints(std::string_view v) {
  if (is_space(v, 0) || is_break(v, 0)) {
    // The indentation indicator counts from the enclosing block's indentation. go-yaml writes
    // best_indent, which is only right when content sits one full step in; under go-yaml v3's
    // "- " alignment it sits 2 in, and a reader would look for it elsewhere.
    int parent = indents_.empty() || indents_.back() < 0 ? 0 : indents_.back();
    int step = indent_ - parent;
    if (step < 1 || step > 9) step = best_indent_;
    char hint[2] = {char('0' + step), 0};
    write_indicator(hint, false, false, false);
  }
  char chomp = 0;
  if (v.empty()) {
    chomp = '-';
  } else {
    size_t i = v.size() - 1;
    while (i > 0 && (static_cast<unsigned char>(v[i]) & 0xC0) == 0x80) --i;
    if (!is_break(v, i)) {
      chomp = '-';
    } else if (i == 0) {
      chomp = '+';
    } else {
      --i;
      while (i > 0 && (static_cast<unsigned char>(v[i]) & 0xC0) == 0x80) --i;
      if (is_break(v, i)) chomp = '+';
    }
  }
  if (chomp) {
    char s[2] = {chomp, 0};
    write_indicator(s, false, false, false);
  }
}

void Emitter::write_literal(std::string_view v, const std::string& line_comment) {
  write_indicator("|", true, false, false);
  write_block_hints(v);
  if (!line_comment.empty()) {
    put(' ');
    write_all(line_comment.substr(0, line_comment.find('\n')));
  }
  put_break();
  indention_ = true;
  whitespace_ = true;
  bool breaks = true;
  for (size_t i = 0; i < v.size();) {
    if (is_break(v, i)) {
      write_break_char(v, i);
      indention_ = true;
      breaks = true;
    } else {
      if (breaks) write_indent();
      write_char(v, i);
      indention_ = false;
      breaks = false;
    }
  }
}

void Emitter::write_folded(std::string_view v, const std::string& line_comment) {
  write_indicator(">", true, false, false);
  write_block_hints(v);
  if (!line_comment.empty()) {
    put(' ');
    write_all(line_comment.substr(0, line_comment.find('\n')));
  }
  put_break();
  indention_ = true;
  whitespace_ = true;
  bool breaks = true, leading_spaces = true;
  for (size_t i = 0; i < v.size();) {
    if (is_break(v, i)) {
      if (!breaks && !leading_spaces && v[i] == '\n') {
        // Look past this run of breaks: a more-indented next line must not get the extra
        // break. This is libyaml's rule; go-yaml's port scans from the start of the value
        // (k := 0) and so corrupts such scalars. go-yaml never chooses folded style itself, so
        // only preserved source styles reach this, and they must round-trip.
        size_t k = i;
        while (is_break(v, k)) k += utf8_width(static_cast<unsigned char>(v[k]));
        if (!is_blankz(v, k)) put_break();
      }
      write_break_char(v, i);
      indention_ = true;
      breaks = true;
    } else {
      if (breaks) {
        write_indent();
        leading_spaces = is_blank(v, i);
      }
      // A more-indented line (leading blank) is kept as it is: folding it would insert a line
      // that is not more-indented, which reads back as a different value. libyaml folds it
      // anyway (and so corrupts such scalars); go-yaml inherits that.
      if (!breaks && !leading_spaces && is_space(v, i) && !is_space(v, i + 1) &&
          column_ > best_width_) {
        write_indent();
        i += 1;
      } else {
        write_char(v, i);
      }
      indention_ = false;
      breaks = false;
    }
  }
}

std::vector<const MapEntry*> Emitter::ordered_entries(const Node& n) const {
  std::vector<const MapEntry*> v;
  v.reserve(n.entries().size());
  for (const auto& e : n.entries()) v.push_back(&e);
  if (st_.sort_keys) {
    auto less = [](const MapEntry* a, const MapEntry* b) {
      // Numbers and booleans sort before strings (reflect.Kind order), by value.
      auto rank = [](const Node& k) {
        if (!k.is_scalar()) return 2;
        switch (k.type()) {
          case ScalarType::kBool:
          case ScalarType::kInt:
          case ScalarType::kFloat:
            return 0;
          default:
            return 1;
        }
      };
      int ra = rank(a->key), rb = rank(b->key);
      if (ra != rb) return ra < rb;
      if (ra == 0) {
        auto fa = go_parse_float(a->key.text()), fb = go_parse_float(b->key.text());
        double x = fa ? *fa : (a->key.text() == "true" ? 1 : 0);
        double y = fb ? *fb : (b->key.text() == "true" ? 1 : 0);
        return x < y;
      }
      return yaml_v2_key_less(a->key.text(), b->key.text());
    };
    // Mappings built from Helm values come sorted by bytes, which is this order for most keys:
    // checking is one comparison per key and spares the sort its buffer.
    if (!std::is_sorted(v.begin(), v.end(), less)) std::stable_sort(v.begin(), v.end(), less);
  }
  return v;
}

void Emitter::emit_block_sequence(const Node& n, const Ctx& ctx) {
  bool indentless = !st_.indent_sequences && ctx.mapping && !indention_;
  increase_indent(false, indentless, ctx);
  if (st_.comments && owns_head_comment(ctx) && !n.head_comment().empty()) {
    write_comment_block(n.head_comment());
  }
  for (const Node& item : n.items()) {
    if (st_.comments && !item.head_comment().empty()) write_comment_block(item.head_comment());
    write_indent();
    write_indicator("-", true, false, true);
    Ctx c;
    c.sequence = true;
    c.block_seq_item = true;
    bool block = writes_block(item);
    if (st_.comments && !block) add_pending_comment(item.line_comment());
    emit_node(item, c);
    flush_pending_comment();
  }
  if (st_.comments && !n.foot_comment().empty()) {
    if (indentless) indent_ += best_indent_;
    write_comment_block(n.foot_comment());
    if (indentless) indent_ -= best_indent_;
  }
  restore_indent();
}

void Emitter::emit_block_mapping(const Node& n, const Ctx& ctx) {
  increase_indent(false, false, ctx);
  if (st_.comments && owns_head_comment(ctx) && !n.head_comment().empty()) {
    write_comment_block(n.head_comment());
  }
  for (const MapEntry* e : ordered_entries(n)) {
    const Node& key = e->key;
    const Node& value = e->value;
    if (st_.comments && !key.head_comment().empty()) write_comment_block(key.head_comment());
    write_indent();
    Ctx kc;
    kc.mapping = true;
    kc.key = true;
    if (check_simple_key(key)) {
      kc.simple_key = true;
      emit_node(key, kc);
      write_indicator(":", false, false, false);
    } else {
      write_indicator("?", true, false, true);
      emit_node(key, kc);
      write_indent();
      write_indicator(":", true, false, true);
    }
    Ctx vc;
    vc.mapping = true;
    if (st_.comments) {
      if (writes_block(value)) {
        // A key's line comment goes after the colon when a block collection follows.
        write_line_comment(key.line_comment());
        write_line_comment(value.line_comment());
      } else {
        if (value.is_scalar() && !value.head_comment().empty()) {
          write_line_comment(key.line_comment());
          increase_indent(true, false, vc);
          write_comment_block(value.head_comment());
          write_indent();
          restore_indent();
        } else {
          add_pending_comment(key.line_comment());
        }
        add_pending_comment(value.line_comment());
      }
    }
    emit_node(value, vc);
    flush_pending_comment();
  }
  if (st_.comments && !n.foot_comment().empty()) write_comment_block(n.foot_comment());
  restore_indent();
}

void Emitter::emit_flow_sequence(const Node& n, const Ctx& ctx) {
  write_indicator("[", true, true, false);
  increase_indent(true, false, ctx);
  ++flow_level_;
  bool first = true;
  for (const Node& item : n.items()) {
    if (!first) write_indicator(",", false, false, false);
    first = false;
    if (column_ > best_width_) write_indent();
    Ctx c;
    c.sequence = true;
    emit_node(item, c);
  }
  --flow_level_;
  restore_indent();
  write_indicator("]", false, false, false);
}

void Emitter::emit_flow_mapping(const Node& n, const Ctx& ctx) {
  write_indicator("{", true, true, false);
  increase_indent(true, false, ctx);
  ++flow_level_;
  bool first = true;
  for (const MapEntry* e : ordered_entries(n)) {
    if (!first) write_indicator(",", false, false, false);
    first = false;
    if (column_ > best_width_) write_indent();
    Ctx kc;
    kc.mapping = true;
    kc.key = true;
    if (check_simple_key(e->key)) {
      kc.simple_key = true;
      emit_node(e->key, kc);
      write_indicator(":", false, false, false);
    } else {
      write_indicator("?", true, false, false);
      emit_node(e->key, kc);
      if (column_ > best_width_) write_indent();
      write_indicator(":", true, false, false);
    }
    Ctx vc;
    vc.mapping = true;
    emit_node(e->value, vc);
  }
  --flow_level_;
  restore_indent();
  write_indicator("}", false, false, false);
}

struct CodeRange {
  uint32_t lo, hi;
};
#include "core/unicode_tables.inc"

template <size_t N>
bool in_ranges(const CodeRange (&r)[N], uint32_t c) {
  size_t lo = 0, hi = N;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (c < r[mid].lo) {
      hi = mid;
    } else if (c > r[mid].hi) {
      lo = mid + 1;
    } else {
      return true;
    }
  }
  return false;
}

// Go's unicode.IsLetter and unicode.IsDigit.
bool unicode_is_letter(uint32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return in_ranges(kLetterRanges, c);
}
bool unicode_is_digit(uint32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return in_ranges(kDigitRanges, c);
}

}  // namespace

bool yaml_v2_key_less(std::string_view a, std::string_view b) {
  // Decode to code points, as Go's []rune conversion does.
  auto runes = [](std::string_view s) {
    std::vector<uint32_t> r;
    r.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
      unsigned char c = s[i];
      int w = utf8_width(c);
      uint32_t cp = w == 1 ? c : w == 2 ? (c & 0x1F) : w == 3 ? (c & 0x0F) : (c & 0x07);
      for (int k = 1; k < w && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
      r.push_back(cp);
      i += w;
    }
    return r;
  };
  auto is_letter = unicode_is_letter;
  auto is_digit = unicode_is_digit;
  bool ascii = true;
  for (char c : a) ascii = ascii && !(c & 0x80);
  for (char c : b) ascii = ascii && !(c & 0x80);
  std::vector<uint32_t> ar, br;
  if (ascii) {
    ar.assign(a.begin(), a.end());
    br.assign(b.begin(), b.end());
  } else {
    ar = runes(a);
    br = runes(b);
  }
  for (size_t i = 0; i < ar.size() && i < br.size(); ++i) {
    if (ar[i] == br[i]) continue;
    bool al = is_letter(ar[i]), bl = is_letter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    int64_t an = 0, bn = 0;
    if (ar[i] == '0' || br[i] == '0') {
      for (size_t j = i; j-- > 0 && is_digit(ar[j]);) {
        if (ar[j] != '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    size_t ai = i, bi = i;
    // int64 arithmetic wraps like Go's (non-ASCII digits give large values there too).
    for (; ai < ar.size() && is_digit(ar[ai]); ++ai) {
      an = int64_t(uint64_t(an) * 10 + uint64_t(int64_t(ar[ai]) - '0'));
    }
    for (; bi < br.size() && is_digit(br[bi]); ++bi) {
      bn = int64_t(uint64_t(bn) * 10 + uint64_t(int64_t(br[bi]) - '0'));
    }
    if (an != bn) return an < bn;
    if (ai != bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.size() < br.size();
}

void append_yaml(std::string& out, const Node& doc, const YamlStyle& style) {
  Emitter e(out, style);
  e.document(doc);
}

std::string write_yaml(const Node& doc, const YamlStyle& style) {
  std::string out;
  append_yaml(out, doc, style);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Node& node) { return os << write_yaml(node); }

std::string write_yaml_stream(const std::vector<Node>& docs, const YamlStyle& style) {
  std::string out;
  bool first = true;
  for (const auto& d : docs) {
    // An empty document is written as nothing but its marker (and comments), so the first
    // one needs its marker too to survive a round trip.
    bool empty_doc = !style.canonical && d.is_scalar() && d.text().empty() && d.is_null();
    if (!first || (empty_doc && docs.size() >= 1)) out += "---\n";
    first = false;
    if (empty_doc) {
      if (style.comments && !d.head_comment().empty()) out += d.head_comment() + "\n";
      if (style.comments && !d.foot_comment().empty()) out += d.foot_comment() + "\n";
      continue;
    }
    append_yaml(out, d, style);
  }
  return out;
}

}  // namespace oc::core
