// Chart loading as Helm's pkg/chart/loader does it: a directory (walked in lexical order,
// .helmignore applied) or a gzip'd tar archive, then LoadFiles: Chart.yaml, values.yaml,
// templates/, charts/ (subchart directories and archives), everything else as files.
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/file.h"
#include "core/scalar.h"
#include "core/yaml.h"
#include "helm/chart.h"
#include "helm/semver.h"

namespace oc::helm {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

void trim_bom(std::string& s) {
  if (s.substr(0, 3) == kBom) s.erase(0, 3);
}

bool path_match(std::string_view pattern, std::string_view name, bool* bad);

// --- Chart.yaml --------------------------------------------------------------------------------

// json.Unmarshal type errors for struct fields, as sigs.k8s.io/yaml reports them.
std::string json_kind(const core::Node& n) {
  if (n.is_mapping()) return "object";
  if (n.is_sequence()) return "array";
  switch (n.type()) {
    case core::ScalarType::kBool:
      return "bool";
    case core::ScalarType::kInt:
    case core::ScalarType::kFloat:
      return "number";
    case core::ScalarType::kString:
      return "string";
    default:
      return "null";
  }
}

core::Error field_type_error(const core::Node& n, const std::string& field,
                             const std::string& type) {
  return core::Error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                     json_kind(n) + " into Go struct field " + field + " of type " + type);
}

core::Status get_string(const core::Node& m, const char* key, const std::string& go_field,
                        std::string* out) {
  const core::Node* v = m.find(key);
  if (!v || (v->is_scalar() && v->type() == core::ScalarType::kNull)) return {};
  if (!v->is_scalar() || v->type() != core::ScalarType::kString) {
    return field_type_error(*v, go_field, "string");
  }
  *out = v->text();
  return {};
}

core::Status get_strings(const core::Node& m, const char* key, const std::string& go_field,
                         std::vector<std::string>* out) {
  const core::Node* v = m.find(key);
  if (!v || (v->is_scalar() && v->type() == core::ScalarType::kNull)) return {};
  if (!v->is_sequence()) return field_type_error(*v, go_field, "[]string");
  for (const auto& e : v->items()) {
    if (!e.is_scalar() ||
        (e.type() != core::ScalarType::kString && e.type() != core::ScalarType::kNull)) {
      return field_type_error(e, go_field, "string");
    }
    out->push_back(e.text());
  }
  return {};
}

core::Status get_bool(const core::Node& m, const char* key, const std::string& go_field,
                      bool* out) {
  const core::Node* v = m.find(key);
  if (!v || (v->is_scalar() && v->type() == core::ScalarType::kNull)) return {};
  if (!v->is_scalar() || v->type() != core::ScalarType::kBool)
    return field_type_error(*v, go_field, "bool");
  *out = v->text() == "true";
  return {};
}

#define OC_TRY(expr)           \
  do {                         \
    core::Status st_ = (expr); \
    if (!st_.ok()) return st_; \
  } while (0)

core::Status parse_dependencies(const core::Node& root, std::vector<ChartDependency>* out) {
  const core::Node* deps = root.find("dependencies");
  if (!deps || (deps->is_scalar() && deps->type() == core::ScalarType::kNull)) return {};
  if (!deps->is_sequence())
    return field_type_error(*deps, "Metadata.dependencies", "[]*chart.Dependency");
  for (const auto& d : deps->items()) {
    if (d.is_scalar() && d.type() == core::ScalarType::kNull) continue;
    if (!d.is_mapping()) return field_type_error(d, "Metadata.dependencies", "chart.Dependency");
    ChartDependency dep;
    OC_TRY(get_string(d, "name", "Dependency.name", &dep.name));
    OC_TRY(get_string(d, "version", "Dependency.version", &dep.version));
    OC_TRY(get_string(d, "repository", "Dependency.repository", &dep.repository));
    OC_TRY(get_string(d, "condition", "Dependency.condition", &dep.condition));
    OC_TRY(get_string(d, "alias", "Dependency.alias", &dep.alias));
    OC_TRY(get_strings(d, "tags", "Dependency.tags", &dep.tags));
    OC_TRY(get_bool(d, "enabled", "Dependency.enabled", &dep.enabled));
    if (const core::Node* iv = d.find("import-values")) {
      if (!iv->is_sequence() && !(iv->is_scalar() && iv->type() == core::ScalarType::kNull)) {
        return field_type_error(*iv, "Dependency.import-values", "[]interface {}");
      }
      dep.import_values = *iv;
    }
    out->push_back(std::move(dep));
  }
  return {};
}

