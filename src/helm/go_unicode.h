// Go's rune classes and case mappings (packages unicode, strconv, utf8), from tables generated
// with the Go release the helm oracle uses (gen_unicode_tables.go), plus the UTF-8 walking
// Go's string functions share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace oc::helm {

constexpr uint32_t kRuneError = 0xFFFD;

// utf8.DecodeRuneInString at s[i]: the rune and its width; RuneError with width 1 for invalid
// input (width 0 at the end).
uint32_t decode_rune(std::string_view s, size_t i, size_t* width);
// utf8.DecodeLastRuneInString of s[:end].
uint32_t decode_last_rune(std::string_view s, size_t end, size_t* width);
// Appends r as UTF-8 (invalid runes as U+FFFD, like Go).
void append_rune(std::string& out, uint32_t r);
// utf8.RuneCountInString.
size_t rune_count(std::string_view s);

bool go_is_letter(uint32_t r);
bool go_is_digit(uint32_t r);
bool go_is_space(uint32_t r);  // unicode.IsSpace
bool go_is_upper(uint32_t r);
bool go_is_lower(uint32_t r);
bool go_is_title(uint32_t r);
bool go_is_punct(uint32_t r);
bool go_is_mark(uint32_t r);
bool go_is_number(uint32_t r);
bool go_is_graphic(uint32_t r);
bool go_is_print(uint32_t r);  // strconv.IsPrint (what %q keeps unescaped)

uint32_t go_to_upper(uint32_t r);
uint32_t go_to_lower(uint32_t r);
uint32_t go_to_title(uint32_t r);

// strings.ToUpper / ToLower / Title (deprecated Title: first letter of each word).
std::string go_strings_to_upper(std::string_view s);
std::string go_strings_to_lower(std::string_view s);
std::string go_strings_title(std::string_view s);

// strconv.Quote / QuoteToASCII / QuoteRune / CanBackquote.
std::string go_quote(std::string_view s, bool ascii_only = false);
void append_go_quote(std::string& out, std::string_view s, bool ascii_only = false);
std::string go_quote_rune(uint32_t r, bool ascii_only = false);
bool go_can_backquote(std::string_view s);

// strconv.Unquote for "…", `…` and '…' literals; false on a syntax error.
bool go_unquote(std::string_view s, std::string* out);
// strconv.UnquoteChar: decodes one (possibly escaped) character of a quoted literal.
bool go_unquote_char(std::string_view s, size_t* i, char quote, uint32_t* value, bool* multibyte);

}  // namespace oc::helm
