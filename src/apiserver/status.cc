#include "apiserver/status.h"

#include "core/json.h"

namespace oc::apiserver {

std::string ApiError::to_json() const {
  std::string out = R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":)";
  core::append_json_string(out, message);
  out += R"(,"reason":)";
  core::append_json_string(out, reason);
  if (!name.empty() || !kind.empty() || !causes_json.empty()) {
    out += R"(,"details":{)";
    bool first = true;
    auto field = [&](const char* k, const std::string& v) {
      if (v.empty()) return;
      if (!first) out += ',';
      first = false;
      out += '"';
      out += k;
      out += "\":";
      core::append_json_string(out, v);
    };
    field("name", name);
    field("group", group);
    field("kind", kind);
    if (!causes_json.empty()) {
      if (!first) out += ',';
      out += "\"causes\":" + causes_json;
    }
    out += '}';
  }
  out += ",\"code\":" + std::to_string(code) + "}";
  return out;
}

std::string qualified_resource(const ResourceInfo& r) {
  return r.group.empty() ? r.resource : r.resource + "." + r.group;
}

namespace {
ApiError make(int code, const char* reason, std::string message) {
  ApiError e;
  e.code = code;
  e.reason = reason;
  e.message = std::move(message);
  return e;
}
ApiError with_details(ApiError e, const ResourceInfo& r, const std::string& name) {
  e.name = name;
  e.kind = r.resource;
  e.group = r.group;
  return e;
}
}  // namespace

ApiError api_error(int code, std::string reason, std::string message) {
  ApiError e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  return e;
}

ApiError not_found(const ResourceInfo& r, const std::string& name) {
  return with_details(make(404, "NotFound", qualified_resource(r) + " \"" + name + "\" not found"),
                      r, name);
}

ApiError already_exists(const ResourceInfo& r, const std::string& name) {
  return with_details(
      make(409, "AlreadyExists", qualified_resource(r) + " \"" + name + "\" already exists"), r,
      name);
}

ApiError conflict(const ResourceInfo& r, const std::string& name) {
  return with_details(make(409, "Conflict",
                           "Operation cannot be fulfilled on " + qualified_resource(r) + " \"" +
                               name +
                               "\": the object has been modified; please apply your changes to "
                               "the latest version and try again"),
                      r, name);
}

ApiError bad_request(const std::string& message) { return make(400, "BadRequest", message); }

ApiError invalid(const ResourceInfo& r, const std::string& name, const std::string& detail) {
  ApiError e = make(422, "Invalid", r.kind + " \"" + name + "\" is invalid: " + detail);
  e.name = name;
  e.kind = r.kind;
  e.group = r.group;
  return e;
}

ApiError forbidden(const ResourceInfo& r, const std::string& name, const std::string& why) {
  return with_details(make(403, "Forbidden",
                           qualified_resource(r) + " \"" + name + "\" is forbidden: " + why),
                      r, name);
}

ApiError method_not_allowed(const std::string& message) {
  return make(405, "MethodNotAllowed", message);
}

ApiError gone(const std::string& message) { return make(410, "Expired", message); }

ApiError internal_error(const std::string& message) {
  return make(500, "InternalError", "Internal error occurred: " + message);
}

}  // namespace oc::apiserver
