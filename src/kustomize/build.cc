// The build pipeline in kustomize's order (api/internal/target/kusttarget.go,
// api/krusty/kustomizer.go). Per kustomization directory:
//   resources (each directory a full sub-build) → configurations and crds → generators →
//   components → transformers (PatchStrategicMerge, Patch, Namespace, Prefix, Suffix, Labels,
//   Annotations, PatchJson6902, ReplicaCount, ImageTag, Replacement, then `transformers:`) →
//   validators → vars.
// Then once, at the top: generator hashes → name references → vars → local-config objects
// dropped → sort → managed-by label → build bookkeeping removed.
#include <algorithm>
#include <map>

#include "core/scalar.h"
#include "core/yaml.h"
#include "kustomize/builtin_plugins.h"
#include "kustomize/crds.h"
#include "kustomize/generators.h"
#include "kustomize/kustomization.h"
#include "kustomize/kustomize.h"
#include "kustomize/loader.h"
#include "kustomize/paths.h"
#include "kustomize/reader.h"
#include "kustomize/sort.h"
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Error;
using core::Node;
using core::Status;

namespace {

// The label kustomize adds for `buildMetadata: [managedByLabel]`. kubectl's embedded kustomize
// (the reference) has no build provenance and writes "(devel)" for its version.
constexpr std::string_view kManagedByValue = "kustomize-(devel)";

struct Accumulator {
  explicit Accumulator(const SchemaRef* schema) : resources(schema) {}
  ResMap resources;
  TransformerConfig config;
  std::map<std::string, Var> vars;  // VarSet
};

struct Target {
  std::unique_ptr<Loader> ldr;
  Kustomization k;
  std::string file;       // display path of the kustomization file
  std::string file_name;  // "kustomization.yaml", as found
  // kt.origin: set when the build records origins (buildMetadata), relative to the top.
  std::optional<Origin> origin;
};

// multiTransformer / AddTransformerAnnotation: an object without an origin was made by the
// transformer; the others record it as a transformation.
void record_transformer(ResMap& m, const Origin& o) {
  for (auto& r : m.list()) {
    if (!r->origin) {
      r->origin = o;
    } else {
      r->transformations.push_back(o);
    }
  }
}

// OriginFromCustomPlugin: a plugin configuration's own origin, as the plugin's.
std::optional<Origin> plugin_origin(const Resource& config) {
  if (!config.origin) return std::nullopt;
  Origin o;
  o.repo = config.origin->repo;
  o.ref = config.origin->ref;
  o.configured_in = config.origin->path;
  o.by_api_version = config.api_version();
  o.by_kind = config.kind();
  o.by_name = config.name();
  o.by_namespace = config.ns();
  return o;
}

Error at(const std::string& file, const core::Mark& mark, std::string msg) {
  return Error(std::move(msg), file, static_cast<int>(mark.line), static_cast<int>(mark.column));
}

// Prefixes a message unless the error already names a file.
Error wrap(Error e, const std::string& file, const core::Mark& mark, const std::string& what) {
  if (!e.file.empty()) {
    e.message = what + ": " + e.message;
    return e;
  }
  return at(file, mark, what + ": " + e.message);
}

class Builder {
 public:
  explicit Builder(const BuildOptions& opts)
      : opts_(opts), fs_(opts.fs ? opts.fs : disk_file_system()) {}

  core::Result<std::vector<Node>> run(const std::string& path);

 private:
  core::Result<Target> load_target(std::unique_ptr<Loader> ldr);
  Status set_schema(const Target& t, bool reset);
  Status accumulate_target(Target& t, Accumulator& ra);
  Status accumulate_resources(Target& t, Accumulator& ra, const std::vector<Entry>& paths);
  Status accumulate_directory(Target& parent, Accumulator& ra, std::unique_ptr<Loader> ldr,
                              bool component, const Entry& entry);
  Status run_generators(Target& t, Accumulator& ra);
  Status run_transformers(Target& t, Accumulator& ra);
  Status merge_vars(Target& t, Accumulator& ra);
  core::Result<TransformerConfig> transformer_config(Target& t);
  core::Result<std::vector<ResourcePtr>> plugin_configs(Target& t,
                                                        const std::vector<Entry>& entries);

