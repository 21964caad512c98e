// Sprig's string functions (strings.go, plus the goutils and xstrings helpers they call).
#include <openssl/rand.h>

#include <algorithm>

#include "helm/func_util.h"
#include "helm/go_fmt.h"
#include "helm/go_unicode.h"

namespace oc::helm {

namespace {

std::string repeat(CallCtx& ctx, std::string_view s, int64_t count) {
  if (count < 0) func_fail("strings: negative Repeat count");
  ctx.exec.check_size(static_cast<size_t>(count) * s.size(), "repeat result");
  std::string out;
  out.reserve(static_cast<size_t>(count) * s.size());
  for (int64_t i = 0; i < count; ++i) out.append(s);
  return out;
}

// strings.TrimSpace / TrimLeftFunc(IsSpace) / TrimRightFunc(IsSpace)
std::string_view trim_space(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t w;
    uint32_t r = decode_rune(s, i, &w);
    if (!go_is_space(r)) break;
    i += w;
  }
  size_t j = s.size();
  while (j > i) {
    size_t w;
    uint32_t r = decode_last_rune(s, j, &w);
    if (!go_is_space(r)) break;
    j -= w;
  }
  return s.substr(i, j - i);
}

bool in_cutset(uint32_t r, std::string_view cutset) {
  for (size_t i = 0; i < cutset.size();) {
    size_t w;
    uint32_t c = decode_rune(cutset, i, &w);
    if (c == r) return true;
    i += w;
  }
  return false;
}

// strings.Trim(s, cutset)
std::string_view trim_cutset(std::string_view s, std::string_view cutset) {
  if (s.empty() || cutset.empty()) return s;
  size_t i = 0;
  while (i < s.size()) {
    size_t w;
    uint32_t r = decode_rune(s, i, &w);
    if (!in_cutset(r, cutset)) break;
    i += w;
  }
  size_t j = s.size();
  while (j > i) {
    size_t w;
    uint32_t r = decode_last_rune(s, j, &w);
    if (!in_cutset(r, cutset)) break;
    j -= w;
  }
  return s.substr(i, j - i);
}

std::string replace_all(std::string_view s, std::string_view old, std::string_view neu) {
  std::string out;
  if (old.empty()) {
    // strings.Replace with an empty old inserts `neu` before every rune and at the end.
    out.reserve(s.size() * (neu.size() + 1) + neu.size());
    for (size_t i = 0; i < s.size();) {
      out.append(neu);
      size_t w;
      decode_rune(s, i, &w);
      out.append(s.substr(i, w));
      i += w;
    }
    out.append(neu);
    return out;
  }
  size_t p = 0;
  for (;;) {
    size_t q = s.find(old, p);
    if (q == std::string_view::npos) {
      out.append(s.substr(p));
      break;
    }
    out.append(s.substr(p, q - p));
    out.append(neu);
    p = q + old.size();
  }
  return out;
}

// strings.SplitN / Split (n < 0: all).
std::vector<std::string> split_n(std::string_view s, std::string_view sep, int64_t n) {
  std::vector<std::string> out;
  if (n == 0) return out;
  if (sep.empty()) {
    // explode into UTF-8 sequences
    for (size_t i = 0; i < s.size();) {
      if (n > 0 && static_cast<int64_t>(out.size()) == n - 1) {
        out.emplace_back(s.substr(i));
        return out;
      }
      size_t w;
      decode_rune(s, i, &w);
      out.emplace_back(s.substr(i, w));
      i += w;
    }
    return out;
  }
  size_t p = 0;
  while (n < 0 || static_cast<int64_t>(out.size()) < n - 1) {
    size_t q = s.find(sep, p);
    if (q == std::string_view::npos) break;
    out.emplace_back(s.substr(p, q - p));
    p = q + sep.size();
  }
  out.emplace_back(s.substr(p));
  return out;
}

Value split_map(const std::vector<std::string>& parts) {
  Value m = Value::map(GoType::kMapString);
  MapObj* mo = m.map_obj();
  for (size_t i = 0; i < parts.size(); ++i) {
    mo->append_unsorted(Value::string("_" + std::to_string(i)), Value::string(parts[i]));
  }
  mo->sort_and_dedupe();
  return m;
}

std::string indent_impl(CallCtx& ctx, int64_t spaces, std::string_view v) {
  std::string pad = repeat(ctx, " ", spaces);
  std::string out;
  size_t lines = static_cast<size_t>(std::count(v.begin(), v.end(), '\n')) + 1;
  ctx.exec.check_size(v.size() + lines * pad.size(), "indent result");
  out.reserve(v.size() + lines * pad.size());
  out += pad;
  for (char c : v) {
    out.push_back(c);
    if (c == '\n') out += pad;
  }
  return out;
}

// goutils.AbbreviateFull
std::string abbreviate_full(std::string_view str, int64_t offset, int64_t max_width) {
  if (str.empty()) return "";
  if (max_width < 4) return "";
  int64_t len = static_cast<int64_t>(str.size());
  if (len <= max_width) return std::string(str);
  if (offset > len) offset = len;
  if (len - offset < max_width - 3) offset = len - (max_width - 3);
  if (offset <= 4) return std::string(str.substr(0, static_cast<size_t>(max_width - 3))) + "...";
  if (max_width < 7) return "";
  if (offset + max_width - 3 < len) {
    return "..." + abbreviate_full(str.substr(static_cast<size_t>(offset)), 0, max_width - 3);
  }
  return "..." + std::string(str.substr(static_cast<size_t>(len - (max_width - 3))));
}

// goutils.WrapCustom
std::string wrap_custom(std::string_view str, int64_t wrap_length, std::string_view newline,
                        bool wrap_long_words) {
  if (str.empty()) return "";
  if (newline.empty()) newline = "\n";
  if (wrap_length < 1) wrap_length = 1;
  size_t wl = static_cast<size_t>(wrap_length);
  size_t input_len = str.size();
  size_t offset = 0;
  std::string out;
  while (input_len - offset > wl) {
    if (str[offset] == ' ') {
      ++offset;
      continue;
    }
    size_t end = wl + offset + 1;
    size_t sp = str.substr(offset, end - offset).rfind(' ');
    if (sp != std::string_view::npos) {
      size_t at = sp + offset;
      out.append(str.substr(offset, at - offset));
      out.append(newline);
      offset = at + 1;
    } else if (wrap_long_words) {
      out.append(str.substr(offset, wl));
      out.append(newline);
      offset += wl;
    } else {
      size_t e = wl + offset;
      size_t idx = str.substr(e).find(' ');
      if (idx == std::string_view::npos) {
        out.append(str.substr(offset));
        offset = input_len;
      } else {
        size_t at = idx + e;
        out.append(str.substr(offset, at - offset));
        out.append(newline);
        offset = at + 1;
      }
    }
  }
  out.append(str.substr(offset));
  return out;
}

std::vector<uint32_t> to_runes(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    size_t w;
    out.push_back(decode_rune(s, i, &w));
    i += w;
  }
  return out;
}

