// A shared informer: follows one resource with list + watch (kube::list_and_watch) in a thread,
// keeps an in-memory cache of the objects and tells handlers about changes.
//
// Thread safety: get/list and add_handler may be called from any thread; handlers run on the
// informer's thread, one event at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/node.h"
#include "kube/client.h"

namespace oc::controllers {

using ObjectPtr = std::shared_ptr<const core::Node>;

class Informer {
 public:
  enum class Event { kAdded, kModified, kDeleted };
  // `old_obj` is null for kAdded.
  using Handler = std::function<void(Event, const ObjectPtr& old_obj, const ObjectPtr& obj)>;

  Informer(kube::Client& client, kube::ApiResource resource, std::string ns = "",
           kube::ListOptions opts = {});
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  const kube::ApiResource& resource() const { return resource_; }
  // Handlers must be added before start().
  void add_handler(Handler h);
  void start();
  void stop();
  // Waits until the first complete list has been delivered.
  bool wait_synced(std::chrono::milliseconds timeout) const;
  bool synced() const { return synced_; }

  ObjectPtr get(const std::string& ns, const std::string& name) const;
  std::vector<ObjectPtr> list(const std::string& ns = "") const;

 private:
  void on_event(kube::WatchEvent&& e);

  kube::Client& client_;
  kube::ApiResource resource_;
  std::string ns_;
  kube::ListOptions opts_;
  std::vector<Handler> handlers_;
  mutable std::mutex mu_;
  mutable std::condition_variable synced_cv_;
  std::map<std::string, ObjectPtr> cache_;  // "ns/name"
  std::atomic<bool> synced_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// "namespace/name" (or "name" for cluster-scoped objects).
std::string object_key(const std::string& ns, const std::string& name);
std::string object_key(const core::Node& obj);
// Splits an object_key.
std::pair<std::string, std::string> split_key(const std::string& key);

}  // namespace oc::controllers
