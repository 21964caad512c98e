// Kubernetes `Status` error objects with the reasons, codes and messages clients rely on
// (kubectl prints them; tools grep "already exists", "the object has been modified", …).
#pragma once

#include <string>

#include "apiserver/resources.h"

namespace oc::apiserver {

struct ApiError {
  int code = 500;
  std::string reason;   // NotFound, AlreadyExists, Conflict, Invalid, BadRequest, …
  std::string message;
  std::string name;     // details.name
  std::string kind;     // details.kind (the qualified resource: "deployments.apps")
  std::string group;    // details.group
  std::string causes_json;  // details.causes as a JSON array, or empty

  std::string to_json() const;
};

// "configmaps" or "deployments.apps": how kube-apiserver names a resource in messages.
std::string qualified_resource(const ResourceInfo& r);

// An error with just a code, reason and message.
ApiError api_error(int code, std::string reason, std::string message);

ApiError not_found(const ResourceInfo& r, const std::string& name);
ApiError already_exists(const ResourceInfo& r, const std::string& name);
ApiError conflict(const ResourceInfo& r, const std::string& name);
ApiError bad_request(const std::string& message);
// 422: "<Kind> \"<name>\" is invalid: <field>: <detail>".
ApiError invalid(const ResourceInfo& r, const std::string& name, const std::string& detail);
ApiError forbidden(const ResourceInfo& r, const std::string& name, const std::string& why);
ApiError method_not_allowed(const std::string& message);
ApiError gone(const std::string& message);
ApiError internal_error(const std::string& message);

}  // namespace oc::apiserver
