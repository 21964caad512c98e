// The Kubernetes API client every controller and CLI verb uses, against the embedded server
// or any real API server (libcurl underneath, in client.cc only).
//
// Errors carry the HTTP status in Error::code (404, 409, 410, …) and the server's Status
// message; transport failures have code 0. Requests are retried with backoff on 429, 502–504
// and connection failures (creates only when nothing was sent).
//
// Thread safety: a Client may be used from many threads at once.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/node.h"
#include "kube/kubeconfig.h"

namespace oc::kube {

// A resource as the REST API addresses it.
struct ApiResource {
  std::string group;    // "" for core
  std::string version;  // "v1"
  std::string resource; // "deployments"
  std::string kind;     // "Deployment"
  bool namespaced = true;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  // "/apis/apps/v1/namespaces/ns/deployments/name/sub" (parts omitted when empty).
  std::string path(const std::string& ns = "", const std::string& name = "",
                   const std::string& sub = "") const;
};

enum class PatchType { kJson, kMerge, kStrategic, kApply };

struct WriteOptions {
  std::string field_manager;
  bool dry_run = false;
  bool force = false;  // server-side apply: take ownership of conflicting fields
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
};

struct DeleteOptions {
  std::string propagation;  // Background, Foreground, Orphan ("" = server default)
  bool dry_run = false;
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK
  core::Node object;
};

struct ClientOptions {
  std::string user_agent = "opencenter/0.1";
  int timeout_seconds = 30;  // per request (watches use their own)
  int max_attempts = 5;
};

class Client {
 public:
  static core::Result<std::unique_ptr<Client>> connect(ClusterAccess access,
                                                      ClientOptions opts = {});
  ~Client();

  const ClusterAccess& access() const;

  // REST mapping from discovery, cached; a kind missing from the cache triggers one refresh.
  core::Result<ApiResource> resource_for(const std::string& api_version, const std::string& kind);
  // The server's gitVersion ("v1.32.0").
  core::Result<std::string> server_version();

  core::Result<core::Node> get(const ApiResource& r, const std::string& ns, const std::string& name,
                               const std::string& sub = "");
  // All pages merged into one List; metadata.resourceVersion is the list's revision.
  core::Result<core::Node> list(const ApiResource& r, const std::string& ns,
                                const ListOptions& opts = {});
  core::Result<core::Node> create(const ApiResource& r, const std::string& ns,
                                  const core::Node& obj, const WriteOptions& opts = {});
  core::Result<core::Node> update(const ApiResource& r, const std::string& ns,
                                  const core::Node& obj, const WriteOptions& opts = {},
                                  const std::string& sub = "");
  core::Result<core::Node> patch(const ApiResource& r, const std::string& ns,
                                 const std::string& name, PatchType type,
                                 const std::string& body, const WriteOptions& opts = {},
                                 const std::string& sub = "");
  // Server-side apply of `obj` (its metadata.name names the target).
  core::Result<core::Node> apply(const ApiResource& r, const std::string& ns,
                                 const core::Node& obj, const WriteOptions& opts);
  core::Result<core::Node> remove(const ApiResource& r, const std::string& ns,
                                  const std::string& name, const DeleteOptions& opts = {});

  // Watches from `resource_version` ("" = current state first, as ADDED events). Calls
  // `on_event` for each event until it returns false, `stop` becomes true, the server ends the
  // stream or `timeout_seconds` pass. Returns the last resourceVersion seen, or an error (code
  // 410 when the version is too old and the caller must list again).
  core::Result<std::string> watch(const ApiResource& r, const std::string& ns,
                                  const std::string& resource_version, const ListOptions& opts,
                                  int timeout_seconds,
                                  const std::function<bool(WatchEvent&&)>& on_event,
                                  const std::atomic<bool>* stop = nullptr);

  // A raw request; `path` includes the query. Returns the body of a 2xx answer.
  core::Result<std::string> request(const std::string& method, const std::string& path,
                                    const std::string& body = "",
                                    const std::string& content_type = "application/json");

 private:
  Client() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Follows a resource like client-go's reflector: lists, then watches from the list's revision,
// resuming after stream ends and connection failures (with backoff, e.g. across a server
// restart) and listing again after 410 Gone. `on_event` sees ADDED/MODIFIED/DELETED; after a
// re-list, objects that vanished meanwhile are reported as DELETED. `on_synced` (optional) is
// called after each complete list has been delivered. Returns when `stop` is set.
core::Status list_and_watch(Client& client, const ApiResource& r, const std::string& ns,
                            const ListOptions& opts, const std::atomic<bool>& stop,
                            const std::function<void(WatchEvent&&)>& on_event,
                            const std::function<void()>& on_synced = nullptr);

}  // namespace oc::kube
