// Decoding JSON-model trees into typed structs the way Go's encoding/json does with
// DisallowUnknownFields: exact field names first, then case-insensitive; unknown fields and
// type mismatches are errors; null leaves the zero value. Errors name the field path
// ("patches[1].target.name: expected a string, got a number") and the source position.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/node.h"
#include "kustomize/kustomization.h"

namespace oc::kustomize {

class Decoder {
 public:
  using Setter = std::function<core::Status(const core::Node&)>;
  struct Field {
    std::string_view name;
    Setter set;
  };

  // strict: unknown fields are errors (DisallowUnknownFields); otherwise they are ignored, as
  // sigs.k8s.io/yaml.Unmarshal does for plugin configurations.
  explicit Decoder(std::string file, bool strict = true)
      : file_(std::move(file)), strict_(strict) {}

  // Decodes the mapping `n` field by field. `any` (optional) becomes true when a field other
  // than apiVersion/kind holds a non-null value.
  core::Status object(const core::Node& n, std::string_view type, const std::vector<Field>& fields,
                      bool* any = nullptr) const;

  Setter str(std::string& out) const;
  Setter boolean(bool& out) const;
  Setter int64(int64_t& out) const;
  Setter strings(std::vector<std::string>& out) const;
  Setter entries(std::vector<Entry>& out) const;
  Setter string_map(StringMap& out) const;
  Setter bool_map(std::map<std::string, bool>& out) const;

  // `each(node, item)` decodes one element.
  template <class T, class F>
  Setter list(std::vector<T>& out, F each) const {
    return [this, &out, each](const core::Node& n) -> core::Status {
      if (n.is_null()) return {};
      if (!n.is_sequence()) return type_error(n, "a list");
      for (size_t i = 0; i < n.items().size(); ++i) {
        T item{};
        if (core::Status s = each(n.items()[i], item); !s.ok()) return index_error(s.error(), i);
        out.push_back(std::move(item));
      }
      return {};
    };
  }

  // An error at `at` with this decoder's file.
  core::Error error(const core::Node& at, std::string message) const;
  // "expected <what>, got <kind of n>".
  core::Error type_error(const core::Node& n, std::string_view what) const;
  // Prefixes an error's field path with "[i]" / "name".
  static core::Error index_error(core::Error e, size_t i);
  static core::Error field_error(core::Error e, std::string_view name);
  // The error message without its leading path separator, for the top level.
  static core::Error finish(core::Error e);

 private:
  std::string file_;
  bool strict_;
};

// Decoders of kustomize's shared types (api/types), used for kustomization files, transformer
// configurations, replacement files and plugin configurations alike.
core::Status decode_selector(const Decoder& d, const core::Node& n, Selector& s);
core::Status decode_optional_selector(const Decoder& d, const core::Node& n,
                                      std::optional<Selector>& s);
core::Status decode_field_spec(const Decoder& d, const core::Node& n, FieldSpec& fs);
Decoder::Setter field_specs(const Decoder& d, std::vector<FieldSpec>& out);
core::Status decode_generator_options(const Decoder& d, const core::Node& n,
                                      std::optional<GeneratorOptions>& o);
// ConfigMapArgs / SecretArgs (with `type`), `env` folded into `envs`.
core::Status decode_generator(const Decoder& d, const core::Node& n, GeneratorArgs& g, bool secret);
core::Status decode_patch(const Decoder& d, const core::Node& n, Patch& p);
core::Status decode_image(const Decoder& d, const core::Node& n, Image& i);
core::Status decode_replica(const Decoder& d, const core::Node& n, Replica& r);
core::Status decode_field_options(const Decoder& d, const core::Node& n,
                                  std::optional<FieldOptions>& o);
// A replacement; `path` (optional) receives ReplacementField.path.
core::Status decode_replacement(const Decoder& d, const core::Node& n, Replacement& r,
                                std::string* path);

}  // namespace oc::kustomize
