// configMapGenerator and secretGenerator (api/internal/generators, api/kv): the generated
// objects and how they join the resources already accumulated (`behavior`).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "kustomize/kustomization.h"
#include "kustomize/loader.h"
#include "kustomize/resource.h"

namespace oc::kustomize {

// One generated ConfigMap (secret=false) or Secret, with the global generatorOptions merged
// into the generator's own (types.MergeGlobalOptionsIntoLocal).
core::Result<ResourcePtr> generate(const Loader& ldr, const GeneratorArgs& args,
                                   const std::optional<GeneratorOptions>& global, bool secret,
                                   const std::string& kust_file);

// resWrangler.appendReplaceOrMerge: create (an existing id is an error), merge or replace.
core::Status absorb(ResMap& m, ResourcePtr generated);

}  // namespace oc::kustomize