  const BuildOptions& opts_;
  std::shared_ptr<const FileSystem> fs_;
  SchemaRef schema_;
  std::shared_ptr<const OpenApiSchema> custom_schema_;
  bool schema_set_ = false;
  std::vector<std::string> build_metadata_;
};

core::Result<Target> Builder::load_target(std::unique_ptr<Loader> ldr) {
  // LoadKustFile: exactly one of the recognised names.
  std::string found, content;
  int matches = 0;
  for (std::string_view name : kKustomizationFileNames) {
    auto c = ldr->load(std::string(name));
    if (c.ok()) {
      ++matches;
      found = name;
      content = std::move(*c);
    }
  }
  if (matches == 0) {
    return Error(
        "unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
        "'Kustomization' in directory '" +
        ldr->display() + "'");
  }
  if (matches > 1) return Error("Found multiple kustomization files under: " + ldr->display());
  Target t;
  t.file = ldr->display_path(found);
  t.file_name = found;
  auto parsed = parse_kustomization(content, t.file);
  if (!parsed.ok()) return parsed.error();
  if (opts_.warn) {
    for (const auto& w : parsed->warnings) opts_.warn(w);
  }
  t.k = std::move(parsed->k);
  t.ldr = std::move(ldr);
  return t;
}

// openapi.SetSchema: the top kustomization's `openapi` wins; otherwise the first one met.
Status Builder::set_schema(const Target& t, bool reset) {
  if (schema_set_ && !reset) return {};
  const auto& o = t.k.openapi;
  auto path = o.find("path");
  auto version = o.find("version");
  if (path != o.end()) {
    if (version != o.end()) {
      return Error("builtin version and custom schema provided, cannot use both", t.file);
    }
    auto text = t.ldr->load(path->second);
    if (!text.ok()) return wrap(text.error(), t.file, {}, "openapi");
    std::string file = t.ldr->display_path(path->second);
    core::ParseOptions po;
    po.file = file;
    po.comments = false;
    auto doc = core::parse_yaml(*text, po);  // JSON is YAML
    if (!doc.ok()) return doc.error();
    auto model = core::to_json_model(*doc, core::Schema::kYaml12);
    if (!model.ok()) return model.error().in_file(file);
    auto s = OpenApiSchema::parse(*model);
    if (!s.ok()) return s.error().in_file(file);
    custom_schema_ = *s;
    schema_.schema = custom_schema_.get();
    schema_set_ = true;
    return {};
  }
  if (version != o.end()) {
    if (version->second != "v1.21.2") {
      return Error("the specified OpenAPI version is not built in", t.file);
    }
    schema_.schema = &OpenApiSchema::builtin();
    schema_set_ = true;
  }
  return {};
}

core::Result<TransformerConfig> Builder::transformer_config(Target& t) {
  // MakeTransformerConfig: the defaults merged with `configurations:` files.
  TransformerConfig config = TransformerConfig::defaults();
  if (t.k.configurations.empty()) return config;
  TransformerConfig loaded;
  for (const auto& e : t.k.configurations) {
    auto text = t.ldr->load(e.value);
    if (!text.ok()) return wrap(text.error(), t.file, e.mark, "configurations");
    auto c = parse_transformer_config(*text, t.ldr->display_path(e.value));
    if (!c.ok()) return c.error();
    if (Status s = loaded.merge(*c); !s.ok())
      return wrap(s.error(), t.file, e.mark, "configurations");
  }
  if (Status s = config.merge(loaded); !s.ok())
    return wrap(s.error(), t.file, {}, "configurations");
  return config;
}

Status Builder::accumulate_target(Target& t, Accumulator& ra) {
  if (Status s = accumulate_resources(t, ra, t.k.resources); !s.ok()) return s;
  auto config = transformer_config(t);
  if (!config.ok()) return config.error();
  if (Status s = ra.config.merge(*config); !s.ok())
    return wrap(s.error(), t.file, {}, "merging config");
  if (!t.k.crds.empty()) {
    auto crd_config = load_crd_config(*t.ldr, t.k.crds, t.file);
    if (!crd_config.ok()) return crd_config.error();
    if (Status s = ra.config.merge(*crd_config); !s.ok())
      return wrap(s.error(), t.file, {}, "crds");
  }
  if (Status s = run_generators(t, ra); !s.ok()) return s;
  for (const auto& c : t.k.components) {
    auto ldr = t.ldr->sub_loader(c.value);
    if (!ldr.ok()) return wrap(ldr.error(), t.file, c.mark, "component '" + c.value + "'");
    if (Status s = accumulate_directory(t, ra, std::move(*ldr), true, c); !s.ok()) return s;
  }
  if (Status s = run_transformers(t, ra); !s.ok()) return s;
  if (!t.k.validators.empty()) {
    return at(t.file, t.k.validators[0].mark,
              "validators need kustomize plugins, which are not supported");
  }
  return merge_vars(t, ra);
}

Status Builder::accumulate_resources(Target& t, Accumulator& ra, const std::vector<Entry>& paths) {
  for (const auto& e : paths) {
    const std::string& path = e.value;
    std::string what = "resource '" + path + "'";
    bool dir = false;
    // A git URL is a remote base; another http(s) URL a remote file (kustomize tries the file
    // first, but a repository URL only ever yields a web page there).
    if (Loader::is_repo_url(path)) {
      dir = true;
    } else if (Loader::is_remote_file(path)) {
      dir = false;
    } else {
      dir = t.ldr->is_directory(path);
    }
    if (dir) {
      auto ldr = t.ldr->sub_loader(path);
      if (!ldr.ok()) return wrap(ldr.error(), t.file, e.mark, what);
      if (Status s = accumulate_directory(t, ra, std::move(*ldr), false, e); !s.ok()) return s;
      continue;
    }
    auto text = t.ldr->load(path);
    if (!text.ok()) return at(t.file, e.mark, what + ": " + text.error().message);
    auto nodes = read_resources(*text, t.ldr->display_path(path));
    if (!nodes.ok()) return nodes.error();
    for (auto& n : *nodes) {
      auto r = std::make_unique<Resource>(std::move(n));
      // Bookkeeping annotations in the input are read as bookkeeping, as kustomize does
      // (an `internal.config.kubernetes.io/needsHashSuffix: enabled` ConfigMap gets a hash).
      if (Status s = r->absorb_build_annotations({}); !s.ok()) {
        return at(t.file, e.mark, what + ": " + s.error().message);
      }
      if (t.origin) r->origin = t.origin->append(path);
      if (Status s = ra.resources.append(std::move(r)); !s.ok()) {
        return wrap(s.error(), t.file, e.mark, "merging resources from '" + path + "'");
      }
    }
  }
  return {};
}

Status Builder::accumulate_directory(Target& parent, Accumulator& ra, std::unique_ptr<Loader> ldr,
                                     bool component, const Entry& entry) {
  std::string dir = ldr->display();
  auto sub = load_target(std::move(ldr));
  if (!sub.ok()) return wrap(sub.error(), parent.file, entry.mark, "'" + entry.value + "'");
  Target& t = *sub;
  t.k.build_metadata = build_metadata_;
  if (parent.origin) t.origin = parent.origin->append(entry.value);
  if (Status s = set_schema(t, false); !s.ok()) return s;
  if (component && !t.k.is_component()) {
    return at(parent.file, entry.mark,
              "expected kind 'Component' for path '" + dir + "' but got '" + t.k.kind + "'");
  }
  if (!component && t.k.is_component()) {
    return at(parent.file, entry.mark, "expected kind != 'Component' for path '" + dir + "'");
  }
  if (component) return accumulate_target(t, ra);
  Accumulator sub_ra(&schema_);
  if (Status s = accumulate_target(t, sub_ra); !s.ok()) return s;
  if (Status s = ra.resources.append_all(std::move(sub_ra.resources)); !s.ok()) {
    return wrap(s.error(), parent.file, entry.mark, "merging resources from '" + entry.value + "'");
  }
  if (Status s = ra.config.merge(sub_ra.config); !s.ok()) return s;
  for (auto& [name, v] : sub_ra.vars) {
    if (!ra.vars.emplace(name, v).second) {
      return at(parent.file, entry.mark, "var '" + name + "' already encountered");
    }
  }
  return {};
}

core::Result<std::vector<ResourcePtr>> Builder::plugin_configs(Target& t,
                                                               const std::vector<Entry>& entries) {
  // configureExternalTransformers: each entry is inline YAML or a path (file or directory).
  Accumulator configs(&schema_);
  std::vector<Entry> paths;
  for (const auto& e : entries) {
    auto inline_nodes = read_resources(e.value, t.file);
    if (inline_nodes.ok() && !inline_nodes->empty() && e.value.find('\n') != std::string::npos) {
      for (auto& n : *inline_nodes) {
        auto r = std::make_unique<Resource>(std::move(n));
        if (t.origin) r->origin = t.origin->append(t.file_name);
        if (Status s = configs.resources.append(std::move(r)); !s.ok()) {
          return wrap(s.error(), t.file, e.mark, "plugin configuration");
        }
      }
      continue;
    }
    paths.push_back(e);
  }
  if (Status s = accumulate_resources(t, configs, paths); !s.ok()) return s.error();
  return std::move(configs.resources.list());
}

Status Builder::run_generators(Target& t, Accumulator& ra) {
  for (bool secret : {false, true}) {
    for (const auto& g : secret ? t.k.secret_generator : t.k.config_map_generator) {
      auto r = generate(*t.ldr, g, t.k.generator_options, secret, t.file);
      if (!r.ok()) return r.error();
      if (t.origin) {
        (*r)->origin =
            t.origin->configured_by(t.file_name, secret ? "SecretGenerator" : "ConfigMapGenerator");
      }
      if (Status s = absorb(ra.resources, std::move(*r)); !s.ok()) {
        return at(t.file, g.mark, "merging from generator: " + s.error().message);
      }
    }
  }
  if (t.k.helm_charts.line > 0) {
    return at(t.file, t.k.helm_charts,
              "helmCharts: must specify --enable-helm (the Helm engine is not available yet)");
  }
  if (!t.k.generators.empty()) {
    auto configs = plugin_configs(t, t.k.generators);
    if (!configs.ok()) return configs.error();
    for (auto& c : *configs) {
      auto produced = run_builtin_generator(*t.ldr, *c, t.file);
      if (!produced.ok()) return produced.error();
      for (auto& r : *produced) {
        if (!r->origin) r->origin = plugin_origin(*c);
        if (Status s = absorb(ra.resources, std::move(r)); !s.ok()) {
          return at(t.file, t.k.generators[0].mark, "merging from generator: " + s.error().message);
        }
      }
    }
  }
  return {};
}

Status Builder::run_transformers(Target& t, Accumulator& ra) {
  ResMap& m = ra.resources;
  const TransformerConfig& tc = ra.config;
  const Kustomization& k = t.k;
  // After each transformer (multitransformer.go): empty objects are dropped and, when origins
  // are tracked, the transformer is recorded.
  auto step = [&](const Status& s, const char* kind, const char* what) -> Status {
    if (!s.ok()) return what ? wrap(s.error(), t.file, {}, what) : s;
    m.drop_empties();
    if (t.origin) record_transformer(m, t.origin->configured_by(t.file_name, kind));
    return {};
  };
  if (!k.patches_strategic_merge.empty()) {
    Status s = transform_patches_strategic_merge(m, *t.ldr, k.patches_strategic_merge, t.file);
    if (Status d = step(s, "PatchStrategicMergeTransformer", nullptr); !d.ok()) return d;
  }
  for (const auto& p : k.patches) {
    Status s = transform_patch(m, *t.ldr, p, t.file);
    if (Status d = step(s, "PatchTransformer", nullptr); !d.ok()) return d;
  }
  if (!k.ns.empty()) {
    Status s = transform_namespace(m, k.ns, tc.name_space);
    if (Status d = step(s, "NamespaceTransformer", "namespace"); !d.ok()) return d;
  }
  if (!k.name_prefix.empty()) {
    Status s = transform_name_prefix(m, k.name_prefix, tc.name_prefix);
    if (Status d = step(s, "PrefixTransformer", "namePrefix"); !d.ok()) return d;
  }
  if (!k.name_suffix.empty()) {
    Status s = transform_name_suffix(m, k.name_suffix, tc.name_suffix);
    if (Status d = step(s, "SuffixTransformer", "nameSuffix"); !d.ok()) return d;
  }
  if (!k.labels.empty() || !k.common_labels.empty()) {
    for (const auto& label : k.labels) {
      std::vector<FieldSpec> fss = label.fields;
      Status s = merge_field_specs(fss, tc.labels);
      if (s.ok() && label.include_selectors) {
        s = merge_field_specs(fss, tc.common_labels);
      } else if (s.ok()) {
        if (label.include_templates) s = merge_field_specs(fss, tc.template_labels);
        if (s.ok()) s = merge_field_specs(fss, {FieldSpec{{}, "metadata/labels", true}});
      }
      if (!s.ok()) return wrap(s.error(), t.file, {}, "failed to merge labels");
      s = transform_labels(m, label.pairs, fss);
      if (Status d = step(s, "LabelTransformer", "labels"); !d.ok()) return d;
    }
    Status s = transform_labels(m, k.common_labels, tc.common_labels);
    if (Status d = step(s, "LabelTransformer", "commonLabels"); !d.ok()) return d;
  }
  if (!k.common_annotations.empty()) {
    Status s = transform_annotations(m, k.common_annotations, tc.common_annotations);
    if (Status d = step(s, "AnnotationsTransformer", "commonAnnotations"); !d.ok()) return d;
  }
  for (const auto& p : k.patches_json6902) {
    Status s = transform_patch_json6902(m, *t.ldr, p, t.file);
    if (Status d = step(s, "PatchJson6902Transformer", nullptr); !d.ok()) return d;
  }
  for (const auto& r : k.replicas) {
    Status s = transform_replicas(m, r, tc.replicas);
    if (Status d = step(s, "ReplicaCountTransformer", "replicas"); !d.ok()) return d;
  }
  for (const auto& img : k.images) {
    Status s = transform_images(m, img, tc.images);
    if (Status d = step(s, "ImageTagTransformer", "images"); !d.ok()) return d;
  }
  if (!k.replacements.empty()) {
    Status s = transform_replacements(m, *t.ldr, k.replacements, t.file);
    if (Status d = step(s, "ReplacementTransformer", nullptr); !d.ok()) return d;
  }
  if (!k.transformers.empty()) {
    auto configs = plugin_configs(t, k.transformers);
    if (!configs.ok()) return configs.error();
    for (auto& c : *configs) {
      Status s = run_builtin_transformer(m, *t.ldr, *c, t.file);
      if (!s.ok()) return s;
      m.drop_empties();
      if (auto o = plugin_origin(*c)) record_transformer(m, *o);
    }
  }
  return {};
}

Status Builder::merge_vars(Target& t, Accumulator& ra) {
  for (const auto& v : t.k.vars) {
    ResId target;
    target.gvk = v.gvk;
    target.name = v.obj_name;
    target.ns = v.obj_namespace;
    std::vector<Resource*> matched;
    for (auto& r : ra.resources.list()) {
      std::vector<ResId> ids = r->prev_res_ids();
      ids.push_back(r->cur_id(ra.resources.schema()));
      for (const auto& id : ids) {
        // GvknEquals unless a namespace is given, then Equals.
        bool eq = id.name == target.name && id.gvk == target.gvk &&
                  (target.ns.empty() || id.effective_namespace() == target.effective_namespace());
        if (eq) {
          matched.push_back(r.get());
          break;
        }
      }
    }
    if (matched.size() > 1) {
      return Error("found " + std::to_string(matched.size()) + " resId matches for var " + v.name +
                       " (unable to disambiguate)",
                   t.file);
    }
    if (matched.size() == 1) matched[0]->ref_var_names.push_back(v.name);
    if (!ra.vars.emplace(v.name, v).second) {
      return Error("var '" + v.name + "' already encountered", t.file);
    }
  }
  return {};
}

core::Result<std::vector<Node>> Builder::run(const std::string& path) {
  auto ldr = Loader::make_root(fs_, path, opts_.load_restrictions, opts_.remote);
  if (!ldr.ok()) return ldr.error();
  auto target = load_target(std::move(*ldr));
  if (!target.ok()) return target.error();
  Target& t = *target;
  if (Status s = set_schema(t, true); !s.ok()) return s.error();
  build_metadata_ = t.k.build_metadata;
  if (!build_metadata_.empty()) t.origin = Origin{};
  for (const auto& b : build_metadata_) {
    if (b != "originAnnotations" && b != "transformerAnnotations" && b != "managedByLabel") {
      return Error("invalid buildMetadata option: " + b, t.file);
    }
  }
  Accumulator ra(&schema_);
  if (Status s = accumulate_target(t, ra); !s.ok()) return s.error();
  ResMap& m = ra.resources;
  if (Status s = add_hash_suffixes(m); !s.ok()) return s.error();
  if (!ra.config.name_reference.empty()) {
    if (Status s = fix_name_references(m, ra.config.name_reference); !s.ok()) return s.error();
  }
  std::vector<Var> vars;
  for (auto& [name, v] : ra.vars) vars.push_back(v);
  std::vector<std::string> unused;
  if (Status s = resolve_vars(m, vars, ra.config.var_reference, &unused); !s.ok()) return s.error();
  if (!unused.empty() && opts_.warn) {
    std::string names;
    for (size_t i = 0; i < unused.size(); ++i) names += (i ? "," : "") + unused[i];
    opts_.warn("well-defined vars that were never replaced: " + names);
  }
  // IgnoreLocal: objects annotated config.kubernetes.io/local-config (other than "false").
  std::erase_if(m.list(), [](const ResourcePtr& r) {
    for (const auto& [k, v] : r->annotations()) {
      if (k == "config.kubernetes.io/local-config") return v != "false";
    }
    return false;
  });
  m.invalidate();
  auto sorted = apply_sort_order(m, t.k.sort_options, opts_.reorder);
  if (!sorted.ok()) return wrap(sorted.error(), t.file, {}, "sortOptions");
  if (std::find(build_metadata_.begin(), build_metadata_.end(), "managedByLabel") !=
      build_metadata_.end()) {
    StringMap label{{"app.kubernetes.io/managed-by", std::string(kManagedByValue)}};
    if (Status s = transform_labels(m, label, {FieldSpec{{}, "metadata/labels", true}}); !s.ok()) {
      return s.error();
    }
  }
  auto has = [&](std::string_view opt) {
    return std::find(build_metadata_.begin(), build_metadata_.end(), opt) != build_metadata_.end();
  };
  // Each object is converted and its build-time tree released at once, so the peak holds one
  // copy of the resources, not two.
  std::vector<Node> out;
  out.reserve(m.size());
  for (auto& r : m.list()) {
    r->finish_build_annotations(has("originAnnotations"), has("transformerAnnotations"));
    if (Status s = check_created_keys(r->obj); !s.ok()) {
      return Error(std::string(r->kind()) + " " + std::string(r->name()) + ": " +
                   s.error().message);
    }
    auto model = core::to_json_model(r->obj, core::Schema::kYaml12);
    if (!model.ok()) return model.error();
    r.reset();
    out.push_back(std::move(*model));
  }
  return out;
}

}  // namespace

core::Result<std::vector<Node>> build(const std::string& path, const BuildOptions& options) {
  Builder b(options);
  return b.run(path);
}

std::string to_yaml(const std::vector<Node>& resources) {
  return core::write_yaml_stream(resources, core::YamlStyle::kustomize());
}

}  // namespace oc::kustomize
