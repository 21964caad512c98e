// Object metadata rules shared by the API handlers and the built-in controllers: identities,
// timestamps, name validation, the values selectors filter on, and managedFields.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "apiserver/resources.h"
#include "apiserver/store.h"
#include "core/node.h"
#include "kube/object.h"

namespace oc::apiserver {

// Identities, timestamps and path accessors shared with the client side.
using kube::at;
using kube::new_uid;
using kube::now_rfc3339;
using kube::rfc3339;
using kube::text;

// kube's generateName suffix: 5 characters from "bcdfghjklmnpqrstvwxz2456789".
std::string random_suffix(size_t n = 5);

// Why `name` is not a valid object name (DNS-1123 subdomain, or label for namespaces), or
// nullopt when it is valid. The text follows kube-apiserver's messages.
std::optional<std::string> name_error(const std::string& name, bool dns_label);

// The metadata mapping, created when missing.
core::Node& metadata(core::Node& obj);

// Labels and the field values field selectors may use for this resource.
ObjectIndex index_of(const ResourceInfo& r, const core::Node& obj);
// Field labels a resource supports in field selectors (metadata.name and metadata.namespace
// for every resource, plus the kind's own).
std::vector<std::string> supported_fields(const ResourceInfo& r);

// The manager name for a request: the fieldManager parameter, else the user agent up to its
// first '/' (as kube-apiserver derives it).
std::string manager_name(const std::string& field_manager, const std::string& user_agent);
// FieldsV1 of every field set in `obj` (metadata's server-owned fields and status excluded).
core::Node fields_v1(const core::Node& obj, bool include_status);
// Records an Update by `manager` in obj.metadata.managedFields, owning `fields`.
void record_update(core::Node& obj, const std::string& manager, const std::string& api_version,
                   const std::string& subresource, const core::Node& fields);

}  // namespace oc::apiserver
