// YAML reading: libyaml's event parser builds the tree; comments, which libyaml skips, are
// recovered from the source text between events and attached to nodes.
//
// Comment placement (what the writer puts back in the same place):
//   - a comment on the line where a scalar, key or flow collection ended is that node's line
//     comment (`key: value # c` → value; `key: # c` before a nested block → key);
//   - other comments are held until the next key, sequence item or document root starts and
//     become its head comment; blank lines between them are kept as empty lines;
//   - comments left when a block collection ends that are indented at least as deep as the
//     collection (and deeper than its parent) are the collection's foot comment; what is left
//     at the end of a document is the root's foot comment.
#include <yaml.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "core/yaml.h"

namespace oc::core {

namespace {

struct Comment {
  uint32_t line = 0;  // 0-based
  uint32_t column = 0;
  std::string text;
  int blank_before = 0;
};

struct Frame {
  Node node;
  Node key;
  bool has_key = false;
  bool flow = false;
  uint32_t column = 0;  // 0-based column where the collection starts
  std::string anchor;
};

struct Anchor {
  Node node;
  size_t count = 0;  // nodes in the subtree
};

size_t count_nodes(const Node& n) {
  size_t c = 1;
  for (const auto& i : n.items()) c += count_nodes(i);
  for (const auto& e : n.entries()) c += count_nodes(e.key) + count_nodes(e.value);
  return c;
}

class Reader {
 public:
  Reader(std::string_view text, const ParseOptions& opts) : text_(text), opts_(opts) {}

  Result<std::vector<Node>> run();

 private:
  Error error_at(const yaml_mark_t& m, std::string msg) const {
    return Error(std::move(msg), opts_.file, int(m.line) + 1, int(m.column) + 1);
  }
  Error libyaml_error(const yaml_parser_t& p) const;

  // Byte offset of a libyaml mark (marks count characters).
  size_t offset_of(const yaml_mark_t& m);
  void prepare_comments();
  void scan_comments(size_t upto);
  void scan_block_header(size_t start);
  Comment make_comment(size_t hash, size_t eol, uint32_t line, uint32_t prev_line,
                       bool first_in_region);

  std::string take_pending(uint32_t next_line, bool trailing_blanks);
  void attach_head(Node& n, uint32_t line);

  // Places a finished node in its parent (or as the root). `attach` gives it the pending head
  // comments; `sets_last` makes it the target of a comment later on its last line.
  Status add_node(Node node, const yaml_mark_t& start, const yaml_mark_t& end, bool sets_last,
                  bool attach = true);
  Status check_duplicates(const Node& map);

  std::string_view text_;
  const ParseOptions& opts_;
  std::vector<Frame> stack_;
  std::vector<Node> docs_;
  Node root_;
  bool have_root_ = false;
  std::unordered_map<std::string, Anchor> anchors_;
  size_t parsed_nodes_ = 0;
  size_t alias_nodes_ = 0;

