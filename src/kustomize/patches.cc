// The patch transformers (api/internal/builtins/Patch*Transformer.go, api/resource/resource.go
// ApplySmPatch, api/resmap/reswrangler.go ApplySmPatch): strategic-merge patches (untargeted ones
// find their object by the patch's own kind/name/namespace; targeted ones apply to every
// selected object), and JSON 6902 patches on selected objects.
#include <charconv>
#include <optional>

#include "core/json.h"
#include "core/scalar.h"
#include "core/yaml.h"
#include "kube/json_patch.h"
#include "kustomize/merge2.h"
#include "kustomize/reader.h"
#include "kustomize/transformers.h"

namespace oc::kustomize {

using core::Error;
using core::Node;
using core::Status;

namespace {

struct LoadedPatch {
  std::string text;
  std::string source;  // "[path: \"x.yaml\"]" or "[patch: …]" for messages
  std::string file;    // display path of the patch file, or of the kustomization
};

core::Result<LoadedPatch> load_patch(const Loader& ldr, const Patch& p,
                                     const std::string& kust_file) {
  auto at = [&](const std::string& msg) {
    return Error(msg, kust_file, static_cast<int>(p.mark.line), static_cast<int>(p.mark.column));
  };
  std::string inline_patch = p.patch;
  // strings.TrimSpace
  size_t b = inline_patch.find_first_not_of(" \t\r\n\v\f");
  size_t e = inline_patch.find_last_not_of(" \t\r\n\v\f");
  inline_patch = b == std::string::npos ? "" : inline_patch.substr(b, e - b + 1);
  if (inline_patch.empty() && p.path.empty())
    return at("a patch must specify one of patch and path");
  if (!inline_patch.empty() && !p.path.empty())
    return at("patch and path can't be set at the same time");
  if (!inline_patch.empty()) return LoadedPatch{inline_patch, "[patch: inline]", kust_file};
  auto text = ldr.load(p.path);
  if (!text.ok())
    return at("failed to get the patch file from path(" + p.path + "): " + text.error().message);
  return LoadedPatch{*text, "[path: \"" + p.path + "\"]", ldr.display_path(p.path)};
}

// jsonPatchFromBytes: a JSON array of operations, or the same written in YAML.
core::Result<std::vector<kube::JsonPatchOperation>> json_ops(std::string_view text,
                                                             const std::string& file) {
  if (text.empty()) return Error("empty json patch operations", file);
  Node ops;
  if (text[0] == '[') {
    core::JsonParseOptions jo;
    jo.file = file;
    auto j = core::parse_json(text, jo);
    if (!j.ok()) return j.error();
    ops = std::move(*j);
  } else {
    core::ParseOptions po;
    po.file = file;
    po.comments = false;
    po.allow_duplicate_keys = true;
    auto y = core::parse_yaml(text, po);
    if (!y.ok()) return y.error();
    // sigs.k8s.io/yaml.YAMLToJSON: YAML 1.1 typing.
    auto m = core::to_json_model(*y, core::Schema::kYaml11);
    if (!m.ok()) return m.error().in_file(file);
    ops = std::move(*m);
  }
  auto parsed = kube::parse_json_patch(ops);
  if (!parsed.ok()) return parsed.error().in_file(file);
  return parsed;
}

// Resource.ApplySmPatch: merge, then restore kind/name (unless the patch may change them) and
// namespace.
Status apply_sm_patch(Resource& r, const Resource& patch, const OpenApiSchema& schema) {
  std::string name(r.name()), ns(r.ns()), kind(r.kind());
  if (patch.allow_name_change || patch.allow_kind_change) r.store_previous_id(schema);
  // The merge sees kustomize's bookkeeping annotations: `annotations: null` drops them.
  Resource::Exposed exposed = r.expose_build_annotations();
  auto kept = strategic_merge(r.obj, patch.obj, schema);
  if (!kept.ok()) return kept.error();
  if (!*kept) {
    r.obj = Node::null();
    return {};
  }
  if (Status s = r.absorb_build_annotations(exposed); !s.ok()) return s;
  if (!patch.allow_kind_change) r.set_kind(kind);
  if (!patch.allow_name_change) r.set_name(name);
  r.set_namespace(ns);
  return {};
}

// resWrangler.ApplySmPatch: the patch is applied to a copy of itself whose apiVersion is the
// target's (CopyMergeMetaDataFieldsFrom + SetGvk + SetKind), then ids must stay unique.
Status apply_sm_patch_to(ResMap& m, const std::vector<Resource*>& targets, const Resource& patch) {
  const OpenApiSchema& schema = m.schema();
  for (Resource* r : targets) {
    Resource copy;
    copy.obj = patch.obj;
    copy.allow_name_change = patch.allow_name_change;
    copy.allow_kind_change = patch.allow_kind_change;
    copy.set_labels(patch.labels());
    copy.set_annotations(patch.annotations());
    copy.set_name(patch.name());
    copy.set_namespace(patch.ns());
    copy.set_api_version(r->api_version());
    copy.set_kind(patch.kind());
    if (Status s = apply_sm_patch(*r, copy, schema); !s.ok()) return s;
  }
  m.drop_empties();
  m.invalidate();
  for (auto& r : m.list()) {
    if (m.by_current_id(r->cur_id(schema)).size() > 1) {
      return Error("may not add resource with an already registered id: " +
                   r->cur_id(schema).to_string());
    }
  }
  return {};
}

// ResMap.GetById: exactly one resource with this id among previous and current ids.
core::Result<Resource*> unique_target(ResMap& m, const Resource& patch) {
  ResId id = patch.org_id(m.schema());
  auto found = m.by_any_id(id);
  if (found.size() == 1) return found[0];
  std::string what = found.empty() ? "no matches for Id " : "multiple matches for Id ";
  return Error(what + id.to_string() + "; failed to find unique target for patch " +
               id.to_string());
}

core::Result<std::vector<ResourcePtr>> sm_patches(std::string_view text, const std::string& file) {
  auto nodes = read_resources(text, file);
  if (!nodes.ok()) return nodes.error();
  std::vector<ResourcePtr> out;
  for (auto& n : *nodes) out.push_back(std::make_unique<Resource>(std::move(n)));
  return out;
}

// kioutil.GetInternalAnnotations: what the JSON patch transformers put back after patching.
bool internal_annotation(std::string_view key) {
  return key.starts_with("internal.config.kubernetes.io/") || key == "config.kubernetes.io/path" ||
         key == "config.kubernetes.io/index" || key == "config.k8s.io/id";
}

// patchjson6902.Filter reads the patched JSON back with encoding/json into interface{} and
// re-encodes it with yaml.v3 (RNode.UnmarshalJSON): every number becomes a float64 written
// with strconv's 'g' format (1000000 → "1e+06", 2^53+1 → 2^53), and null is written "null".
// Those texts are what later steps see (an annotation value 1000000 becomes the string
// "1e+06"); the output step then writes the numbers back in JSON's form.
void through_float64(Node& n) {
  if (n.is_mapping()) {
    for (auto& e : n.entries()) through_float64(e.value);
  } else if (n.is_sequence()) {
    for (auto& item : n.items()) through_float64(item);
  } else if (n.type() == core::ScalarType::kInt || n.type() == core::ScalarType::kFloat) {
    double v = 0;
    const std::string& t = n.text();
    std::from_chars(t.data(), t.data() + t.size(), v);
    n.set_text(core::go_format_float(v), core::ScalarType::kFloat);
  } else if (n.is_null()) {
    n.set_text("null", core::ScalarType::kNull);
  }
}

Status apply_json_patch(Resource& r, const std::vector<kube::JsonPatchOperation>& ops,
                        const std::string& source) {
  // The patch sees the bookkeeping annotations (an annotations map exists, the origin can be
  // replaced); afterwards the transformer restores the internal ones as they were and rewrites
  // the annotations (SetAnnotations).
  Resource::Exposed exposed = r.expose_build_annotations();
  std::vector<std::pair<std::string, std::string>> internal;
  for (auto& kv : r.annotations()) {
    if (internal_annotation(kv.first)) internal.push_back(std::move(kv));
  }
  auto failed = [&](const Error& e) {
    return Error("applying JSON patch " + source + " to " + std::string(r.kind()) + " " +
                 std::string(r.name()) + ": " + e.message);
  };
  auto doc = core::to_json_model(r.obj, core::Schema::kYaml12);
  if (!doc.ok()) return failed(doc.error());
  if (Status s = kube::apply_json_patch(*doc, ops); !s.ok()) return failed(s.error());
  through_float64(*doc);
  r.obj = std::move(*doc);
  auto anns = r.annotations();
  for (auto& kv : internal) {
    std::erase_if(anns, [&](const auto& a) { return a.first == kv.first; });
    anns.push_back(std::move(kv));
  }
  r.set_annotations(anns);
  return r.absorb_build_annotations(exposed);
}

// Errors from applying a patch name the kustomization (and the patch entry's line) unless they
// already name a file.
Status located(Status s, const std::string& kust_file, const core::Mark& mark = {}) {
  if (s.ok() || !s.error().file.empty()) return s;
  return Error(s.error().message, kust_file, static_cast<int>(mark.line),
               static_cast<int>(mark.column));
}

}  // namespace

Status transform_patches_strategic_merge(ResMap& m, const Loader& ldr,
                                         const std::vector<Entry>& patches,
                                         const std::string& kust_file) {
  // Each entry is inline YAML when it parses as objects, else a file path (loadFromPaths).
  std::vector<ResourcePtr> loaded;
  for (const auto& e : patches) {
    auto at = [&](const std::string& msg) {
      return Error(msg, kust_file, static_cast<int>(e.mark.line), static_cast<int>(e.mark.column));
    };
    auto inline_patches = sm_patches(e.value, kust_file);
    if (inline_patches.ok() && !inline_patches->empty()) {
      for (auto& p : *inline_patches) loaded.push_back(std::move(p));
      continue;
    }
    auto text = ldr.load(e.value);
    if (!text.ok()) return at("patchesStrategicMerge: " + text.error().message);
    auto from_file = sm_patches(*text, ldr.display_path(e.value));
    if (!from_file.ok()) return from_file.error();
    for (auto& p : *from_file) loaded.push_back(std::move(p));
  }
  if (loaded.empty() && !patches.empty()) {
    return Error("patchesStrategicMerge: patch appears to be empty", kust_file);
  }
  for (const auto& patch : loaded) {
    auto target = unique_target(m, *patch);
    if (!target.ok()) return target.error().in_file(kust_file);
    if (Status s = apply_sm_patch_to(m, {*target}, *patch); !s.ok()) return located(s, kust_file);
  }
  return {};
}

Status transform_patch(ResMap& m, const Loader& ldr, const Patch& p, const std::string& kust_file) {
  auto loaded = load_patch(ldr, p, kust_file);
  if (!loaded.ok()) return loaded.error();
  auto sm = sm_patches(loaded->text, loaded->file);
  auto js = json_ops(loaded->text, loaded->file);
  auto at = [&](const std::string& msg) {
    return Error(msg, kust_file, static_cast<int>(p.mark.line), static_cast<int>(p.mark.column));
  };
  if (sm.ok() && js.ok())
    return at("patch illegally qualifies as both an SM and JSON patch: " + loaded->source);
  if (!sm.ok() && !js.ok()) {
    // Report the reason that fits what the text looks like.
    std::string_view t = loaded->text;
    bool looks_json = !t.empty() && (t[0] == '[' || t[0] == '-');
    return looks_json ? js.error() : sm.error();
  }
  const OpenApiSchema& schema = m.schema();
  if (sm.ok()) {
    for (auto& patch : *sm) {
      patch->allow_name_change =
          p.options.count("allowNameChange") && p.options.at("allowNameChange");
      patch->allow_kind_change =
          p.options.count("allowKindChange") && p.options.at("allowKindChange");
    }
    if (p.target) {
      if (sm->size() > 1) {
        return at(
            "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set "
            "`patches.target` field: " +
            loaded->source);
      }
      if (sm->empty()) return {};
      auto selected = select_resources(m, *p.target);
      if (!selected.ok()) return at("unable to find patch target: " + selected.error().message);
      return located(apply_sm_patch_to(m, *selected, *(*sm)[0]), kust_file, p.mark);
    }
    for (auto& patch : *sm) {
      auto target = unique_target(m, *patch);
      if (!target.ok()) {
        return at("no resource matches strategic merge patch " + loaded->source + ": " +
                  target.error().message);
      }
      if (Status s = apply_sm_patch(**target, *patch, schema); !s.ok()) {
        return located(s, kust_file, p.mark);
      }
    }
    m.drop_empties();
    m.invalidate();
    return {};
  }
  if (!p.target) return at("must specify a target for JSON patch " + loaded->source);
  auto selected = select_resources(m, *p.target);
  if (!selected.ok()) return at(selected.error().message);
  for (Resource* r : *selected) {
    r->store_previous_id(schema);
    if (Status s = apply_json_patch(*r, *js, loaded->source); !s.ok()) {
      return located(s, kust_file, p.mark);
    }
  }
  m.invalidate();
  return {};
}

Status transform_patch_json6902(ResMap& m, const Loader& ldr, const Patch& p,
                                const std::string& kust_file) {
  auto at = [&](const std::string& msg) {
    return Error(msg, kust_file, static_cast<int>(p.mark.line), static_cast<int>(p.mark.column));
  };
  if (!p.target || p.target->name.empty())
    return at("patchesJson6902: must specify the target name");
  if (p.path.empty() && p.patch.empty())
    return at("patchesJson6902: empty file path and empty jsonOp");
  if (!p.path.empty() && !p.patch.empty())
    return at("patchesJson6902: must specify a file path or jsonOp, not both");
  std::string text = p.patch, file = kust_file, source = "[patch: inline]";
  if (!p.path.empty()) {
    auto loaded = ldr.load(p.path);
    if (!loaded.ok()) return at("patchesJson6902: " + loaded.error().message);
    if (loaded->empty()) return at("patch file '" + p.path + "' seems to be empty");
    text = std::move(*loaded);
    file = ldr.display_path(p.path);
    source = "[path: \"" + p.path + "\"]";
  }
  auto ops = json_ops(text, file);
  if (!ops.ok()) return ops.error();
  if (ops->empty()) return at("patch appears to be empty: " + source);
  auto selected = select_resources(m, *p.target);
  if (!selected.ok()) return at(selected.error().message);
  for (Resource* r : *selected) {
    if (Status s = apply_json_patch(*r, *ops, source); !s.ok())
      return located(s, kust_file, p.mark);
  }
  m.invalidate();
  return {};
}

}  // namespace oc::kustomize
