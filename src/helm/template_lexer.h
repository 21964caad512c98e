// Go text/template's lexer (text/template/parse/lex.go): the same items, positions, line
// numbers, trim markers and error texts.
#pragma once

#include <cstdint>
#include <deque>
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

struct Lexed {
  // The last is kEOF or kError (lexing stops at the first error). A deque: helpers files lex
  // into more items than any estimate from their size, and a vector's regrowth held old and new
  // copies at once (the peak of a whole `helm template` run); items never move in a deque.
  std::deque<Item> items;
  std::string error;        // the kError item's message
};

// Lexes the whole input. break/continue are keywords unless the function table defines
// functions by those names.
Lexed lex_template(std::string_view input, bool break_ok = true, bool continue_ok = true);

}  // namespace oc::helm
