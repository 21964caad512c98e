#include "kube/client.h"

#include <curl/curl.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "core/json.h"

namespace oc::kube {

namespace {

using core::Node;

std::string text_of(const Node& n, std::initializer_list<std::string_view> path) {
  const Node* cur = &n;
  for (auto k : path) {
    if (!cur->is_mapping()) return "";
    cur = cur->find(k);
    if (!cur) return "";
  }
  return cur->is_scalar() && !cur->is_null() ? cur->text() : "";
}

std::string url_escape(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' || c == ':') {
      out.push_back(char(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void add_param(std::string& path, const std::string& k, const std::string& v) {
  if (v.empty()) return;
  path += path.find('?') == std::string::npos ? '?' : '&';
  path += k + "=" + url_escape(v);
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

struct Reply {
  long status = 0;
  std::string body;
  CURLcode curl = CURLE_OK;
  std::string curl_error;
};

}  // namespace

std::string ApiResource::path(const std::string& ns, const std::string& name,
                              const std::string& sub) const {
  std::string p = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !ns.empty()) p += "/namespaces/" + ns;
  p += "/" + resource;
  if (!name.empty()) p += "/" + name;
  if (!sub.empty()) p += "/" + sub;
  return p;
}

struct Client::Impl {
  ClusterAccess access;
  ClientOptions opts;
  std::mutex pool_mu;
  std::vector<CURL*> pool;
  std::mutex discovery_mu;
  std::map<std::string, std::vector<ApiResource>> discovery;  // group/version → resources

  ~Impl() {
    for (CURL* h : pool) curl_easy_cleanup(h);
  }

  CURL* take() {
    {
      std::lock_guard<std::mutex> g(pool_mu);
      if (!pool.empty()) {
        CURL* h = pool.back();
        pool.pop_back();
        curl_easy_reset(h);
        return h;
      }
    }
    return curl_easy_init();
  }
  void give(CURL* h) {
    std::lock_guard<std::mutex> g(pool_mu);
    pool.push_back(h);
  }

  void setup(CURL* h, const std::string& method, const std::string& path, const std::string& body,
             curl_slist** headers, const std::string& content_type) {
    std::string url = access.server;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += path;
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(h, CURLOPT_USERAGENT, opts.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    *headers = curl_slist_append(*headers, "Accept: application/json");
    if (!access.token.empty()) {
      *headers = curl_slist_append(*headers, ("Authorization: Bearer " + access.token).c_str());
    } else if (!access.username.empty()) {
      curl_easy_setopt(h, CURLOPT_USERPWD, (access.username + ":" + access.password).c_str());
    }
    if (!access.ca_pem.empty()) {
      curl_blob blob{const_cast<char*>(access.ca_pem.data()), access.ca_pem.size(), CURL_BLOB_COPY};
      curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &blob);
    }
    if (access.insecure_skip_tls_verify) {
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!access.client_cert_pem.empty()) {
      curl_blob cert{const_cast<char*>(access.client_cert_pem.data()), access.client_cert_pem.size(),
                     CURL_BLOB_COPY};
      curl_blob key{const_cast<char*>(access.client_key_pem.data()), access.client_key_pem.size(),
                    CURL_BLOB_COPY};
      curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert);
      curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
      curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key);
      curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    if (method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, long(body.size()));
      *headers = curl_slist_append(*headers, ("Content-Type: " + content_type).c_str());
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *headers);
  }

  Reply once(const std::string& method, const std::string& path, const std::string& body,
             const std::string& content_type) {
    Reply r;
    CURL* h = take();
    curl_slist* headers = nullptr;
    setup(h, method, path, body, &headers, content_type);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, long(opts.timeout_seconds));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r.body);
    char err[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
    r.curl = curl_easy_perform(h);
    if (r.curl == CURLE_OK) {
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    } else {
      r.curl_error = err[0] ? err : curl_easy_strerror(r.curl);
    }
    curl_slist_free_all(headers);
    give(h);
    return r;
  }

