// Bad input gives clear errors (template, line, column, the failing action), Helm's
// required/fail messages come through verbatim, and recursion, loops, output and collections are
// bounded.
#include <gtest/gtest.h>

#include "chart_support.h"

namespace oc::helm {
namespace {

using testing::chart_yaml;
using testing::render_dir;
using testing::write_chart;

// Expected messages below are what the helm oracle (Go text/template + Helm's engine.go error
// rewriting) prints for the same chart. Go's parse errors carry only the line; the column we add
// is that of the token the parser stopped at.
TEST(BadInput, ParseErrorNamesTemplateLineAndColumn) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                                {"templates/cm.yaml", "a: 1\nb: {{ .Values.x }\nc: 2\n"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "parse error at (demo/templates/cm.yaml:2): unexpected \"}\" in operand");
  EXPECT_EQ(r.error().file, "demo/templates/cm.yaml");
  EXPECT_EQ(r.error().line, 2);
  EXPECT_EQ(r.error().column, 17);  // the lone "}"
}

TEST(BadInput, UnclosedActionNamesWhereTheActionStarted) {
  test::TempDir dir;
  auto path = write_chart(
      dir, {{"Chart.yaml", chart_yaml("demo")}, {"templates/cm.yaml", "a: 1\nb: {{ .Values.x\n"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "parse error at (demo/templates/cm.yaml:3): unclosed action started at "
            "demo/templates/cm.yaml:2");
  EXPECT_EQ(r.error().line, 3);
}

// Since Go 1.16 an action may span lines, so an unclosed action followed by more text is parsed
// on: "c" becomes a function call (helm oracle: `template: demo/templates/cm.yaml:3: function
// "c" not defined`), not "unclosed action".
TEST(BadInput, ActionsMaySpanLinesSoTheNextWordIsParsedAsAFunction) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                                {"templates/cm.yaml", "a: 1\nb: {{ .Values.x\nc: 2\n"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "parse error at (demo/templates/cm.yaml:3): function \"c\" not defined");
  EXPECT_EQ(r.error().line, 3);
  EXPECT_EQ(r.error().column, 1);
}

TEST(BadInput, UnknownFunctionIsAParseError) {
  test::TempDir dir;
  auto path = write_chart(
      dir, {{"Chart.yaml", chart_yaml("demo")}, {"templates/cm.yaml", "x: {{ nosuch 1 }}\n"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "parse error at (demo/templates/cm.yaml:1): function \"nosuch\" not defined");
}

TEST(BadInput, ExecutionErrorNamesTemplateAndFailingAction) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                                {"templates/cm.yaml", "a: 1\nb: {{ .Values.a.b }}\n"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "template: demo/templates/cm.yaml:2:13: executing \"demo/templates/cm.yaml\" at "
            "<.Values.a.b>: nil pointer evaluating interface {}.b");
  // Go prints the byte offset in the line (0-based) of the failing node, here ".a" of
  // ".Values.a.b"; our Error's column is 1-based.
  EXPECT_EQ(r.error().line, 2);
  EXPECT_EQ(r.error().column, 14);
}

TEST(BadInput, ErrorInsideHelperNamesTheHelperFile) {
  test::TempDir dir;
  auto path =
      write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                        {"templates/_helpers.tpl", "{{ define \"x\" }}\n{{ upper 3 }}\n{{ end }}"},
                        {"templates/cm.yaml", "{{ include \"x\" . }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.error().message,
      "template: demo/templates/cm.yaml:1:3: executing \"demo/templates/cm.yaml\" at <include "
      "\"x\" .>: error calling include: template: demo/templates/_helpers.tpl:2:9: executing "
      "\"x\" at <3>: expected string; found 3");
}

TEST(BadInput, RequiredMessageComesThroughVerbatim) {
  test::TempDir dir;
  auto path = write_chart(
      dir, {{"Chart.yaml", chart_yaml("demo")},
            {"templates/cm.yaml",
             "x: {{ required \"A valid .Values.host entry required!\" .Values.host }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.error().message,
      "execution error at (demo/templates/cm.yaml:1:6): A valid .Values.host entry required!");
}

// Helm's cleanupExecError keeps the outermost location (the include in the file being rendered)
// and the required message, whatever the include chain in between.
TEST(BadInput, RequiredInsideAHelperComesThroughVerbatimAtTheInclude) {
  test::TempDir dir;
  auto path = write_chart(
      dir, {{"Chart.yaml", chart_yaml("demo")},
            {"templates/_h.tpl",
             "{{ define \"h\" }}{{ required \"need .Values.host\" .Values.host }}{{ end }}"},
            {"templates/cm.yaml", "a: {{ include \"h\" . }}\n"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "execution error at (demo/templates/cm.yaml:1:6): need .Values.host");
}

TEST(BadInput, FailMessageComesThroughVerbatim) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                                {"templates/cm.yaml", "{{ fail \"mode 'x' is not supported\" }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "execution error at (demo/templates/cm.yaml:1:3): mode 'x' is not supported");
}

TEST(BadInput, IncludeRecursionIsBoundedLikeHelm) {
  test::TempDir dir;
  auto path =
      write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                        {"templates/cm.yaml",
                         "{{ define \"r\" }}{{ include \"r\" . }}{{ end }}{{ include \"r\" . }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(
                "rendering template has a nested reference name: r: unable to execute template"),
            std::string::npos)
      << r.error().message.substr(0, 300);
}

TEST(BadInput, MutualIncludeRecursionIsBounded) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                                {"templates/_h.tpl",
                                 "{{ define \"a\" }}{{ include \"b\" . }}{{ end }}{{ define \"b\" "
                                 "}}{{ include \"a\" . }}{{ end }}"},
                                {"templates/cm.yaml", "{{ include \"a\" . }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("nested reference name"), std::string::npos);
}

// 40 helpers including one another in a ring: no name reaches Helm's 1000, so only the stack
// bound stops it, thousands of levels deep. The error must stay small (nested levels pass a long
// message through instead of wrapping it again) and still name where the chain began and why it
// ended.
TEST(BadInput, IncludeChainsOverManyNamesEndAtTheStackBoundWithASmallError) {
  test::TempDir dir;
  std::string helpers;
  for (int i = 0; i < 40; ++i) {
    helpers += "{{ define \"h" + std::to_string(i) + "\" }}{{ include \"h" +
               std::to_string((i + 1) % 40) + "\" . }}{{ end }}";
  }
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                                {"templates/_h.tpl", helpers},
                                {"templates/cm.yaml", "{{ include \"h0\" . }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.error().message;
  EXPECT_EQ(m.rfind("template: demo/templates/cm.yaml:1:3: executing \"demo/templates/cm.yaml\" at "
                    "<include \"h0\" .>: error calling include: template: demo/templates/_h.tpl:",
                    0),
            0u)
      << m.substr(0, 300);
  EXPECT_NE(m.find("exceeded maximum template depth (nesting exhausts the 48 MiB stack limit)"),
            std::string::npos);
  EXPECT_LT(m.size(), size_t(512) << 10);
}

TEST(BadInput, TemplateRecursionIsBoundedWithoutCrashing) {
  test::TempDir dir;
  auto path = write_chart(
      dir, {{"Chart.yaml", chart_yaml("demo")},
            {"templates/cm.yaml",
             "{{ define \"t\" }}x{{ template \"t\" . }}{{ end }}{{ template \"t\" . }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("exceeded maximum template depth"), std::string::npos)
      << r.error().message.substr(0, 300);
}

TEST(BadInput, TplRecursionIsBounded) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                                {"values.yaml", "t: '{{ tpl .Values.t . }}'\n"},
                                {"templates/cm.yaml", "{{ tpl .Values.t . }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("exceeded maximum template depth"), std::string::npos)
      << r.error().message.substr(0, 300);
}

TEST(BadInput, OutputSizeIsBounded) {
  test::TempDir dir;
  auto path = write_chart(
      dir, {{"Chart.yaml", chart_yaml("demo")},
            {"templates/cm.yaml", "{{ range until 1000 }}{{ repeat 1000 \"x\" }}{{ end }}"}});
  RenderOptions opts;
  opts.limits.max_output_bytes = 100000;
  auto r = render_dir(path, "", opts);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("output exceeds the limit of 100000 bytes"), std::string::npos)
      << r.error().message;
}

TEST(BadInput, LoopStepsAreBounded) {
  test::TempDir dir;
  auto path = write_chart(
      dir,
      {{"Chart.yaml", chart_yaml("demo")},
       {"templates/cm.yaml", "{{ range until 10000 }}{{ range until 10000 }}{{ end }}{{ end }}"}});
  RenderOptions opts;
  opts.limits.max_steps = 1'000'000;
  auto r = render_dir(path, "", opts);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("exceeded the limit of 1000000 execution steps"),
            std::string::npos)
      << r.error().message;
}

TEST(BadInput, StringsBuiltByFunctionsAreBoundedLikeOutput) {
  test::TempDir dir;
  auto path =
      write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                        {"templates/cm.yaml",
                         "{{ $s := \"ab\" }}{{ range until 64 }}{{ $s = printf \"%s%s\" $s $s }}"
                         "{{ end }}{{ len $s }}"}});
  RenderOptions opts;
  opts.limits.max_output_bytes = 1 << 20;
  auto r = render_dir(path, "", opts);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(
      r.error().message.find("error calling printf: result of 2097152 bytes exceeds the limit of "
                             "1048576 bytes"),
      std::string::npos)
      << r.error().message;
}

// Go (since 1.20-ish) rejects more than 10000 nested parentheses with this message and lets
// control structures nest as deep as its growable stacks allow; we cap both at 1000 levels so a
// fixed stack cannot overflow (docs/helm.md, limits).
TEST(BadInput, DeepParenthesesAreAParseErrorNotACrash) {
  test::TempDir dir;
  const int n = 100000;
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                                {"templates/cm.yaml",
                                 "{{ " + std::string(n, '(') + "1" + std::string(n, ')') + " }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "parse error at (demo/templates/cm.yaml:1): max expression depth exceeded");
}

TEST(BadInput, DeepControlNestingIsAParseErrorNotACrash) {
  test::TempDir dir;
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "{{ if true }}";
  for (int i = 0; i < 100000; ++i) text += "{{ end }}";
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")}, {"templates/cm.yaml", text}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "parse error at (demo/templates/cm.yaml:1): max expression depth exceeded");
}

TEST(BadInput, LongElseIfChainIsAParseErrorNotACrash) {
  test::TempDir dir;
  std::string text = "{{ if false }}";
  for (int i = 0; i < 100000; ++i) text += "{{ else if false }}";
  text += "{{ end }}";
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")}, {"templates/cm.yaml", text}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "parse error at (demo/templates/cm.yaml:1): max expression depth exceeded");
}

TEST(BadInput, NestingUpToTheLimitRenders) {
  test::TempDir dir;
  std::string ifs;
  for (int i = 0; i < 500; ++i) ifs += "{{ if true }}";
  ifs += "{{ " + std::string(500, '(') + "1" + std::string(500, ')') + " }}";  // 1000 levels
  for (int i = 0; i < 500; ++i) ifs += "{{ end }}";
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")}, {"templates/cm.yaml", ifs}});
  auto r = render_dir(path);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->templates.at("demo/templates/cm.yaml"), "1");
}

// Found by fuzz/gotemplate_fuzz.cc (fuzz/corpus/gotemplate/regression-map-containing-itself.tpl):
// a map that contains itself overflowed the stack when printed. Go's fmt overflows too (a fatal
// error in Helm); every walk over values now stops at kMaxValueDepth with an error.
TEST(BadInput, Regression_MapContainingItselfIsAnErrorNotAStackOverflow) {
  const std::string cyclic = "{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" $d }}";
  struct Case {
    std::string expr, error;
  } cases[] = {
      {"{{ $d }}", "at <{{$d}}>: fmt: value nested more than 1000 levels deep"},
      {"{{ printf \"%v\" $d }}",
       "error calling printf: fmt: value nested more than 1000 levels deep"},
      {"{{ deepCopy $d }}",
       "error calling deepCopy: deepCopy: value nested more than 1000 levels deep"},
      {"{{ merge (dict) $d $d }}", "error calling merge: merge: maximum nesting depth exceeded"},
      {"{{ mergeOverwrite (dict) $d }}",
       "at <{{mergeOverwrite (dict) $d}}>: fmt: value nested more than 1000"},
      {"{{ mustToJson $d }}",
       "error calling mustToJson: json: unsupported value: encountered a cycle via "
       "map[string]interface {}"},
  };
  for (const auto& c : cases) {
    auto r = render_template_text(cyclic + c.expr, core::Node::mapping());
    ASSERT_FALSE(r.ok()) << c.expr;
    EXPECT_NE(r.error().message.find(c.error), std::string::npos)
        << c.expr << ": " << r.error().message;
  }
  // As in Go: toJson/toYaml give "" on a cycle; deepEqual's visited set says equal.
  auto json =
      render_template_text(cyclic + "[{{ toJson $d }}][{{ toYaml $d }}]", core::Node::mapping());
  ASSERT_TRUE(json.ok()) << json.error().message;
  EXPECT_EQ(*json, "[][]");
  auto eq = render_template_text(cyclic + "{{ deepEqual $d $d }}", core::Node::mapping());
  ASSERT_TRUE(eq.ok()) << eq.error().message;
  EXPECT_EQ(*eq, "true");
}

// `$l = list $l $l` sixty times is a value of 2^60 elements sharing its parts: printing,
// copying and encoding it must stop at a bound, comparing it must not take 2^60 steps.
TEST(BadInput, ExponentiallySharedValuesAreBounded) {
  const std::string big = "{{ $l := list 1 }}{{ range until 60 }}{{ $l = list $l $l }}{{ end }}";
  RenderOptions small;  // printing stops at the output limit; 1 MiB keeps the test quick
  small.limits.max_output_bytes = 1 << 20;
  auto p = render_template_text(big + "{{ $l }}", core::Node::mapping(), small);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message.find("fmt: printed value exceeds 1048576 bytes"), std::string::npos)
      << p.error().message;
  auto c = render_template_text(big + "{{ deepCopy $l }}", core::Node::mapping());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("deepCopy: value has more than 1000000 elements"),
            std::string::npos)
      << c.error().message;
  auto j = render_template_text(big + "{{ mustToJson $l }}", core::Node::mapping());
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.error().message.find("json: unsupported value: more than 1000000 elements"),
            std::string::npos)
      << j.error().message;
  auto e = render_template_text(big + "{{ deepEqual $l $l }}", core::Node::mapping());
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(*e, "true");
}

TEST(BadInput, HugeCollectionsAreRefused) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                                {"templates/cm.yaml", "{{ len (until 1000000000) }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("exceeds the limit"), std::string::npos) << r.error().message;
}

TEST(BadInput, HugeRepeatIsRefused) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("demo")},
                                {"templates/cm.yaml", "{{ repeat 2000000000 \"abc\" }}"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("error calling repeat"), std::string::npos) << r.error().message;
}