  // Comment recovery state.
  bool comments_ = false;
  std::vector<size_t> hashes_;  // offsets of every '#'
  size_t hash_i_ = 0;
  size_t cursor_ = 0;  // end of the previous event
  uint32_t cursor_line_ = 0;
  bool cursor_valid_ = false;  // false before the first content of a document
  std::vector<Comment> pending_;
  Node* last_node_ = nullptr;
  uint32_t last_line_ = UINT32_MAX;
  // Character index → byte offset walker.
  size_t bom_ = 0;
  bool ascii_ = true;
  size_t walk_char_ = 0;
  size_t walk_byte_ = 0;
};

Error Reader::libyaml_error(const yaml_parser_t& p) const {
  std::string msg = p.problem ? p.problem : "invalid YAML";
  if (p.problem && std::strcmp(p.problem, "found character that cannot start any token") == 0) {
    msg += " (tabs are not allowed for indentation)";
  }
  if (p.context) {
    msg += " (" + std::string(p.context) + " at line " + std::to_string(p.context_mark.line + 1) +
           " column " + std::to_string(p.context_mark.column + 1) + ")";
  }
  return Error(msg, opts_.file, int(p.problem_mark.line) + 1, int(p.problem_mark.column) + 1);
}

size_t Reader::offset_of(const yaml_mark_t& m) {
  if (ascii_) return std::min(bom_ + m.index, text_.size());
  // Walk from the last position; events arrive in order so this stays linear.
  size_t target = m.index;
  while (walk_char_ < target && walk_byte_ < text_.size()) {
    unsigned char c = text_[walk_byte_];
    walk_byte_ += (c < 0x80) ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    ++walk_char_;
  }
  while (walk_char_ > target && walk_byte_ > bom_) {
    do {
      --walk_byte_;
    } while (walk_byte_ > bom_ && (static_cast<unsigned char>(text_[walk_byte_]) & 0xC0) == 0x80);
    --walk_char_;
  }
  return std::min(walk_byte_, text_.size());
}

void Reader::prepare_comments() {
  comments_ = false;
  if (!opts_.comments) return;
  if (text_.size() >= 2 && ((uint8_t(text_[0]) == 0xFF && uint8_t(text_[1]) == 0xFE) ||
                            (uint8_t(text_[0]) == 0xFE && uint8_t(text_[1]) == 0xFF))) {
    return;  // UTF-16 input: marks do not map to bytes; comments are not recovered
  }
  const char* p = text_.data();
  const char* end = p + text_.size();
  while ((p = static_cast<const char*>(std::memchr(p, '#', end - p))) != nullptr) {
    hashes_.push_back(p - text_.data());
    ++p;
  }
  if (hashes_.empty()) return;
  comments_ = true;
  if (text_.size() >= 3 && uint8_t(text_[0]) == 0xEF && uint8_t(text_[1]) == 0xBB &&
      uint8_t(text_[2]) == 0xBF) {
    bom_ = 3;
  }
  for (unsigned char c : text_) {
    if (c >= 0x80) {
      ascii_ = false;
      break;
    }
  }
  walk_byte_ = bom_;
}

Comment Reader::make_comment(size_t h, size_t eol, uint32_t line, uint32_t prev_line,
                             bool first_in_region) {
  Comment c;
  size_t ls = h;
  while (ls > 0 && text_[ls - 1] != '\n' && text_[ls - 1] != '\r') --ls;
  std::string_view t = text_.substr(h, eol - h);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  c.text = std::string(t);
  bool full_line = true;
  uint32_t col = 0;
  for (size_t i = ls; i < h; ++i) {
    unsigned char ch = text_[i];
    if (ch != ' ' && ch != '\t') full_line = false;
    if ((ch & 0xC0) != 0x80) ++col;
  }
  c.column = full_line ? col : UINT32_MAX;  // after an indicator: never a foot comment
  c.line = line;
  if (full_line && (cursor_valid_ || !first_in_region) && line > prev_line + 1) {
    c.blank_before = int(line - prev_line - 1);
  }
  return c;
}

void Reader::scan_comments(size_t upto) {
  if (!comments_) return;
  uint32_t prev_line = cursor_line_;
  size_t lpos = cursor_;
  uint32_t lline = cursor_line_;
  bool first = true;
  while (hash_i_ < hashes_.size() && hashes_[hash_i_] < upto) {
    size_t h = hashes_[hash_i_++];
    if (h < cursor_) continue;  // inside the previous event (a scalar's text)
    // Directive lines (%TAG may hold '#'): only " #" starts a comment there.
    size_t ls = h;
    while (ls > 0 && text_[ls - 1] != '\n' && text_[ls - 1] != '\r') --ls;
    if (text_[ls] == '%' && h > 0 && text_[h - 1] != ' ' && text_[h - 1] != '\t') continue;
    size_t eol = text_.find_first_of("\r\n", h);
    if (eol == std::string_view::npos) eol = text_.size();
    for (; lpos < h; ++lpos) {
      char ch = text_[lpos];
      if (ch == '\n' || (ch == '\r' && (lpos + 1 >= text_.size() || text_[lpos + 1] != '\n'))) {
        ++lline;
      }
    }
    Comment c = make_comment(h, eol, lline, prev_line, first);
    first = false;
    // Later '#' on this line are part of the comment.
    while (hash_i_ < hashes_.size() && hashes_[hash_i_] < eol) ++hash_i_;
    if (last_node_ && c.line == last_line_) {
      // On the line where the last node ended: its line comment.
      std::string lc = last_node_->line_comment();
      if (!lc.empty()) lc += ' ';
      lc += c.text;
      last_node_->set_line_comment(std::move(lc));
    } else {
      prev_line = c.line;
      pending_.push_back(std::move(c));
    }
  }
}

void Reader::scan_block_header(size_t start) {
  // A block scalar's header line may end in a comment: `key: | # comment`.
  size_t eol = text_.find_first_of("\r\n", start);
  if (eol == std::string_view::npos) eol = text_.size();
  while (hash_i_ < hashes_.size() && hashes_[hash_i_] < start) ++hash_i_;
  if (hash_i_ < hashes_.size() && hashes_[hash_i_] < eol) {
    size_t h = hashes_[hash_i_];
    if (h > 0 && (text_[h - 1] == ' ' || text_[h - 1] == '\t')) {
      std::string_view t = text_.substr(h, eol - h);
      while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
      if (last_node_) last_node_->set_line_comment(std::string(t));
    }
  }
}

std::string Reader::take_pending(uint32_t next_line, bool trailing_blanks) {
  std::string out;
  for (size_t i = 0; i < pending_.size(); ++i) {
    const Comment& c = pending_[i];
    for (int b = 0; b < c.blank_before; ++b) out += "\n";
    out += c.text;
    if (i + 1 < pending_.size()) out += "\n";
  }
  if (trailing_blanks && !pending_.empty() && next_line != UINT32_MAX &&
      pending_.back().column != UINT32_MAX && next_line > pending_.back().line + 1) {
    out += "\n";
  }
  pending_.clear();
  return out;
}

void Reader::attach_head(Node& n, uint32_t line) {
  if (pending_.empty()) return;
  std::string head = take_pending(line, true);
  if (!n.head_comment().empty()) head = n.head_comment() + "\n" + head;
  n.set_head_comment(std::move(head));
}

Status Reader::check_duplicates(const Node& map) {
  const auto& es = map.entries();
  auto same = [](const Node& a, const Node& b) {
    return a.is_scalar() && b.is_scalar() && a.text() == b.text() &&
           (a.type() == ScalarType::kString) == (b.type() == ScalarType::kString) &&
           a.tag() == b.tag();
  };
  auto fail = [&](const Node& dup, const Node& first) {
    return Error("mapping key \"" + dup.text() + "\" already defined at line " +
                     std::to_string(first.mark().line),
                 opts_.file, int(dup.mark().line), int(dup.mark().column));
  };
  if (es.size() <= 16) {
    for (size_t i = 1; i < es.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (same(es[i].key, es[j].key)) return fail(es[i].key, es[j].key);
      }
    }
    return Status();
  }
  std::vector<uint32_t> idx(es.size());
  for (uint32_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) {
    const Node &ka = es[a].key, &kb = es[b].key;
    if (ka.text() != kb.text()) return ka.text() < kb.text();
    return a < b;
  });
  for (size_t i = 1; i < idx.size(); ++i) {
    const Node& a = es[idx[i - 1]].key;
    const Node& b = es[idx[i]].key;
    if (a.text() != b.text()) continue;
    // Same text: compare with every earlier key of that text.
    for (size_t j = i; j-- > 0 && es[idx[j]].key.text() == b.text();) {
      if (same(es[idx[j]].key, b)) return fail(b, es[idx[j]].key);
    }
  }
  return Status();
}

