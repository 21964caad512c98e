#include "kustomize/builtin_plugins.h"

#include "core/scalar.h"
#include "kustomize/decode.h"
#include "kustomize/generators.h"
#include "kustomize/sort.h"
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Error;
using core::Node;
using core::Status;

namespace {

struct Config {
  std::string kind;
  Node doc;  // JSON model of the plugin document
  std::string name;
  std::string ns;
};

core::Result<Config> read_config(const Resource& res, const std::string& kust_file) {
  Config c;
  c.kind = res.kind();
  if (res.api_version() != "builtin") {
    return Error("plugin " + std::string(res.api_version()) + "/" + c.kind + " (" +
                     std::string(res.name()) +
                     "): only built-in plugins (apiVersion: builtin) are supported; exec, Go and "
                     "KRM function plugins are disabled",
                 kust_file);
  }
  auto model = core::to_json_model(res.obj, core::Schema::kYaml12);
  if (!model.ok()) return model.error();
  c.doc = std::move(*model);
  c.name = res.name();
  c.ns = res.ns();
  return c;
}

// A field-spec list that notes whether it was given (PrefixTransformer insists on one).
Decoder::Setter specs(const Decoder& d, std::vector<FieldSpec>& out, bool* present = nullptr) {
  return [&d, &out, present](const Node& n) -> Status {
    if (present && !n.is_null()) *present = true;
    return field_specs(d, out)(n);
  };
}

Status finish(Status s, const std::string& kind, const std::string& name) {
  if (s.ok()) return s;
  Error e = Decoder::finish(s.error());
  e.message = "plugin " + kind + " (" + name + ") fails configuration: " + e.message;
  return e;
}

}  // namespace

core::Result<std::vector<ResourcePtr>> run_builtin_generator(const Loader& ldr, const Resource& res,
                                                             const std::string& kust_file) {
  auto c = read_config(res, kust_file);
  if (!c.ok()) return c.error();
  Decoder d(kust_file, false);
  if (c->kind != "ConfigMapGenerator" && c->kind != "SecretGenerator") {
    return Error("plugin " + c->kind + " (" + c->name + ") is not a generator", kust_file);
  }
  bool secret = c->kind == "SecretGenerator";
  GeneratorArgs g;
  // The plugin document is the generator's arguments, plus metadata (ignored: not strict).
  if (Status st = finish(decode_generator(d, c->doc, g, secret), c->kind, c->name); !st.ok()) {
    return st.error();
  }
  if (g.name.empty()) g.name = c->name;
  if (g.ns.empty()) g.ns = c->ns;
  auto r = generate(ldr, g, std::nullopt, secret, kust_file);
  if (!r.ok()) return r.error();
  std::vector<ResourcePtr> out;
  out.push_back(std::move(*r));
  return out;
}