std::string from_runes(const std::vector<uint32_t>& rs) {
  std::string out;
  for (uint32_t r : rs) append_rune(out, r);
  return out;
}

// goutils.SwapCase
std::string swap_case(std::string_view s) {
  if (s.empty()) return "";
  auto b = to_runes(s);
  bool whitespace = true;
  for (auto& ch : b) {
    if (go_is_upper(ch) || go_is_title(ch)) {
      ch = go_to_lower(ch);
      whitespace = false;
    } else if (go_is_lower(ch)) {
      if (whitespace) {
        ch = go_to_title(ch);
        whitespace = false;
      } else {
        ch = go_to_upper(ch);
      }
    } else {
      whitespace = go_is_space(ch);
    }
  }
  return from_runes(b);
}

// goutils.Uncapitalize
std::string uncapitalize(std::string_view s) {
  if (s.empty()) return "";
  auto b = to_runes(s);
  bool next = true;
  for (auto& ch : b) {
    if (go_is_space(ch)) {
      next = true;
    } else if (next) {
      ch = go_to_lower(ch);
      next = false;
    }
  }
  return from_runes(b);
}

// goutils.Initials: works bytewise (rune(str[i])), writing each byte as a rune.
std::string initials(std::string_view s) {
  std::string out;
  bool gap = true;
  for (unsigned char c : s) {
    if (go_is_space(c)) {
      gap = true;
    } else if (gap) {
      append_rune(out, c);
      gap = false;
    }
  }
  return out;
}