core::Status parse_metadata(std::string_view text, ChartMetadata* md, bool requirements_only) {
  core::ParseOptions po;
  po.file = requirements_only ? "requirements.yaml" : "Chart.yaml";
  po.comments = false;
  po.allow_duplicate_keys = true;
  auto doc = core::parse_yaml(text.empty() ? std::string_view("") : text, po);
  if (!doc.ok()) return core::Error("error converting YAML to JSON: " + doc.error().to_string());
  auto model = core::to_json_model(*doc, core::Schema::kYaml11);
  if (!model.ok())
    return core::Error("error converting YAML to JSON: " + model.error().to_string());
  const core::Node& m = *model;
  if (m.is_scalar() && m.type() == core::ScalarType::kNull) return {};
  if (!m.is_mapping()) {
    return core::Error("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                       json_kind(m) + " into Go value of type chart.Metadata");
  }
  if (requirements_only) return parse_dependencies(m, &md->dependencies);
  OC_TRY(get_string(m, "name", "Metadata.name", &md->name));
  OC_TRY(get_string(m, "home", "Metadata.home", &md->home));
  OC_TRY(get_strings(m, "sources", "Metadata.sources", &md->sources));
  OC_TRY(get_string(m, "version", "Metadata.version", &md->version));
  OC_TRY(get_string(m, "description", "Metadata.description", &md->description));
  OC_TRY(get_strings(m, "keywords", "Metadata.keywords", &md->keywords));
  if (const core::Node* ms = m.find("maintainers"); ms && ms->is_sequence()) {
    for (const auto& e : ms->items()) {
      if (!e.is_mapping()) continue;
      Maintainer mt;
      OC_TRY(get_string(e, "name", "Maintainer.name", &mt.name));
      OC_TRY(get_string(e, "email", "Maintainer.email", &mt.email));
      OC_TRY(get_string(e, "url", "Maintainer.url", &mt.url));
      md->maintainers.push_back(std::move(mt));
    }
  }
  OC_TRY(get_string(m, "icon", "Metadata.icon", &md->icon));
  OC_TRY(get_string(m, "apiVersion", "Metadata.apiVersion", &md->api_version));
  OC_TRY(get_string(m, "condition", "Metadata.condition", &md->condition));
  OC_TRY(get_string(m, "tags", "Metadata.tags", &md->tags));
  OC_TRY(get_string(m, "appVersion", "Metadata.appVersion", &md->app_version));
  OC_TRY(get_bool(m, "deprecated", "Metadata.deprecated", &md->deprecated));
  if (const core::Node* an = m.find("annotations");
      an && !(an->is_scalar() && an->type() == core::ScalarType::kNull)) {
    if (!an->is_mapping())
      return field_type_error(*an, "Metadata.annotations", "map[string]string");
    for (const auto& e : an->entries()) {
      if (!e.value.is_scalar() || e.value.type() != core::ScalarType::kString) {
        return field_type_error(e.value, "Metadata.annotations", "string");
      }
      md->annotations.emplace_back(e.key.text(), e.value.text());
    }
    std::sort(md->annotations.begin(), md->annotations.end());
  }
  OC_TRY(get_string(m, "kubeVersion", "Metadata.kubeVersion", &md->kube_version));
  OC_TRY(parse_dependencies(m, &md->dependencies));
  OC_TRY(get_string(m, "type", "Metadata.type", &md->type));
  return {};
}

// chart.Metadata.Validate (the checks that can fail a load).
core::Status validate_metadata(const ChartMetadata& md) {
  if (md.api_version.empty())
    return core::Error("validation: chart.metadata.apiVersion is required");
  if (md.name.empty()) return core::Error("validation: chart.metadata.name is required");
  if (md.name.find('/') != std::string::npos || md.name.find('\\') != std::string::npos ||
      md.name == "." || md.name == "..") {
    return core::Error("validation: chart.metadata.name \"" + md.name + "\" is invalid");
  }
  if (md.version.empty()) return core::Error("validation: chart.metadata.version is required");
  if (!parse_semver(md.version).ok()) {
    return core::Error("validation: chart.metadata.version \"" + md.version + "\" is invalid");
  }
  if (md.api_version != "v1" && md.api_version != "v2") {
    return core::Error("validation: chart.metadata.apiVersion \"" + md.api_version +
                       "\" is invalid");
  }
  if (!md.type.empty() && md.type != "application" && md.type != "library") {
    return core::Error("validation: chart.metadata.type must be application or library");
  }
  for (const auto& d : md.dependencies) {
    if (d.name.empty()) return core::Error("validation: dependencies must have a name");
  }
  return {};
}

core::Result<core::Node> parse_values_file(std::string_view text) {
  core::ParseOptions po;
  po.file = "values.yaml";
  po.comments = false;
  po.allow_duplicate_keys = true;
  auto doc = core::parse_yaml(text.empty() ? std::string_view("") : text, po);
  if (!doc.ok())
    return core::Error("cannot load values.yaml: error converting YAML to JSON: " +
                       doc.error().to_string());
  auto model = core::to_json_model(*doc, core::Schema::kYaml11);
  if (!model.ok())
    return core::Error("cannot load values.yaml: error converting YAML to JSON: " +
                       model.error().to_string());
  if (model->is_scalar() && model->type() == core::ScalarType::kNull) return core::Node::mapping();
  if (!model->is_mapping()) {
    return core::Error(
        "cannot load values.yaml: error unmarshaling JSON: while decoding JSON: json: cannot "
        "unmarshal " +
        json_kind(*model) + " into Go value of type map[string]interface {}");
  }
  return std::move(*model);
}

// --- tar ---------------------------------------------------------------------------------------

core::Result<std::string> gunzip(std::string_view data, size_t limit) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return core::Error("gzip: cannot initialise");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buf[65536];
  int ret;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    ret = inflate(&zs, Z_NO_FLUSH);
    if (ret != Z_OK && ret != Z_STREAM_END) {
      inflateEnd(&zs);
      return core::Error(ret == Z_DATA_ERROR || ret == Z_NEED_DICT ? "gzip: invalid header"
                                                                   : "unexpected EOF");
    }
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > limit) {
      inflateEnd(&zs);
      return core::Error("decompressed chart is larger than the maximum size " +
                         std::to_string(limit));
    }
    if (ret == Z_STREAM_END && zs.avail_in > 0) {
      // Concatenated gzip members: continue with the next one.
      inflateReset(&zs);
      ret = Z_OK;
    }
  } while (ret != Z_STREAM_END && (zs.avail_in > 0 || zs.avail_out == 0));
  inflateEnd(&zs);
  if (ret != Z_STREAM_END) return core::Error("unexpected EOF");
  return out;
}

