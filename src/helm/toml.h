// TOML for Helm's toToml / fromToml (BurntSushi/toml's encoder layout and decoder types:
// integers → int64, floats → float64, datetimes → strings).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"
#include "helm/go_value.h"

namespace oc::helm {

core::Result<std::string> value_to_toml(const Value& v);
core::Result<Value> toml_to_value(std::string_view text);

}  // namespace oc::helm
