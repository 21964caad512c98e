#include "core/scalar.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/yaml.h"

namespace oc::core {
namespace {

using T = Scalar::Type;

struct ResolveCase {
  const char* text;
  T yaml11;
  T yaml12;
};

// Plain-scalar typing under go-yaml v2 (Helm, kubectl) and v3 (kustomize, sops), from the
// resolve tables in go-yaml's resolve.go of each version.
const ResolveCase kResolveCases[] = {
    {"", T::kNull, T::kNull},
    {"~", T::kNull, T::kNull},
    {"null", T::kNull, T::kNull},
    {"Null", T::kNull, T::kNull},
    {"NULL", T::kNull, T::kNull},
    {"nULL", T::kString, T::kString},
    {"true", T::kBool, T::kBool},
    {"True", T::kBool, T::kBool},
    {"TRUE", T::kBool, T::kBool},
    {"tRUE", T::kString, T::kString},
    {"yes", T::kBool, T::kString},
    {"Yes", T::kBool, T::kString},
    {"y", T::kBool, T::kString},
    {"Y", T::kBool, T::kString},
    {"n", T::kBool, T::kString},
    {"no", T::kBool, T::kString},
    {"on", T::kBool, T::kString},
    {"Off", T::kBool, T::kString},
    {"0", T::kInt, T::kInt},
    {"-0", T::kInt, T::kInt},
    {"+12", T::kInt, T::kInt},
    {"0x1F", T::kInt, T::kInt},
    {"0o17", T::kInt, T::kInt},  // Go's ParseInt(s, 0, 64) reads 0o in both
    {"0777", T::kInt, T::kInt},
    {"08", T::kFloat, T::kFloat},  // not octal, so the float rule takes it
    {"0b101", T::kInt, T::kInt},
    {"-0b101", T::kInt, T::kInt},
    {"1_000", T::kInt, T::kInt},
    {"9223372036854775807", T::kInt, T::kInt},
    {"9223372036854775808", T::kUint, T::kUint},
    {"18446744073709551616", T::kFloat, T::kFloat},
    {"1e3", T::kFloat, T::kFloat},
    {"1.5", T::kFloat, T::kFloat},
    {".5", T::kFloat, T::kFloat},
    {"-.5", T::kFloat, T::kFloat},
    {"1.", T::kFloat, T::kFloat},
    {"1e400", T::kString, T::kString},  // ParseFloat overflow is an error → string
    {".inf", T::kFloat, T::kFloat},
    {"-.Inf", T::kFloat, T::kFloat},
    {".NaN", T::kFloat, T::kFloat},
    {".nAn", T::kString, T::kString},
    {"inf", T::kString, T::kString},
    {"2001-12-14", T::kString, T::kTimestamp},
    {"2001-12-14T21:59:43.10-05:00", T::kString, T::kTimestamp},
    {"2001-13-14", T::kString, T::kString},
    {"2001-02-29", T::kString, T::kString},
    {"1:20", T::kString, T::kString},
    {"<<", T::kString, T::kString},
    {"hello", T::kString, T::kString},
    {"-", T::kString, T::kString},
    {"+", T::kString, T::kString},
    {"0x", T::kString, T::kString},
};

class ResolveTest : public ::testing::TestWithParam<ResolveCase> {};

TEST_P(ResolveTest, MatchesGoYamlTables) {
  const ResolveCase& c = GetParam();
  EXPECT_EQ(int(resolve_plain(c.text, Schema::kYaml11).type), int(c.yaml11)) << c.text;
  EXPECT_EQ(int(resolve_plain(c.text, Schema::kYaml12).type), int(c.yaml12)) << c.text;
}

INSTANTIATE_TEST_SUITE_P(Table, ResolveTest, ::testing::ValuesIn(kResolveCases));

TEST(Resolve, ValuesAreDecodedLikeGo) {
  EXPECT_EQ(resolve_plain("0x1F", Schema::kYaml12).i, 31);
  EXPECT_EQ(resolve_plain("0777", Schema::kYaml11).i, 511);
  EXPECT_EQ(resolve_plain("0o17", Schema::kYaml12).i, 15);
  EXPECT_EQ(resolve_plain("-0b101", Schema::kYaml12).i, -5);
  EXPECT_EQ(resolve_plain("1_000", Schema::kYaml11).i, 1000);
  EXPECT_EQ(resolve_plain("9223372036854775808", Schema::kYaml11).u, 9223372036854775808ull);
  EXPECT_DOUBLE_EQ(resolve_plain("08", Schema::kYaml11).f, 8.0);
  EXPECT_TRUE(resolve_plain("yes", Schema::kYaml11).b);
  EXPECT_FALSE(resolve_plain("off", Schema::kYaml11).b);
  EXPECT_TRUE(std::isinf(resolve_plain("-.inf", Schema::kYaml12).f));
  EXPECT_EQ(resolve_plain("2001-12-14", Schema::kYaml12).s, "2001-12-14T00:00:00Z");
  EXPECT_EQ(resolve_plain("2001-12-14t21:59:43.10-05:00", Schema::kYaml12).s,
            "2001-12-14T21:59:43.1-05:00");
  EXPECT_EQ(resolve_plain("2001-12-14 21:59:43.10", Schema::kYaml12).s,
            "2001-12-14T21:59:43.1Z");
  EXPECT_EQ(resolve_plain("2001-1-2T3:4:5+00:00", Schema::kYaml12).s, "2001-01-02T03:04:05Z");
  // go-yaml v2 keeps timestamps as strings when decoding into interface{}.
  EXPECT_EQ(resolve_plain("2001-12-14", Schema::kYaml11).s, "2001-12-14");
}

TEST(Resolve, QuotedAndTaggedScalars) {
  auto docs = parse_yaml("a: 'yes'\nb: !!int '12'\nc: !!str 12\nd: !!float 3\ne: !Ref x\nf: !!int x\n");
  ASSERT_TRUE(docs.ok()) << docs.error().to_string();
  const Node& d = *docs;
  EXPECT_EQ(int(resolve(*d.find("a"), Schema::kYaml11)->type), int(T::kString));
  EXPECT_EQ(resolve(*d.find("b"), Schema::kYaml12)->i, 12);
  EXPECT_EQ(int(resolve(*d.find("c"), Schema::kYaml12)->type), int(T::kString));
  auto f = resolve(*d.find("d"), Schema::kYaml12);
  EXPECT_EQ(int(f->type), int(T::kFloat));
  EXPECT_DOUBLE_EQ(f->f, 3.0);
  EXPECT_EQ(resolve(*d.find("e"), Schema::kYaml12)->s, "x");
  auto bad = resolve(*d.find("f"), Schema::kYaml12);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "cannot decode !!str `x` as a !!int");
}

TEST(Resolve, NeedsQuotesLikeGoYamlV2) {
  for (const char* s : {"yes", "y", "on", "1", "1e3", "0x1", "null", "", "~", "2020-01-01",
                        "1:20", "190:20:30", ".inf", "true"}) {
    EXPECT_TRUE(needs_quotes_yaml11(s)) << s;
  }
  // "<<" reads as a plain string in go-yaml v2 (its first byte has no resolve hint).
  for (const char* s : {"hello", "1.2.3", "v1", "1:2:3:a", "yes please", "0x", "<<"}) {
    EXPECT_FALSE(needs_quotes_yaml11(s)) << s;
  }
}

struct FloatCase {
  double v;
  const char* g;
  const char* e;
  const char* f;
  const char* f2;
  const char* e3;
  const char* g3;
  const char* g10;
  const char* json;
  const char* g32;
};

// Printed by Go 1.19's strconv.FormatFloat and json.Marshal for the same values.
const FloatCase kFloats[] = {
    {1234567.0, "1.234567e+06", "1.234567e+06", "1234567", "1234567.00", "1.235e+06", "1.23e+06",
     "1234567", "1234567", "1.234567e+06"},
    {100000.0, "100000", "1e+05", "100000", "100000.00", "1.000e+05", "1e+05", "100000", "100000",
     "100000"},
    {0.0001, "0.0001", "1e-04", "0.0001", "0.00", "1.000e-04", "0.0001", "0.0001", "0.0001",
     "0.0001"},
    {0.00001, "1e-05", "1e-05", "0.00001", "0.00", "1.000e-05", "1e-05", "1e-05", "0.00001",
     "1e-05"},
    {1.5, "1.5", "1.5e+00", "1.5", "1.50", "1.500e+00", "1.5", "1.5", "1.5", "1.5"},
    {0.0, "0", "0e+00", "0", "0.00", "0.000e+00", "0", "0", "0", "0"},
    {-0.0, "-0", "-0e+00", "-0", "-0.00", "-0.000e+00", "-0", "-0", "-0", "-0"},
    {1e21, "1e+21", "1e+21", "1000000000000000000000", "1000000000000000000000.00", "1.000e+21",
     "1e+21", "1e+21", "1e+21", "1e+21"},
    {123456789012345678901.0, "1.2345678901234568e+20", "1.2345678901234568e+20",
     "123456789012345680000", "123456789012345683968.00", "1.235e+20", "1.23e+20",
     "1.23456789e+20", "123456789012345680000", "1.2345679e+20"},
    {1234.5678, "1234.5678", "1.2345678e+03", "1234.5678", "1234.57", "1.235e+03", "1.23e+03",
     "1234.5678", "1234.5678", "1234.5677"},
    {1e-7, "1e-07", "1e-07", "0.0000001", "0.00", "1.000e-07", "1e-07", "1e-07", "1e-7", "1e-07"},
    {1e20, "1e+20", "1e+20", "100000000000000000000", "100000000000000000000.00", "1.000e+20",
     "1e+20", "1e+20", "100000000000000000000", "1e+20"},
    {0.1, "0.1", "1e-01", "0.1", "0.10", "1.000e-01", "0.1", "0.1", "0.1", "0.1"},
    {2.5e-8, "2.5e-08", "2.5e-08", "0.000000025", "0.00", "2.500e-08", "2.5e-08", "2.5e-08",
     "2.5e-8", "2.5e-08"},
    {1e100, "1e+100", "1e+100",
     "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
     "0000000",
     "10000000000000000159028911097599180468360808563945281389781327557747838772170381060813469985"
     "856815104.00",
     "1.000e+100", "1e+100", "1e+100", "1e+100", "+Inf"},
};

class FloatFormatTest : public ::testing::TestWithParam<FloatCase> {};

TEST_P(FloatFormatTest, MatchesGoStrconv) {
  const FloatCase& c = GetParam();
  EXPECT_EQ(go_format_float(c.v, 'g', -1), c.g);
  EXPECT_EQ(go_format_float(c.v, 'e', -1), c.e);
  EXPECT_EQ(go_format_float(c.v, 'f', -1), c.f);
  EXPECT_EQ(go_format_float(c.v, 'f', 2), c.f2);
  EXPECT_EQ(go_format_float(c.v, 'e', 3), c.e3);
  EXPECT_EQ(go_format_float(c.v, 'g', 3), c.g3);
  EXPECT_EQ(go_format_float(c.v, 'g', 10), c.g10);
  EXPECT_EQ(*json_format_float(c.v), c.json);
  EXPECT_EQ(go_format_float32(c.v), c.g32);
}

INSTANTIATE_TEST_SUITE_P(Go, FloatFormatTest, ::testing::ValuesIn(kFloats));

TEST(FloatFormat, NonFiniteValues) {
  EXPECT_EQ(go_format_float(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(go_format_float(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(go_format_float(std::nan("")), "NaN");
  auto j = json_format_float(std::numeric_limits<double>::infinity());
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().message, "json: unsupported value: +Inf");
}

TEST(ParseNumbers, GoIntAndFloatRules) {
  EXPECT_EQ(go_parse_int("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_FALSE(go_parse_int("9223372036854775808").has_value());
  EXPECT_EQ(go_parse_uint("18446744073709551615"), std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(go_parse_uint("-1").has_value());
  EXPECT_EQ(go_parse_int("0"), 0);
  EXPECT_FALSE(go_parse_int("0x").has_value());
  EXPECT_FALSE(go_parse_int("1 ").has_value());
  EXPECT_DOUBLE_EQ(*go_parse_float("1e-400"), 0.0);  // underflow is not an error in Go
  EXPECT_FALSE(go_parse_float("1e400").has_value());
  EXPECT_FALSE(go_parse_float("inf").has_value());
  EXPECT_FALSE(go_parse_float("1.2.3").has_value());
  // Underscores between digits, as Go literals allow.
  EXPECT_DOUBLE_EQ(*go_parse_float(".51_000"), 0.51);
  EXPECT_DOUBLE_EQ(*go_parse_float("1_000.5"), 1000.5);
  EXPECT_FALSE(go_parse_float("1__0").has_value());
  EXPECT_FALSE(go_parse_float("_1").has_value());
  EXPECT_FALSE(go_parse_float("1_e5").has_value());
  EXPECT_EQ(int(resolve_plain(".5_1", Schema::kYaml11).type), int(T::kFloat));
}

TEST(JsonModel, NormalisesLikeKustomize) {
  auto doc = parse_yaml(
      "a: 0x10\nb: 1e3\nc: 1.50\nd: 2001-12-14\ne: yes\nf: ~\ng: 012\nh: 123456789012345678901\n");
  ASSERT_TRUE(doc.ok());
  auto m = to_json_model(*doc, Schema::kYaml12);
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  EXPECT_EQ(m->find("a")->text(), "16");
  EXPECT_EQ(m->find("b")->text(), "1000");
  EXPECT_EQ(m->find("c")->text(), "1.5");
  EXPECT_EQ(m->find("d")->text(), "2001-12-14T00:00:00Z");
  EXPECT_EQ(int(m->find("d")->type()), int(ScalarType::kString));
  EXPECT_EQ(m->find("e")->text(), "yes");
  EXPECT_EQ(int(m->find("e")->type()), int(ScalarType::kString));
  EXPECT_TRUE(m->find("f")->is_null());
  EXPECT_EQ(m->find("g")->text(), "10");
  EXPECT_EQ(m->find("h")->text(), "123456789012345680000");
  EXPECT_EQ(write_yaml(*m, YamlStyle::kustomize()),
            "a: 16\nb: 1000\nc: 1.5\nd: \"2001-12-14T00:00:00Z\"\ne: \"yes\"\nf: null\ng: 10\n"
            "h: 1.2345678901234568e+20\n");
}

TEST(JsonModel, HelmValuesUseYaml11) {
  auto doc = parse_yaml("enabled: yes\non: 1\n1.5: x\n10: y\n");
  ASSERT_TRUE(doc.ok());
  auto m = to_json_model(*doc, Schema::kYaml11);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(int(m->find("enabled")->type()), int(ScalarType::kBool));
  // Keys are converted the way sigs.k8s.io/yaml converts them.
  EXPECT_NE(m->find("true"), nullptr);
  EXPECT_NE(m->find("1.5"), nullptr);
  EXPECT_NE(m->find("10"), nullptr);
}

TEST(JsonModel, MergeKeysApplyWithExplicitKeysWinning) {
  auto doc = parse_yaml(
      "base: &b {x: 1, y: 2}\nother: &o {z: 3, x: 9}\nthing:\n  <<: [*b, *o]\n  y: 5\n");
  ASSERT_TRUE(doc.ok());
  auto m = to_json_model(*doc, Schema::kYaml12);
  ASSERT_TRUE(m.ok());
  const Node* t = m->find("thing");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->find("x")->text(), "1");
  EXPECT_EQ(t->find("y")->text(), "5");
  EXPECT_EQ(t->find("z")->text(), "3");
  EXPECT_EQ(t->find("<<"), nullptr);
}

TEST(JsonModel, InfinityIsAnErrorWithPosition) {
  auto doc = parse_yaml("a:\n  b: .inf\n");
  ASSERT_TRUE(doc.ok());
  auto m = to_json_model(*doc, Schema::kYaml12);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().line, 2);
  EXPECT_EQ(m.error().column, 6);
  EXPECT_NE(m.error().message.find("unsupported value"), std::string::npos);
}

}  // namespace
}  // namespace oc::core
