// `crds:` (api/internal/accumulator/loadconfigfromcrds.go): OpenAPI definitions of custom types
// whose x-kubernetes-* extensions add field specs (annotations, label selectors, identity
// fields, object references) to the transformer configuration.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "kustomize/fieldspec.h"
#include "kustomize/loader.h"

namespace oc::kustomize {

core::Result<TransformerConfig> load_crd_config(const Loader& ldr, const std::vector<Entry>& paths,
                                                const std::string& kust_file);

}  // namespace oc::kustomize
