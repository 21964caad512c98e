// Decoding kustomization.yaml into the typed struct, with Go encoding/json's rules over the
// YAML 1.1 reading sigs.k8s.io/yaml gives (api/types/kustomization.go Unmarshal).
#include "kustomize/kustomization.h"

#include <functional>

#include "core/scalar.h"
#include "core/yaml.h"
#include "kustomize/decode.h"

namespace oc::kustomize {

using core::Node;
using core::Status;

core::Result<ParsedKustomization> parse_kustomization(std::string_view text,
                                                      const std::string& file) {
  core::ParseOptions po;
  po.file = file;
  po.comments = false;
  // sigs.k8s.io/yaml (go-yaml v2, not strict): a repeated key keeps the last value.
  po.allow_duplicate_keys = true;
  auto docs = core::parse_yaml_stream(text, po);
  if (!docs.ok()) return docs.error();
  ParsedKustomization out;
  Kustomization& k = out.k;
  if (docs->empty() || (*docs)[0].is_null()) {
    return core::Error("kustomization is empty", file);
  }
  if (docs->size() > 1) {
    return core::Error("a kustomization file must hold one YAML document", file,
                       (*docs)[1].mark().line, (*docs)[1].mark().column);
  }
  auto model = core::to_json_model((*docs)[0], core::Schema::kYaml11);
  if (!model.ok()) return model.error().in_file(file);
  const Node& root = *model;
  Decoder d(file);
  bool any_field = false;
  std::vector<Entry> bases;
  std::vector<Image> image_tags;
  bool has_bases = false, has_image_tags = false, has_vars = false, has_psm = false,
       has_json6902 = false;
  auto track = [&](bool& flag, Decoder::Setter set) -> Decoder::Setter {
    return [&flag, set](const Node& v) {
      if (!v.is_null()) flag = true;
      return set(v);
    };
  };
  auto helm = [&](const Node& v) -> Status {
    if (!v.is_null() && !(v.is_sequence() && v.items().empty())) k.helm_charts = v.mark();
    return {};
  };
  Status st = d.object(
      root, "Kustomization",
      {{"apiVersion", d.str(k.api_version)},
       {"kind", d.str(k.kind)},
       {"metadata",
        [&](const Node& v) -> Status {
          std::string name, ns;
          StringMap labels, annotations;
          if (v.is_null()) return {};
          return d.object(v, "ObjectMeta",
                          {{"name", d.str(name)},
                           {"namespace", d.str(ns)},
                           {"labels", d.string_map(labels)},
                           {"annotations", d.string_map(annotations)}});
        }},
       {"openapi", d.string_map(k.openapi)},
       {"namePrefix", d.str(k.name_prefix)},
       {"nameSuffix", d.str(k.name_suffix)},
       {"namespace", d.str(k.ns)},
       {"commonLabels", track(k.has_common_labels, d.string_map(k.common_labels))},
       {"labels", d.list(k.labels,
                         [&](const Node& v, Label& l) {
                           return d.object(
                               v, "Label",
                               {{"pairs", d.string_map(l.pairs)},
                                {"includeSelectors", d.boolean(l.include_selectors)},
                                {"includeTemplates", d.boolean(l.include_templates)},
                                {"fields", field_specs(d, l.fields)}});
                         })},
       {"commonAnnotations", d.string_map(k.common_annotations)},
       {"patchesStrategicMerge", track(has_psm, d.entries(k.patches_strategic_merge))},
       {"patchesJson6902",
        track(has_json6902, d.list(k.patches_json6902, [&](const Node& v, Patch& p) {
          return decode_patch(d, v, p);
        }))},
       {"patches",
        d.list(k.patches, [&](const Node& v, Patch& p) { return decode_patch(d, v, p); })},
       {"images",
        d.list(k.images, [&](const Node& v, Image& i) { return decode_image(d, v, i); })},
       {"imageTags", track(has_image_tags, d.list(image_tags, [&](const Node& v, Image& i) {
          return decode_image(d, v, i);
        }))},
       {"replacements", d.list(k.replacements,
                               [&](const Node& v, ReplacementField& r) {
                                 return decode_replacement(d, v, r.replacement, &r.path);
                               })},
       {"replicas", d.list(k.replicas,
                           [&](const Node& v, Replica& r) { return decode_replica(d, v, r); })},
       {"vars", track(has_vars, d.list(k.vars,
                                       [&](const Node& v, Var& var) {
                                         std::string api_version;
                                         Status s = d.object(
                                             v, "Var",
                                             {{"name", d.str(var.name)},
                                              {"objref",
                                               [&](const Node& o) {
                                                 return d.object(
                                                     o, "Target",
                                                     {{"apiVersion", d.str(api_version)},
                                                      {"group", d.str(var.gvk.group)},
                                                      {"version", d.str(var.gvk.version)},
                                                      {"kind", d.str(var.gvk.kind)},
                                                      {"name", d.str(var.obj_name)},
                                                      {"namespace", d.str(var.obj_namespace)}});
                                               }},
                                              {"fieldref", [&](const Node& f) {
                                                 return d.object(f, "FieldSelector",
                                                                 {{"fieldPath",
                                                                   d.str(var.field_path)}});
                                               }}});
                                         if (!s.ok()) return s;
                                         // types.Var.Defaulting and Target.GVK.
                                         if (var.field_path.empty()) var.field_path = "metadata.name";
                                         if (!api_version.empty()) {
                                           size_t slash = api_version.find('/');
                                           if (slash == std::string::npos) {
                                             var.gvk.version = api_version;
                                           } else if (api_version.find('/', slash + 1) ==
                                                      std::string::npos) {
                                             var.gvk.group = api_version.substr(0, slash);
                                             var.gvk.version = api_version.substr(slash + 1);
                                           }
                                         }
                                         return Status();
                                       }))},
       {"sortOptions",
        [&](const Node& v) -> Status {
          if (v.is_null()) return {};
          k.sort_options.emplace();
          SortOptions& so = *k.sort_options;
          return d.object(v, "SortOptions",
                          {{"order", d.str(so.order)},
                           {"legacySortOptions", [&](const Node& l) -> Status {
                              if (l.is_null()) return {};
                              so.has_legacy_options = true;
                              return d.object(l, "LegacySortOptions",
                                              {{"orderFirst", d.strings(so.order_first)},
                                               {"orderLast", d.strings(so.order_last)}});
                            }}});
        }},
       {"resources", d.entries(k.resources)},
       {"components", d.entries(k.components)},
       {"crds", d.entries(k.crds)},
       {"bases", track(has_bases, d.entries(bases))},
       {"configMapGenerator", d.list(k.config_map_generator,
                                     [&](const Node& v, GeneratorArgs& g) {
                                       return decode_generator(d, v, g, false);
                                     })},
       {"secretGenerator", d.list(k.secret_generator,
                                  [&](const Node& v, GeneratorArgs& g) {
                                    return decode_generator(d, v, g, true);
                                  })},
       {"helmGlobals", [](const Node&) { return Status(); }},
       {"helmCharts", helm},
       {"helmChartInflationGenerator", helm},
       {"generatorOptions",
        [&](const Node& v) { return decode_generator_options(d, v, k.generator_options); }},
       {"configurations", d.entries(k.configurations)},
       {"generators", d.entries(k.generators)},
       {"transformers", d.entries(k.transformers)},
       {"validators", d.entries(k.validators)},
       {"buildMetadata", d.strings(k.build_metadata)}},
      &any_field);
  if (!st.ok()) return Decoder::finish(st.error());

  // CheckDeprecatedFields, in kustomize's order.
  const std::string fix = " Run 'kustomize edit fix' to update your Kustomization automatically.";
  if (has_bases) {
    out.warnings.push_back("# Warning: 'bases' is deprecated. Please use 'resources' instead." +
                           fix);
  }
  if (k.has_common_labels) {
    out.warnings.push_back("# Warning: 'commonLabels' is deprecated. Please use 'labels' instead." +
                           fix);
  }
  if (has_image_tags) {
    out.warnings.push_back("# Warning: 'imageTags' is deprecated. Please use 'images' instead." +
                           fix);
  }
  if (has_json6902) {
    out.warnings.push_back(
        "# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead." + fix);
  }
  if (has_psm) {
    out.warnings.push_back(
        "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead." + fix);
  }
  if (has_vars) {
    out.warnings.push_back(
        "# Warning: 'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] Run "
        "'kustomize edit fix' to update your Kustomization automatically.");
  }

  // FixKustomization.
  if (k.kind.empty()) k.kind = "Kustomization";
  if (k.api_version.empty()) {
    k.api_version = k.kind == "Component" ? "kustomize.config.k8s.io/v1alpha1"
                                          : "kustomize.config.k8s.io/v1beta1";
  }
  for (auto& b : bases) k.resources.push_back(std::move(b));
  for (auto& i : image_tags) k.images.push_back(std::move(i));

  // CheckEmpty: nothing but apiVersion/kind set.
  if (!any_field) return core::Error("kustomization.yaml is empty", file);

  // EnforceFields.
  if (k.kind != "Kustomization" && k.kind != "Component") {
    return core::Error("kind should be Kustomization or Component", file);
  }
  std::string required = k.kind == "Component" ? "kustomize.config.k8s.io/v1alpha1"
                                               : "kustomize.config.k8s.io/v1beta1";
  if (k.api_version != required) {
    return core::Error("apiVersion for " + k.kind + " should be " + required, file);
  }
  return out;
}

}  // namespace oc::kustomize