uint64_t tar_number(std::string_view f) {
  if (!f.empty() && (static_cast<unsigned char>(f[0]) & 0x80)) {
    uint64_t v = 0;
    for (size_t i = 1; i < f.size(); ++i) v = (v << 8) | static_cast<unsigned char>(f[i]);
    return v;
  }
  uint64_t v = 0;
  for (char c : f) {
    if (c >= '0' && c <= '7') {
      v = v * 8 + static_cast<uint64_t>(c - '0');
    } else if (c == 0 || c == ' ') {
      if (v) break;
    }
  }
  return v;
}

std::string cstr(std::string_view f) {
  size_t n = f.find('\0');
  return std::string(f.substr(0, n));
}

std::string clean_path(std::string_view p);

}  // namespace

core::Result<std::vector<ChartFile>> read_chart_archive(std::string_view data,
                                                        const LoadOptions& opts) {
  auto tar = gunzip(data, opts.max_archive_bytes);
  if (!tar.ok()) return tar.error();
  std::string_view t = *tar;
  std::vector<ChartFile> files;
  size_t pos = 0;
  std::string long_name, pax_path;
  while (pos + 512 <= t.size()) {
    std::string_view h = t.substr(pos, 512);
    if (h.find_first_not_of('\0') == std::string_view::npos) break;
    std::string name = cstr(h.substr(0, 100));
    uint64_t size = tar_number(h.substr(124, 12));
    char type = h[156];
    std::string magic = cstr(h.substr(257, 6));
    if (magic == "ustar") {
      std::string prefix = cstr(h.substr(345, 155));
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    pos += 512;
    if (size > t.size() - pos) return core::Error("archive/tar: unexpected EOF");
    std::string_view body = t.substr(pos, size);
    pos += (size + 511) / 512 * 512;
    if (type == 'L') {
      long_name = cstr(body);
      continue;
    }
    if (type == 'x') {
      // PAX: "len key=value\n" records; only the path matters here.
      size_t p = 0;
      while (p < body.size()) {
        size_t sp = body.find(' ', p);
        if (sp == std::string_view::npos) break;
        size_t len = std::strtoul(std::string(body.substr(p, sp - p)).c_str(), nullptr, 10);
        if (len == 0 || p + len > body.size()) break;
        std::string_view rec = body.substr(sp + 1, len - (sp - p) - 2);
        if (rec.substr(0, 5) == "path=") pax_path = std::string(rec.substr(5));
        p += len;
      }
      continue;
    }
    if (type == 'g') continue;
    if (!long_name.empty()) {
      name = long_name;
      long_name.clear();
    }
    if (!pax_path.empty()) {
      name = pax_path;
      pax_path.clear();
    }
    if (type == '5' || (!name.empty() && name.back() == '/')) continue;
    if (type != '0' && type != '\0' && type != '7') continue;
    std::string n = name;
    char delim = n.find('\\') != std::string::npos ? '\\' : '/';
    size_t first = n.find(delim);
    std::string rest = first == std::string::npos ? "" : n.substr(first + 1);
    std::replace(rest.begin(), rest.end(), '\\', '/');
    if (!rest.empty() && rest[0] == '/')
      return core::Error("chart illegally contains absolute paths");
    rest = clean_path(rest);
    if (rest == ".") {
      return core::Error("chart illegally contains content outside the base directory: \"" + name +
                         "\"");
    }
    if (rest.substr(0, 2) == "..")
      return core::Error("chart illegally references parent directory");
    if (rest.size() >= 2 && std::isalpha(static_cast<unsigned char>(rest[0])) && rest[1] == ':') {
      return core::Error("chart contains illegally named files");
    }
    if (n.substr(0, first) == "Chart.yaml") return core::Error("chart yaml not in base directory");
    std::string content(body);
    trim_bom(content);
    files.push_back(ChartFile{rest, std::move(content)});
  }
  if (files.empty()) return core::Error("no files in chart archive");
  return files;
}

namespace {

std::string clean_path(std::string_view p) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    std::string_view seg = p.substr(i, j - i);
    if (seg.empty() || seg == ".") {
    } else if (seg == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else {
        parts.push_back(seg);
      }
    } else {
      parts.push_back(seg);
    }
    i = j + 1;
  }
  std::string out;
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k) out += "/";
    out += parts[k];
  }
  return out.empty() ? "." : out;
}

