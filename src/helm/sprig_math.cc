// Sprig's numeric.go and the arithmetic in functions.go: integer math on cast.ToInt64 values
// (wrapping like Go's int64), float math, and the *f functions, which go through
// shopspring/decimal (exact decimal add/sub/mul, division rounded to 16 places).
#include <openssl/bn.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <random>

#include "core/scalar.h"
#include "helm/func_util.h"
#include "helm/go_strconv.h"

namespace oc::helm {

namespace {

int64_t wrap_add(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}
int64_t wrap_sub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) - static_cast<uint64_t>(b));
}
int64_t wrap_mul(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

Value i64(int64_t v) {
  return Value::integer(v, GoType::kInt64);
}

Value f_add1(CallCtx&, Args a) {
  return i64(wrap_add(cast_to_int64(a[0]), 1));
}
Value f_add(CallCtx&, Args a) {
  int64_t s = 0;
  for (const Value& v : a) s = wrap_add(s, cast_to_int64(v));
  return i64(s);
}
Value f_sub(CallCtx&, Args a) {
  return i64(wrap_sub(cast_to_int64(a[0]), cast_to_int64(a[1])));
}
Value f_div(CallCtx&, Args a) {
  int64_t x = cast_to_int64(a[0]), y = cast_to_int64(a[1]);
  if (y == 0) func_fail("runtime error: integer divide by zero");
  if (x == INT64_MIN && y == -1) return i64(x);
  return i64(x / y);
}
Value f_mod(CallCtx&, Args a) {
  int64_t x = cast_to_int64(a[0]), y = cast_to_int64(a[1]);
  if (y == 0) func_fail("runtime error: integer divide by zero");
  if (y == -1) return i64(0);
  return i64(x % y);
}
Value f_mul(CallCtx&, Args a) {
  int64_t v = cast_to_int64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) v = wrap_mul(v, cast_to_int64(a[i]));
  return i64(v);
}
Value f_rand_int(CallCtx&, Args a) {
  int64_t lo = a[0].as_int(), hi = a[1].as_int();
  if (hi - lo <= 0) func_fail("invalid argument to Intn");
  std::random_device rd;
  std::uniform_int_distribution<int64_t> dist(0, hi - lo - 1);
  return Value::integer(dist(rd) + lo);
}
Value f_max(CallCtx&, Args a) {
  int64_t m = cast_to_int64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) m = std::max(m, cast_to_int64(a[i]));
  return i64(m);
}
Value f_min(CallCtx&, Args a) {
  int64_t m = cast_to_int64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) m = std::min(m, cast_to_int64(a[i]));
  return i64(m);
}
// math.Max / math.Min (NaN wins; +0 > -0).
double go_max(double x, double y) {
  if (std::isinf(x) && x > 0) return x;
  if (std::isinf(y) && y > 0) return y;
  if (std::isnan(x) || std::isnan(y)) return std::nan("");
  if (x == 0 && x == y) return std::signbit(x) ? y : x;
  return x > y ? x : y;
}
double go_min(double x, double y) {
  if (std::isinf(x) && x < 0) return x;
  if (std::isinf(y) && y < 0) return y;
  if (std::isnan(x) || std::isnan(y)) return std::nan("");
  if (x == 0 && x == y) return std::signbit(x) ? x : y;
  return x < y ? x : y;
}
Value f_maxf(CallCtx&, Args a) {
  double m = cast_to_float64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) m = go_max(m, cast_to_float64(a[i]));
  return Value::floating(m);
}
Value f_minf(CallCtx&, Args a) {
  double m = cast_to_float64(a[0]);
  for (size_t i = 1; i < a.size(); ++i) m = go_min(m, cast_to_float64(a[i]));
  return Value::floating(m);
}
Value f_ceil(CallCtx&, Args a) {
  return Value::floating(std::ceil(cast_to_float64(a[0])));
}
Value f_floor(CallCtx&, Args a) {
  return Value::floating(std::floor(cast_to_float64(a[0])));
}
Value f_round(CallCtx&, Args a) {
  double round_on = a.size() > 2 ? a[2].as_float() : 0.5;
  double val = cast_to_float64(a[0]);
  double places = static_cast<double>(a[1].as_int());
  double pw = std::pow(10, places);
  double digit = pw * val;
  double ip;
  double frac = std::modf(digit, &ip);
  double r = frac >= round_on ? std::ceil(digit) : std::floor(digit);
  return Value::floating(r / pw);
}
Value f_atoi(CallCtx&, Args a) {
  auto v = go_parse_int(a[0].str(), 10);
  return Value::integer(v ? *v : 0);
}
Value f_int64(CallCtx&, Args a) {
  return i64(cast_to_int64(a[0]));
}
Value f_int(CallCtx&, Args a) {
  return Value::integer(cast_to_int64(a[0]));
}
Value f_float64(CallCtx&, Args a) {
  return Value::floating(cast_to_float64(a[0]));
}
Value f_to_decimal(CallCtx&, Args a) {
  auto v = go_parse_int(go_sprint1(a[0]), 8);
  return i64(v ? *v : 0);
}