Status run_builtin_transformer(ResMap& m, const Loader& ldr, const Resource& res,
                               const std::string& kust_file) {
  auto c = read_config(res, kust_file);
  if (!c.ok()) return c.error();
  Decoder d(kust_file, false);
  const std::string& kind = c->kind;
  auto decode = [&](const std::vector<Decoder::Field>& fields) {
    return finish(d.object(c->doc, kind, fields), kind, c->name);
  };
  if (kind == "PrefixTransformer" || kind == "SuffixTransformer" ||
      kind == "PrefixSuffixTransformer") {
    std::string prefix, suffix;
    std::vector<FieldSpec> fss;
    bool has_specs = false;
    if (Status s = decode({{"prefix", d.str(prefix)},
                           {"suffix", d.str(suffix)},
                           {"fieldSpecs", specs(d, fss, &has_specs)}});
        !s.ok()) {
      return s;
    }
    if (!has_specs)
      return Error("plugin " + kind + ": fieldSpecs is not expected to be nil", kust_file);
    if (kind != "SuffixTransformer") {
      if (Status s = transform_name_prefix(m, prefix, fss); !s.ok()) return s;
    }
    if (kind != "PrefixTransformer") return transform_name_suffix(m, suffix, fss);
    return {};
  }
  if (kind == "LabelTransformer" || kind == "AnnotationsTransformer") {
    StringMap pairs;
    std::vector<FieldSpec> fss;
    bool labels = kind == "LabelTransformer";
    if (Status s = decode({{labels ? "labels" : "annotations", d.string_map(pairs)},
                           {"fieldSpecs", specs(d, fss)}});
        !s.ok()) {
      return s;
    }
    return labels ? transform_labels(m, pairs, fss) : transform_annotations(m, pairs, fss);
  }
  if (kind == "NamespaceTransformer") {
    std::string ns, mode;
    std::vector<FieldSpec> fss;
    bool unset_only = false;
    if (Status s = decode({{"metadata",
                            [&](const Node& md) {
                              return d.object(md, "ObjectMeta", {{"namespace", d.str(ns)}});
                            }},
                           {"fieldSpecs", specs(d, fss)},
                           {"unsetOnly", d.boolean(unset_only)},
                           {"setRoleBindingSubjects", d.str(mode)}});
        !s.ok()) {
      return s;
    }
    if (unset_only || (!mode.empty() && mode != "defaultOnly")) {
      return Error(
          "plugin NamespaceTransformer: unsetOnly and setRoleBindingSubjects other than "
          "defaultOnly are not supported",
          kust_file);
    }
    return transform_namespace(m, ns, fss);
  }
  if (kind == "ImageTagTransformer") {
    Image img;
    std::vector<FieldSpec> fss;
    if (Status s = decode({{"imageTag", [&](const Node& n) { return decode_image(d, n, img); }},
                           {"fieldSpecs", specs(d, fss)}});
        !s.ok()) {
      return s;
    }
    return transform_images(m, img, fss);
  }
  if (kind == "ReplicaCountTransformer") {
    Replica r;
    std::vector<FieldSpec> fss;
    if (Status s = decode({{"replica", [&](const Node& n) { return decode_replica(d, n, r); }},
                           {"fieldSpecs", specs(d, fss)}});
        !s.ok()) {
      return s;
    }
    return transform_replicas(m, r, fss);
  }
  if (kind == "PatchTransformer") {
    // PatchTransformerPlugin's fields are types.Patch's (metadata and the rest ignored).
    Patch p;
    if (Status s = finish(decode_patch(d, c->doc, p), kind, c->name); !s.ok()) return s;
    p.mark = res.obj.mark();
    return transform_patch(m, ldr, p, kust_file);
  }
  if (kind == "PatchJson6902Transformer") {
    // PatchJson6902TransformerPlugin: target, path and jsonOp (not `patch`).
    Patch p;
    p.mark = res.obj.mark();
    if (Status s = decode(
            {{"target", [&](const Node& n) { return decode_optional_selector(d, n, p.target); }},
             {"path", d.str(p.path)},
             {"jsonOp", d.str(p.patch)}});
        !s.ok()) {
      return s;
    }
    return transform_patch_json6902(m, ldr, p, kust_file);
  }
  if (kind == "PatchStrategicMergeTransformer") {
    std::vector<std::string> paths;
    std::string patches;
    if (Status s = decode({{"paths", d.strings(paths)}, {"patches", d.str(patches)}}); !s.ok()) {
      return s;
    }
    std::vector<Entry> entries;
    for (auto& p : paths) entries.push_back(Entry{p, res.obj.mark()});
    if (!patches.empty()) entries.push_back(Entry{patches, res.obj.mark()});
    if (entries.empty()) return Error("empty file path and empty patch content", kust_file);
    return transform_patches_strategic_merge(m, ldr, entries, kust_file);
  }
  if (kind == "ReplacementTransformer") {
    std::vector<ReplacementField> reps;
    if (Status s = decode({{"replacements", d.list(reps,
                                                   [&](const Node& n, ReplacementField& r) {
                                                     return decode_replacement(d, n, r.replacement,
                                                                               &r.path);
                                                   })}});
        !s.ok()) {
      return s;
    }
    return transform_replacements(m, ldr, reps, kust_file);
  }
  if (kind == "HashTransformer") return add_hash_suffixes(m);
  return Error("plugin " + kind + " (" + c->name + "): unknown or unsupported built-in transformer",
               kust_file);
}

}  // namespace oc::kustomize