  core::Result<std::string> call(const std::string& method, const std::string& path,
                                 const std::string& body, const std::string& content_type) {
    Reply r;
    int attempts = std::max(1, opts.max_attempts);
    for (int i = 0; i < attempts; ++i) {
      r = once(method, path, body, content_type);
      bool connect_failed = r.curl == CURLE_COULDNT_CONNECT || r.curl == CURLE_COULDNT_RESOLVE_HOST;
      bool transport = r.curl != CURLE_OK;
      bool retry_status = r.status == 429 || r.status == 502 || r.status == 503 || r.status == 504;
      // A create that may have reached the server is not repeated (it could exist now).
      bool may_retry = method == "POST" ? (connect_failed || r.status == 429) : (transport || retry_status);
      if (!may_retry || i + 1 == attempts) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(2000, 100 << i)));
    }
    if (r.curl != CURLE_OK) {
      return core::Error(method + " " + access.server + path + ": " + r.curl_error);
    }
    if (r.status >= 200 && r.status < 300) return std::move(r.body);
    core::Error e;
    e.code = int(r.status);
    auto status = core::parse_json(r.body);
    std::string msg = status.ok() ? text_of(*status, {"message"}) : "";
    e.message = msg.empty() ? method + " " + path + ": HTTP " + std::to_string(r.status) : msg;
    return e;
  }

  core::Result<Node> call_json(const std::string& method, const std::string& path,
                               const std::string& body, const std::string& content_type) {
    auto r = call(method, path, body, content_type);
    if (!r.ok()) return r.error();
    auto n = core::parse_json(*r);
    if (!n.ok()) return core::Error("the server's answer is not JSON: " + n.error().message);
    return std::move(*n);
  }

  core::Status load_group_version(const std::string& gv) {
    std::string path = gv.find('/') == std::string::npos ? "/api/" + gv : "/apis/" + gv;
    auto doc = call_json("GET", path, "", "");
    if (!doc.ok()) return doc.error();
    std::vector<ApiResource> list;
    std::string group = gv.find('/') == std::string::npos ? "" : gv.substr(0, gv.find('/'));
    std::string version = gv.substr(gv.find('/') == std::string::npos ? 0 : gv.find('/') + 1);
    if (const Node* rs = doc->find("resources"); rs && rs->is_sequence()) {
      for (const auto& e : rs->items()) {
        std::string name = text_of(e, {"name"});
        if (name.find('/') != std::string::npos) continue;
        ApiResource r;
        r.group = group;
        r.version = version;
        r.resource = name;
        r.kind = text_of(e, {"kind"});
        r.namespaced = text_of(e, {"namespaced"}) == "true";
        list.push_back(std::move(r));
      }
    }
    std::lock_guard<std::mutex> g(discovery_mu);
    discovery[gv] = std::move(list);
    return core::Status();
  }
};

core::Result<std::unique_ptr<Client>> Client::connect(ClusterAccess access, ClientOptions opts) {
  static CurlGlobal init;
  std::unique_ptr<Client> c(new Client());
  c->impl_ = std::make_unique<Impl>();
  c->impl_->access = std::move(access);
  c->impl_->opts = std::move(opts);
  return c;
}

Client::~Client() = default;

const ClusterAccess& Client::access() const { return impl_->access; }

core::Result<ApiResource> Client::resource_for(const std::string& api_version, const std::string& kind) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      std::lock_guard<std::mutex> g(impl_->discovery_mu);
      auto it = impl_->discovery.find(api_version);
      if (it != impl_->discovery.end() && attempt == 0) {
        for (const auto& r : it->second) {
          if (r.kind == kind) return r;
        }
      }
    }
    // Missing or stale: discover this group version (again).
    core::Status st = impl_->load_group_version(api_version);
    if (!st.ok() && st.error().code != 404) return st.error();
    std::lock_guard<std::mutex> g(impl_->discovery_mu);
    auto it = impl_->discovery.find(api_version);
    if (it != impl_->discovery.end()) {
      for (const auto& r : it->second) {
        if (r.kind == kind) return r;
      }
    }
  }
  core::Error e("no matches for kind \"" + kind + "\" in version \"" + api_version + "\"");
  e.code = 404;
  return e;
}

core::Result<std::string> Client::server_version() {
  auto v = impl_->call_json("GET", "/version", "", "");
  if (!v.ok()) return v.error();
  return text_of(*v, {"gitVersion"});
}

core::Result<Node> Client::get(const ApiResource& r, const std::string& ns, const std::string& name,
                               const std::string& sub) {
  return impl_->call_json("GET", r.path(ns, name, sub), "", "");
}

