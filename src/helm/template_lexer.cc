#include "helm/template_lexer.h"

#include <cstdio>
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
bool is_alnum(uint32_t r) {
  return r == '_' || go_is_letter(r) || go_is_digit(r);
}
bool has_left_trim(std::string_view s) {
  return s.size() >= 2 && s[0] == '-' && is_space(s[1]);
}
bool has_right_trim(std::string_view s) {
  return s.size() >= 2 && is_space(static_cast<unsigned char>(s[0])) && s[1] == '-';
}
bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
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

class Lexer {
 public:
  Lexer(std::string_view input, bool break_ok, bool continue_ok)
      : in_(input), break_ok_(break_ok), continue_ok_(continue_ok) {}

  Lexed run() {
    enum class State { kText, kLeftDelim, kComment, kRightDelim, kInsideAction, kDone };
    State st = State::kText;
    while (st != State::kDone) {
      switch (st) {
        case State::kText:
          st = lex_text() ? State::kLeftDelim : State::kDone;
          break;
        case State::kLeftDelim: {
          int r = lex_left_delim();
          st = r == 0 ? State::kComment : State::kInsideAction;
          break;
        }
        case State::kComment:
          st = lex_comment() ? State::kText : State::kDone;
          break;
        case State::kRightDelim:
          lex_right_delim();
          st = State::kText;
          break;
        case State::kInsideAction: {
          int r = lex_inside_action();
          st = r < 0 ? State::kDone : r == 1 ? State::kRightDelim : State::kInsideAction;
          break;
        }
        case State::kDone:
          break;
      }
    }
    return Lexed{std::move(items_), std::move(error_)};
  }

 private:
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
  void emit(ItemType t) {
    items_.push_back(
        Item{t, static_cast<uint32_t>(start_), in_.substr(start_, pos_ - start_), start_line_});
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
    items_.push_back(Item{ItemType::kError, static_cast<uint32_t>(start_), {}, start_line_});
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
    int num = 0;
    for (;;) {
      uint32_t r = peek();
      if (!is_space(r)) break;
      next();
      ++num;
    }
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

  int lex_identifier() {
    for (;;) {
      uint32_t r = next();
      if (is_alnum(r)) continue;
      backup();
      std::string_view word = in_.substr(start_, pos_ - start_);
      if (!at_terminator()) return error("bad character " + sharp_u(r));
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
    uint32_t r;
    for (;;) {
      r = next();
      if (!is_alnum(r)) {
        backup();
        break;
      }
    }
    if (!at_terminator()) return error("bad character " + sharp_u(r));
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
  std::deque<Item> items_;
  std::string error_;
};

}  // namespace

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

Lexed lex_template(std::string_view input, bool break_ok, bool continue_ok) {
  return Lexer(input, break_ok, continue_ok).run();
}

}  // namespace oc::helm
