// Reading and writing sops files of every format: the data branches and, for encrypted files,
// the `sops` metadata (nested in YAML/JSON, a flattened [sops] section in INI, flattened
// sops_* keys in dotenv; getsops/sops stores/metadata.go).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "crypto/sops_metadata.h"
#include "crypto/sops_tree.h"

namespace oc::crypto::sops {

enum class Format { kYaml, kJson, kDotenv, kIni, kBinary };

const char* format_name(Format f);
// sops's choice by file name: .yaml/.yml, .json, .env, .ini; anything else is binary.
Format format_for_path(std::string_view path);
// "yaml", "json", "dotenv", "ini", "binary".
core::Result<Format> parse_format(std::string_view name);

// `stores` in .sops.yaml.
struct StoreConfig {
  int yaml_indent = 4;
  int json_indent = -1;  // -1: a tab
  int json_binary_indent = -1;
};

// A plaintext file as sops reads it (for binary: one "data" value holding the bytes).
core::Result<std::vector<Branch>> load_plain(Format f, std::string_view text,
                                             const std::string& file);
core::Result<std::string> emit_plain(Format f, const std::vector<Branch>& branches,
                                     const StoreConfig& cfg);

struct EncryptedFile {
  std::vector<Branch> branches;  // without the metadata
  Metadata metadata;
};

// An encrypted file split into data and metadata; nullopt when it has no sops metadata (a
// plaintext file). Errors name the file.
core::Result<std::optional<EncryptedFile>> load_encrypted(Format f, std::string_view text,
                                                          const std::string& file);
core::Result<std::string> emit_encrypted(Format f, const std::vector<Branch>& branches,
                                         const Metadata& m, const StoreConfig& cfg);

// Whether a plaintext tree already has a top-level `sops` key (or sops_* keys in dotenv),
// which sops refuses to encrypt.
bool has_sops_key(Format f, const std::vector<Branch>& branches);

}  // namespace oc::crypto::sops