core::Result<Node> Client::list(const ApiResource& r, const std::string& ns, const ListOptions& o) {
  Node out;
  std::string cont;
  Node items = Node::sequence();
  for (;;) {
    std::string path = r.path(ns);
    add_param(path, "labelSelector", o.label_selector);
    add_param(path, "fieldSelector", o.field_selector);
    add_param(path, "limit", "500");
    add_param(path, "continue", cont);
    auto page = impl_->call_json("GET", path, "", "");
    if (!page.ok()) return page.error();
    if (out.is_null()) out = *page;
    if (Node* its = page->find("items"); its && its->is_sequence()) {
      for (auto& i : its->items()) items.push_back(std::move(i));
    }
    cont = text_of(*page, {"metadata", "continue"});
    if (cont.empty()) break;
  }
  out["items"] = std::move(items);
  if (Node* m = out.find("metadata"); m && m->is_mapping()) m->erase("continue");
  return out;
}

namespace {
std::string write_params(std::string path, const WriteOptions& o) {
  add_param(path, "fieldManager", o.field_manager);
  if (o.dry_run) add_param(path, "dryRun", "All");
  return path;
}
}  // namespace

core::Result<Node> Client::create(const ApiResource& r, const std::string& ns, const Node& obj,
                                  const WriteOptions& o) {
  auto body = core::write_json(obj);
  if (!body.ok()) return body.error();
  return impl_->call_json("POST", write_params(r.path(ns), o), *body, "application/json");
}

core::Result<Node> Client::update(const ApiResource& r, const std::string& ns, const Node& obj,
                                  const WriteOptions& o, const std::string& sub) {
  auto body = core::write_json(obj);
  if (!body.ok()) return body.error();
  std::string name = text_of(obj, {"metadata", "name"});
  return impl_->call_json("PUT", write_params(r.path(ns, name, sub), o), *body, "application/json");
}

core::Result<Node> Client::patch(const ApiResource& r, const std::string& ns, const std::string& name,
                                 PatchType type, const std::string& body, const WriteOptions& o,
                                 const std::string& sub) {
  const char* ct = type == PatchType::kJson        ? "application/json-patch+json"
                   : type == PatchType::kMerge     ? "application/merge-patch+json"
                   : type == PatchType::kStrategic ? "application/strategic-merge-patch+json"
                                                   : "application/apply-patch+yaml";
  std::string path = write_params(r.path(ns, name, sub), o);
  if (type == PatchType::kApply && o.force) add_param(path, "force", "true");
  return impl_->call_json("PATCH", path, body, ct);
}

core::Result<Node> Client::apply(const ApiResource& r, const std::string& ns, const Node& obj,
                                 const WriteOptions& o) {
  auto body = core::write_json(obj);
  if (!body.ok()) return body.error();
  return patch(r, ns, text_of(obj, {"metadata", "name"}), PatchType::kApply, *body, o);
}

core::Result<Node> Client::remove(const ApiResource& r, const std::string& ns, const std::string& name,
                                  const DeleteOptions& o) {
  Node body = Node::mapping();
  body["apiVersion"] = Node::string("v1");
  body["kind"] = Node::string("DeleteOptions");
  if (!o.propagation.empty()) body["propagationPolicy"] = Node::string(o.propagation);
  std::string path = r.path(ns, name);
  if (o.dry_run) add_param(path, "dryRun", "All");
  return impl_->call_json("DELETE", path, core::write_json(body).value_or("{}"), "application/json");
}

core::Result<std::string> Client::request(const std::string& method, const std::string& path,
                                          const std::string& body, const std::string& content_type) {
  return impl_->call(method, path, body, content_type);
}

namespace {

struct WatchState {
  std::string buf;
  std::string last_rv;
  const std::function<bool(WatchEvent&&)>* on_event = nullptr;
  const std::atomic<bool>* stop = nullptr;
  bool stopped_by_caller = false;
  int error_code = 0;
  std::string error_message;
};

size_t watch_write(char* data, size_t size, size_t n, void* user) {
  auto* st = static_cast<WatchState*>(user);
  st->buf.append(data, size * n);
  size_t nl;
  while ((nl = st->buf.find('\n')) != std::string::npos) {
    std::string line = st->buf.substr(0, nl);
    st->buf.erase(0, nl + 1);
    if (line.empty()) continue;
    auto ev = core::parse_json(line);
    if (!ev.ok()) continue;
    WatchEvent e;
    e.type = text_of(*ev, {"type"});
    if (Node* obj = ev->find("object")) e.object = std::move(*obj);
    if (e.type == "ERROR") {
      std::string code = text_of(e.object, {"code"});
      st->error_code = code.empty() ? 500 : std::atoi(code.c_str());
      st->error_message = text_of(e.object, {"message"});
      return 0;
    }
    std::string rv = text_of(e.object, {"metadata", "resourceVersion"});
    if (!rv.empty()) st->last_rv = rv;
    if (e.type == "BOOKMARK") continue;
    if (!(*st->on_event)(std::move(e))) {
      st->stopped_by_caller = true;
      return 0;
    }
  }
  return size * n;
}

int watch_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* st = static_cast<WatchState*>(user);
  if (st->stop && st->stop->load()) {
    st->stopped_by_caller = true;
    return 1;
  }
  return 0;
}

}  // namespace