// goutils.DeleteWhiteSpace: bytewise as well.
std::string delete_white_space(std::string_view s) {
  std::string out;
  size_t count = 0;
  for (unsigned char c : s) {
    if (!go_is_space(c)) {
      append_rune(out, c);
      ++count;
    }
  }
  if (count == s.size()) return std::string(s);
  return out;
}

// --- xstrings (camelcase, snakecase, kebabcase) ---
bool is_connector(uint32_t r) {
  return r == '-' || r == '_' || go_is_space(r);
}
bool is_alphabet(uint32_t r) {
  if (!go_is_letter(r)) return false;
  if (r < 0x3400) return true;
  if (r >= 0x4E00 && r <= 0x9FCC) return false;
  if (r >= 0x3400 && r <= 0x4D85) return false;
  if (r >= 0x20000 && r <= 0x2B81D) return false;
  return true;
}

std::string camel_case(std::string_view str) {
  if (str.empty()) return "";
  std::string buf;
  uint32_t r0 = 0, r1 = 0;
  size_t size = 0;
  while (!str.empty()) {
    r0 = decode_rune(str, 0, &size);
    str.remove_prefix(size);
    if (!is_connector(r0)) {
      r0 = go_to_upper(r0);
      break;
    }
    append_rune(buf, r0);
  }
  if (str.empty()) {
    if (size != 0) append_rune(buf, r0);
    return buf;
  }
  while (!str.empty()) {
    r1 = r0;
    r0 = decode_rune(str, 0, &size);
    str.remove_prefix(size);
    if (is_connector(r0) && is_connector(r1)) {
      append_rune(buf, r1);
      continue;
    }
    if (is_connector(r1)) {
      r0 = go_to_upper(r0);
    } else {
      r0 = go_to_lower(r0);
      append_rune(buf, r1);
    }
  }
  append_rune(buf, r0);
  return buf;
}

enum class WordType { kInvalid, kNumber, kUpper, kAlphabet, kConnector, kPunct, kOther };

void next_valid_rune(std::string_view str, uint32_t prev, uint32_t* r, size_t* size) {
  *size = 0;
  while (!str.empty()) {
    size_t sz;
    *r = decode_rune(str, 0, &sz);
    *size += sz;
    if (*r != kRuneError) return;
    str.remove_prefix(sz);
  }
  *r = prev;
}

void next_word(std::string_view str, WordType* wt, std::string_view* word,
               std::string_view* remaining) {
  *wt = WordType::kInvalid;
  *word = {};
  *remaining = {};
  if (str.empty()) return;
  size_t offset = 0;
  std::string_view rem = str;
  uint32_t r;
  size_t size;
  next_valid_rune(rem, kRuneError, &r, &size);
  offset += size;
  if (r == kRuneError) {
    *wt = WordType::kInvalid;
    *word = str.substr(0, offset);
    *remaining = str.substr(offset);
    return;
  }
  auto advance_while = [&](auto pred) {
    rem.remove_prefix(size);
    while (!rem.empty()) {
      next_valid_rune(rem, r, &r, &size);
      if (!pred(r)) break;
      offset += size;
      rem.remove_prefix(size);
    }
  };
  if (is_connector(r)) {
    *wt = WordType::kConnector;
    advance_while(is_connector);
  } else if (go_is_punct(r)) {
    *wt = WordType::kPunct;
    advance_while(go_is_punct);
  } else if (go_is_upper(r)) {
    *wt = WordType::kUpper;
    rem.remove_prefix(size);
    if (!rem.empty()) {
      next_valid_rune(rem, r, &r, &size);
      if (go_is_upper(r)) {
        size_t prev_size = size;
        offset += size;
        rem.remove_prefix(size);
        while (!rem.empty()) {
          next_valid_rune(rem, r, &r, &size);
          if (!go_is_upper(r)) break;
          prev_size = size;
          offset += size;
          rem.remove_prefix(size);
        }
        if (!rem.empty() && is_alphabet(r)) {
          offset -= prev_size;
          rem = str.substr(offset);
        }
      } else if (is_alphabet(r)) {
        offset += size;
        rem.remove_prefix(size);
        while (!rem.empty()) {
          next_valid_rune(rem, r, &r, &size);
          if (!is_alphabet(r) || go_is_upper(r)) break;
          offset += size;
          rem.remove_prefix(size);
        }
      }
    }
  } else if (is_alphabet(r)) {
    *wt = WordType::kAlphabet;
    advance_while([](uint32_t c) { return is_alphabet(c) && !go_is_upper(c); });
  } else if (go_is_number(r)) {
    *wt = WordType::kNumber;
    advance_while(go_is_number);
  } else {
    *wt = WordType::kOther;
    rem.remove_prefix(size);
    while (!rem.empty()) {
      next_valid_rune(rem, r, &r, &size);
      if (size == 0 || is_connector(r) || is_alphabet(r) || go_is_number(r) || go_is_punct(r)) {
        break;
      }
      offset += size;
      rem.remove_prefix(size);
    }
  }
  *word = str.substr(0, offset);
  *remaining = rem;
}