TEST(BadInput, MissingChartYaml) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"templates/cm.yaml", "x"}});
  auto r = load_chart(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "Chart.yaml file is missing");
}

TEST(BadInput, ChartYamlWithNumberVersion) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", "apiVersion: v2\nname: x\nversion: 1.0\n"}});
  auto r = load_chart(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(
                "cannot unmarshal number into Go struct field Metadata.version of type string"),
            std::string::npos)
      << r.error().message;
}

TEST(BadInput, ChartYamlInvalidVersion) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", "apiVersion: v2\nname: x\nversion: notsemver\n"}});
  auto r = load_chart(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "validation: chart.metadata.version \"notsemver\" is invalid");
}

TEST(BadInput, InvalidValuesYamlNamesTheFile) {
  test::TempDir dir;
  auto path = write_chart(dir, {{"Chart.yaml", chart_yaml("x")}, {"values.yaml", "a: [1, 2\n"}});
  auto r = load_chart(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cannot load values.yaml"), std::string::npos)
      << r.error().message;
}

TEST(BadInput, RenderedYamlThatDoesNotParseIsAnError) {
  test::TempDir dir;
  auto path =
      write_chart(dir, {{"Chart.yaml", chart_yaml("demo")}, {"templates/cm.yaml", "a: [1, 2\n"}});
  auto r = render_dir(path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("YAML parse error on demo/templates/cm.yaml"), std::string::npos)
      << r.error().message;
}

TEST(BadInput, GarbageArchiveIsRejected) {
  auto r = read_chart_archive("this is not gzip");
  ASSERT_FALSE(r.ok());
}

TEST(BadInput, SetSyntaxErrors) {
  ValueSources s;
  s.set = {"a.b"};
  auto r = merge_value_sources(s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "failed parsing --set data: key \"b\" has no value");
  s.set = {"a=1,"};
  EXPECT_TRUE(merge_value_sources(s).ok());
  s.set = {"a[x]=1"};
  EXPECT_FALSE(merge_value_sources(s).ok());
  s.set = {"a[-1]=1"};
  EXPECT_FALSE(merge_value_sources(s).ok());
}

}  // namespace
}  // namespace oc::helm
