#include "helm/template_lexer.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/bytes.h"
#include "helm/go_unicode.h"

namespace oc::helm {

namespace {

constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr uint32_t kEofRune = 0xFFFFFFFFu;

bool is_space(uint32_t r) {
  return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}
bool is_ascii_alnum(uint32_t r) {
  return r == '_' || (r | 0x20) - 'a' < 26 || r - '0' < 10;
}
bool is_alnum(uint32_t r) {
  if (r < 0x80) return is_ascii_alnum(r);
  return go_is_letter(r) || go_is_digit(r);
}
bool has_left_trim(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && is_space(s[1]);
}
bool has_right_trim(std::string_view s) {
  return s.size() >= 2 && is_space(static_cast<unsigned char>(s[0])) && s[1] == '-';
}
// Byte by byte: the prefixes are the two-byte delimiters, and a memcmp call per action cost more
// than the comparison (90,000 calls for a helpers file).
bool starts_with(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (s[i] != p[i]) return false;
  }
  return true;
}

size_t count_newlines(std::string_view s) { return core::count_byte(s, '\n'); }

// fmt's %#U: "U+0041 'A'".
std::string sharp_u(uint32_t r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "U+%04X", r);
  std::string out = buf;
  if (go_is_print(r)) {
    out += " '";
    append_rune(out, r);
    out += "'";
  }
  return out;
}

}  // namespace

class Lexer::Machine {
 public:
  Machine(std::string_view input, bool break_ok, bool continue_ok)
      : in_(input), break_ok_(break_ok), continue_ok_(continue_ok) {}

  // Runs the state machine until it has emitted an item (a state emits one or two). Once it is
  // done, its last item (kEOF or kError) stays in items_ and is returned again.
  const Item& next_item() {
    while (head_ == count_) {
      if (st_ == State::kDone) return items_[count_ - 1];
      count_ = 0;
      head_ = 0;
      step();
    }
    return items_[head_++];
  }

  const std::string& error_message() const { return error_; }

 private:
  enum class State { kText, kLeftDelim, kComment, kRightDelim, kInsideAction, kDone };

  void step() {
    switch (st_) {
      case State::kText:
        st_ = lex_text() ? State::kLeftDelim : State::kDone;
        break;
      case State::kLeftDelim:
        st_ = lex_left_delim() == 0 ? State::kComment : State::kInsideAction;
        break;
      case State::kComment:
        st_ = lex_comment() ? State::kText : State::kDone;
        break;
      case State::kRightDelim:
        lex_right_delim();
        st_ = State::kText;
        break;
      case State::kInsideAction: {
        int r = lex_inside_action();
        st_ = r < 0 ? State::kDone : r == 1 ? State::kRightDelim : State::kInsideAction;
        break;
      }
      case State::kDone:
        break;
    }
  }

