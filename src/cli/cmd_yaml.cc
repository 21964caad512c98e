// `opencenter yaml fmt`: parse YAML or JSON and write it back (a debugging aid for the
// document tree, and a formatter that keeps comments).
#include <iostream>
#include <iterator>
#include <sys/stat.h>

#include "cli/command.h"
#include "core/file.h"
#include "core/json.h"
#include "core/scalar.h"
#include "core/yaml.h"

namespace oc::cli {

namespace {

bool looks_like_json(const std::string& path, std::string_view text) {
  if (path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0) return true;
  size_t i = text.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && (text[i] == '{' || text[i] == '[') && path == "-";
}

core::Result<std::vector<core::Node>> parse_any(const std::string& path, std::string_view text) {
  if (looks_like_json(path, text)) {
    core::JsonParseOptions jo;
    jo.file = path == "-" ? "<stdin>" : path;
    auto doc = core::parse_json(text, jo);
    if (!doc.ok()) return doc.error();
    std::vector<core::Node> docs;
    docs.push_back(std::move(*doc));
    return docs;
  }
  core::ParseOptions po;
  po.file = path == "-" ? "<stdin>" : path;
  return core::parse_yaml_stream(text, po);
}

core::Result<std::string> format(const std::vector<core::Node>& docs, const Args& args) {
  const std::string& style = args.get("style");
  const std::string& out = args.get("output");
  if (out == "json") {
    core::JsonStyle js;
    js.indent = "  ";
    std::string text;
    for (const auto& d : docs) {
      auto j = core::write_json(d, js);
      if (!j.ok()) return j.error();
      text += *j + "\n";
    }
    return text;
  }
  core::YamlStyle ys;
  if (style == "kustomize") {
    ys = core::YamlStyle::kustomize();
    std::vector<core::Node> model;
    for (const auto& d : docs) {
      if (d.is_null()) continue;  // kustomize drops empty documents
      auto m = core::to_json_model(d, core::Schema::kYaml12);
      if (!m.ok()) return m.error();
      model.push_back(std::move(*m));
    }
    return core::write_yaml_stream(model, ys);
  }
  if (style == "sops") ys = core::YamlStyle::sops();
  if (args.given("indent")) ys.indent = std::stoi(args.get("indent"));
  if (args.flag("indent-sequences")) ys.indent_sequences = true;
  return core::write_yaml_stream(docs, ys);
}

int run_fmt(const Args& args, const Io& io) {
  const auto& files = args.list("FILE");
  bool in_place = args.flag("in-place");
  if (in_place && args.get("output") == "json") {
    return io.fail("--in-place writes YAML; it cannot be combined with -o json");
  }
  int rc = kExitOk;
  for (const std::string& path : files) {
    std::string text;
    if (path == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      auto r = core::read_file(path);
      if (!r.ok()) {
        rc = io.fail(r.error().to_string());
        continue;
      }
      text = std::move(*r);
    }
    auto docs = parse_any(path, text);
    if (!docs.ok()) {
      rc = io.fail(docs.error().to_string());
      continue;
    }
    auto out = format(*docs, args);
    if (!out.ok()) {
      rc = io.fail(out.error().in_file(path).to_string());
      continue;
    }
    if (in_place && path != "-") {
      struct stat st;
      mode_t mode = ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
      if (*out == text) continue;
      if (auto s = core::write_file_atomic(path, *out, mode); !s.ok()) {
        rc = io.fail(s.error().to_string());
      }
    } else {
      io.out << *out;
    }
  }
  return rc;
}

}  // namespace

void register_yaml_commands(Registry& r) {
  Command fmt;
  fmt.path = {"yaml", "fmt"};
  fmt.summary = "Parse YAML (or JSON) files and write them back, comments kept";
  fmt.description =
      "Styles: 'preserve' keeps key order, scalar styles and comments (2-space indent, "
      "sequences at their parent's indent, like kubectl); 'kustomize' writes what "
      "`kustomize build` writes (sorted keys, canonical scalars, no comments); 'sops' writes "
      "what sops writes (4-space indent, indented sequences).";
  fmt.flags = {
      {"-i,--in-place", "Rewrite the files instead of printing them", Flag::Kind::kBool, "", {}},
      {"--style", "Output style", Flag::Kind::kString, "preserve", {"preserve", "kustomize", "sops"}},
      {"--indent", "Spaces per indentation level (2-9)", Flag::Kind::kString, "", {}},
      {"--indent-sequences", "Indent sequences under their key", Flag::Kind::kBool, "", {}},
  };
  fmt.args = {{"FILE", "Files to format; - reads standard input", true, true}};
  fmt.output_flag = true;
  fmt.output_choices = {"yaml", "json"};
  fmt.run = run_fmt;
  r.add(std::move(fmt));
}

}  // namespace oc::cli