// path.Match (filepath.Match on Linux).
bool match_chunk(std::string_view chunk, std::string_view s, std::string_view* rest, bool* bad) {
  bool failed = false;
  while (!chunk.empty()) {
    if (!failed && s.empty()) failed = true;
    switch (chunk[0]) {
      case '[': {
        uint32_t r = 0;
        if (!failed) {
          r = static_cast<unsigned char>(s[0]);
          s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
        bool negated = false;
        if (!chunk.empty() && chunk[0] == '^') {
          negated = true;
          chunk.remove_prefix(1);
        }
        bool match = false;
        int nrange = 0;
        for (;;) {
          if (!chunk.empty() && chunk[0] == ']' && nrange > 0) {
            chunk.remove_prefix(1);
            break;
          }
          auto get_esc = [&](uint32_t* out) -> bool {
            if (chunk.empty() || chunk[0] == '-' || chunk[0] == ']') return false;
            if (chunk[0] == '\\') {
              chunk.remove_prefix(1);
              if (chunk.empty()) return false;
            }
            *out = static_cast<unsigned char>(chunk[0]);
            chunk.remove_prefix(1);
            if (chunk.empty()) return false;
            return true;
          };
          uint32_t lo, hi;
          if (!get_esc(&lo)) {
            *bad = true;
            return false;
          }
          hi = lo;
          if (chunk[0] == '-') {
            chunk.remove_prefix(1);
            if (!get_esc(&hi)) {
              *bad = true;
              return false;
            }
          }
          if (lo <= r && r <= hi) match = true;
          ++nrange;
        }
        if (match == negated) failed = true;
        break;
      }
      case '?':
        if (!failed) {
          if (s[0] == '/') failed = true;
          s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
        break;
      case '\\':
        chunk.remove_prefix(1);
        if (chunk.empty()) {
          *bad = true;
          return false;
        }
        [[fallthrough]];
      default:
        if (!failed) {
          if (chunk[0] != s[0]) failed = true;
          s.remove_prefix(1);
        }
        chunk.remove_prefix(1);
    }
  }
  if (failed) return false;
  *rest = s;
  return true;
}

void scan_chunk(std::string_view pattern, bool* star, std::string_view* chunk,
                std::string_view* rest) {
  *star = false;
  while (!pattern.empty() && pattern[0] == '*') {
    pattern.remove_prefix(1);
    *star = true;
  }
  bool inrange = false;
  size_t i = 0;
  for (; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size()) ++i;
    } else if (c == '[') {
      inrange = true;
    } else if (c == ']') {
      inrange = false;
    } else if (c == '*' && !inrange) {
      break;
    }
  }
  *chunk = pattern.substr(0, i);
  *rest = pattern.substr(i);
}