  uint32_t next() {
    if (pos_ >= in_.size()) {
      at_eof_ = true;
      return kEofRune;
    }
    auto b = static_cast<unsigned char>(in_[pos_]);
    if (b < 0x80) {  // ASCII, nearly every byte of a template: no decoding
      ++pos_;
      if (b == '\n') ++line_;
      return b;
    }
    size_t w;
    uint32_t r = decode_rune(in_, pos_, &w);
    pos_ += w;
    return r;
  }
  uint32_t peek() {
    uint32_t r = next();
    backup();
    return r;
  }
  void backup() {
    if (!at_eof_ && pos_ > 0) {
      auto b = static_cast<unsigned char>(in_[pos_ - 1]);
      if (b < 0x80) {  // ASCII: one byte back
        --pos_;
        if (b == '\n') --line_;
        return;
      }
      size_t w;
      decode_last_rune(in_, pos_, &w);
      pos_ -= w;
    }
  }
  // The next free slot; each field is written in place (an Item built elsewhere and copied in
  // was read back with wide loads across the narrow stores, a store-forwarding stall per item).
  Item& push(ItemType t) {
    if (count_ == items_.size()) std::abort();  // a state emits at most two items
    Item& it = items_[count_++];
    it.type = t;
    it.pos = static_cast<uint32_t>(start_);
    it.line = start_line_;
    return it;
  }
  void emit(ItemType t) {
    push(t).val = in_.substr(start_, pos_ - start_);
    start_ = pos_;
    start_line_ = line_;
  }
  void ignore() {
    line_ += static_cast<int>(count_newlines(in_.substr(start_, pos_ - start_)));
    start_ = pos_;
    start_line_ = line_;
  }
  bool accept(std::string_view valid) {
    uint32_t r = next();
    if (r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
    backup();
    return false;
  }
  void accept_run(std::string_view valid) {
    for (;;) {
      uint32_t r = next();
      if (!(r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos)) break;
    }
    backup();
  }
  // Emits an error item; the lexer stops.
  int error(std::string msg) {
    push(ItemType::kError).val = {};
    error_ = std::move(msg);
    return -1;
  }

  // Returns true when a left delimiter follows (go to lexLeftDelim), false at EOF.
  bool lex_text() {
    size_t x = in_.find(kLeftDelim, pos_);
    if (x != std::string_view::npos) {
      pos_ = x;
      size_t trim = 0;
      if (has_left_trim(in_.substr(pos_ + kLeftDelim.size()))) {
        std::string_view t = in_.substr(start_, pos_ - start_);
        size_t k = t.size();
        while (k > 0 && is_space(static_cast<unsigned char>(t[k - 1]))) --k;
        trim = t.size() - k;
      }
      pos_ -= trim;
      if (pos_ > start_) {
        line_ += static_cast<int>(count_newlines(in_.substr(start_, pos_ - start_)));
        emit(ItemType::kText);
      }
      pos_ += trim;
      ignore();
      return true;
    }
    pos_ = in_.size();
    if (pos_ > start_) {
      line_ += static_cast<int>(count_newlines(in_.substr(start_, pos_ - start_)));
      emit(ItemType::kText);
    }
    emit(ItemType::kEOF);
    return false;
  }

  std::pair<bool, bool> at_right_delim() {
    std::string_view rest = in_.substr(pos_);
    if (has_right_trim(rest) && starts_with(rest.substr(2), kRightDelim)) return {true, true};
    if (starts_with(rest, kRightDelim)) return {true, false};
    return {false, false};
  }

  // 0: comment follows; 1: action.
  int lex_left_delim() {
    pos_ += kLeftDelim.size();
    bool trim = has_left_trim(in_.substr(pos_));
    size_t after = trim ? 2 : 0;
    if (starts_with(in_.substr(pos_ + after), kLeftComment)) {
      pos_ += after;
      ignore();
      return 0;
    }
    emit(ItemType::kLeftDelim);
    pos_ += after;
    ignore();
    paren_depth_ = 0;
    return 1;
  }

  bool lex_comment() {
    pos_ += kLeftComment.size();
    size_t i = in_.find(kRightComment, pos_);
    if (i == std::string_view::npos) return error("unclosed comment") == 0;
    pos_ = i + kRightComment.size();
    auto [delim, trim] = at_right_delim();
    if (!delim) return error("comment ends before closing delimiter") == 0;
    if (trim) pos_ += 2;
    pos_ += kRightDelim.size();
    if (trim) pos_ += left_trim_length(in_.substr(pos_));
    ignore();
    return true;
  }

  static size_t left_trim_length(std::string_view s) {
    size_t k = 0;
    while (k < s.size() && is_space(static_cast<unsigned char>(s[k]))) ++k;
    return k;
  }

  void lex_right_delim() {
    bool trim = has_right_trim(in_.substr(pos_));
    if (trim) {
      pos_ += 2;
      ignore();
    }
    pos_ += kRightDelim.size();
    emit(ItemType::kRightDelim);
    if (trim) {
      pos_ += left_trim_length(in_.substr(pos_));
      ignore();
    }
  }

  // -1 error/stop, 1 right delimiter next, 0 continue inside the action.
  int lex_inside_action() {
    auto [delim, trim_unused] = at_right_delim();
    (void)trim_unused;
    if (delim) {
      if (paren_depth_ == 0) return 1;
      return error("unclosed left paren");
    }
    uint32_t r = next();
    if (r == kEofRune) return error("unclosed action");
    if (is_space(r)) {
      backup();
      return lex_space();
    }
    switch (r) {
      case '=':
        emit(ItemType::kAssign);
        return 0;
      case ':':
        if (next() != '=') return error("expected :=");
        emit(ItemType::kDeclare);
        return 0;
      case '|':
        emit(ItemType::kPipe);
        return 0;
      case '"':
        return lex_quote();
      case '`':
        return lex_raw_quote();
      case '$':
        return lex_variable();
      case '\'':
        return lex_char();
      case '(':
        emit(ItemType::kLeftParen);
        ++paren_depth_;
        return 0;
      case ')':
        emit(ItemType::kRightParen);
        --paren_depth_;
        if (paren_depth_ < 0) return error("unexpected right paren " + sharp_u(r));
        return 0;
      default:
        break;
    }
    if (r == '.') {
      if (pos_ < in_.size()) {
        char c = in_[pos_];
        if (c < '0' || '9' < c) return lex_field_or_variable(ItemType::kField);
      }
      backup();
      return lex_number();
    }
    if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
      backup();
      return lex_number();
    }
    if (is_alnum(r)) {
      backup();
      return lex_identifier();
    }
    if (r <= 0x7F && go_is_print(r)) {
      emit(ItemType::kChar);
      return 0;
    }
    return error("unrecognized character in action: " + sharp_u(r));
  }

