// The sops stores: each file format read into the sops tree and written back the way sops
// writes it (getsops/sops stores/*). Used by sops_store.cc; not a public interface.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "crypto/sops_tree.h"

namespace oc::crypto::sops::formats {

// YAML through the core document tree (go-yaml v3 typing and output, comments as tree items
// like sops's YAML store). One branch per document.
core::Result<std::vector<Branch>> yaml_load(std::string_view text, const std::string& file);
std::string yaml_emit(const std::vector<Branch>& branches, int indent);

// JSON: one top-level object; integers within int64 are ints, other numbers floats (sops
// ≥ 3.13.2). Written with encoding/json escaping and json.Indent (indent < 0: a tab).
core::Result<Branch> json_load(std::string_view text, const std::string& file);
core::Result<std::string> json_emit(const Branch& branch, int indent);

// dotenv: KEY=VALUE lines, '#' comments, "\n" escapes; everything a string.
core::Result<Branch> dotenv_load(std::string_view text, const std::string& file);
core::Result<std::string> dotenv_emit(const Branch& branch);

// INI as gopkg.in/ini.v1 reads and writes it: each section a map of strings.
core::Result<Branch> ini_load(std::string_view text, const std::string& file);
core::Result<std::string> ini_emit(const Branch& branch);

// sops's flattening of metadata for dotenv and INI: nested maps and lists become keys joined
// by "__map_" and "__list_N" (stores/flatten.go).
core::Result<Branch> flatten(const Branch& b, const std::string& prefix);
core::Result<Branch> unflatten(const Branch& b);

// Go's strconv.FormatFloat(f, 'G', -1, 64), with ".0" added to integral values
// (stores.ValToString, how dotenv and INI write non-string values).
std::string val_to_string(const Value& v);

}  // namespace oc::crypto::sops::formats
