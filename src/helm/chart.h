// A loaded Helm chart (Chart.yaml, values, templates, files, subcharts) and how it is read
// from a directory or a .tgz archive (Helm's pkg/chart/loader).
//
// A Chart is immutable once loaded and may be shared by concurrent renders; parsed templates
// are cached inside it (thread-safe).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/node.h"
#include "helm/go_value.h"

namespace oc::helm {

struct Tree;

struct ChartFile {
  std::string name;  // path relative to the chart root, '/'-separated
  std::string data;
};

struct Maintainer {
  std::string name, email, url;
};

struct ChartDependency {
  std::string name, version, repository, condition, alias;
  std::vector<std::string> tags;
  bool enabled = false;
  core::Node import_values;  // a sequence (strings or {child, parent} maps), or null
};

// Chart.yaml (helm pkg/chart/metadata.go), in the field order Go declares.
struct ChartMetadata {
  std::string name, home;
  std::vector<std::string> sources;
  std::string version, description;
  std::vector<std::string> keywords;
  std::vector<Maintainer> maintainers;
  std::string icon, api_version, condition, tags, app_version;
  bool deprecated = false;
  std::vector<std::pair<std::string, std::string>> annotations;  // sorted by key
  std::string kube_version;
  std::vector<ChartDependency> dependencies;
  std::string type;
};

struct Chart {
  ChartMetadata metadata;
  // values.yaml in the JSON model (a mapping; empty when the file is absent). Numbers are
  // kFloat, as sigs.k8s.io/yaml decodes them.
  core::Node values;
  std::string schema;                                      // values.schema.json, as is
  std::string lock;                                        // Chart.lock / requirements.lock, as is
  std::vector<ChartFile> templates;                        // "templates/…"
  std::vector<ChartFile> files;                            // everything else, including crds/
  std::vector<std::shared_ptr<const Chart>> dependencies;  // charts/ subcharts, by name

  Chart() = default;
  Chart(const Chart&) = delete;
  Chart& operator=(const Chart&) = delete;

  bool is_library() const { return metadata.type == "library"; }
  // Files under crds/ ending in .yaml, .yml or .json (any case), sorted by name.
  std::vector<const ChartFile*> crd_files() const;

  // Parsed templates by full template name, and the files as immortal []byte values (cache
  // shared by renders; guarded by mu). The trees point into `templates` without owning it:
  // the cache lives and dies with this chart, which is never copied.
  struct ParseCache {
    std::mutex mu;
    std::map<std::string, std::vector<std::shared_ptr<Tree>>> trees;
    std::map<std::string, core::Error> errors;
    std::vector<Value> file_values;  // parallel to Chart::files, once built
    bool files_ready = false;
    ~ParseCache() {
      for (Value& v : file_values) v.free_immortal();
    }
  };
  std::shared_ptr<ParseCache> parse_cache = std::make_shared<ParseCache>();
};

struct LoadOptions {
  // Decompressed size limit for archives (Helm: 100 MiB).
  size_t max_archive_bytes = size_t(100) << 20;
  // Size limit for one file in a chart directory.
  size_t max_file_bytes = size_t(100) << 20;
};

// Loads a chart from a directory (honouring .helmignore) or a .tgz archive.
core::Result<std::shared_ptr<const Chart>> load_chart(const std::string& path,
                                                      const LoadOptions& opts = {});
// Builds a chart from its files (paths relative to the chart root).
core::Result<std::shared_ptr<const Chart>> load_chart_files(std::vector<ChartFile> files,
                                                            const LoadOptions& opts = {});
// Reads the files of a gzip'd tar archive, stripping the top directory (Helm's loader).
core::Result<std::vector<ChartFile>> read_chart_archive(std::string_view data,
                                                        const LoadOptions& opts = {});

// .helmignore rules (pkg/ignore): gitignore-like globs matched against chart-relative paths.
class HelmIgnore {
 public:
  static core::Result<HelmIgnore> parse(std::string_view text);
  bool ignored(const std::string& rel_path, bool is_dir) const;

 private:
  struct Rule {
    std::string pattern;
    bool negate = false;
    bool dir_only = false;
    bool has_slash = false;
  };
  std::vector<Rule> rules_;
};

}  // namespace oc::helm
