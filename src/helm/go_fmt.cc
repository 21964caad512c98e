#include "helm/go_fmt.h"

#include <cmath>
#include <cstring>

#include "core/scalar.h"
#include "helm/funcs.h"
#include "helm/go_unicode.h"

namespace oc::helm {

namespace {

constexpr char kLDigits[] = "0123456789abcdefx";
constexpr char kUDigits[] = "0123456789ABCDEFX";

bool too_large(int64_t x) {
  return x > 1000000 || x < -1000000;
}

// One fmt.pp: the printer state for a Sprint/Sprintf call (Go's print.go + format.go).
class Printer {
 public:
  explicit Printer(std::string& out, size_t max_bytes = kMaxPrintBytes)
      : buf_(out), start_(out.size()), max_bytes_(max_bytes) {}

  void do_print(std::span<const Value> a) {
    bool prev_string = false;
    for (size_t i = 0; i < a.size(); ++i) {
      bool is_string = a[i].kind() == Kind::kString;
      if (i > 0 && !is_string && !prev_string) buf_.push_back(' ');
      print_arg(a[i], 'v');
      prev_string = is_string;
    }
  }

  void do_println(std::span<const Value> a) {
    for (size_t i = 0; i < a.size(); ++i) {
      if (i > 0) buf_.push_back(' ');
      print_arg(a[i], 'v');
    }
    buf_.push_back('\n');
  }

  void do_printf(std::string_view format, std::span<const Value> a) {
    size_t end = format.size();
    size_t arg_num = 0;
    bool after_index = false;
    reordered_ = false;
    size_t i = 0;
    while (i < end) {
      good_arg_num_ = true;
      size_t lasti = i;
      while (i < end && format[i] != '%') ++i;
      if (i > lasti) buf_.append(format.substr(lasti, i - lasti));
      if (i >= end) break;
      ++i;
      clear_flags();
      bool simple_done = false;
      for (; i < end; ++i) {
        char c = format[i];
        if (c == '#') {
          sharp_ = true;
        } else if (c == '0') {
          zero_ = !minus_;
        } else if (c == '+') {
          plus_ = true;
        } else if (c == '-') {
          minus_ = true;
          zero_ = false;
        } else if (c == ' ') {
          space_ = true;
        } else {
          if (c >= 'a' && c <= 'z' && arg_num < a.size()) {
            if (c == 'v') {
              sharp_v_ = sharp_;
              sharp_ = false;
              plus_v_ = plus_;
              plus_ = false;
            }
            print_arg(a[arg_num], static_cast<uint32_t>(c));
            ++arg_num;
            ++i;
            simple_done = true;
          }
          break;
        }
      }
      if (simple_done) continue;

      arg_number(arg_num, format, i, a.size(), &arg_num, &i, &after_index);

      if (i < end && format[i] == '*') {
        ++i;
        int_from_arg(a, arg_num, &wid_, &wid_present_, &arg_num);
        if (!wid_present_) buf_ += "%!(BADWIDTH)";
        if (wid_ < 0) {
          wid_ = -wid_;
          minus_ = true;
          zero_ = false;
        }
        after_index = false;
      } else {
        parsenum(format, i, end, &wid_, &wid_present_, &i);
        if (after_index && wid_present_) good_arg_num_ = false;
      }

      if (i + 1 < end && format[i] == '.') {
        ++i;
        if (after_index) good_arg_num_ = false;
        arg_number(arg_num, format, i, a.size(), &arg_num, &i, &after_index);
        if (i < end && format[i] == '*') {
          ++i;
          int_from_arg(a, arg_num, &prec_, &prec_present_, &arg_num);
          if (prec_ < 0) {
            prec_ = 0;
            prec_present_ = false;
          }
          if (!prec_present_) buf_ += "%!(BADPREC)";
          after_index = false;
        } else {
          parsenum(format, i, end, &prec_, &prec_present_, &i);
          if (!prec_present_) {
            prec_ = 0;
            prec_present_ = true;
          }
        }
      }

      if (!after_index) arg_number(arg_num, format, i, a.size(), &arg_num, &i, &after_index);

      if (i >= end) {
        buf_ += "%!(NOVERB)";
        break;
      }
      size_t w = 1;
      uint32_t verb = static_cast<unsigned char>(format[i]);
      if (verb >= 0x80) verb = decode_rune(format, i, &w);
      i += w;

      if (verb == '%') {
        buf_.push_back('%');
      } else if (!good_arg_num_) {
        buf_ += "%!";
        append_rune(buf_, verb);
        buf_ += "(BADINDEX)";
      } else if (arg_num >= a.size()) {
        buf_ += "%!";
        append_rune(buf_, verb);
        buf_ += "(MISSING)";
      } else {
        if (verb == 'v') {
          sharp_v_ = sharp_;
          sharp_ = false;
          plus_v_ = plus_;
          plus_ = false;
        }
        print_arg(a[arg_num], verb);
        ++arg_num;
      }
    }

    if (!reordered_ && arg_num < a.size()) {
      clear_flags();
      buf_ += "%!(EXTRA ";
      for (size_t k = arg_num; k < a.size(); ++k) {
        if (k > arg_num) buf_ += ", ";
        const Value& arg = a[k];
        if (arg.kind() == Kind::kNil || arg.kind() == Kind::kInvalid) {
          buf_ += "<nil>";
        } else {
          buf_ += arg.type_name();
          buf_.push_back('=');
          print_arg(arg, 'v');
        }
      }
      buf_.push_back(')');
    }
  }

