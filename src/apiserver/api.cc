#include "apiserver/api.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>

#include "apiserver/objects.h"
#include "apiserver/patch.h"
#include "apiserver/protobuf.h"
#include "apiserver/status.h"
#include "apiserver/table.h"
#include "core/base64.h"
#include "core/json.h"
#include "core/scalar.h"
#include "core/yaml.h"
#include "kube/selector.h"
#include "version_stamp.h"

namespace oc::apiserver {

const std::string& Request::param(std::string_view name) const {
  static const std::string kEmpty;
  for (auto it = query.rbegin(); it != query.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return kEmpty;
}

bool Request::has(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return true;
  }
  return false;
}

namespace {

using core::Node;

Response json_response(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response error_response(const ApiError& e) { return json_response(e.code, e.to_json()); }

std::string to_json(const Node& n) {
  auto j = core::write_json(n);
  return j.ok() ? std::move(*j) : std::string("{}");
}

bool truthy(const std::string& v) { return v == "true" || v == "1"; }

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t p = 0;
  while (p < path.size()) {
    size_t q = path.find('/', p);
    if (q == std::string::npos) q = path.size();
    if (q > p) parts.push_back(path.substr(p, q - p));
    p = q + 1;
  }
  return parts;
}

// Where a request points.
struct Target {
  ResourceInfo res;
  std::string ns;
  std::string name;
  std::string sub;
};

Node strip_for_compare(const Node& obj) {
  Node copy = obj;
  if (copy.is_mapping()) {
    copy.erase("metadata");
    copy.erase("status");
  }
  return copy;
}

}  // namespace

struct Api::Impl {
  Api& api;
  ApiOptions opts;
  std::mutex hooks_mu;
  std::vector<WriteHook> hooks;

  Impl(Api& a, ApiOptions o) : api(a), opts(std::move(o)) {}

  void notify(const ResourceInfo& r, EventType t, const std::string& json) {
    std::vector<WriteHook> hs;
    {
      std::lock_guard<std::mutex> g(hooks_mu);
      hs = hooks;
    }
    for (auto& h : hs) h(r, t, json);
  }

  // --- discovery --------------------------------------------------------------------------

  Response version() {
    std::string v = opts.kube_version;  // "v1.32.0"
    std::string major = "1", minor = "32";
    if (v.size() > 1 && v[0] == 'v') {
      size_t dot = v.find('.', 1);
      major = v.substr(1, dot - 1);
      size_t dot2 = v.find('.', dot + 1);
      minor = v.substr(dot + 1, dot2 - dot - 1);
    }
    Node n = Node::mapping();
    n["major"] = Node::string(major);
    n["minor"] = Node::string(minor);
    n["gitVersion"] = Node::string(v + "+opencenter");
    n["gitCommit"] = Node::string(OC_GIT_COMMIT);
    n["gitTreeState"] = Node::string("clean");
    n["buildDate"] = Node::string("2026-01-01T00:00:00Z");
    n["goVersion"] = Node::string("go1.23.0");
    n["compiler"] = Node::string("gc");
    n["platform"] = Node::string("linux/amd64");
    return json_response(200, to_json(n));
  }

  Node group_version_node(const std::string& group, const std::string& version) {
    Node v = Node::mapping();
    v["groupVersion"] = Node::string(group + "/" + version);
    v["version"] = Node::string(version);
    return v;
  }

  Node api_group(const std::string& group, const std::vector<std::string>& versions) {
    Node g = Node::mapping();
    g["name"] = Node::string(group);
    Node vs = Node::sequence();
    for (const auto& v : versions) vs.push_back(group_version_node(group, v));
    g["versions"] = std::move(vs);
    g["preferredVersion"] = group_version_node(group, versions.front());
    return g;
  }