bool path_match(std::string_view pattern, std::string_view name, bool* bad) {
  *bad = false;
  while (!pattern.empty()) {
    bool star;
    std::string_view chunk;
    scan_chunk(pattern, &star, &chunk, &pattern);
    if (star && chunk.empty()) return name.find('/') == std::string_view::npos;
    std::string_view t;
    bool ok = match_chunk(chunk, name, &t, bad);
    if (*bad) return false;
    if (ok && (t.empty() || !pattern.empty())) {
      name = t;
      continue;
    }
    bool matched = false;
    if (star) {
      for (size_t i = 0; i < name.size() && name[i] != '/'; ++i) {
        std::string_view t2;
        bool ok2 = match_chunk(chunk, name.substr(i + 1), &t2, bad);
        if (*bad) return false;
        if (ok2) {
          if (pattern.empty() && !t2.empty()) continue;
          name = t2;
          matched = true;
          break;
        }
      }
    }
    if (matched) continue;
    return false;
  }
  return name.empty();
}

}  // namespace

// --- .helmignore (pkg/ignore/rules.go) --------------------------------------------------------

core::Result<HelmIgnore> HelmIgnore::parse(std::string_view text) {
  HelmIgnore out;
  out.rules_.push_back(Rule{"templates/.?*", false, false, true});  // AddDefaults
  size_t p = 0;
  while (p <= text.size()) {
    size_t q = text.find('\n', p);
    std::string_view line =
        text.substr(p, q == std::string_view::npos ? std::string_view::npos : q - p);
    p = q == std::string_view::npos ? text.size() + 1 : q + 1;
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
      line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
      line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (line.find("**") != std::string_view::npos) {
      return core::Error("double-star (**) syntax is not supported");
    }
    bool bad;
    path_match(line, "abc", &bad);
    if (bad) return core::Error("syntax error in pattern");
    Rule r;
    if (line[0] == '!') {
      r.negate = true;
      line.remove_prefix(1);
    }
    if (!line.empty() && line.back() == '/') {
      r.dir_only = true;
      line.remove_suffix(1);
    }
    if (!line.empty() && line[0] == '/') {
      line.remove_prefix(1);
      r.has_slash = true;
    } else {
      r.has_slash = line.find('/') != std::string_view::npos;
    }
    r.pattern = std::string(line);
    out.rules_.push_back(std::move(r));
  }
  return out;
}