  // printArg: an operand passed as interface{}.
  void print_arg(const Value& arg, uint32_t verb) {
    if (arg.kind() == Kind::kNil || arg.kind() == Kind::kInvalid) {
      if (verb == 'T' || verb == 'v') {
        pad_string("<nil>");
      } else {
        bad_verb_nil(verb);
      }
      return;
    }
    if (verb == 'T') {
      fmt_s(arg.type_name());
      return;
    }
    if (verb == 'p') {
      fmt_pointer(arg, 'p');
      return;
    }
    switch (arg.kind()) {
      case Kind::kBool:
        fmt_bool(arg, verb);
        return;
      case Kind::kFloat:
        fmt_float(arg, arg.as_float(), arg.type() == GoType::kFloat32 ? 32 : 64, verb);
        return;
      case Kind::kInt:
        fmt_integer(arg, static_cast<uint64_t>(arg.as_int()), true, verb);
        return;
      case Kind::kUint:
        fmt_integer(arg, arg.as_uint(), false, verb);
        return;
      case Kind::kString:
        fmt_string(arg, arg.str(), verb);
        return;
      case Kind::kBytes:
        fmt_bytes(arg, arg.str(), verb, "[]byte");
        return;
      default:
        break;
    }
    if (!handle_methods(arg, verb)) print_value(arg, verb, 0);
  }

 private:
  void clear_flags() {
    wid_present_ = prec_present_ = minus_ = plus_ = sharp_ = space_ = zero_ = plus_v_ = sharp_v_ =
        false;
    wid_ = prec_ = 0;
  }

  static void parsenum(std::string_view s, size_t start, size_t end, int64_t* num, bool* isnum,
                       size_t* newi) {
    *num = 0;
    *isnum = false;
    if (start >= end) {
      *newi = end;
      return;
    }
    size_t k = start;
    for (; k < end && s[k] >= '0' && s[k] <= '9'; ++k) {
      if (too_large(*num)) {
        *num = 0;
        *isnum = false;
        *newi = end;
        return;
      }
      *num = *num * 10 + (s[k] - '0');
      *isnum = true;
    }
    *newi = k;
  }