// --- shopspring/decimal, the parts the *f functions use ---
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;

Bn bn_new() {
  return Bn(BN_new());
}
Bn bn_dup(const BIGNUM* b) {
  return Bn(BN_dup(b));
}

struct CtxFree {
  void operator()(BN_CTX* c) const { BN_CTX_free(c); }
};

class Decimal {
 public:
  Decimal() : v_(bn_new()) {}
  Decimal(Bn v, int64_t exp) : v_(std::move(v)), exp_(exp) {}
  Decimal(const Decimal& o) : v_(bn_dup(o.v_.get())), exp_(o.exp_) {}
  Decimal& operator=(const Decimal& o) {
    v_ = bn_dup(o.v_.get());
    exp_ = o.exp_;
    return *this;
  }

  // NewFromFloat: the shortest decimal that round-trips.
  static Decimal from_float(double f) {
    if (std::isnan(f) || std::isinf(f))
      func_fail("Cannot create a Decimal from " + core::go_format_float(f));
    if (f == 0) return Decimal(bn_new(), 0);
    std::string e = core::go_format_float(f, 'e', -1);  // "-1.2345e+06"
    bool neg = e[0] == '-';
    if (neg) e.erase(0, 1);
    size_t epos = e.find('e');
    std::string mant = e.substr(0, epos);
    int64_t exp10 = std::strtoll(e.c_str() + epos + 1, nullptr, 10);
    std::string digits;
    for (char c : mant) {
      if (c != '.') digits.push_back(c);
    }
    int64_t frac = static_cast<int64_t>(digits.size()) - 1;
    BIGNUM* b = nullptr;
    BN_dec2bn(&b, digits.c_str());
    if (neg) BN_set_negative(b, 1);
    return Decimal(Bn(b), exp10 - frac);
  }

  static Decimal make(int64_t v, int64_t exp) {
    Bn b = bn_new();
    BN_set_word(b.get(), static_cast<BN_ULONG>(v < 0 ? -v : v));
    if (v < 0) BN_set_negative(b.get(), 1);
    return Decimal(std::move(b), exp);
  }

  Decimal rescaled(int64_t exp) const {
    // exp <= exp_: multiply the value by 10^(exp_-exp)
    Bn out = bn_dup(v_.get());
    if (exp_ > exp) {
      std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
      Bn p = pow10(exp_ - exp, ctx.get());
      BN_mul(out.get(), out.get(), p.get(), ctx.get());
    }
    return Decimal(std::move(out), exp);
  }

  static Bn pow10(int64_t n, BN_CTX* ctx) {
    if (n > 100000) func_fail("overflow in decimal arithmetic");
    Bn ten = bn_new(), e = bn_new(), r = bn_new();
    BN_set_word(ten.get(), 10);
    BN_set_word(e.get(), static_cast<BN_ULONG>(n));
    BN_exp(r.get(), ten.get(), e.get(), ctx);
    return r;
  }

  Decimal add(const Decimal& o) const {
    int64_t e = std::min(exp_, o.exp_);
    Decimal a = rescaled(e), b = o.rescaled(e);
    Bn r = bn_new();
    BN_add(r.get(), a.v_.get(), b.v_.get());
    return Decimal(std::move(r), e);
  }
  Decimal sub(const Decimal& o) const {
    int64_t e = std::min(exp_, o.exp_);
    Decimal a = rescaled(e), b = o.rescaled(e);
    Bn r = bn_new();
    BN_sub(r.get(), a.v_.get(), b.v_.get());
    return Decimal(std::move(r), e);
  }
  Decimal mul(const Decimal& o) const {
    std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
    Bn r = bn_new();
    BN_mul(r.get(), v_.get(), o.v_.get(), ctx.get());
    return Decimal(std::move(r), exp_ + o.exp_);
  }
  int cmp(const Decimal& o) const {
    int64_t e = std::min(exp_, o.exp_);
    Decimal a = rescaled(e), b = o.rescaled(e);
    return BN_cmp(a.v_.get(), b.v_.get());
  }
  Decimal abs() const {
    Bn r = bn_dup(v_.get());
    BN_set_negative(r.get(), 0);
    return Decimal(std::move(r), exp_);
  }
  int sign() const { return BN_is_zero(v_.get()) ? 0 : (BN_is_negative(v_.get()) ? -1 : 1); }