bool HelmIgnore::ignored(const std::string& path, bool is_dir) const {
  if (path.empty() || path == "." || path == "./") return false;
  for (const Rule& r : rules_) {
    std::string_view subject = path;
    if (!r.has_slash) {
      size_t s = subject.rfind('/');
      if (s != std::string_view::npos) subject = subject.substr(s + 1);
    }
    bool bad;
    bool m = path_match(r.pattern, subject, &bad);
    if (r.negate) {
      // Helm's negation: a negated rule that does not match ignores the path.
      if (r.dir_only && !is_dir) return true;
      if (!m) return true;
      continue;
    }
    if (r.dir_only && !is_dir) continue;
    if (m) return true;
  }
  return false;
}

// --- loading -----------------------------------------------------------------------------------

namespace {

// `rel` is dir's path relative to the chart root ("" for the root), built lexically like Go's
// filepath.Rel on Helm's walk (fs::relative would canonicalise both paths, a readlink per path
// component for every file).
core::Status walk_dir(const std::string& rel_dir, const fs::path& dir, const HelmIgnore& rules,
                      const LoadOptions& opts, std::vector<ChartFile>* out, int depth) {
  if (depth > 64) return core::Error("directory nesting too deep under " + dir.string());
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e);
  if (ec) return core::Error(dir.string() + ": " + ec.message());
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  for (const auto& e : entries) {
    std::string name = e.path().filename().string();
    std::string rel = rel_dir.empty() ? name : rel_dir + "/" + name;
    bool is_dir = e.is_directory(ec);
    if (is_dir) {
      if (rules.ignored(rel, true)) continue;
      OC_TRY(walk_dir(rel, e.path(), rules, opts, out, depth + 1));
      continue;
    }
    if (rules.ignored(rel, false)) continue;
    if (!e.is_regular_file(ec)) {
      return core::Error("cannot load irregular file " + e.path().string() +
                         " as it has file mode type bits set");
    }
    auto data = core::read_file(e.path().string(), opts.max_file_bytes);
    if (!data.ok()) return data.error();
    std::string content = std::move(*data);
    trim_bom(content);
    out->push_back(ChartFile{rel, std::move(content)});
  }
  return {};
}

}  // namespace