  void arg_number(size_t arg_num, std::string_view format, size_t i, size_t num_args,
                  size_t* new_arg_num, size_t* newi, bool* found) {
    if (format.size() <= i || format[i] != '[') {
      *new_arg_num = arg_num;
      *newi = i;
      *found = false;
      return;
    }
    reordered_ = true;
    // parseArgNumber
    std::string_view f = format.substr(i);
    int64_t index = 0;
    size_t wid = 1;
    bool ok = false;
    if (f.size() >= 3) {
      for (size_t k = 1; k < f.size(); ++k) {
        if (f[k] == ']') {
          int64_t width;
          bool isnum;
          size_t ni;
          parsenum(f, 1, k, &width, &isnum, &ni);
          if (!isnum || ni != k) {
            index = 0;
            wid = k + 1;
            ok = false;
          } else {
            index = width - 1;
            wid = k + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && index >= 0 && static_cast<size_t>(index) < num_args) {
      *new_arg_num = static_cast<size_t>(index);
      *newi = i + wid;
      *found = true;
      return;
    }
    good_arg_num_ = false;
    *new_arg_num = arg_num;
    *newi = i + wid;
    *found = ok;
  }

  static void int_from_arg(std::span<const Value> a, size_t arg_num, int64_t* num, bool* is_int,
                           size_t* new_arg_num) {
    *new_arg_num = arg_num;
    *num = 0;
    *is_int = false;
    if (arg_num < a.size()) {
      const Value& v = a[arg_num];
      if (v.kind() == Kind::kInt) {
        *num = v.as_int();
        *is_int = true;
      } else if (v.kind() == Kind::kUint && static_cast<int64_t>(v.as_uint()) >= 0) {
        *num = static_cast<int64_t>(v.as_uint());
        *is_int = true;
      }
      *new_arg_num = arg_num + 1;
      if (too_large(*num)) {
        *num = 0;
        *is_int = false;
      }
    }
  }

  // --- padding ---
  void write_padding(int64_t n) {
    if (n <= 0) return;
    buf_.append(static_cast<size_t>(n), zero_ ? '0' : ' ');
  }
  void pad(std::string_view b) {
    if (!wid_present_ || wid_ == 0) {
      buf_.append(b);
      return;
    }
    int64_t width = wid_ - static_cast<int64_t>(rune_count(b));
    if (!minus_) {
      write_padding(width);
      buf_.append(b);
    } else {
      buf_.append(b);
      write_padding(width);
    }
  }
  void pad_string(std::string_view s) { pad(s); }

  std::string_view truncate(std::string_view s) const {
    if (prec_present_) {
      int64_t n = prec_;
      for (size_t i = 0; i < s.size();) {
        if (--n < 0) return s.substr(0, i);
        size_t w;
        decode_rune(s, i, &w);
        i += w;
      }
    }
    return s;
  }

  // --- verbs ---
  void bad_verb_nil(uint32_t verb) {
    buf_ += "%!";
    append_rune(buf_, verb);
    buf_ += "(<nil>)";
  }
  void bad_verb(const Value& v, uint32_t verb) {
    erroring_ = true;
    buf_ += "%!";
    append_rune(buf_, verb);
    buf_.push_back('(');
    if (v.kind() == Kind::kInvalid || v.kind() == Kind::kNil) {
      buf_ += "<nil>";
    } else {
      buf_ += v.type_name();
      buf_.push_back('=');
      print_arg(v, 'v');
    }
    buf_.push_back(')');
    erroring_ = false;
  }

  void fmt_bool(const Value& v, uint32_t verb) {
    if (verb == 't' || verb == 'v') {
      pad_string(v.as_bool() ? "true" : "false");
    } else {
      bad_verb(v, verb);
    }
  }

  void fmt_0x64(uint64_t v, bool leading0x) {
    bool sharp = sharp_;
    sharp_ = leading0x;
    fmt_integer_base(v, 16, false, 'v', kLDigits);
    sharp_ = sharp;
  }

  void fmt_integer(const Value& v, uint64_t u, bool is_signed, uint32_t verb) {
    switch (verb) {
      case 'v':
        if (sharp_v_ && !is_signed) {
          fmt_0x64(u, true);
        } else {
          fmt_integer_base(u, 10, is_signed, verb, kLDigits);
        }
        return;
      case 'd':
        fmt_integer_base(u, 10, is_signed, verb, kLDigits);
        return;
      case 'b':
        fmt_integer_base(u, 2, is_signed, verb, kLDigits);
        return;
      case 'o':
      case 'O':
        fmt_integer_base(u, 8, is_signed, verb, kLDigits);
        return;
      case 'x':
        fmt_integer_base(u, 16, is_signed, verb, kLDigits);
        return;
      case 'X':
        fmt_integer_base(u, 16, is_signed, verb, kUDigits);
        return;
      case 'c': {
        uint32_t r = u > 0x10FFFF ? kRuneError : static_cast<uint32_t>(u);
        std::string s;
        append_rune(s, r);
        pad(s);
        return;
      }
      case 'q': {
        uint32_t r = u > 0x10FFFF ? kRuneError : static_cast<uint32_t>(u);
        pad(go_quote_rune(r, plus_));
        return;
      }
      case 'U':
        fmt_unicode(u);
        return;
      default:
        bad_verb(v, verb);
    }
  }

  void fmt_integer_base(uint64_t u, int base, bool is_signed, uint32_t verb, const char* digits) {
    bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = 0 - u;
    std::string buf(
        static_cast<size_t>(68 + (wid_present_ ? wid_ : 0) + (prec_present_ ? prec_ : 0)), '\0');
    int64_t prec = 0;
    if (prec_present_) {
      prec = prec_;
      if (prec == 0 && u == 0) {
        bool old = zero_;
        zero_ = false;
        write_padding(wid_);
        zero_ = old;
        return;
      }
    } else if (zero_ && wid_present_) {
      prec = wid_;
      if (negative || plus_ || space_) --prec;
    }
    size_t i = buf.size();
    switch (base) {
      case 10:
        while (u >= 10) {
          buf[--i] = static_cast<char>('0' + u % 10);
          u /= 10;
        }
        break;
      case 16:
        while (u >= 16) {
          buf[--i] = digits[u & 0xF];
          u >>= 4;
        }
        break;
      case 8:
        while (u >= 8) {
          buf[--i] = static_cast<char>('0' + (u & 7));
          u >>= 3;
        }
        break;
      case 2:
        while (u >= 2) {
          buf[--i] = static_cast<char>('0' + (u & 1));
          u >>= 1;
        }
        break;
    }
    buf[--i] = digits[u];
    while (i > 0 && prec > static_cast<int64_t>(buf.size() - i)) buf[--i] = '0';
    if (sharp_) {
      switch (base) {
        case 2:
          buf[--i] = 'b';
          buf[--i] = '0';
          break;
        case 8:
          if (buf[i] != '0') buf[--i] = '0';
          break;
        case 16:
          buf[--i] = digits[16];
          buf[--i] = '0';
          break;
      }
    }
    if (verb == 'O') {
      buf[--i] = 'o';
      buf[--i] = '0';
    }
    if (negative) {
      buf[--i] = '-';
    } else if (plus_) {
      buf[--i] = '+';
    } else if (space_) {
      buf[--i] = ' ';
    }
    bool old = zero_;
    zero_ = false;
    pad(std::string_view(buf).substr(i));
    zero_ = old;
  }

  void fmt_unicode(uint64_t u) {
    std::string tail;
    int64_t prec = 4;
    if (prec_present_ && prec_ > 4) prec = prec_;
    if (sharp_ && u <= 0x10FFFF && go_is_print(static_cast<uint32_t>(u))) {
      tail = " '";
      append_rune(tail, static_cast<uint32_t>(u));
      tail += "'";
    }
    std::string hex;
    do {
      hex.insert(hex.begin(), kUDigits[u & 0xF]);
      u >>= 4;
      --prec;
    } while (u > 0);
    while (prec > 0) {
      hex.insert(hex.begin(), '0');
      --prec;
    }
    bool old = zero_;
    zero_ = false;
    pad("U+" + hex + tail);
    zero_ = old;
  }

  void fmt_float(const Value& v, double f, int size, uint32_t verb) {
    switch (verb) {
      case 'v':
        fmt_float_impl(f, size, 'g', -1);
        return;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        fmt_float_impl(f, size, static_cast<char>(verb), -1);
        return;
      case 'f':
      case 'e':
      case 'E':
        fmt_float_impl(f, size, static_cast<char>(verb), 6);
        return;
      case 'F':
        fmt_float_impl(f, size, 'f', 6);
        return;
      default:
        bad_verb(v, verb);
    }
  }

  static std::string format_float(double v, char fmt, int prec, int size) {
    if (fmt == 'b' || fmt == 'x' || fmt == 'X') {
      // Rare binary/hex float forms: C's %a is close to Go's %x for 'x'.
      char buf[64];
      std::snprintf(buf, sizeof buf, fmt == 'X' ? "%A" : "%a", v);
      return buf;
    }
    if (size == 32 && prec < 0 && fmt == 'g') return core::go_format_float32(v);
    return core::go_format_float(v, fmt, prec);
  }

  void fmt_float_impl(double v, int size, char verb, int prec) {
    if (prec_present_) prec = static_cast<int>(prec_);
    std::string num = "+" + format_float(v, verb, prec, size);
    if (num[1] == '-' || num[1] == '+') {
      num = num.substr(1);
    }
    if (space_ && num[0] == '+' && !plus_) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old = zero_;
      zero_ = false;
      if (num[1] == 'N' && !space_ && !plus_) num = num.substr(1);
      pad(num);
      zero_ = old;
      return;
    }
    if (sharp_ && verb != 'b') {
      int digits = 0;
      if (verb == 'v' || verb == 'g' || verb == 'G' || verb == 'x') {
        digits = prec;
        if (digits == -1) digits = 6;
      }
      std::string tail;
      bool has_dot = false, saw_nonzero = false;
      for (size_t i = 1; i < num.size(); ++i) {
        char c = num[i];
        if (c == '.') {
          has_dot = true;
        } else if (c == 'p' || c == 'P') {
          tail = num.substr(i);
          num.resize(i);
          break;
        } else if ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X') {
          tail = num.substr(i);
          num.resize(i);
          break;
        } else {
          if (c != '0') saw_nonzero = true;
          if (saw_nonzero) --digits;
        }
      }
      if (!has_dot) {
        if (num.size() == 2 && num[1] == '0') --digits;
        num.push_back('.');
      }
      while (digits > 0) {
        num.push_back('0');
        --digits;
      }
      num += tail;
    }
    if (plus_ || num[0] != '+') {
      if (zero_ && wid_present_ && wid_ > static_cast<int64_t>(num.size())) {
        buf_.push_back(num[0]);
        write_padding(wid_ - static_cast<int64_t>(num.size()));
        buf_.append(num, 1);
        return;
      }
      pad(num);
      return;
    }
    pad(std::string_view(num).substr(1));
  }

  void fmt_s(std::string_view s) { pad_string(truncate(s)); }

  void fmt_sbx(std::string_view s, const char* digits) {
    int64_t length = static_cast<int64_t>(s.size());
    if (prec_present_ && prec_ < length) length = prec_;
    int64_t width = 2 * length;
    if (width > 0) {
      if (space_) {
        if (sharp_) width *= 2;
        width += length - 1;
      } else if (sharp_) {
        width += 2;
      }
    } else {
      if (wid_present_) write_padding(wid_);
      return;
    }
    if (wid_present_ && wid_ > width && !minus_) write_padding(wid_ - width);
    if (sharp_) {
      buf_.push_back('0');
      buf_.push_back(digits[16]);
    }
    for (int64_t i = 0; i < length; ++i) {
      if (space_ && i > 0) {
        buf_.push_back(' ');
        if (sharp_) {
          buf_.push_back('0');
          buf_.push_back(digits[16]);
        }
      }
      unsigned char c = static_cast<unsigned char>(s[static_cast<size_t>(i)]);
      buf_.push_back(digits[c >> 4]);
      buf_.push_back(digits[c & 0xF]);
    }
    if (wid_present_ && wid_ > width && minus_) write_padding(wid_ - width);
  }

  void fmt_q(std::string_view s) {
    s = truncate(s);
    if (sharp_ && go_can_backquote(s)) {
      pad_string("`" + std::string(s) + "`");
      return;
    }
    pad(go_quote(s, plus_));
  }

  void fmt_string(const Value& v, std::string_view s, uint32_t verb) {
    switch (verb) {
      case 'v':
        if (sharp_v_) {
          fmt_q(s);
        } else {
          fmt_s(s);
        }
        return;
      case 's':
        fmt_s(s);
        return;
      case 'x':
        fmt_sbx(s, kLDigits);
        return;
      case 'X':
        fmt_sbx(s, kUDigits);
        return;
      case 'q':
        fmt_q(s);
        return;
      default:
        bad_verb(v, verb);
    }
  }

  void fmt_bytes(const Value& v, std::string_view b, uint32_t verb, std::string_view type_string) {
    switch (verb) {
      case 'v':
      case 'd':
        if (sharp_v_) {
          buf_.append(type_string);
          if (v.kind() == Kind::kBytes && v.heap() == nullptr && b.empty()) {
            buf_ += "{}";
            return;
          }
          buf_.push_back('{');
          for (size_t i = 0; i < b.size(); ++i) {
            if (i > 0) buf_ += ", ";
            fmt_0x64(static_cast<unsigned char>(b[i]), true);
          }
          buf_.push_back('}');
        } else {
          buf_.push_back('[');
          for (size_t i = 0; i < b.size(); ++i) {
            if (i > 0) buf_.push_back(' ');
            fmt_integer_base(static_cast<unsigned char>(b[i]), 10, false, verb, kLDigits);
          }
          buf_.push_back(']');
        }
        return;
      case 's':
        pad(truncate(b));
        return;
      case 'x':
        fmt_sbx(b, kLDigits);
        return;
      case 'X':
        fmt_sbx(b, kUDigits);
        return;
      case 'q':
        fmt_q(b);
        return;
      default: {
        // printValue of the []byte as a slice of uint8
        std::vector<Value> items;
        for (char c : b)
          items.push_back(Value::uinteger(static_cast<unsigned char>(c), GoType::kUint8));
        buf_.push_back('[');
        for (size_t i = 0; i < items.size(); ++i) {
          if (i > 0) buf_.push_back(' ');
          print_value(items[i], verb, 1);
        }
        buf_.push_back(']');
      }
    }
  }

  void fmt_pointer(const Value& v, uint32_t verb) {
    // Addresses are not stable in Go either; print something of the same shape.
    uintptr_t u = reinterpret_cast<uintptr_t>(v.heap());
    switch (v.kind()) {
      case Kind::kMap:
      case Kind::kSlice:
      case Kind::kObject:
        break;
      default:
        bad_verb(v, verb);
        return;
    }
    if (verb == 'v') {
      if (u == 0) {
        pad_string("<nil>");
      } else {
        fmt_0x64(u, !sharp_);
      }
    } else if (verb == 'p') {
      fmt_0x64(u, !sharp_);
    } else if (verb == 'b' || verb == 'o' || verb == 'd' || verb == 'x' || verb == 'X') {
      fmt_integer(v, u, false, verb);
    } else {
      bad_verb(v, verb);
    }
  }

  // error / Stringer (Object::stringer) for %v %s %x %X %q.
  bool handle_methods(const Value& v, uint32_t verb) {
    if (erroring_) return false;
    if (v.kind() != Kind::kObject || sharp_v_) return false;
    if (verb != 'v' && verb != 's' && verb != 'x' && verb != 'X' && verb != 'q') return false;
    std::string s;
    if (!v.object_ptr()->stringer(&s)) return false;
    fmt_string(v, s, verb);
    return true;
  }

  void print_value(const Value& value, uint32_t verb, int depth) {
    if (depth > kMaxValueDepth) {
      throw FuncError("fmt: value nested more than " + std::to_string(kMaxValueDepth) +
                      " levels deep (does a map or list contain itself?)");
    }
    if (buf_.size() - start_ > max_bytes_) {
      throw FuncError("fmt: printed value exceeds " + std::to_string(max_bytes_) + " bytes");
    }
    if (depth > 0 && value.valid() && value.kind() != Kind::kNil) {
      if (handle_methods(value, verb)) return;
    }
    switch (value.kind()) {
      case Kind::kInvalid:
        if (depth == 0) {
          buf_ += "<invalid reflect.Value>";
        } else if (verb == 'v') {
          buf_ += "<nil>";
        } else {
          bad_verb(value, verb);
        }
        return;
      case Kind::kNil:
        if (sharp_v_) {
          buf_ += "interface {}(nil)";
        } else {
          buf_ += "<nil>";
        }
        return;
      case Kind::kBool:
        fmt_bool(value, verb);
        return;
      case Kind::kInt:
        fmt_integer(value, static_cast<uint64_t>(value.as_int()), true, verb);
        return;
      case Kind::kUint:
        fmt_integer(value, value.as_uint(), false, verb);
        return;
      case Kind::kFloat:
        fmt_float(value, value.as_float(), value.type() == GoType::kFloat32 ? 32 : 64, verb);
        return;
      case Kind::kString:
        fmt_string(value, value.str(), verb);
        return;
      case Kind::kBytes:
        if (verb == 's' || verb == 'q' || verb == 'x' || verb == 'X') {
          fmt_bytes(value, value.str(), verb, "[]uint8");
          return;
        }
        {
          std::string_view b = value.str();
          if (sharp_v_) {
            buf_ += "[]byte{";
            for (size_t i = 0; i < b.size(); ++i) {
              if (i > 0) buf_ += ", ";
              fmt_0x64(static_cast<unsigned char>(b[i]), true);
            }
            buf_.push_back('}');
            return;
          }
          buf_.push_back('[');
          for (size_t i = 0; i < b.size(); ++i) {
            if (i > 0) buf_.push_back(' ');
            print_value(Value::uinteger(static_cast<unsigned char>(b[i]), GoType::kUint8), verb,
                        depth + 1);
          }
          buf_.push_back(']');
        }
        return;
      case Kind::kMap: {
        const MapObj* m = value.map_obj();
        if (sharp_v_) {
          buf_ += value.type_name();
          if (!m) {
            buf_ += "(nil)";
            return;
          }
          buf_.push_back('{');
        } else {
          buf_ += "map[";
        }
        if (m) {
          bool first = true;
          for (const auto& e : m->entries()) {
            if (!first) buf_ += sharp_v_ ? ", " : " ";
            first = false;
            print_value(e.key, verb, depth + 1);
            buf_.push_back(':');
            print_value(e.value, verb, depth + 1);
          }
        }
        buf_.push_back(sharp_v_ ? '}' : ']');
        return;
      }
      case Kind::kSlice: {
        const auto& items = value.items();
        if (sharp_v_) {
          buf_ += value.type_name();
          if (value.heap() == nullptr) {
            buf_ += "(nil)";
            return;
          }
          buf_.push_back('{');
          for (size_t i = 0; i < items.size(); ++i) {
            if (i > 0) buf_ += ", ";
            print_value(items[i], verb, depth + 1);
          }
          buf_.push_back('}');
          return;
        }
        buf_.push_back('[');
        for (size_t i = 0; i < items.size(); ++i) {
          if (i > 0) buf_.push_back(' ');
          print_value(items[i], verb, depth + 1);
        }
        buf_.push_back(']');
        return;
      }
      case Kind::kObject: {
        const Object* o = value.object_ptr();
        if (o->is_pointer() && depth > 0) {
          fmt_pointer(value, verb);
          return;
        }
        if (o->is_pointer()) buf_.push_back('&');
        if (sharp_v_) buf_ += o->type_name();
        buf_.push_back('{');
        for (size_t i = 0; i < o->num_fields(); ++i) {
          if (i > 0) buf_ += sharp_v_ ? ", " : " ";
          if (plus_v_ || sharp_v_) {
            buf_.append(o->field_name(i));
            buf_.push_back(':');
          }
          print_value(o->field_at(i), verb, depth + 1);
        }
        buf_.push_back('}');
        return;
      }
    }
  }

  std::string& buf_;
  size_t start_;      // buf_'s size when this print began
  size_t max_bytes_;  // how much it may append
  bool wid_present_ = false, prec_present_ = false, minus_ = false, plus_ = false, sharp_ = false,
       space_ = false, zero_ = false, plus_v_ = false, sharp_v_ = false;
  int64_t wid_ = 0, prec_ = 0;
  bool reordered_ = false, good_arg_num_ = true, erroring_ = false;
};

}  // namespace

void go_sprint(std::string& out, std::span<const Value> args) {
  Printer(out).do_print(args);
}
void go_sprintln(std::string& out, std::span<const Value> args) {
  Printer(out).do_println(args);
}
void go_sprintf(std::string& out, std::string_view format, std::span<const Value> args) {
  Printer(out).do_printf(format, args);
}
void go_print_value(std::string& out, const Value& v, size_t max_bytes) {
  Printer p(out, max_bytes);
  p.print_arg(v, 'v');
}

}  // namespace oc::helm