  int lex_space() {
    // Spaces are ASCII: stepped over byte by byte, as peek() and next() would.
    int num = 0;
    while (pos_ < in_.size() && is_space(static_cast<unsigned char>(in_[pos_]))) {
      if (in_[pos_] == '\n') ++line_;
      ++pos_;
      ++num;
    }
    if (pos_ == in_.size()) at_eof_ = true;
    std::string_view rest = in_.substr(pos_ - 1);
    if (has_right_trim(rest) && starts_with(rest.substr(2), kRightDelim)) {
      backup();
      if (num == 1) return 1;
    }
    emit(ItemType::kSpace);
    return 0;
  }

  bool at_terminator() {
    uint32_t r = peek();
    if (is_space(r)) return true;
    switch (r) {
      case kEofRune:
      case '.':
      case ',':
      case '|':
      case ':':
      case ')':
      case '(':
        return true;
      default:
        break;
    }
    return starts_with(in_.substr(pos_), kRightDelim);
  }

  // Steps over letters, digits and '_' as a next() loop would: ASCII bytes directly, others
  // decoded. The first rune after them is not consumed.
  void scan_alnum() {
    for (;;) {
      while (pos_ < in_.size() && is_ascii_alnum(static_cast<unsigned char>(in_[pos_]))) ++pos_;
      if (pos_ == in_.size()) {
        at_eof_ = true;
        return;
      }
      if (static_cast<unsigned char>(in_[pos_]) < 0x80) return;
      if (!is_alnum(next())) {
        backup();
        return;
      }
    }
  }

  int lex_identifier() {
    scan_alnum();
    std::string_view word = in_.substr(start_, pos_ - start_);
    if (!at_terminator()) return error("bad character " + sharp_u(peek()));
    ItemType kw = keyword(word);
    if (kw > ItemType::kKeyword) {
      if ((kw == ItemType::kBreak && !break_ok_) ||
          (kw == ItemType::kContinue && !continue_ok_)) {
        emit(ItemType::kIdentifier);
      } else {
        emit(kw);
      }
    } else if (word[0] == '.') {
      emit(ItemType::kField);
    } else if (word == "true" || word == "false") {
      emit(ItemType::kBool);
    } else {
      emit(ItemType::kIdentifier);
    }
    return 0;
  }

  static ItemType keyword(std::string_view w) {
    if (w == ".") return ItemType::kDot;
    if (w == "block") return ItemType::kBlock;
    if (w == "break") return ItemType::kBreak;
    if (w == "continue") return ItemType::kContinue;
    if (w == "define") return ItemType::kDefine;
    if (w == "else") return ItemType::kElse;
    if (w == "end") return ItemType::kEnd;
    if (w == "if") return ItemType::kIf;
    if (w == "range") return ItemType::kRange;
    if (w == "nil") return ItemType::kNil;
    if (w == "template") return ItemType::kTemplate;
    if (w == "with") return ItemType::kWith;
    return ItemType::kError;
  }