core::Result<std::shared_ptr<const Chart>> load_chart_files(std::vector<ChartFile> files,
                                                            const LoadOptions& opts) {
  auto c = std::make_shared<Chart>();
  c->values = core::Node::mapping();
  bool have_metadata = false;
  std::map<std::string, std::vector<ChartFile>> subcharts;
  const ChartFile* requirements = nullptr;
  for (auto& f : files) {
    if (f.name == "Chart.yaml") {
      have_metadata = true;
      if (auto st = parse_metadata(f.data, &c->metadata, false); !st.ok()) {
        return core::Error("cannot load Chart.yaml: " + st.error().message);
      }
      if (c->metadata.api_version.empty()) c->metadata.api_version = "v1";
    } else if (f.name == "Chart.lock" || f.name == "requirements.lock") {
      c->lock = f.data;
    } else if (f.name == "values.yaml") {
      auto v = parse_values_file(f.data);
      if (!v.ok()) return v.error();
      c->values = std::move(*v);
    } else if (f.name == "values.schema.json") {
      c->schema = f.data;
    } else if (f.name == "requirements.yaml") {
      requirements = &f;
    } else if (f.name.rfind("templates/", 0) == 0) {
      c->templates.push_back(std::move(f));
    } else if (f.name.rfind("charts/", 0) == 0) {
      if (f.name.size() > 5 && f.name.compare(f.name.size() - 5, 5, ".prov") == 0) {
        c->files.push_back(std::move(f));
        continue;
      }
      std::string rest = f.name.substr(7);
      std::string cname = rest.substr(0, rest.find('/'));
      subcharts[cname].push_back(ChartFile{rest, std::move(f.data)});
    } else {
      c->files.push_back(std::move(f));
    }
  }
  if (!have_metadata) return core::Error("Chart.yaml file is missing");
  if (requirements) {
    ChartMetadata tmp;
    if (auto st = parse_metadata(requirements->data, &tmp, true); !st.ok()) {
      return core::Error("cannot load requirements.yaml: " + st.error().message);
    }
    if (c->metadata.api_version == "v1") c->metadata.dependencies = std::move(tmp.dependencies);
  }
  if (auto st = validate_metadata(c->metadata); !st.ok()) return st.error();
  for (auto& [n, fs_] : subcharts) {
    if (!n.empty() && (n[0] == '_' || n[0] == '.')) continue;
    core::Result<std::shared_ptr<const Chart>> sc = core::Error("");
    if (n.size() > 4 && n.compare(n.size() - 4, 4, ".tgz") == 0) {
      if (fs_.front().name != n) {
        return core::Error("error unpacking tar in " + c->metadata.name + ": expected " + n +
                           ", got " + fs_.front().name);
      }
      auto inner = read_chart_archive(fs_.front().data, opts);
      if (!inner.ok()) {
        return core::Error("error unpacking " + n + " in " + c->metadata.name + ": " +
                           inner.error().message);
      }
      sc = load_chart_files(std::move(*inner), opts);
    } else {
      std::vector<ChartFile> buff;
      for (auto& f : fs_) {
        size_t slash = f.name.find('/');
        if (slash == std::string::npos) continue;
        buff.push_back(ChartFile{f.name.substr(slash + 1), std::move(f.data)});
      }
      sc = load_chart_files(std::move(buff), opts);
    }
    if (!sc.ok()) {
      return core::Error("error unpacking " + n + " in " + c->metadata.name + ": " +
                         sc.error().message);
    }
    c->dependencies.push_back(*sc);
  }
  return std::shared_ptr<const Chart>(std::move(c));
}

core::Result<std::shared_ptr<const Chart>> load_chart(const std::string& path,
                                                      const LoadOptions& opts) {
  std::error_code ec;
  fs::path p(path);
  if (fs::is_directory(p, ec)) {
    HelmIgnore rules = *HelmIgnore::parse("");
    fs::path ign = p / ".helmignore";
    if (fs::exists(ign, ec)) {
      auto text = core::read_file(ign.string());
      if (!text.ok()) return text.error();
      auto r = HelmIgnore::parse(*text);
      if (!r.ok()) return r.error();
      rules = std::move(*r);
    }
    std::vector<ChartFile> files;
    if (auto st = walk_dir("", p, rules, opts, &files, 0); !st.ok()) return st.error();
    return load_chart_files(std::move(files), opts);
  }
  if (!fs::exists(p, ec)) return core::Error("path \"" + path + "\" not found");
  auto data = core::read_file(path, opts.max_archive_bytes);
  if (!data.ok()) return data.error();
  auto files = read_chart_archive(*data, opts);
  if (!files.ok()) return files.error();
  return load_chart_files(std::move(*files), opts);
}

std::vector<const ChartFile*> Chart::crd_files() const {
  std::vector<const ChartFile*> out;
  for (const auto& f : files) {
    if (f.name.rfind("crds/", 0) != 0) continue;
    std::string lower;
    for (char ch : f.name)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    auto ends = [&](const char* e) {
      size_t n = std::strlen(e);
      return lower.size() >= n && lower.compare(lower.size() - n, n, e) == 0;
    };
    if (ends(".yaml") || ends(".yml") || ends(".json")) out.push_back(&f);
  }
  return out;
}

}  // namespace oc::helm
