// .sops.yaml: discovery and creation rules (getsops/sops config/config.go,
// research/sops-age.md §4). opencenter wraps data keys with age only; a rule that needs another
// key service (pgp, kms, …) is reported as such.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "crypto/sops_store.h"
#include "crypto/sops_tree.h"

namespace oc::crypto::sops {

// What a creation rule asks for: age recipients per key group and the encryption rules.
struct CreationRule {
  size_t index = 0;                                  // position in creation_rules (0-based)
  std::string path_regex;                            // "" matches every file
  std::vector<std::vector<std::string>> key_groups;  // age recipients per group, deduplicated
  int shamir_threshold = 0;
  Rules rules;  // as written (not normalized)
  // Key services the rule also names that opencenter cannot use (pgp, kms, …): applying the
  // rule is an error rather than a file some recipients cannot open.
  std::vector<std::string> unsupported_keys;
};

struct Config {
  std::string path;  // the .sops.yaml
  std::string dir;   // its directory, absolute
  bool has_creation_rules = false;
  std::vector<CreationRule> creation_rules;
  StoreConfig stores;
};

// The first .sops.yaml in `start_dir` or its parents (up to 100 levels), as sops looks from
// the working directory. nullopt when there is none (not an error: the config is optional).
std::optional<std::string> find_config(const std::string& start_dir);

// Parses a config file. Errors name the file and the rule ("creation_rules[2]: …").
core::Result<Config> load_config(const std::string& path);
core::Result<Config> parse_config(std::string_view text, const std::string& path);

// The first rule whose path_regex matches `file` (made absolute, then relative to the config's
// directory when it is inside it). An error when none matches, naming the file.
core::Result<const CreationRule*> rule_for_file(const Config& c, const std::string& file);

// sops's key lists: comma-separated, each item trimmed, empty items skipped.
std::vector<std::string> split_key_list(std::string_view s);

// An absolute, normalized path (no symlinks resolved, like Go's filepath.Abs).
std::string absolute_path(const std::string& p);

}  // namespace oc::crypto::sops