void to_lower_word(std::string& buf, WordType wt, std::string_view str, uint32_t connector) {
  if (wt != WordType::kUpper && wt != WordType::kConnector) {
    buf.append(str);
    return;
  }
  while (!str.empty()) {
    size_t size;
    uint32_t r = decode_rune(str, 0, &size);
    str.remove_prefix(size);
    if (is_connector(r)) {
      append_rune(buf, connector);
    } else if (go_is_upper(r)) {
      append_rune(buf, go_to_lower(r));
    } else {
      append_rune(buf, r);
    }
  }
}

std::string camel_to_lower(std::string_view str, uint32_t connector) {
  if (str.empty()) return "";
  std::string buf;
  WordType wt;
  std::string_view word, remaining;
  next_word(str, &wt, &word, &remaining);
  while (!remaining.empty()) {
    if (wt != WordType::kConnector) to_lower_word(buf, wt, word, connector);
    WordType prev = wt;
    std::string_view last = word;
    next_word(remaining, &wt, &word, &remaining);
    switch (prev) {
      case WordType::kNumber:
        while (wt == WordType::kAlphabet || wt == WordType::kNumber) {
          to_lower_word(buf, wt, word, connector);
          next_word(remaining, &wt, &word, &remaining);
        }
        if (wt != WordType::kInvalid && wt != WordType::kPunct && wt != WordType::kConnector) {
          append_rune(buf, connector);
        }
        break;
      case WordType::kConnector:
        to_lower_word(buf, prev, last, connector);
        break;
      case WordType::kPunct:
        break;
      default: {
        if (wt != WordType::kNumber) {
          if (wt != WordType::kConnector && wt != WordType::kPunct) append_rune(buf, connector);
          break;
        }
        if (remaining.empty()) break;
        std::string_view last2 = word;
        next_word(remaining, &wt, &word, &remaining);
        if (wt != WordType::kAlphabet) {
          to_lower_word(buf, WordType::kNumber, last2, connector);
          if (wt != WordType::kConnector && wt != WordType::kPunct) append_rune(buf, connector);
          break;
        }
        append_rune(buf, connector);
        to_lower_word(buf, WordType::kNumber, last2, connector);
        while (wt == WordType::kAlphabet || wt == WordType::kNumber) {
          to_lower_word(buf, wt, word, connector);
          next_word(remaining, &wt, &word, &remaining);
        }
        if (wt != WordType::kInvalid && wt != WordType::kConnector && wt != WordType::kPunct) {
          append_rune(buf, connector);
        }
      }
    }
  }
  to_lower_word(buf, wt, word, connector);
  return buf;
}

uint64_t random_below(uint64_t n) {
  uint64_t x;
  RAND_bytes(reinterpret_cast<unsigned char*>(&x), sizeof x);
  return n == 0 ? 0 : x % n;
}

