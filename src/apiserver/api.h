// The Kubernetes REST API over the store: discovery, CRUD, list/watch, patches, subresources,
// with kube-apiserver's object semantics. Independent of the HTTP library: server.cc adapts
// requests and responses, and the built-in controllers call it directly.
//
// Thread safety: handle() may be called concurrently.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "apiserver/resources.h"
#include "apiserver/store.h"

namespace oc::apiserver {

struct Request {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string path;    // without the query string
  std::vector<std::pair<std::string, std::string>> query;
  std::string content_type;
  std::string accept;
  std::string user_agent;
  std::string body;

  // The last value of a query parameter ("" when absent).
  const std::string& param(std::string_view name) const;
  bool has(std::string_view name) const;
};

// A streamed response body (watch). next() blocks for a while and returns the next chunk to
// send (possibly empty, to let the server check the connection); false ends the stream.
class Stream {
 public:
  virtual ~Stream() = default;
  virtual bool next(std::string& chunk) = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::unique_ptr<Stream> stream;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct ApiOptions {
  // Kubernetes version reported by /version.
  std::string kube_version = "v1.32.0";
  // Longest watch before the server closes it (clients re-watch).
  int max_watch_seconds = 1800;
};

class Api {
 public:
  Api(Store& store, Registry& registry, ApiOptions opts = {});
  ~Api();

  Response handle(const Request& req);

  // Called after every successful write (by the server's controllers to react to changes).
  // The hook receives the resource, the event type and the object JSON.
  using WriteHook =
      std::function<void(const ResourceInfo&, EventType, const std::string& json)>;
  void add_write_hook(WriteHook hook);

  // Re-registers the CRDs found in the store (at start-up).
  void load_crds();

  Store& store() { return store_; }
  Registry& registry() { return registry_; }

 private:
  struct Impl;
  Store& store_;
  Registry& registry_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace oc::apiserver
