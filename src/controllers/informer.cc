#include "controllers/informer.h"

#include "kube/object.h"

namespace oc::controllers {

std::string object_key(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "/" + name;
}

std::string object_key(const core::Node& obj) {
  return object_key(kube::text(obj, {"metadata", "namespace"}), kube::text(obj, {"metadata", "name"}));
}

std::pair<std::string, std::string> split_key(const std::string& key) {
  size_t slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

Informer::Informer(kube::Client& client, kube::ApiResource resource, std::string ns,
                   kube::ListOptions opts)
    : client_(client), resource_(std::move(resource)), ns_(std::move(ns)), opts_(std::move(opts)) {}

Informer::~Informer() { stop(); }

void Informer::add_handler(Handler h) { handlers_.push_back(std::move(h)); }

void Informer::start() {
  thread_ = std::thread([this] {
    kube::list_and_watch(
        client_, resource_, ns_, opts_, stop_,
        [this](kube::WatchEvent&& e) { on_event(std::move(e)); },
        [this] {
          std::lock_guard<std::mutex> lock(mu_);
          synced_ = true;
          synced_cv_.notify_all();
        });
  });
}

void Informer::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool Informer::wait_synced(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  return synced_cv_.wait_for(lock, timeout, [this] { return synced_.load(); });
}

void Informer::on_event(kube::WatchEvent&& e) {
  if (e.type != "ADDED" && e.type != "MODIFIED" && e.type != "DELETED") return;
  // Like controller-runtime's TransformStripManagedFields: the cache never needs field
  // ownership, which is often the larger part of an object.
  if (core::Node* meta = e.object.find("metadata"); meta && meta->is_mapping()) {
    meta->erase("managedFields");
    if (core::Node* ann = meta->find("annotations"); ann && ann->is_mapping()) {
      ann->erase("kubectl.kubernetes.io/last-applied-configuration");
    }
  }
  auto obj = std::make_shared<const core::Node>(std::move(e.object));
  std::string key = object_key(*obj);
  ObjectPtr old;
  Event kind;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) old = it->second;
    if (e.type == "DELETED") {
      kind = Event::kDeleted;
      cache_.erase(key);
    } else {
      kind = old ? Event::kModified : Event::kAdded;
      cache_[key] = obj;
    }
  }
  for (const auto& h : handlers_) h(kind, old, obj);
}

ObjectPtr Informer::get(const std::string& ns, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = cache_.find(object_key(ns, name));
  return it == cache_.end() ? nullptr : it->second;
}

std::vector<ObjectPtr> Informer::list(const std::string& ns) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ObjectPtr> out;
  for (const auto& [key, obj] : cache_) {
    if (ns.empty() || key.rfind(ns + "/", 0) == 0) out.push_back(obj);
  }
  return out;
}

}  // namespace oc::controllers