// goutils.CryptoRandom for the four classes Sprig exposes.
std::string crypto_random(CallCtx& ctx, int64_t count, int start, int end, bool letters,
                          bool numbers) {
  if (count <= 0) return "";
  ctx.exec.check_size(static_cast<size_t>(count), "random string");
  if (start == 0 && end == 0) {
    end = 'z' + 1;
    start = ' ';
  }
  std::string out;
  while (static_cast<int64_t>(out.size()) < count) {
    uint32_t ch = static_cast<uint32_t>(start) +
                  static_cast<uint32_t>(random_below(static_cast<uint64_t>(end - start)));
    if ((letters && go_is_letter(ch)) || (numbers && go_is_digit(ch)) || (!letters && !numbers)) {
      out.push_back(static_cast<char>(ch));
    }
  }
  return out;
}

// --- the functions ---
Value f_hello(CallCtx&, Args) {
  return Value::string("Hello!");
}
Value f_abbrev(CallCtx&, Args a) {
  if (a[0].as_int() < 4) return a[1];
  return str_value(abbreviate_full(a[1].str(), 0, a[0].as_int()));
}
Value f_abbrevboth(CallCtx&, Args a) {
  int64_t left = a[0].as_int(), right = a[1].as_int();
  if (right < 4 || (left > 0 && right < 7)) return a[2];
  return str_value(abbreviate_full(a[2].str(), left, right));
}
Value f_trunc(CallCtx&, Args a) {
  int64_t c = a[0].as_int();
  std::string_view s = a[1].str();
  int64_t n = static_cast<int64_t>(s.size());
  if (c < 0 && n + c > 0) return Value::string(s.substr(static_cast<size_t>(n + c)));
  if (c >= 0 && n > c) return Value::string(s.substr(0, static_cast<size_t>(c)));
  return a[1];
}
Value f_trim(CallCtx&, Args a) {
  return Value::string(trim_space(a[0].str()));
}
Value f_upper(CallCtx&, Args a) {
  return str_value(go_strings_to_upper(a[0].str()));
}
Value f_lower(CallCtx&, Args a) {
  return str_value(go_strings_to_lower(a[0].str()));
}
Value f_title(CallCtx&, Args a) {
  return str_value(go_strings_title(a[0].str()));
}
Value f_untitle(CallCtx&, Args a) {
  return str_value(uncapitalize(a[0].str()));
}
Value f_substr(CallCtx&, Args a) {
  int64_t start = a[0].as_int(), end = a[1].as_int();
  std::string_view s = a[2].str();
  int64_t n = static_cast<int64_t>(s.size());
  if (start < 0) {
    if (end < 0 || end > n) slice_bounds_panic(0, end, s.size(), true);
    return Value::string(s.substr(0, static_cast<size_t>(end)));
  }
  if (end < 0 || end > n) {
    if (start > n) slice_bounds_panic(start, n, s.size(), false);
    return Value::string(s.substr(static_cast<size_t>(start)));
  }
  if (start > end) slice_bounds_panic(start, end, s.size(), false);
  return Value::string(s.substr(static_cast<size_t>(start), static_cast<size_t>(end - start)));
}
Value f_repeat(CallCtx& ctx, Args a) {
  return str_value(repeat(ctx, a[1].str(), a[0].as_int()));
}
Value f_trimall(CallCtx&, Args a) {
  return Value::string(trim_cutset(a[1].str(), a[0].str()));
}
Value f_trim_suffix(CallCtx&, Args a) {
  std::string_view s = a[1].str(), suf = a[0].str();
  if (s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf) {
    return Value::string(s.substr(0, s.size() - suf.size()));
  }
  return a[1];
}
Value f_trim_prefix(CallCtx&, Args a) {
  std::string_view s = a[1].str(), pre = a[0].str();
  if (s.substr(0, pre.size()) == pre) return Value::string(s.substr(pre.size()));
  return a[1];
}
Value f_nospace(CallCtx&, Args a) {
  return str_value(delete_white_space(a[0].str()));
}
Value f_initials(CallCtx&, Args a) {
  return str_value(initials(a[0].str()));
}
Value f_rand_alnum(CallCtx& c, Args a) {
  return str_value(crypto_random(c, a[0].as_int(), 0, 0, true, true));
}
Value f_rand_alpha(CallCtx& c, Args a) {
  return str_value(crypto_random(c, a[0].as_int(), 0, 0, true, false));
}
Value f_rand_ascii(CallCtx& c, Args a) {
  return str_value(crypto_random(c, a[0].as_int(), 32, 127, false, false));
}
Value f_rand_numeric(CallCtx& c, Args a) {
  return str_value(crypto_random(c, a[0].as_int(), 0, 0, false, true));
}
Value f_swapcase(CallCtx&, Args a) {
  return str_value(swap_case(a[0].str()));
}
Value f_shuffle(CallCtx&, Args a) {
  auto rs = to_runes(a[0].str());
  for (size_t i = rs.size(); i > 1; --i) std::swap(rs[i - 1], rs[random_below(i)]);
  return str_value(from_runes(rs));
}
Value f_snakecase(CallCtx&, Args a) {
  return str_value(camel_to_lower(a[0].str(), '_'));
}
Value f_kebabcase(CallCtx&, Args a) {
  return str_value(camel_to_lower(a[0].str(), '-'));
}
Value f_camelcase(CallCtx&, Args a) {
  return str_value(camel_case(a[0].str()));
}
Value f_wrap(CallCtx&, Args a) {
  return str_value(wrap_custom(a[1].str(), a[0].as_int(), "", false));
}
Value f_wrap_with(CallCtx&, Args a) {
  return str_value(wrap_custom(a[2].str(), a[0].as_int(), a[1].str(), true));
}
Value f_contains(CallCtx&, Args a) {
  return Value::boolean(a[1].str().find(a[0].str()) != std::string_view::npos);
}
Value f_has_prefix(CallCtx&, Args a) {
  return Value::boolean(a[1].str().substr(0, a[0].str().size()) == a[0].str());
}
Value f_has_suffix(CallCtx&, Args a) {
  std::string_view s = a[1].str(), suf = a[0].str();
  return Value::boolean(s.size() >= suf.size() && s.substr(s.size() - suf.size()) == suf);
}
Value f_quote(CallCtx&, Args a) {
  std::string out;
  bool first = true;
  for (const Value& v : a) {
    if (v.kind() == Kind::kNil) continue;
    if (!first) out.push_back(' ');
    first = false;
    append_go_quote(out, sprig_strval(v));
  }
  return str_value(std::move(out));
}
Value f_squote(CallCtx&, Args a) {
  std::string out;
  bool first = true;
  for (const Value& v : a) {
    if (v.kind() == Kind::kNil) continue;
    if (!first) out.push_back(' ');
    first = false;
    out.push_back('\'');
    go_print_value(out, v);
    out.push_back('\'');
  }
  return str_value(std::move(out));
}
Value f_cat(CallCtx&, Args a) {
  std::vector<Value> vs;
  for (const Value& v : a) {
    if (v.kind() != Kind::kNil) vs.push_back(v);
  }
  std::string format;
  for (size_t i = 0; i < vs.size(); ++i) format += i ? " %v" : "%v";
  std::string out;
  go_sprintf(out, format, vs);
  return str_value(std::move(out));
}
Value f_indent(CallCtx& ctx, Args a) {
  return str_value(indent_impl(ctx, a[0].as_int(), a[1].str()));
}
Value f_nindent(CallCtx& ctx, Args a) {
  return str_value("\n" + indent_impl(ctx, a[0].as_int(), a[1].str()));
}
Value f_replace(CallCtx& ctx, Args a) {
  std::string out = replace_all(a[2].str(), a[0].str(), a[1].str());
  ctx.exec.check_size(out.size(), "replace result");
  return str_value(std::move(out));
}
Value f_plural(CallCtx&, Args a) {
  return a[2].as_int() == 1 ? a[0] : a[1];
}
Value f_to_string(CallCtx&, Args a) {
  return str_value(sprig_strval(a[0]));
}
Value f_split(CallCtx&, Args a) {
  return split_map(split_n(a[1].str(), a[0].str(), -1));
}
Value f_splitn(CallCtx&, Args a) {
  return split_map(split_n(a[2].str(), a[0].str(), a[1].as_int()));
}
Value f_split_list(CallCtx&, Args a) {
  return string_slice(split_n(a[1].str(), a[0].str(), -1));
}
Value f_to_strings(CallCtx&, Args a) {
  return string_slice(sprig_strslice(a[0]));
}
Value f_join(CallCtx&, Args a) {
  std::string out;
  auto parts = sprig_strslice(a[1]);
  std::string_view sep = a[0].str();
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out.append(sep);
    out.append(parts[i]);
  }
  return str_value(std::move(out));
}

}  // namespace

