// What Helm reads from each rendered manifest to sort it (releaseutil's SimpleHead): kind,
// metadata.name and metadata.annotations. Internal to the Helm layer; tests compare the scan
// with a full parse.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace oc::helm {

struct ManifestHead {
  std::string kind, name;
  std::vector<std::pair<std::string, std::string>> annotations;  // in document order
  bool has_annotations = false;
  bool operator==(const ManifestHead&) const = default;
};

// Reads the head of one YAML document; a YAML error is "YAML parse error on <path>: …". The
// whole document is checked, but only the head's nodes are built (a rendered chart's documents
// are mostly specs: building them was most of `helm template`'s time with the default output).
// Anything unusual — aliases, several documents, errors — goes through the full parse, so the
// result is always parse_manifest_head_full's.
core::Result<ManifestHead> parse_manifest_head(const std::string& doc, const std::string& path);
// The same from the whole document tree (the reference).
core::Result<ManifestHead> parse_manifest_head_full(const std::string& doc,
                                                    const std::string& path);

}  // namespace oc::helm