  // DivRound(d2, 16)
  Decimal div(const Decimal& d2) const {
    const int64_t precision = 16;
    if (d2.sign() == 0) func_fail("decimal division by 0");
    std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
    int64_t scale = -precision;
    int64_t e = exp_ - d2.exp_ - scale;
    Bn aa = bn_new(), bb = bn_new();
    int64_t scalerest;
    if (e < 0) {
      BN_copy(aa.get(), v_.get());
      Bn p = pow10(-e, ctx.get());
      BN_mul(bb.get(), d2.v_.get(), p.get(), ctx.get());
      scalerest = exp_;
    } else {
      Bn p = pow10(e, ctx.get());
      BN_mul(aa.get(), v_.get(), p.get(), ctx.get());
      BN_copy(bb.get(), d2.v_.get());
      scalerest = scale + d2.exp_;
    }
    Bn q = bn_new(), r = bn_new();
    BN_div(q.get(), r.get(), aa.get(), bb.get(), ctx.get());
    Decimal dq(std::move(q), scale);
    Bn rv2 = bn_dup(r.get());
    BN_set_negative(rv2.get(), 0);
    BN_lshift1(rv2.get(), rv2.get());
    Decimal r2(std::move(rv2), scalerest + precision);
    if (r2.cmp(d2.abs()) < 0) return dq;
    if (sign() * d2.sign() < 0) return dq.sub(make(1, -precision));
    return dq.add(make(1, -precision));
  }

  double to_float() const {
    char* s = BN_bn2dec(v_.get());
    std::string text = std::string(s) + "e" + std::to_string(exp_);
    OPENSSL_free(s);
    return std::strtod(text.c_str(), nullptr);
  }

 private:
  Bn v_;
  int64_t exp_ = 0;
};

enum class Op { kAdd, kSub, kMul, kDiv };

double decimal_op(const Value& first, Args rest, Op op) {
  Decimal acc = Decimal::from_float(cast_to_float64(first));
  for (const Value& x : rest) {
    Decimal d = Decimal::from_float(cast_to_float64(x));
    switch (op) {
      case Op::kAdd:
        acc = acc.add(d);
        break;
      case Op::kSub:
        acc = acc.sub(d);
        break;
      case Op::kMul:
        acc = acc.mul(d);
        break;
      case Op::kDiv:
        acc = acc.div(d);
        break;
    }
  }
  return acc.to_float();
}

Value f_add1f(CallCtx&, Args a) {
  Value one = Value::integer(1);
  return Value::floating(decimal_op(a[0], Args(&one, 1), Op::kAdd));
}
Value f_addf(CallCtx&, Args a) {
  Value zero = Value::floating(0);
  return Value::floating(decimal_op(zero, a, Op::kAdd));
}
Value f_subf(CallCtx&, Args a) {
  return Value::floating(decimal_op(a[0], a.subspan(1), Op::kSub));
}
Value f_mulf(CallCtx&, Args a) {
  return Value::floating(decimal_op(a[0], a.subspan(1), Op::kMul));
}
Value f_divf(CallCtx&, Args a) {
  return Value::floating(decimal_op(a[0], a.subspan(1), Op::kDiv));
}

}  // namespace

void add_sprig_math_funcs(FuncTable& t) {
  using P = Param;
  def(t, "add1", {P::kAny}, f_add1);
  def(t, "add", {P::kAny}, f_add, true);
  def(t, "sub", {P::kAny, P::kAny}, f_sub);
  def(t, "div", {P::kAny, P::kAny}, f_div);
  def(t, "mod", {P::kAny, P::kAny}, f_mod);
  def(t, "mul", {P::kAny, P::kAny}, f_mul, true);
  def(t, "randInt", {P::kInt, P::kInt}, f_rand_int);
  def(t, "add1f", {P::kAny}, f_add1f);
  def(t, "addf", {P::kAny}, f_addf, true);
  def(t, "subf", {P::kAny, P::kAny}, f_subf, true);
  def(t, "divf", {P::kAny, P::kAny}, f_divf, true);
  def(t, "mulf", {P::kAny, P::kAny}, f_mulf, true);
  def(t, "biggest", {P::kAny, P::kAny}, f_max, true);
  def(t, "max", {P::kAny, P::kAny}, f_max, true);
  def(t, "min", {P::kAny, P::kAny}, f_min, true);
  def(t, "maxf", {P::kAny, P::kAny}, f_maxf, true);
  def(t, "minf", {P::kAny, P::kAny}, f_minf, true);
  def(t, "ceil", {P::kAny}, f_ceil);
  def(t, "floor", {P::kAny}, f_floor);
  def(t, "round", {P::kAny, P::kInt, P::kFloat64}, f_round, true);
  def(t, "atoi", {P::kString}, f_atoi);
  def(t, "int64", {P::kAny}, f_int64);
  def(t, "int", {P::kAny}, f_int);
  def(t, "float64", {P::kAny}, f_float64);
  def(t, "toDecimal", {P::kAny}, f_to_decimal);
}

}  // namespace oc::helm