Status Reader::add_node(Node node, const yaml_mark_t& start, const yaml_mark_t& end,
                        bool sets_last, bool attach) {
  ++parsed_nodes_;
  Node* placed = nullptr;
  bool comments = comments_ && attach;
  if (stack_.empty()) {
    if (comments) attach_head(node, start.line);
    root_ = std::move(node);
    have_root_ = true;
    placed = &root_;
  } else {
    Frame& f = stack_.back();
    if (f.node.is_sequence()) {
      if (comments) attach_head(node, start.line);
      f.node.items().push_back(std::move(node));
      placed = &f.node.items().back();
    } else if (!f.has_key) {
      if (comments) attach_head(node, start.line);
      f.key = std::move(node);
      f.has_key = true;
      placed = &f.key;
    } else {
      if (comments && node.is_scalar()) attach_head(node, start.line);
      f.node.entries().push_back(MapEntry{std::move(f.key), std::move(node)});
      f.key = Node();
      f.has_key = false;
      placed = &f.node.entries().back().value;
    }
  }
  if (sets_last) {
    last_node_ = placed;
    last_line_ = end.line;
  } else {
    last_node_ = nullptr;
  }
  return Status();
}

Result<std::vector<Node>> Reader::run() {
  if (text_.size() > opts_.max_bytes) {
    return Error("document is " + std::to_string(text_.size()) + " bytes, over the limit of " +
                     std::to_string(opts_.max_bytes),
                 opts_.file);
  }
  prepare_comments();

  yaml_parser_t parser;
  if (!yaml_parser_initialize(&parser)) return Error("out of memory", opts_.file);
  struct ParserGuard {
    yaml_parser_t* p;
    ~ParserGuard() { yaml_parser_delete(p); }
  } parser_guard{&parser};
  yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text_.data()),
                               text_.size());

  yaml_event_t ev;
  for (;;) {
    if (!yaml_parser_parse(&parser, &ev)) return libyaml_error(parser);
    struct EventGuard {
      yaml_event_t* e;
      ~EventGuard() { yaml_event_delete(e); }
    } event_guard{&ev};

    size_t start = 0, end = 0;
    if (comments_) {
      start = offset_of(ev.start_mark);
      scan_comments(start);
    }

    switch (ev.type) {
      case YAML_STREAM_START_EVENT:
      case YAML_NO_EVENT:
        break;
      case YAML_STREAM_END_EVENT:
        return std::move(docs_);
      case YAML_DOCUMENT_START_EVENT:
        have_root_ = false;
        root_ = Node();
        anchors_.clear();
        cursor_valid_ = false;
        break;
      case YAML_DOCUMENT_END_EVENT:
        if (!pending_.empty()) {
          std::string foot = take_pending(UINT32_MAX, false);
          if (!root_.foot_comment().empty()) foot = root_.foot_comment() + "\n" + foot;
          root_.set_foot_comment(std::move(foot));
        }
        docs_.push_back(std::move(root_));
        root_ = Node();
        last_node_ = nullptr;
        break;
      case YAML_SCALAR_EVENT: {
        const auto& s = ev.data.scalar;
        Node n;
        ScalarStyle style = ScalarStyle::kPlain;
        switch (s.style) {
          case YAML_SINGLE_QUOTED_SCALAR_STYLE:
            style = ScalarStyle::kSingleQuoted;
            break;
          case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
            style = ScalarStyle::kDoubleQuoted;
            break;
          case YAML_LITERAL_SCALAR_STYLE:
            style = ScalarStyle::kLiteral;
            break;
          case YAML_FOLDED_SCALAR_STYLE:
            style = ScalarStyle::kFolded;
            break;
          default:
            break;
        }
        ScalarType type = ScalarType::kUnresolved;
        if (!s.tag && style != ScalarStyle::kPlain) type = ScalarType::kString;
        n = Node::scalar(std::string(reinterpret_cast<const char*>(s.value), s.length), type,
                         style);
        if (s.tag) n.set_tag(reinterpret_cast<const char*>(s.tag));
        n.set_mark({uint32_t(ev.start_mark.line + 1), uint32_t(ev.start_mark.column + 1)});
        if (s.anchor) {
          std::string name(reinterpret_cast<const char*>(s.anchor));
          n.set_anchor(name);
          anchors_[name] = Anchor{n, 1};
        }
        bool block = style == ScalarStyle::kLiteral || style == ScalarStyle::kFolded;
        if (Status st = add_node(std::move(n), ev.start_mark, ev.end_mark, true); !st.ok()) {
          return st.error();
        }
        if (comments_ && block) {
          scan_block_header(start);
          last_line_ = UINT32_MAX;
        }
        break;
      }
      case YAML_ALIAS_EVENT: {
        std::string name(reinterpret_cast<const char*>(ev.data.alias.anchor));
        auto it = anchors_.find(name);
        if (it == anchors_.end()) {
          return error_at(ev.start_mark, "unknown anchor '" + name + "' referenced");
        }
        alias_nodes_ += it->second.count;
        if (alias_nodes_ > opts_.max_alias_nodes ||
            alias_nodes_ > 10 * std::max<size_t>(parsed_nodes_, 1000)) {
          return error_at(ev.start_mark,
                          "document expands aliases into too many nodes (over " +
                              std::to_string(alias_nodes_ - it->second.count) +
                              "); is this a \"billion laughs\" document?");
        }
        Node copy = it->second.node;
        copy.set_mark({uint32_t(ev.start_mark.line + 1), uint32_t(ev.start_mark.column + 1)});
        if (Status st = add_node(std::move(copy), ev.start_mark, ev.end_mark, true); !st.ok()) {
          return st.error();
        }
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        if (int(stack_.size()) >= opts_.max_depth) {
          return error_at(ev.start_mark, "document nested deeper than " +
                                             std::to_string(opts_.max_depth) + " levels");
        }
        bool seq = ev.type == YAML_SEQUENCE_START_EVENT;
        Frame f;
        f.node = seq ? Node::sequence() : Node::mapping();
        f.flow = seq ? ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                     : ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        f.node.set_flow(f.flow);
        f.column = uint32_t(ev.start_mark.column);
        const yaml_char_t* tag = seq ? ev.data.sequence_start.tag : ev.data.mapping_start.tag;
        const yaml_char_t* anchor =
            seq ? ev.data.sequence_start.anchor : ev.data.mapping_start.anchor;
        if (tag) f.node.set_tag(reinterpret_cast<const char*>(tag));
        if (anchor) f.anchor = reinterpret_cast<const char*>(anchor);
        f.node.set_mark({uint32_t(ev.start_mark.line + 1), uint32_t(ev.start_mark.column + 1)});
        // Head comments belong to the collection when it is a key, an item or the root; in a
        // value position they wait for its first key or item.
        if (comments_) {
          bool value_position =
              !stack_.empty() && stack_.back().node.is_mapping() && stack_.back().has_key;
          if (!value_position) attach_head(f.node, ev.start_mark.line);
        }
        last_node_ = nullptr;
        stack_.push_back(std::move(f));
        break;
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        if (f.node.is_mapping() && !opts_.allow_duplicate_keys) {
          if (Status st = check_duplicates(f.node); !st.ok()) return st.error();
        }
        if (comments_ && !pending_.empty()) {
          // Foot comments: the prefix indented inside this collection.
          uint32_t parent_col = stack_.empty() ? 0 : stack_.back().column;
          bool parent_exists = !stack_.empty();
          size_t k = 0;
          if (f.flow) {
            k = pending_.size();
          } else {
            while (k < pending_.size() && pending_[k].column != UINT32_MAX &&
                   pending_[k].column >= f.column &&
                   (!parent_exists || pending_[k].column > parent_col)) {
              ++k;
            }
            if (!parent_exists) k = pending_.size();
          }
          if (k > 0) {
            std::vector<Comment> rest(pending_.begin() + k, pending_.end());
            pending_.resize(k);
            std::string foot = take_pending(UINT32_MAX, false);
            f.node.set_foot_comment(std::move(foot));
            pending_ = std::move(rest);
          }
        }
        if (!f.anchor.empty()) {
          f.node.set_anchor(f.anchor);
          size_t n = count_nodes(f.node);
          anchors_[f.anchor] = Anchor{f.node, n};
        }
        // The collection got its head comment at its start event.
        if (Status st = add_node(std::move(f.node), ev.start_mark, ev.end_mark, f.flow, false);
            !st.ok()) {
          return st.error();
        }
        break;
      }
    }
    if (comments_) {
      end = offset_of(ev.end_mark);
      if (ev.type == YAML_SCALAR_EVENT || ev.type == YAML_ALIAS_EVENT ||
          ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT ||
          ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT ||
          ev.type == YAML_DOCUMENT_START_EVENT) {
        if (end > cursor_) {
          cursor_ = end;
          cursor_line_ = uint32_t(ev.end_mark.line);
        }
        if (ev.type != YAML_DOCUMENT_START_EVENT || !ev.data.document_start.implicit) {
          cursor_valid_ = ev.type != YAML_DOCUMENT_START_EVENT;
        }
      }
    }
  }
}

}  // namespace

Result<std::vector<Node>> parse_yaml_stream(std::string_view text, const ParseOptions& opts) {
  Reader r(text, opts);
  return r.run();
}

Result<Node> parse_yaml(std::string_view text, const ParseOptions& opts) {
  auto docs = parse_yaml_stream(text, opts);
  if (!docs.ok()) return docs.error();
  if (docs->empty()) return Node();
  if (docs->size() > 1) {
    const Node& second = (*docs)[1];
    return Error("expected one YAML document, found " + std::to_string(docs->size()), opts.file,
                 int(second.mark().line), int(second.mark().column));
  }
  return std::move((*docs)[0]);
}

}  // namespace oc::core
