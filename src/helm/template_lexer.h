// Go text/template's lexer (text/template/parse/lex.go): the same items, positions, line
// numbers, trim markers and error texts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace oc::helm {

enum class ItemType : uint8_t {
  kError,
  kBool,
  kChar,
  kCharConstant,
  kComment,
  kComplex,
  kAssign,
  kDeclare,
  kEOF,
  kField,
  kIdentifier,
  kLeftDelim,
  kLeftParen,
  kNumber,
  kPipe,
  kRawString,
  kRightDelim,
  kRightParen,
  kSpace,
  kString,
  kText,
  kVariable,
  kKeyword,  // delimits the keywords below
  kBlock,
  kBreak,
  kContinue,
  kDot,
  kDefine,
  kElse,
  kEnd,
  kIf,
  kNil,
  kRange,
  kTemplate,
  kWith,
};

// 32 bytes: a chart's helpers lex into tens of thousands of items.
struct Item {
  ItemType type = ItemType::kEOF;
  uint32_t pos = 0;
  // A slice of the lexed text, which must outlive the items (text items are most of a chart's
  // bytes; they are not copied). Empty for kError: the message is Lexed::error.
  std::string_view val;
  int line = 1;
  // Go's item.String() ("EOF", "<if>", "\"text\"" quoted and shortened); not for kError.
  std::string str() const;
};

// Go's lexer, run on demand as Go's parser runs it (lex.go's nextItem): each call runs the
// state machine until the next item. The parser keeps three items of lookahead, so a helpers
// file of thousands of defines never exists as a list of items (as a list, those items were the
// largest allocation of a `helm template` run and most of its lexing time went to storing them).
// Items are slices of `input`, which must outlive them. break/continue are keywords unless the
// function table defines functions by those names.
class Lexer {
 public:
  Lexer(std::string_view input, bool break_ok = true, bool continue_ok = true);
  ~Lexer();
  Lexer(const Lexer&) = delete;
  Lexer& operator=(const Lexer&) = delete;

  // The next item, valid until the following call. Lexing stops at the first error: after kEOF
  // or kError, that item again.
  const Item& next();
  // The kError item's message.
  const std::string& error() const;

 private:
  class Machine;
  std::unique_ptr<Machine> machine_;
};

}  // namespace oc::helm