core::Result<std::string> Client::watch(const ApiResource& r, const std::string& ns,
                                        const std::string& resource_version, const ListOptions& o,
                                        int timeout_seconds,
                                        const std::function<bool(WatchEvent&&)>& on_event,
                                        const std::atomic<bool>* stop) {
  std::string path = r.path(ns);
  add_param(path, "watch", "1");
  add_param(path, "resourceVersion", resource_version);
  add_param(path, "allowWatchBookmarks", "true");
  add_param(path, "timeoutSeconds", std::to_string(timeout_seconds));
  add_param(path, "labelSelector", o.label_selector);
  add_param(path, "fieldSelector", o.field_selector);
  WatchState st;
  st.last_rv = resource_version;
  st.on_event = &on_event;
  st.stop = stop;
  CURL* h = curl_easy_init();
  curl_slist* headers = nullptr;
  impl_->setup(h, "GET", path, "", &headers, "");
  curl_easy_setopt(h, CURLOPT_TIMEOUT, long(timeout_seconds + 15));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, watch_write);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &st);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, watch_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &st);
  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
  CURLcode rc = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
  if (st.error_code) {
    core::Error e(st.error_message.empty() ? "watch failed" : st.error_message);
    e.code = st.error_code;
    return e;
  }
  if (st.stopped_by_caller) return st.last_rv;
  if (rc != CURLE_OK && rc != CURLE_OPERATION_TIMEDOUT) {
    return core::Error("watch " + path + ": " + (err[0] ? std::string(err) : curl_easy_strerror(rc)));
  }
  if (status >= 400) {
    core::Error e("watch " + path + ": HTTP " + std::to_string(status) + " " + st.buf);
    e.code = int(status);
    return e;
  }
  return st.last_rv;
}

core::Status list_and_watch(Client& client, const ApiResource& r, const std::string& ns,
                            const ListOptions& opts, const std::atomic<bool>& stop,
                            const std::function<void(WatchEvent&&)>& on_event,
                            const std::function<void()>& on_synced) {
  // What the caller has been told exists (namespace/name → object), to report deletions that
  // happened while we could not watch.
  std::map<std::string, Node> known;
  auto id = [](const Node& o) {
    return text_of(o, {"metadata", "namespace"}) + "/" + text_of(o, {"metadata", "name"});
  };
  int backoff_ms = 100;
  while (!stop) {
    auto list = client.list(r, ns, opts);
    if (!list.ok()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
      backoff_ms = std::min(backoff_ms * 2, 5000);
      continue;
    }
    backoff_ms = 100;
    std::string rv = text_of(*list, {"metadata", "resourceVersion"});
    std::map<std::string, Node> now;
    if (Node* items = list->find("items"); items && items->is_sequence()) {
      for (auto& item : items->items()) now[id(item)] = std::move(item);
    }
    for (auto& [k, obj] : known) {
      if (!now.count(k)) on_event(WatchEvent{"DELETED", obj});
    }
    for (auto& [k, obj] : now) {
      auto it = known.find(k);
      if (it == known.end()) {
        on_event(WatchEvent{"ADDED", obj});
      } else if (!(it->second == obj)) {
        on_event(WatchEvent{"MODIFIED", obj});
      }
    }
    known = std::move(now);
    if (on_synced) on_synced();
    // Watch from the list's revision, resuming until the server says it is too old.
    while (!stop) {
      auto w = client.watch(r, ns, rv, opts, 60, [&](WatchEvent&& e) {
        // Resume from the last event delivered, even if the stream breaks later.
        std::string erv = text_of(e.object, {"metadata", "resourceVersion"});
        if (!erv.empty()) rv = erv;
        std::string k = id(e.object);
        if (e.type == "DELETED") {
          known.erase(k);
        } else {
          known[k] = e.object;
        }
        on_event(std::move(e));
        return true;
      }, &stop);
      if (w.ok()) {
        if (!w->empty()) rv = *w;
        backoff_ms = 100;
        continue;
      }
      if (w.error().code == 410) break;  // compacted: list again
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
      backoff_ms = std::min(backoff_ms * 2, 5000);
    }
  }
  return core::Status();
}

}  // namespace oc::kube
