// Server-side Table output (meta.k8s.io/v1 Table), what `kubectl get` asks for: the columns
// kube-apiserver prints for built-in kinds, and a CRD's additionalPrinterColumns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "apiserver/resources.h"

namespace oc::apiserver {

// Whether an Accept header asks for a Table.
bool wants_table(std::string_view accept);

// A Table of `objects` (object JSON), with rows carrying PartialObjectMetadata.
std::string table_json(const ResourceInfo& r, const std::vector<std::string_view>& objects,
                       const std::string& resource_version, const std::string& continue_token);

}  // namespace oc::apiserver