  int lex_variable() {
    if (at_terminator()) {
      emit(ItemType::kVariable);
      return 0;
    }
    return lex_field_or_variable(ItemType::kVariable);
  }

  int lex_field_or_variable(ItemType typ) {
    if (at_terminator()) {
      emit(typ == ItemType::kVariable ? ItemType::kVariable : ItemType::kDot);
      return 0;
    }
    scan_alnum();
    if (!at_terminator()) return error("bad character " + sharp_u(peek()));
    emit(typ);
    return 0;
  }

  int lex_char() {
    for (;;) {
      uint32_t r = next();
      if (r == '\\') {
        uint32_t e = next();
        if (e != kEofRune && e != '\n') continue;
        return error("unterminated character constant");
      }
      if (r == kEofRune || r == '\n') return error("unterminated character constant");
      if (r == '\'') break;
    }
    emit(ItemType::kCharConstant);
    return 0;
  }

  int lex_number() {
    if (!scan_number()) {
      return error("bad number syntax: " + go_quote(in_.substr(start_, pos_ - start_)));
    }
    uint32_t sign = peek();
    if (sign == '+' || sign == '-') {
      if (!scan_number() || in_[pos_ - 1] != 'i') {
        return error("bad number syntax: " + go_quote(in_.substr(start_, pos_ - start_)));
      }
      emit(ItemType::kComplex);
    } else {
      emit(ItemType::kNumber);
    }
    return 0;
  }

  bool scan_number() {
    accept("+-");
    std::string_view digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) {
        digits = "0123456789abcdefABCDEF_";
      } else if (accept("oO")) {
        digits = "01234567_";
      } else if (accept("bB")) {
        digits = "01_";
      }
    }
    accept_run(digits);
    if (accept(".")) accept_run(digits);
    if (digits.size() == 10 + 1 && accept("eE")) {
      accept("+-");
      accept_run("0123456789_");
    }
    if (digits.size() == 16 + 6 + 1 && accept("pP")) {
      accept("+-");
      accept_run("0123456789_");
    }
    accept("i");
    if (is_alnum(peek())) {
      next();
      return false;
    }
    return true;
  }

  int lex_quote() {
    for (;;) {
      uint32_t r = next();
      if (r == '\\') {
        uint32_t e = next();
        if (e != kEofRune && e != '\n') continue;
        return error("unterminated quoted string");
      }
      if (r == kEofRune || r == '\n') return error("unterminated quoted string");
      if (r == '"') break;
    }
    emit(ItemType::kString);
    return 0;
  }

  int lex_raw_quote() {
    for (;;) {
      uint32_t r = next();
      if (r == kEofRune) return error("unterminated raw quoted string");
      if (r == '`') break;
    }
    emit(ItemType::kRawString);
    return 0;
  }

  std::string_view in_;
  bool break_ok_, continue_ok_;
  size_t pos_ = 0;
  size_t start_ = 0;
  bool at_eof_ = false;
  int paren_depth_ = 0;
  int line_ = 1;
  int start_line_ = 1;
  State st_ = State::kText;
  std::array<Item, 2> items_;  // emitted by the last step: one item, or text and EOF
  size_t count_ = 0;
  size_t head_ = 0;
  std::string error_;
};

Lexer::Lexer(std::string_view input, bool break_ok, bool continue_ok)
    : machine_(std::make_unique<Machine>(input, break_ok, continue_ok)) {}
Lexer::~Lexer() = default;
const Item& Lexer::next() { return machine_->next_item(); }
const std::string& Lexer::error() const { return machine_->error_message(); }

std::string Item::str() const {
  if (type == ItemType::kEOF) return "EOF";
  if (type == ItemType::kError) return "error";
  if (type > ItemType::kKeyword) return "<" + std::string(val) + ">";
  if (val.size() > 10) {
    // fmt's %.10q: quote the first 10 runes.
    size_t i = 0;
    for (int n = 0; n < 10 && i < val.size(); ++n) {
      size_t w;
      decode_rune(val, i, &w);
      i += w;
    }
    return go_quote(val.substr(0, i)) + "...";
  }
  return go_quote(val);
}

}  // namespace oc::helm
