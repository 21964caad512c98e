// Values to and from text the way Helm's Go code does it: encoding/json (toJson, fromJson),
// sigs.k8s.io/yaml (values files, toYaml, fromYaml: YAML → JSON → interface{}, so every number
// is a float64), built on the core document tree.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "core/node.h"
#include "helm/go_value.h"

namespace oc::helm {

// The JSON-model tree of a value (what json.Marshal would write). Fails on NaN/Inf.
core::Result<core::Node> value_to_node(const Value& v);
core::Status value_to_node_into(const Value& v, core::Node& out);

// A decoded document as interface{}: maps → map[string]interface{}, lists → []interface{},
// numbers → float64, null → nil. `node` must be in the JSON model (see core::to_json_model)
// or parsed JSON.
Value node_to_value(const core::Node& node);

// json.Marshal (escape_html) / json.MarshalIndent(v, "", indent).
core::Result<std::string> value_to_json(const Value& v, bool escape_html = true,
                                        std::string_view indent = "");
// sigs.k8s.io/yaml.Marshal(v) (ends with a newline; "null\n" for nil).
core::Result<std::string> value_to_yaml(const Value& v);

// Helm's toYamlPretty: a yaml.v3 encoder with indent 2 (sequences indented under their key).
core::Result<std::string> value_to_yaml_pretty(const Value& v);

// sigs.k8s.io/yaml.Unmarshal of one document into interface{}.
core::Result<Value> yaml_to_value(std::string_view text, const std::string& file = "");
// encoding/json.Unmarshal into interface{}.
core::Result<Value> json_to_value(std::string_view text);

}  // namespace oc::helm
