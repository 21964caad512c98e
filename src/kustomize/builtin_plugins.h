// `generators:` and `transformers:` entries that configure kustomize's built-in plugins
// (`apiVersion: builtin`, api/internal/plugins/builtinhelpers): the same generators and
// transformers a kustomization's fields use, configured from a plugin document. Exec, Go and
// container (KRM function) plugins are not run — kustomize disables them by default and Flux
// always does — and are reported as errors.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "kustomize/fieldspec.h"
#include "kustomize/loader.h"
#include "kustomize/resource.h"

namespace oc::kustomize {

core::Result<std::vector<ResourcePtr>> run_builtin_generator(const Loader& ldr,
                                                             const Resource& config,
                                                             const std::string& kust_file);

core::Status run_builtin_transformer(ResMap& m, const Loader& ldr, const Resource& config,
                                     const std::string& kust_file);

}  // namespace oc::kustomize