void add_sprig_string_funcs(FuncTable& t) {
  using P = Param;
  def(t, "hello", {}, f_hello);
  def(t, "abbrev", {P::kInt, P::kString}, f_abbrev);
  def(t, "abbrevboth", {P::kInt, P::kInt, P::kString}, f_abbrevboth);
  def(t, "trunc", {P::kInt, P::kString}, f_trunc);
  def(t, "trim", {P::kString}, f_trim);
  def(t, "upper", {P::kString}, f_upper);
  def(t, "lower", {P::kString}, f_lower);
  def(t, "title", {P::kString}, f_title);
  def(t, "untitle", {P::kString}, f_untitle);
  def(t, "substr", {P::kInt, P::kInt, P::kString}, f_substr);
  def(t, "repeat", {P::kInt, P::kString}, f_repeat);
  def(t, "trimall", {P::kString, P::kString}, f_trimall);
  def(t, "trimAll", {P::kString, P::kString}, f_trimall);
  def(t, "trimSuffix", {P::kString, P::kString}, f_trim_suffix);
  def(t, "trimPrefix", {P::kString, P::kString}, f_trim_prefix);
  def(t, "nospace", {P::kString}, f_nospace);
  def(t, "initials", {P::kString}, f_initials);
  def(t, "randAlphaNum", {P::kInt}, f_rand_alnum);
  def(t, "randAlpha", {P::kInt}, f_rand_alpha);
  def(t, "randAscii", {P::kInt}, f_rand_ascii);
  def(t, "randNumeric", {P::kInt}, f_rand_numeric);
  def(t, "swapcase", {P::kString}, f_swapcase);
  def(t, "shuffle", {P::kString}, f_shuffle);
  def(t, "snakecase", {P::kString}, f_snakecase);
  def(t, "camelcase", {P::kString}, f_camelcase);
  def(t, "kebabcase", {P::kString}, f_kebabcase);
  def(t, "wrap", {P::kInt, P::kString}, f_wrap);
  def(t, "wrapWith", {P::kInt, P::kString, P::kString}, f_wrap_with);
  def(t, "contains", {P::kString, P::kString}, f_contains);
  def(t, "hasPrefix", {P::kString, P::kString}, f_has_prefix);
  def(t, "hasSuffix", {P::kString, P::kString}, f_has_suffix);
  def(t, "quote", {P::kAny}, f_quote, true);
  def(t, "squote", {P::kAny}, f_squote, true);
  def(t, "cat", {P::kAny}, f_cat, true);
  def(t, "indent", {P::kInt, P::kString}, f_indent);
  def(t, "nindent", {P::kInt, P::kString}, f_nindent);
  def(t, "replace", {P::kString, P::kString, P::kString}, f_replace);
  def(t, "plural", {P::kString, P::kString, P::kInt}, f_plural);
  def(t, "toString", {P::kAny}, f_to_string);
  def(t, "split", {P::kString, P::kString}, f_split);
  def(t, "splitList", {P::kString, P::kString}, f_split_list);
  def(t, "splitn", {P::kString, P::kInt, P::kString}, f_splitn);
  def(t, "toStrings", {P::kAny}, f_to_strings);
  def(t, "join", {P::kString, P::kAny}, f_join);
}

}  // namespace oc::helm