  Response api_versions() {
    return json_response(200,
                         R"({"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":)"
                         R"([{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1"}]})");
  }

  Response api_groups() {
    Node list = Node::mapping();
    list["kind"] = Node::string("APIGroupList");
    list["apiVersion"] = Node::string("v1");
    Node groups = Node::sequence();
    for (const auto& [g, versions] : api.registry().groups()) {
      if (g.empty()) continue;
      groups.push_back(api_group(g, versions));
    }
    list["groups"] = std::move(groups);
    return json_response(200, to_json(list));
  }

  Response one_group(const std::string& group) {
    for (const auto& [g, versions] : api.registry().groups()) {
      if (g != group) continue;
      Node n = api_group(g, versions);
      n.entries().insert(n.entries().begin(), {Node::string("apiVersion"), Node::string("v1")});
      n.entries().insert(n.entries().begin(), {Node::string("kind"), Node::string("APIGroup")});
      return json_response(200, to_json(n));
    }
    return json_response(404, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404})");
  }

  Response resource_list(const std::string& group, const std::string& version) {
    Node list = Node::mapping();
    list["kind"] = Node::string("APIResourceList");
    list["apiVersion"] = Node::string("v1");
    list["groupVersion"] = Node::string(group.empty() ? version : group + "/" + version);
    Node resources = Node::sequence();
    bool found = false;
    for (const auto& r : api.registry().all()) {
      if (r.group != group || r.version != version) continue;
      found = true;
      Node e = Node::mapping();
      e["name"] = Node::string(r.resource);
      e["singularName"] = Node::string(r.singular);
      e["namespaced"] = Node::boolean(r.namespaced);
      e["kind"] = Node::string(r.kind);
      Node verbs = Node::sequence();
      for (const char* v :
           {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}) {
        verbs.push_back(Node::string(v));
      }
      e["verbs"] = std::move(verbs);
      if (!r.short_names.empty()) {
        Node sn = Node::sequence();
        for (const auto& s : r.short_names) sn.push_back(Node::string(s));
        e["shortNames"] = std::move(sn);
      }
      if (!r.categories.empty()) {
        Node c = Node::sequence();
        for (const auto& s : r.categories) c.push_back(Node::string(s));
        e["categories"] = std::move(c);
      }
      resources.push_back(std::move(e));
      auto sub = [&](const std::string& name, const std::string& kind, const std::string& g,
                     const std::string& v, std::initializer_list<const char*> vb) {
        Node s = Node::mapping();
        s["name"] = Node::string(r.resource + "/" + name);
        s["singularName"] = Node::string("");
        s["namespaced"] = Node::boolean(r.namespaced);
        if (!g.empty()) s["group"] = Node::string(g);
        if (!v.empty()) s["version"] = Node::string(v);
        s["kind"] = Node::string(kind);
        Node verbs = Node::sequence();
        for (const char* x : vb) verbs.push_back(Node::string(x));
        s["verbs"] = std::move(verbs);
        resources.push_back(std::move(s));
      };
      if (r.status_subresource) sub("status", r.kind, "", "", {"get", "patch", "update"});
      if (r.scale_subresource) sub("scale", "Scale", "autoscaling", "v1", {"get", "patch", "update"});
      if (r.group.empty() && r.resource == "namespaces") sub("finalize", "Namespace", "", "", {"update"});
      if (r.group.empty() && r.resource == "serviceaccounts") {
        sub("token", "TokenRequest", "authentication.k8s.io", "v1", {"create"});
      }
    }
    if (!found) {
      return json_response(404, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404})");
    }
    list["resources"] = std::move(resources);
    return json_response(200, to_json(list));
  }

  // --- routing ----------------------------------------------------------------------------

  // Parses /api/v1/... and /apis/<g>/<v>/... into a target; sets *err on failure.
  bool route(const std::vector<std::string>& parts, Target& t, ApiError& err) {
    size_t i = 0;
    std::string group, version;
    if (parts[0] == "api") {
      version = parts[1];
      i = 2;
    } else {
      group = parts[1];
      version = parts[2];
      i = 3;
    }
    std::vector<std::string> rest(parts.begin() + long(i), parts.end());
    // namespaces/<ns>/<resource>/... unless it is the namespace object itself.
    if (rest.size() >= 3 && rest[0] == "namespaces" && rest[2] != "status" && rest[2] != "finalize") {
      t.ns = rest[1];
      rest.erase(rest.begin(), rest.begin() + 2);
    }
    if (rest.empty()) {
      err = api_error(404, "NotFound", "the server could not find the requested resource");
      return false;
    }
    auto res = api.registry().find(group, version, rest[0]);
    if (!res) {
      err = api_error(404, "NotFound", "the server could not find the requested resource");
      return false;
    }
    t.res = *res;
    if (rest.size() > 1) t.name = rest[1];
    if (rest.size() > 2) t.sub = rest[2];
    if (rest.size() > 3 || (!t.res.namespaced && !t.ns.empty())) {
      err = api_error(404, "NotFound", "the server could not find the requested resource");
      return false;
    }
    return true;
  }

  Response handle(const Request& req) {
    auto parts = split_path(req.path);
    if (parts.empty()) return json_response(200, R"({"paths":["/api","/api/v1","/apis","/healthz","/livez","/readyz","/version","/openapi/v2","/openapi/v3"]})");
    const std::string& top = parts[0];
    if (req.method == "GET") {
      if (top == "version" && parts.size() == 1) return version();
      if ((top == "healthz" || top == "livez" || top == "readyz") && parts.size() >= 1) {
        Response r;
        r.content_type = "text/plain; charset=utf-8";
        r.body = "ok";
        return r;
      }
      if (top == "openapi" && parts.size() >= 2 && parts[1] == "v2") {
        // An empty protobuf document: kubectl's client-side validation then passes
        // (research/argocd-k8s.md B1); fieldValidation is enforced server-side.
        Response r;
        r.content_type = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
        return r;
      }
      if (top == "openapi" && parts.size() >= 2 && parts[1] == "v3") {
        return json_response(200, R"({"paths":{}})");
      }
      if (top == "api" && parts.size() == 1) return api_versions();
      if (top == "api" && parts.size() == 2) return resource_list("", parts[1]);
      if (top == "apis" && parts.size() == 1) return api_groups();
      if (top == "apis" && parts.size() == 2) return one_group(parts[1]);
      if (top == "apis" && parts.size() == 3) return resource_list(parts[1], parts[2]);
    }
    if (!((top == "api" && parts.size() >= 3) || (top == "apis" && parts.size() >= 4))) {
      return json_response(404, R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404})");
    }
    Target t;
    ApiError err;
    if (!route(parts, t, err)) return error_response(err);
    try {
      return dispatch(req, t);
    } catch (const std::exception& e) {
      return error_response(internal_error(e.what()));
    }
  }

  Response dispatch(const Request& req, Target& t) {
    const std::string& m = req.method;
    if (!t.sub.empty()) {
      if (t.sub == "status") {
        if (!t.res.status_subresource) return error_response(not_found_resource());
        if (m == "GET") return get(req, t);
        if (m == "PUT") return update(req, t);
        if (m == "PATCH") return patch(req, t);
        return error_response(method_not_allowed("the server does not allow this method on the requested resource"));
      }
      if (t.sub == "scale") {
        if (!t.res.scale_subresource) return error_response(not_found_resource());
        if (m == "GET") return get_scale(t);
        if (m == "PUT" || m == "PATCH") return update_scale(req, t);
        return error_response(method_not_allowed("the server does not allow this method on the requested resource"));
      }
      if (t.sub == "token" && t.res.group.empty() && t.res.resource == "serviceaccounts") {
        if (m == "POST") return create_token(req, t);
        return error_response(
            method_not_allowed("the server does not allow this method on the requested resource"));
      }
      if (t.sub == "finalize" && t.res.group.empty() && t.res.resource == "namespaces" && m == "PUT") {
        return update(req, t);
      }
      return error_response(not_found_resource());
    }
    if (t.name.empty()) {
      if (m == "GET") return truthy(req.param("watch")) ? watch(req, t) : list(req, t);
      if (m == "POST") return create(req, t);
      if (m == "DELETE") return delete_collection(req, t);
      return error_response(method_not_allowed("the server does not allow this method on the requested resource"));
    }
    if (m == "GET") return get(req, t);
    if (m == "PUT") return update(req, t);
    if (m == "PATCH") return patch(req, t);
    if (m == "DELETE") return remove(req, t);
    return error_response(method_not_allowed("the server does not allow this method on the requested resource"));
  }

  static ApiError not_found_resource() {
    return api_error(404, "NotFound", "the server could not find the requested resource");
  }

  std::string key_of(const Target& t, const std::string& name) const {
    return object_key(t.res.group, t.res.resource, t.res.namespaced ? t.ns : "", name);
  }

  // --- reads ------------------------------------------------------------------------------

  Response get(const Request& req, const Target& t) {
    auto o = api.store().get(key_of(t, t.name));
    if (!o) return error_response(not_found(t.res, t.name));
    if (t.sub.empty() && wants_table(req.accept)) {
      return json_response(200, table_json(t.res, {*o->json}, "", ""));
    }
    return json_response(200, *o->json);
  }

  struct Filter {
    kube::LabelSelector labels;
    kube::FieldSelector fields;
    bool keep(std::string_view key, const ObjectIndex& idx) const {
      if (!labels.matches(idx.labels)) return false;
      if (fields.empty()) return true;
      return fields.matches([&](std::string_view f) -> std::string_view {
        if (f == "metadata.name") return key_name(key);
        if (f == "metadata.namespace") return key_namespace(key);
        for (const auto& [k, v] : idx.fields) {
          if (k == f) return v;
        }
        return {};
      });
    }
  };

  bool parse_filter(const Request& req, const Target& t, Filter& f, ApiError& err) {
    auto ls = kube::LabelSelector::parse(req.param("labelSelector"));
    if (!ls.ok()) {
      err = bad_request(ls.error().message);
      return false;
    }
    auto fs = kube::FieldSelector::parse(req.param("fieldSelector"));
    if (!fs.ok()) {
      err = bad_request(fs.error().message);
      return false;
    }
    auto supported = supported_fields(t.res);
    for (const auto& r : fs->requirements()) {
      if (std::find(supported.begin(), supported.end(), r.key) == supported.end()) {
        err = bad_request("field label not supported: " + r.key);
        return false;
      }
    }
    f.labels = std::move(*ls);
    f.fields = std::move(*fs);
    return true;
  }

  std::string list_kind(const ResourceInfo& r) const { return r.kind + "List"; }

  Response list(const Request& req, const Target& t) {
    Filter f;
    ApiError err;
    if (!parse_filter(req, t, f, err)) return error_response(err);
    size_t limit = 0;
    if (!req.param("limit").empty()) limit = size_t(std::strtoull(req.param("limit").c_str(), nullptr, 10));
    std::string start_after;
    if (!req.param("continue").empty()) {
      std::string tok = core::base64_decode(req.param("continue"), core::Base64::kRawUrl).value_or("");
      size_t colon = tok.find(':');
      if (colon == std::string::npos) return error_response(bad_request("invalid continue token"));
      start_after = tok.substr(colon + 1);
    }
    std::string prefix = resource_prefix(t.res.group, t.res.resource, t.res.namespaced ? t.ns : "");
    int64_t rv = 0;
    bool more = false;
    auto items = api.store().list(prefix, start_after, limit,
                                  [&](std::string_view k, const ObjectIndex& idx) { return f.keep(k, idx); }, &rv, &more);
    std::string cont;
    if (more && !items.empty()) cont = core::base64_encode(std::to_string(rv) + ":" + items.back().key, core::Base64::kRawUrl);
    if (wants_table(req.accept)) {
      std::vector<std::string_view> objs;
      objs.reserve(items.size());
      for (const auto& o : items) objs.push_back(*o.json);
      return json_response(200, table_json(t.res, objs, std::to_string(rv), cont));
    }
    std::string out = R"({"kind":)";
    core::append_json_string(out, list_kind(t.res));
    out += R"(,"apiVersion":)";
    core::append_json_string(out, t.res.group_version());
    out += R"(,"metadata":{"resourceVersion":")" + std::to_string(rv) + "\"";
    if (!cont.empty()) out += R"(,"continue":")" + cont + "\"";
    out += R"(},"items":[)";
    bool first = true;
    for (const auto& o : items) {
      if (!first) out += ',';
      first = false;
      out += *o.json;
    }
    out += "]}";
    return json_response(200, std::move(out));
  }

  // --- watch ------------------------------------------------------------------------------

  class WatchStream : public Stream {
   public:
    WatchStream(Store& store, ResourceInfo res, std::string prefix, Filter filter, int64_t after,
                std::vector<std::string> initial, bool bookmarks, std::chrono::seconds timeout,
                bool table)
        : table_(table),
          store_(store),
          res_(std::move(res)),
          prefix_(std::move(prefix)),
          filter_(std::move(filter)),
          after_(after),
          initial_(std::move(initial)),
          bookmarks_(bookmarks),
          deadline_(std::chrono::steady_clock::now() + timeout),
          last_bookmark_(std::chrono::steady_clock::now()) {}

    bool next(std::string& chunk) override {
      chunk.clear();
      if (done_) return false;
      if (next_initial_ < initial_.size()) {
        // Send initial ADDED events in batches.
        for (size_t n = 0; next_initial_ < initial_.size() && n < 500; ++n) {
          chunk += initial_[next_initial_++];
        }
        if (next_initial_ == initial_.size()) std::vector<std::string>().swap(initial_);
        return true;
      }
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline_) return false;
      auto wait = std::min<std::chrono::steady_clock::duration>(deadline_ - now, std::chrono::seconds(1));
      bool gone = false;
      auto events = store_.events_after(
          after_, std::chrono::duration_cast<std::chrono::milliseconds>(wait), &gone);
      if (gone) {
        chunk = R"({"type":"ERROR","object":)" +
                gone_status() + "}\n";
        done_ = true;
        return true;
      }
      for (const auto& e : events) {
        after_ = e.rv;
        if (e.key.compare(0, prefix_.size(), prefix_) != 0) continue;
        bool now_in = filter_.keep(e.key, *e.index);
        bool was_in = e.prev_index && filter_.keep(e.key, *e.prev_index);
        const char* type = nullptr;
        switch (e.type) {
          case EventType::kAdded:
            if (now_in) type = "ADDED";
            break;
          case EventType::kModified:
            if (now_in && was_in) type = "MODIFIED";
            else if (now_in) type = "ADDED";
            else if (was_in) type = "DELETED";
            break;
          case EventType::kDeleted:
            if (was_in) type = "DELETED";
            break;
        }
        if (!type) continue;
        chunk += R"({"type":")";
        chunk += type;
        chunk += R"(","object":)";
        chunk += table_ ? table_json(res_, {*e.json}, "", "") : *e.json;
        chunk += "}\n";
      }
      if (bookmarks_ && now - last_bookmark_ > std::chrono::seconds(60)) {
        last_bookmark_ = now;
        chunk += R"({"type":"BOOKMARK","object":{"kind":")" + res_.kind + R"(","apiVersion":")" +
                 res_.group_version() + R"(","metadata":{"resourceVersion":")" +
                 std::to_string(std::max(after_, store_.revision() > after_ ? after_ : store_.revision())) +
                 R"("}}})" + "\n";
      }
      return true;
    }

   private:
    bool table_;
    std::string gone_status() {
      ApiError e = gone("too old resource version: " + std::to_string(after_) + " (" +
                        std::to_string(store_.compacted_revision()) + ")");
      return e.to_json();
    }

    Store& store_;
    ResourceInfo res_;
    std::string prefix_;
    Filter filter_;
    int64_t after_;
    std::vector<std::string> initial_;
    size_t next_initial_ = 0;
    bool bookmarks_;
    bool done_ = false;
    std::chrono::steady_clock::time_point deadline_;
    std::chrono::steady_clock::time_point last_bookmark_;
  };

  Response watch(const Request& req, const Target& t) {
    if (truthy(req.param("sendInitialEvents"))) {
      // Rejected (not ignored): clients then fall back to list + watch
      // (research/argocd-k8s.md, WatchList).
      return error_response(bad_request("sendInitialEvents is not supported by this server; use list and watch"));
    }
    Filter f;
    ApiError err;
    if (!parse_filter(req, t, f, err)) return error_response(err);
    std::string prefix = resource_prefix(t.res.group, t.res.resource, t.res.namespaced ? t.ns : "");
    if (!t.name.empty()) prefix += t.name;  // not reached: watch is a collection verb
    const std::string& rv_param = req.param("resourceVersion");
    int64_t after = 0;
    std::vector<std::string> initial;
    if (rv_param.empty() || rv_param == "0") {
      // Start with the current state, as ADDED events.
      auto items = api.store().list(prefix, "", 0,
                                    [&](std::string_view k, const ObjectIndex& idx) { return f.keep(k, idx); }, &after,
                                    nullptr);
      initial.reserve(items.size());
      bool table = wants_table(req.accept);
      for (const auto& o : items) {
        initial.push_back(R"({"type":"ADDED","object":)" +
                          (table ? table_json(t.res, {*o.json}, "", "") : *o.json) + "}\n");
      }
    } else {
      char* end = nullptr;
      after = std::strtoll(rv_param.c_str(), &end, 10);
      if (!end || *end) return error_response(bad_request("invalid resourceVersion: " + rv_param));
    }
    int timeout = opts.max_watch_seconds;
    if (!req.param("timeoutSeconds").empty()) {
      timeout = std::min(timeout, std::max(1, std::atoi(req.param("timeoutSeconds").c_str())));
    }
    Response r;
    r.stream = std::make_unique<WatchStream>(api.store(), t.res, prefix, std::move(f), after,
                                             std::move(initial), truthy(req.param("allowWatchBookmarks")),
                                             std::chrono::seconds(timeout), wants_table(req.accept));
    return r;
  }

  // --- writes -----------------------------------------------------------------------------

  // Parses a request body (JSON, YAML for apply patches, Kubernetes protobuf for the kinds
  // kubectl's generators create).
  bool parse_body(const Request& req, Node& out, ApiError& err) {
    if (is_kube_protobuf(req.content_type)) {
      auto r = decode_kube_protobuf(req.body);
      if (!r.ok()) {
        err = r.error().code == 415 ? api_error(415, "UnsupportedMediaType", r.error().message)
                                    : bad_request(r.error().message);
        return false;
      }
      out = std::move(*r);
      return true;
    }
    if (req.content_type.find("protobuf") != std::string::npos ||
        req.content_type.find("cbor") != std::string::npos) {
      // JSON, YAML for apply and the protobuf above are spoken; clients fall back to JSON on 415.
      err = api_error(415, "UnsupportedMediaType",
                      "the body of the request was in an unknown format - accepted media types "
                      "include: application/json, application/yaml, "
                      "application/vnd.kubernetes.protobuf");
      return false;
    }
    if (req.body.empty()) {
      err = bad_request("the request body is empty");
      return false;
    }
    bool yaml = req.content_type.find("yaml") != std::string::npos;
    if (yaml) {
      core::ParseOptions po;
      po.comments = false;
      auto r = core::parse_yaml(req.body, po);
      if (!r.ok()) {
        err = bad_request("error decoding YAML: " + r.error().to_string());
        return false;
      }
      // kube-apiserver reads YAML through sigs.k8s.io/yaml: YAML 1.1 typing.
      auto model = core::to_json_model(*r, core::Schema::kYaml11);
      if (!model.ok()) {
        err = bad_request("error decoding YAML: " + model.error().to_string());
        return false;
      }
      out = std::move(*model);
    } else {
      auto r = core::parse_json(req.body);
      if (!r.ok()) {
        err = bad_request("the body of the request was in an unknown format: " + r.error().to_string());
        return false;
      }
      out = std::move(*r);
    }
    if (!out.is_mapping() && !out.is_sequence()) {
      err = bad_request("the body of the request is not a JSON object");
      return false;
    }
    return true;
  }

  bool check_type(const Node& obj, const ResourceInfo& r, ApiError& err) {
    std::string av = text(obj, {"apiVersion"});
    std::string kind = text(obj, {"kind"});
    if (!av.empty() && av != r.group_version()) {
      err = bad_request("the API version in the data (" + av +
                        ") does not match the expected API version (" + r.group_version() + ")");
      return false;
    }
    if (!kind.empty() && kind != r.kind) {
      err = bad_request("the kind in the data (" + kind + ") does not match the expected kind (" +
                        r.kind + ")");
      return false;
    }
    return true;
  }

  // The namespace must exist and not be terminating (NamespaceLifecycle admission).
  bool check_namespace(const ResourceInfo& r, const std::string& ns, const std::string& name,
                       ApiError& err) {
    if (!r.namespaced) return true;
    if (ns.empty()) {
      err = bad_request("the namespace of the object must be set");
      return false;
    }
    auto o = api.store().get(object_key("", "namespaces", "", ns));
    if (!o) {
      auto nsr = api.registry().find("", "v1", "namespaces");
      err = not_found(*nsr, ns);
      return false;
    }
    if (o->json->find("\"deletionTimestamp\"") != std::string::npos) {
      err = forbidden(r, name,
                      "unable to create new content in namespace " + ns +
                          " because it is being terminated");
      return false;
    }
    return true;
  }

  static bool dry_run(const Request& req) { return req.param("dryRun") == "All"; }

  Response create(const Request& req, Target& t) {
    Node obj;
    ApiError err;
    if (!parse_body(req, obj, err)) return error_response(err);
    if (!obj.is_mapping()) return error_response(bad_request("the body of the request is not a JSON object"));
    if (!check_type(obj, t.res, err)) return error_response(err);
    Node& meta = metadata(obj);
    std::string body_ns = text(obj, {"metadata", "namespace"});
    if (t.res.namespaced) {
      if (!body_ns.empty() && body_ns != t.ns) {
        return error_response(bad_request("the namespace of the provided object does not match the namespace sent on the request"));
      }
      meta["namespace"] = Node::string(t.ns);
    } else {
      meta.erase("namespace");
    }
    std::string name = text(obj, {"metadata", "name"});
    std::string generate = text(obj, {"metadata", "generateName"});
    if (name.empty() && !generate.empty()) {
      name = generate + random_suffix();
      meta["name"] = Node::string(name);
    }
    bool is_ns = t.res.group.empty() && t.res.resource == "namespaces";
    if (auto e = name_error(name, is_ns)) return error_response(invalid(t.res, name, *e));
    if (!text(obj, {"metadata", "resourceVersion"}).empty()) {
      return error_response(bad_request("resourceVersion should not be set on objects to be created"));
    }
    if (!check_namespace(t.res, t.ns, name, err)) return error_response(err);
    if (obj.find("apiVersion") == nullptr) {
      obj.entries().insert(obj.entries().begin(), {Node::string("apiVersion"), Node::string(t.res.group_version())});
    }
    if (obj.find("kind") == nullptr) {
      obj.entries().insert(obj.entries().begin() + 1, {Node::string("kind"), Node::string(t.res.kind)});
    }
    prepare_new(t.res, obj, req, "");
    return validate_and_create(t, name, std::move(obj), req);
  }

  // Type-specific validation and defaults, then the write (or, for a dry run, the would-be
  // object).
  Response validate_and_create(const Target& t, const std::string& name, Node obj, const Request& req) {
    if (!t.res.custom) {
      if (auto e = type_specific_create(t.res, obj); !e.message.empty()) return error_response(e);
    } else if (t.res.schema) {
      apply_schema_defaults(obj, *t.res.schema);
    }
    if (dry_run(req)) {
      // No resourceVersion: Flux's drift detection tells "would be created" by its absence.
      metadata(obj).erase("resourceVersion");
      return json_response(201, to_json(obj));
    }
    return commit_create(t, name, std::move(obj));
  }

  Response commit_create(const Target& t, const std::string& name, Node obj) {
    WriteOp op;
    op.kind = WriteOp::Kind::kCreate;
    op.key = key_of(t, name);
    op.index = index_of(t.res, obj);
    op.object = std::move(obj);
    WriteResult w = api.store().write(std::move(op));
    switch (w.code) {
      case WriteResult::Code::kOk:
        after_write(t.res, EventType::kAdded, *w.json);
        return json_response(201, *w.json);
      case WriteResult::Code::kAlreadyExists:
        return error_response(already_exists(t.res, name));
      default:
        return error_response(internal_error(w.message));
    }
  }

  // Server-set metadata of a new object.
  void prepare_new(const ResourceInfo& r, Node& obj, const Request& req, const std::string& sub) {
    Node& meta = metadata(obj);
    meta["uid"] = Node::string(new_uid());
    meta["creationTimestamp"] = Node::string(now_rfc3339());
    meta.erase("deletionTimestamp");
    meta.erase("deletionGracePeriodSeconds");
    meta.erase("selfLink");
    if (r.generation) {
      meta["generation"] = Node::integer(1);
    } else {
      meta.erase("generation");
    }
    meta.erase("managedFields");
    if (r.status_subresource) obj.erase("status");
    record_update(obj, manager_name(req.param("fieldManager"), req.user_agent), r.group_version(),
                  sub, fields_v1(obj, !r.status_subresource));
  }

  // Kind-specific defaults and checks kube-apiserver applies on create.
  ApiError type_specific_create(const ResourceInfo& r, Node& obj) {
    if (r.group.empty() && r.resource == "namespaces") {
      Node& spec = obj["spec"];
      if (!spec.is_mapping()) spec = Node::mapping();
      Node fin = Node::sequence();
      fin.push_back(Node::string("kubernetes"));
      spec["finalizers"] = std::move(fin);
      Node& status = obj["status"];
      status = Node::mapping();
      status["phase"] = Node::string("Active");
    }
    if (r.group == "apiextensions.k8s.io" && r.resource == "customresourcedefinitions") {
      // Validate by registering into a scratch registry first.
      Registry scratch;
      std::string msg = scratch.register_crd(obj);
      if (!msg.empty()) return invalid(r, text(obj, {"metadata", "name"}), msg);
      set_crd_status(obj);
    }
    return ApiError{0, "", "", "", "", "", ""};
  }

  static void set_crd_status(Node& crd) {
    Node status = Node::mapping();
    Node conds = Node::sequence();
    std::string now = now_rfc3339();
    auto cond = [&](const char* type, const char* reason, const char* message) {
      Node c = Node::mapping();
      c["type"] = Node::string(type);
      c["status"] = Node::string("True");
      c["lastTransitionTime"] = Node::string(now);
      c["reason"] = Node::string(reason);
      c["message"] = Node::string(message);
      conds.push_back(std::move(c));
    };
    cond("NamesAccepted", "NoConflicts", "no conflicts found");
    cond("Established", "InitialNamesAccepted", "the initial names have been accepted");
    status["conditions"] = std::move(conds);
    Node names = Node::mapping();
    if (const Node* n = at(crd, {"spec", "names"})) names = *n;
    std::string kind = text(crd, {"spec", "names", "kind"});
    if (!names.find("singular")) {
      std::string s = kind;
      std::transform(s.begin(), s.end(), s.begin(), ::tolower);
      names["singular"] = Node::string(s);
    }
    if (!names.find("listKind")) names["listKind"] = Node::string(kind + "List");
    status["acceptedNames"] = std::move(names);
    Node stored = Node::sequence();
    if (const Node* vs = at(crd, {"spec", "versions"}); vs && vs->is_sequence()) {
      for (const auto& v : vs->items()) {
        if (text(v, {"storage"}) == "true") stored.push_back(Node::string(text(v, {"name"})));
      }
    }
    status["storedVersions"] = std::move(stored);
    crd["status"] = std::move(status);
  }

  // Applies `default` values of a structural schema (CRDs) where the object has no value.
  static void apply_schema_defaults(Node& value, const Node& schema) {
    if (value.is_mapping()) {
      const Node* props = schema.find("properties");
      if (props && props->is_mapping()) {
        for (const auto& p : props->entries()) {
          const std::string& k = p.key.text();
          Node* v = value.find(k);
          if (!v) {
            if (const Node* d = p.value.find("default")) {
              value[k] = *d;
              v = value.find(k);
            }
          }
          if (v) apply_schema_defaults(*v, p.value);
        }
      }
      if (const Node* ap = schema.find("additionalProperties"); ap && ap->is_mapping()) {
        for (auto& e : value.entries()) apply_schema_defaults(e.value, *ap);
      }
    } else if (value.is_sequence()) {
      if (const Node* items = schema.find("items"); items && items->is_mapping()) {
        for (auto& i : value.items()) apply_schema_defaults(i, *items);
      }
    }
  }

  void after_write(const ResourceInfo& r, EventType type, const std::string& json) {
    if (r.group == "apiextensions.k8s.io" && r.resource == "customresourcedefinitions") {
      auto crd = core::parse_json(json);
      if (crd.ok()) {
        if (type == EventType::kDeleted) {
          api.registry().unregister_crd(text(*crd, {"metadata", "name"}));
        } else if (text(*crd, {"metadata", "deletionTimestamp"}).empty()) {
          api.registry().register_crd(*crd);
        }
      }
    }
    notify(r, type, json);
  }

  // The update shared by PUT, PATCH and subresource writes: `next` is the desired object,
  // `cur` what was read (at cur_rv).
  Response commit_update(const Request& req, const Target& t, const Node& cur, int64_t cur_rv,
                         Node next, bool check_rv, bool track_update = true) {
    ApiError err;
    if (!check_type(next, t.res, err)) return error_response(err);
    Node& meta = metadata(next);
    std::string name = text(next, {"metadata", "name"});
    if (name.empty()) meta["name"] = Node::string(t.name);
    else if (name != t.name) {
      return error_response(bad_request("the name of the object (" + name +
                                        ") does not match the name on the URL (" + t.name + ")"));
    }
    std::string body_ns = text(next, {"metadata", "namespace"});
    if (t.res.namespaced) {
      if (!body_ns.empty() && body_ns != t.ns) {
        return error_response(bad_request("the namespace of the provided object does not match the namespace sent on the request"));
      }
      meta["namespace"] = Node::string(t.ns);
    }
    int64_t expect = cur_rv;
    std::string body_rv = text(next, {"metadata", "resourceVersion"});
    if (check_rv && !body_rv.empty()) {
      char* end = nullptr;
      expect = std::strtoll(body_rv.c_str(), &end, 10);
      if (!end || *end) return error_response(bad_request("invalid resourceVersion " + body_rv));
      if (expect != cur_rv) return error_response(conflict(t.res, t.name));
    }
    // Server-owned metadata is kept from the stored object.
    const Node* cur_meta = cur.find("metadata");
    for (const char* k : {"uid", "creationTimestamp", "deletionTimestamp",
                          "deletionGracePeriodSeconds", "generation"}) {
      const Node* v = cur_meta ? cur_meta->find(k) : nullptr;
      if (v) {
        meta[k] = *v;
      } else {
        meta.erase(k);
      }
    }
    if (!meta.find("managedFields")) {
      if (const Node* mf = cur_meta ? cur_meta->find("managedFields") : nullptr) meta["managedFields"] = *mf;
    }
    // Subresource rules: status writes change only status; main writes never change status.
    if (t.sub == "status") {
      Node status = next.find("status") ? *next.find("status") : Node();
      Node base = cur;
      if (status.is_null()) base.erase("status"); else base["status"] = std::move(status);
      // Metadata may not change through /status, except managedFields bookkeeping below.
      base["metadata"]["managedFields"] = meta.find("managedFields") ? *meta.find("managedFields") : Node::sequence();
      next = std::move(base);
    } else if (t.res.status_subresource) {
      if (const Node* s = cur.find("status")) next["status"] = *s; else next.erase("status");
    }
    if (t.res.generation && !(strip_for_compare(next) == strip_for_compare(cur))) {
      int64_t gen = 0;
      if (const Node* g = at(cur, {"metadata", "generation"})) gen = std::atoll(g->text().c_str());
      metadata(next)["generation"] = Node::integer(gen + 1);
    }
    if (t.res.custom && t.res.schema) apply_schema_defaults(next, *t.res.schema);
    // Ownership of the fields this writer changed (server-side apply did its own bookkeeping).
    if (track_update) {
      std::string manager = manager_name(req.param("fieldManager"), req.user_agent);
      record_update_diff(next, cur, manager, t.res.group_version(), t.sub, t.res.status_subresource);
    }
    // Finalization complete: the object goes away.
    bool deleting = !text(next, {"metadata", "deletionTimestamp"}).empty();
    const Node* fins = at(next, {"metadata", "finalizers"});
    bool no_finalizers = !fins || !fins->is_sequence() || fins->empty();
    if (t.res.group.empty() && t.res.resource == "namespaces") {
      // A namespace also waits for its spec.finalizers (the namespace controller's "kubernetes").
      const Node* spec_fins = at(next, {"spec", "finalizers"});
      no_finalizers = no_finalizers && (!spec_fins || !spec_fins->is_sequence() || spec_fins->empty());
    }
    if (deleting && no_finalizers && t.sub != "status") {
      if (dry_run(req)) return json_response(200, to_json(next));
      WriteOp op;
      op.kind = WriteOp::Kind::kDelete;
      op.key = key_of(t, t.name);
      op.expect_rv = expect;
      op.object = std::move(next);
      WriteResult w = api.store().write(std::move(op));
      if (w.code == WriteResult::Code::kConflict) return error_response(conflict(t.res, t.name));
      if (w.code == WriteResult::Code::kNotFound) return error_response(not_found(t.res, t.name));
      if (w.code != WriteResult::Code::kOk) return error_response(internal_error(w.message));
      after_write(t.res, EventType::kDeleted, *w.json);
      return json_response(200, *w.json);
    }
    if (dry_run(req)) {
      metadata(next)["resourceVersion"] = Node::string(std::to_string(cur_rv));
      return json_response(200, to_json(next));
    }
    WriteOp op;
    op.kind = WriteOp::Kind::kUpdate;
    op.key = key_of(t, t.name);
    op.expect_rv = expect;
    op.index = index_of(t.res, next);
    op.object = std::move(next);
    WriteResult w = api.store().write(std::move(op));
    switch (w.code) {
      case WriteResult::Code::kOk:
        after_write(t.res, EventType::kModified, *w.json);
        return json_response(200, *w.json);
      case WriteResult::Code::kConflict:
        return error_response(conflict(t.res, t.name));
      case WriteResult::Code::kNotFound:
        return error_response(not_found(t.res, t.name));
      default:
        return error_response(internal_error(w.message));
    }
  }

  // managedFields after an Update: the writer owns what it changed (and what it created).
  void record_update_diff(Node& next, const Node& cur, const std::string& manager,
                          const std::string& api_version, const std::string& sub,
                          bool status_sub) {
    Node changed = changed_fields(cur, next, sub == "status" || !status_sub);
    if (changed.empty()) return;
    Node& meta = metadata(next);
    Node& mf = meta["managedFields"];
    if (!mf.is_sequence()) mf = Node::sequence();
    Node merged = changed;
    for (auto& e : mf.items()) {
      if (text(e, {"manager"}) == manager && text(e, {"operation"}) == "Update" &&
          text(e, {"subresource"}) == sub) {
        if (const Node* f = e.find("fieldsV1")) merged = merge_fields(*f, changed);
      }
    }
    record_update(next, manager, api_version, sub, merged);
  }

  // FieldsV1 of the fields whose value differs between two objects.
  static Node changed_fields(const Node& a, const Node& b, bool include_status) {
    return diff_values(a, b, include_status);
  }

  static Node diff_values(const Node& a, const Node& b, bool include_status) {
    Node out = Node::mapping();
    if (!b.is_mapping()) return out;
    for (const auto& e : b.entries()) {
      const std::string& k = e.key.text();
      if (k == "apiVersion" || k == "kind") continue;
      if (k == "status" && !include_status) continue;
      const Node* old = a.is_mapping() ? a.find(k) : nullptr;
      if (k == "metadata") {
        Node m = Node::mapping();
        for (const char* mk : {"labels", "annotations", "finalizers", "ownerReferences"}) {
          const Node* nv = e.value.find(mk);
          const Node* ov = old ? old->find(mk) : nullptr;
          if (nv && (!ov || !(*ov == *nv))) {
            m.entries().push_back({Node::string(std::string("f:") + mk),
                                   nv->is_mapping() && ov && ov->is_mapping()
                                       ? diff_values(*ov, *nv, true)
                                       : fields_v1_value(*nv)});
          }
        }
        if (!m.empty()) out.entries().push_back({Node::string("f:metadata"), std::move(m)});
        continue;
      }
      if (old && *old == e.value) continue;
      if (old && old->is_mapping() && e.value.is_mapping()) {
        Node sub = diff_values(*old, e.value, true);
        if (!sub.empty()) out.entries().push_back({Node::string("f:" + k), std::move(sub)});
      } else {
        out.entries().push_back({Node::string("f:" + k), fields_v1_value(e.value)});
      }
    }
    return out;
  }

  static Node fields_v1_value(const Node& v) {
    Node out = Node::mapping();
    if (!v.is_mapping()) return out;
    for (const auto& e : v.entries()) {
      out.entries().push_back({Node::string("f:" + e.key.text()), fields_v1_value(e.value)});
    }
    return out;
  }

  static Node merge_fields(const Node& a, const Node& b) {
    Node out = a.is_mapping() ? a : Node::mapping();
    for (const auto& e : b.entries()) {
      Node* cur = out.find(e.key.text());
      if (cur) {
        *cur = merge_fields(*cur, e.value);
      } else {
        out.entries().push_back(e);
      }
    }
    return out;
  }

  bool read_current(const Target& t, Node& cur, int64_t& rv, ApiError& err) {
    auto o = api.store().get(key_of(t, t.name));
    if (!o) {
      err = not_found(t.res, t.name);
      return false;
    }
    auto parsed = core::parse_json(*o->json);
    if (!parsed.ok()) {
      err = internal_error("stored object is not valid JSON: " + parsed.error().message);
      return false;
    }
    cur = std::move(*parsed);
    rv = o->rv;
    return true;
  }

  Response update(const Request& req, Target& t) {
    Node next;
    ApiError err;
    if (!parse_body(req, next, err)) return error_response(err);
    if (!next.is_mapping()) return error_response(bad_request("the body of the request is not a JSON object"));
    Node cur;
    int64_t rv = 0;
    if (!read_current(t, cur, rv, err)) return error_response(err);
    if (t.res.group == "apiextensions.k8s.io" && t.res.resource == "customresourcedefinitions") {
      Registry scratch;
      std::string msg = scratch.register_crd(next);
      if (!msg.empty()) return error_response(invalid(t.res, t.name, msg));
      if (t.sub != "status") set_crd_status(next);
    }
    return commit_update(req, t, cur, rv, std::move(next), true);
  }

  Response patch(const Request& req, Target& t) {
    ApiError err;
    const std::string& ct = req.content_type;
    bool apply = ct.find("application/apply-patch") != std::string::npos;
    Node p;
    if (!parse_body(req, p, err)) return error_response(err);
    for (int attempt = 0; attempt < 10; ++attempt) {
      Node cur;
      int64_t rv = 0;
      if (!read_current(t, cur, rv, err)) {
        if (apply && err.code == 404 && t.sub.empty()) return apply_create(req, t, p);
        return error_response(err);
      }
      Node next = cur;
      PatchResult pr;
      if (apply) {
        if (req.param("fieldManager").empty()) {
          return error_response(bad_request("PATCH, application/apply-patch+yaml requires fieldManager to be set"));
        }
        pr = server_side_apply(t.res, next, p, req.param("fieldManager"), truthy(req.param("force")),
                               t.sub);
      } else if (ct.find("application/merge-patch+json") != std::string::npos) {
        pr = merge_patch(next, p);
      } else if (ct.find("application/json-patch+json") != std::string::npos) {
        pr = json_patch(next, p);
      } else if (ct.find("application/strategic-merge-patch+json") != std::string::npos) {
        if (t.res.custom) {
          ApiError e = api_error(415, "UnsupportedMediaType",
                                 "the body of the request was in an unknown format - accepted "
                                 "media types include: application/json-patch+json, "
                                 "application/merge-patch+json, application/apply-patch+yaml");
          return error_response(e);
        }
        pr = strategic_merge_patch(t.res, next, p);
      } else {
        ApiError e = api_error(415, "UnsupportedMediaType",
                               "the body of the request was in an unknown format - accepted media "
                               "types include: application/json-patch+json, "
                               "application/merge-patch+json, application/apply-patch+yaml, "
                               "application/strategic-merge-patch+json");
        return error_response(e);
      }
      if (!pr.error.empty()) {
        if (pr.conflict_causes.empty()) {
          ApiError e = pr.unprocessable ? invalid(t.res, t.name, pr.error) : bad_request(pr.error);
          return error_response(e);
        }
        ApiError e = api_error(409, "Conflict", pr.error);
        e.causes_json = pr.conflict_causes;
        return error_response(e);
      }
      if (apply) {
        // managedFields were rewritten by the apply: keep them as computed.
        Response r = commit_update(req, t, cur, rv, std::move(next), false, false);
        if (r.status == 409 && r.body.find("\"Conflict\"") != std::string::npos &&
            r.body.find("the object has been modified") != std::string::npos) {
          continue;
        }
        return r;
      }
      Response r = commit_update(req, t, cur, rv, std::move(next), false);
      // A patch retries when the object changed between read and write, like kube-apiserver.
      if (r.status == 409 && r.body.find("the object has been modified") != std::string::npos) continue;
      return r;
    }
    return error_response(conflict(t.res, t.name));
  }


  Response apply_create(const Request& req, Target& t, const Node& applied) {
    if (req.param("fieldManager").empty()) {
      return error_response(bad_request("PATCH, application/apply-patch+yaml requires fieldManager to be set"));
    }
    Node obj = applied;
    if (!obj.is_mapping()) return error_response(bad_request("the body of the request is not a JSON object"));
    ApiError err;
    if (!check_type(obj, t.res, err)) return error_response(err);
    Node& meta = metadata(obj);
    if (meta.find("managedFields")) {
      return error_response(bad_request("metadata.managedFields must be nil"));
    }
    meta["name"] = Node::string(t.name);
    if (t.res.namespaced) meta["namespace"] = Node::string(t.ns);
    bool is_ns = t.res.group.empty() && t.res.resource == "namespaces";
    if (auto e = name_error(t.name, is_ns)) return error_response(invalid(t.res, t.name, *e));
    if (!check_namespace(t.res, t.ns, t.name, err)) return error_response(err);
    Node fields = applied_fields(applied);
    meta.erase("resourceVersion");
    prepare_new(t.res, obj, req, "");
    // The applier owns what it applied, as an Apply entry.
    Node& mf = metadata(obj)["managedFields"];
    mf = Node::sequence();
    mf.push_back(apply_entry(req.param("fieldManager"), t.res.group_version(), fields));
    return validate_and_create(t, t.name, std::move(obj), req);
  }

  // --- scale subresource --------------------------------------------------------------------

  static const Node* at_path(const Node& n, const std::string& dotted) {
    const Node* cur = &n;
    size_t p = dotted.empty() || dotted[0] != '.' ? 0 : 1;
    while (cur && p < dotted.size()) {
      size_t q = dotted.find('.', p);
      if (q == std::string::npos) q = dotted.size();
      cur = cur->is_mapping() ? cur->find(dotted.substr(p, q - p)) : nullptr;
      p = q + 1;
    }
    return cur;
  }

  static void set_path(Node& n, const std::string& dotted, Node value) {
    Node* cur = &n;
    size_t p = dotted.empty() || dotted[0] != '.' ? 0 : 1;
    for (;;) {
      size_t q = dotted.find('.', p);
      std::string k = dotted.substr(p, q == std::string::npos ? std::string::npos : q - p);
      if (!cur->is_mapping()) *cur = Node::mapping();
      if (q == std::string::npos) {
        (*cur)[k] = std::move(value);
        return;
      }
      cur = &(*cur)[k];
      p = q + 1;
    }
  }

  Node scale_of(const Target& t, const Node& obj) {
    Node s = Node::mapping();
    s["kind"] = Node::string("Scale");
    s["apiVersion"] = Node::string("autoscaling/v1");
    Node meta = Node::mapping();
    for (const char* k : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (const Node* v = at(obj, {"metadata", k})) meta[k] = *v;
    }
    s["metadata"] = std::move(meta);
    Node spec = Node::mapping();
    const Node* want = at_path(obj, t.res.spec_replicas_path);
    spec["replicas"] = want && want->is_scalar() && !want->is_null() ? Node::scalar(want->text(), core::ScalarType::kInt)
                                                                      : Node::integer(0);
    s["spec"] = std::move(spec);
    Node status = Node::mapping();
    const Node* have = at_path(obj, t.res.status_replicas_path);
    status["replicas"] = have && have->is_scalar() && !have->is_null() ? Node::scalar(have->text(), core::ScalarType::kInt)
                                                                        : Node::integer(0);
    if (!t.res.label_selector_path.empty()) {
      if (const Node* sel = at_path(obj, t.res.label_selector_path); sel && sel->is_scalar()) {
        status["selector"] = Node::string(sel->text());
      }
    }
    s["status"] = std::move(status);
    return s;
  }

  // POST serviceaccounts/<name>/token: a TokenRequest (authentication.k8s.io/v1), what
  // `kubectl create token` sends. The answer has the shape and claims of a real API server's
  // bound token (iss, sub, aud, exp, iat, nbf, jti, kubernetes.io), but it is not signed
  // ("alg":"none"): this server does not authenticate requests (or only by its one --token), has
  // no service-account signing key and does not serve OIDC discovery. Nothing is stored.
  Response create_token(const Request& req, const Target& t) {
    Node body;
    ApiError err;
    if (!parse_body(req, body, err)) return error_response(err);
    Node sa;
    int64_t rv;
    if (!read_current(t, sa, rv, err)) return error_response(err);
    static const ResourceInfo kTokenRequest = [] {
      ResourceInfo r;
      r.group = "authentication.k8s.io";
      r.version = "v1";
      r.resource = "tokenrequests";
      r.kind = "TokenRequest";
      return r;
    }();
    auto bad = [&](const std::string& why) {
      return error_response(invalid(kTokenRequest, t.name, "spec.expirationSeconds: " + why));
    };
    int64_t seconds = 3600;
    if (const Node* e = at(body, {"spec", "expirationSeconds"}); e && !e->is_null()) {
      auto v = core::resolve(*e, core::Schema::kYaml12);
      if (!v.ok() || v->type != core::Scalar::Type::kInt) {
        return bad("Invalid value: must be an integer");
      }
      seconds = v->i;
      // The limits of the API server's validation (ValidateTokenRequest).
      std::string value = "Invalid value: " + std::to_string(seconds);
      if (seconds < 600) return bad(value + ": may not specify a duration less than 10 minutes");
      if (seconds > (int64_t(1) << 32)) {
        return bad(value + ": may not specify a duration larger than 2^32 seconds");
      }
    }
    const std::string issuer = "https://kubernetes.default.svc.cluster.local";
    Node audiences = Node::sequence();
    if (const Node* a = at(body, {"spec", "audiences"}); a && a->is_sequence()) {
      for (const auto& x : a->items()) audiences.push_back(Node::string(x.text()));
    }
    if (audiences.items().empty()) audiences.push_back(Node::string(issuer));
    const std::time_t now = std::time(nullptr);
    Node claims = Node::mapping();
    claims["aud"] = audiences;
    claims["exp"] = Node::integer(now + seconds);
    claims["iat"] = Node::integer(now);
    claims["iss"] = Node::string(issuer);
    claims["jti"] = Node::string(new_uid());
    Node account = Node::mapping();
    account["name"] = Node::string(t.name);
    account["uid"] = Node::string(text(sa, {"metadata", "uid"}));
    Node k8s = Node::mapping();
    k8s["namespace"] = Node::string(t.ns);
    k8s["serviceaccount"] = std::move(account);
    claims["kubernetes.io"] = std::move(k8s);
    claims["nbf"] = Node::integer(now);
    claims["sub"] = Node::string("system:serviceaccount:" + t.ns + ":" + t.name);
    std::string token =
        core::base64_encode(R"({"alg":"none","typ":"JWT"})", core::Base64::kRawUrl) + "." +
        core::base64_encode(to_json(claims), core::Base64::kRawUrl) + ".";
    Node meta = Node::mapping();
    meta["name"] = Node::string(t.name);
    meta["namespace"] = Node::string(t.ns);
    meta["creationTimestamp"] = Node::string(rfc3339(now));
    Node spec = Node::mapping();
    spec["audiences"] = std::move(audiences);
    spec["expirationSeconds"] = Node::integer(seconds);
    const Node* bound = at(body, {"spec", "boundObjectRef"});
    spec["boundObjectRef"] = bound ? *bound : Node::null();
    Node status = Node::mapping();
    status["token"] = Node::string(token);
    status["expirationTimestamp"] = Node::string(rfc3339(now + seconds));
    Node out = Node::mapping();
    out["kind"] = Node::string("TokenRequest");
    out["apiVersion"] = Node::string("authentication.k8s.io/v1");
    out["metadata"] = std::move(meta);
    out["spec"] = std::move(spec);
    out["status"] = std::move(status);
    return json_response(201, to_json(out));
  }

  Response get_scale(const Target& t) {
    Node cur;
    int64_t rv;
    ApiError err;
    if (!read_current(t, cur, rv, err)) return error_response(err);
    return json_response(200, to_json(scale_of(t, cur)));
  }

  Response update_scale(const Request& req, Target& t) {
    Node body;
    ApiError err;
    if (!parse_body(req, body, err)) return error_response(err);
    for (int attempt = 0; attempt < 10; ++attempt) {
      Node cur;
      int64_t rv;
      if (!read_current(t, cur, rv, err)) return error_response(err);
      Node scale = scale_of(t, cur);
      if (req.method == "PATCH") {
        if (req.content_type.find("json-patch") != std::string::npos) {
          PatchResult pr = json_patch(scale, body);
          if (!pr.error.empty()) return error_response(bad_request(pr.error));
        } else {
          kube_merge(scale, body);
        }
      } else {
        scale = body;
      }
      const Node* replicas = at(scale, {"spec", "replicas"});
      if (!replicas || !replicas->is_scalar()) {
        return error_response(invalid(t.res, t.name, "spec.replicas: Required value"));
      }
      Node next = cur;
      set_path(next, t.res.spec_replicas_path, Node::scalar(replicas->text(), core::ScalarType::kInt));
      Target main = t;
      main.sub.clear();
      Response r = commit_update(req, main, cur, rv, std::move(next), false);
      if (r.status == 409 && r.body.find("the object has been modified") != std::string::npos) continue;
      if (r.status != 200) return r;
      auto stored = core::parse_json(r.body);
      return json_response(200, to_json(scale_of(t, *stored)));
    }
    return error_response(conflict(t.res, t.name));
  }

  static void kube_merge(Node& target, const Node& patch);

  // --- delete -----------------------------------------------------------------------------

  Response remove(const Request& req, Target& t) {
    Node opts_body = Node::mapping();
    if (!req.body.empty()) {
      auto b = core::parse_json(req.body);
      if (b.ok()) opts_body = std::move(*b);
    }
    std::string policy = text(opts_body, {"propagationPolicy"});
    if (policy.empty()) policy = req.param("propagationPolicy");
    if (text(opts_body, {"orphanDependents"}) == "true") policy = "Orphan";
    bool dry = dry_run(req) || (at(opts_body, {"dryRun"}) && to_json(*at(opts_body, {"dryRun"})).find("All") != std::string::npos);
    for (int attempt = 0; attempt < 10; ++attempt) {
      Node cur;
      int64_t rv;
      ApiError err;
      if (!read_current(t, cur, rv, err)) return error_response(err);
      std::string want_uid = text(opts_body, {"preconditions", "uid"});
      std::string want_rv = text(opts_body, {"preconditions", "resourceVersion"});
      if (!want_uid.empty() && want_uid != text(cur, {"metadata", "uid"})) {
        ApiError e = conflict(t.res, t.name);
        e.message = "Operation cannot be fulfilled on " + qualified_resource(t.res) + " \"" + t.name +
                    "\": Precondition failed: UID in precondition: " + want_uid +
                    ", UID in object meta: " + text(cur, {"metadata", "uid"});
        return error_response(e);
      }
      if (!want_rv.empty() && want_rv != std::to_string(rv)) {
        ApiError e = conflict(t.res, t.name);
        e.message = "Operation cannot be fulfilled on " + qualified_resource(t.res) + " \"" + t.name +
                    "\": Precondition failed: ResourceVersion in precondition: " + want_rv +
                    ", ResourceVersion in object meta: " + std::to_string(rv);
        return error_response(e);
      }
      bool is_ns = t.res.group.empty() && t.res.resource == "namespaces";
      if (is_ns && (t.name == "default" || t.name == "kube-system" || t.name == "kube-public")) {
        return error_response(forbidden(t.res, t.name, "this namespace may not be deleted"));
      }
      Node next = cur;
      Node& meta = metadata(next);
      Node fins = meta.find("finalizers") ? *meta.find("finalizers") : Node::sequence();
      if (!fins.is_sequence()) fins = Node::sequence();
      auto has_fin = [&](const std::string& f) {
        for (const auto& i : fins.items()) {
          if (i.text() == f) return true;
        }
        return false;
      };
      bool already_deleting = !text(cur, {"metadata", "deletionTimestamp"}).empty();
      if (policy == "Foreground" && !has_fin("foregroundDeletion")) fins.push_back(Node::string("foregroundDeletion"));
      if (policy == "Orphan" && !has_fin("orphan")) fins.push_back(Node::string("orphan"));
      if (is_ns) {
        // Namespaces terminate: the namespace controller empties them, then removes them.
        if (!already_deleting) {
          meta["deletionTimestamp"] = Node::string(now_rfc3339());
          next["status"] = Node::mapping();
          next["status"]["phase"] = Node::string("Terminating");
        }
        if (dry) return json_response(200, to_json(next));
        return write_deleting(t, rv, std::move(next), 200);
      }
      if (!fins.empty()) {
        if (!already_deleting) {
          meta["deletionTimestamp"] = Node::string(now_rfc3339());
          meta["deletionGracePeriodSeconds"] = Node::integer(0);
        }
        meta["finalizers"] = std::move(fins);
        if (dry) return json_response(200, to_json(next));
        Response r = write_deleting(t, rv, std::move(next), 200);
        if (r.status == 409) continue;
        return r;
      }
      if (dry) return json_response(200, to_json(cur));
      WriteOp op;
      op.kind = WriteOp::Kind::kDelete;
      op.key = key_of(t, t.name);
      op.expect_rv = rv;
      WriteResult w = api.store().write(std::move(op));
      if (w.code == WriteResult::Code::kConflict) continue;
      if (w.code == WriteResult::Code::kNotFound) return error_response(not_found(t.res, t.name));
      if (w.code != WriteResult::Code::kOk) return error_response(internal_error(w.message));
      after_write(t.res, EventType::kDeleted, *w.json);
      return json_response(200, *w.json);
    }
    return error_response(conflict(t.res, t.name));
  }

  Response write_deleting(const Target& t, int64_t rv, Node next, int code) {
    WriteOp op;
    op.kind = WriteOp::Kind::kUpdate;
    op.key = key_of(t, t.name);
    op.expect_rv = rv;
    op.index = index_of(t.res, next);
    op.object = std::move(next);
    WriteResult w = api.store().write(std::move(op));
    if (w.code == WriteResult::Code::kConflict) return error_response(conflict(t.res, t.name));
    if (w.code == WriteResult::Code::kNotFound) return error_response(not_found(t.res, t.name));
    if (w.code != WriteResult::Code::kOk) return error_response(internal_error(w.message));
    after_write(t.res, EventType::kModified, *w.json);
    return json_response(code, *w.json);
  }

  Response delete_collection(const Request& req, Target& t) {
    Filter f;
    ApiError err;
    if (!parse_filter(req, t, f, err)) return error_response(err);
    std::string prefix = resource_prefix(t.res.group, t.res.resource, t.res.namespaced ? t.ns : "");
    int64_t rv = 0;
    auto items = api.store().list(prefix, "", 0, [&](std::string_view k, const ObjectIndex& idx) { return f.keep(k, idx); },
                                  &rv, nullptr);
    std::string out = R"({"kind":)";
    core::append_json_string(out, list_kind(t.res));
    out += R"(,"apiVersion":)";
    core::append_json_string(out, t.res.group_version());
    out += R"(,"metadata":{"resourceVersion":")" + std::to_string(rv) + R"("},"items":[)";
    bool first = true;
    for (const auto& o : items) {
      auto parsed = core::parse_json(*o.json);
      if (!parsed.ok()) continue;
      Target one = t;
      one.name = text(*parsed, {"metadata", "name"});
      one.ns = text(*parsed, {"metadata", "namespace"});
      Response r = remove(req, one);
      if (r.status >= 300) continue;
      if (!first) out += ',';
      first = false;
      out += r.body;
    }
    out += "]}";
    return json_response(200, std::move(out));
  }
};

void Api::Impl::kube_merge(Node& target, const Node& patch) {
  PatchResult r = merge_patch(target, patch);
  (void)r;
}

Api::Api(Store& store, Registry& registry, ApiOptions opts)
    : store_(store), registry_(registry), impl_(std::make_unique<Impl>(*this, std::move(opts))) {}

Api::~Api() = default;

Response Api::handle(const Request& req) { return impl_->handle(req); }

void Api::add_write_hook(WriteHook hook) {
  std::lock_guard<std::mutex> g(impl_->hooks_mu);
  impl_->hooks.push_back(std::move(hook));
}

void Api::load_crds() {
  auto items = store_.list(resource_prefix("apiextensions.k8s.io", "customresourcedefinitions", ""),
                           "", 0, nullptr, nullptr, nullptr);
  for (const auto& o : items) {
    auto crd = core::parse_json(*o.json);
    if (crd.ok()) registry_.register_crd(*crd);
  }
}

}  // namespace oc::apiserver
