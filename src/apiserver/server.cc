// HTTP front of the embedded API server: cpp-httplib (Debian libcpp-httplib-dev) carries the
// requests to Api::handle. This is the only file that includes httplib.h.
#include "apiserver/server.h"

#include <httplib.h>
#include <sys/stat.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "apiserver/api.h"
#include "apiserver/controllers.h"
#include "apiserver/objects.h"
#include "apiserver/resources.h"
#include "apiserver/store.h"
#include "core/json.h"

namespace oc::apiserver {

struct Server::Impl {
  ServerOptions opts;
  std::unique_ptr<Store> store;
  std::unique_ptr<Registry> registry;
  std::unique_ptr<Api> api;
  std::unique_ptr<BuiltinControllers> controllers;
  std::unique_ptr<httplib::Server> http;
  std::thread listener;
  int port = 0;
  std::string host;
  std::mutex mu;
  std::condition_variable cv;
  bool stopped = false;

  ~Impl() { shutdown(); }

  void shutdown() {
    {
      std::lock_guard<std::mutex> g(mu);
      if (stopped) return;
      stopped = true;
    }
    if (store) store->close();  // wakes watches so their connections end
    if (http) http->stop();
    if (listener.joinable()) listener.join();
    if (controllers) controllers->stop();
    cv.notify_all();
  }

  void serve(const httplib::Request& hreq, httplib::Response& hres) {
    if (!opts.token.empty()) {
      std::string auth = hreq.get_header_value("Authorization");
      if (auth != "Bearer " + opts.token) {
        hres.status = 401;
        hres.set_content(R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})",
                         "application/json");
        return;
      }
    }
    Request req;
    req.method = hreq.method;
    req.path = hreq.path;
    for (const auto& [k, v] : hreq.params) req.query.emplace_back(k, v);
    req.content_type = hreq.get_header_value("Content-Type");
    req.accept = hreq.get_header_value("Accept");
    req.user_agent = hreq.get_header_value("User-Agent");
    req.body = hreq.body;
    Response res = api->handle(req);
    hres.status = res.status;
    for (const auto& [k, v] : res.headers) hres.set_header(k, v);
    if (!res.stream) {
      hres.set_content(res.body, res.content_type);
      return;
    }
    // A watch: stream chunks until the API ends the stream or the client goes away.
    std::shared_ptr<Stream> stream(std::move(res.stream));
    // "stream=watch" (kube's streaming media type) also keeps httplib from gzip-buffering
    // events, which it does for plain application/json.
    hres.set_chunked_content_provider(
        "application/json;stream=watch", [stream, this](size_t, httplib::DataSink& sink) {
          std::string chunk;
          if (stopped || !stream->next(chunk)) {
            sink.done();
            return true;
          }
          if (!chunk.empty()) return sink.write(chunk.data(), chunk.size());
          return sink.is_writable();
        });
  }

  core::Status bootstrap() {
    // The namespaces every cluster has, and one Node for workloads to "run" on.
    for (const char* ns : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      if (store->get(object_key("", "namespaces", "", ns))) continue;
      Request req;
      req.method = "POST";
      req.path = "/api/v1/namespaces";
      req.user_agent = "opencenter-apiserver/v1";
      req.body = std::string(R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":")") + ns + "\"}}";
      Response r = api->handle(req);
      if (r.status != 201) return core::Error("cannot create namespace " + std::string(ns) + ": " + r.body);
    }
    if (opts.simulate_workloads && !store->get(object_key("", "nodes", "", "opencenter-local"))) {
      Request req;
      req.method = "POST";
      req.path = "/api/v1/nodes";
      req.user_agent = "opencenter-apiserver/v1";
      req.body = R"({"apiVersion":"v1","kind":"Node","metadata":{"name":"opencenter-local","labels":{"kubernetes.io/hostname":"opencenter-local","kubernetes.io/os":"linux","node-role.kubernetes.io/control-plane":""}}})";
      api->handle(req);
      // Status goes through the status subresource, as a kubelet would write it.
      req.method = "PATCH";
      req.path = "/api/v1/nodes/opencenter-local/status";
      req.content_type = "application/merge-patch+json";
      req.body = R"({"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"simulated by opencenter"}],"capacity":{"cpu":"8","memory":"16Gi","pods":"250"},"allocatable":{"cpu":"8","memory":"16Gi","pods":"250"},"nodeInfo":{"kubeletVersion":"v1.32.0","osImage":"opencenter","architecture":"amd64","operatingSystem":"linux","containerRuntimeVersion":"simulated://1","kernelVersion":"","kubeProxyVersion":"","machineID":"","systemUUID":"","bootID":""}}})";
      api->handle(req);
    }
    return core::Status();
  }
};

core::Result<std::unique_ptr<Server>> Server::start(const ServerOptions& opts) {
  std::unique_ptr<Server> s(new Server());
  s->impl_ = std::make_unique<Impl>();
  Impl& m = *s->impl_;
  m.opts = opts;
  size_t colon = opts.listen.rfind(':');
  if (colon == std::string::npos) return core::Error("--listen must be HOST:PORT, got \"" + opts.listen + "\"");
  m.host = opts.listen.substr(0, colon);
  int port = std::atoi(opts.listen.c_str() + colon + 1);
  bool loopback = m.host == "127.0.0.1" || m.host == "localhost" || m.host == "::1";
  bool tls = !opts.tls_cert_file.empty() && !opts.tls_key_file.empty();
  if (!loopback && (!tls || opts.token.empty())) {
    return core::Error("listening on " + m.host +
                       " (not loopback) requires --tls-cert-file, --tls-key-file and --token");
  }
  ::mkdir(opts.data_dir.c_str(), 0700);
  StoreOptions so;
  so.retain_revisions = opts.retain_revisions;
  auto store = Store::open(opts.data_dir + "/state.db", so);
  if (!store.ok()) return store.error();
  m.store = std::move(*store);
  m.registry = std::make_unique<Registry>();
  m.api = std::make_unique<Api>(*m.store, *m.registry);
  m.api->load_crds();
  if (core::Status st = m.bootstrap(); !st.ok()) return st.error();
  m.controllers = std::make_unique<BuiltinControllers>(*m.api, opts.simulate_workloads);
  m.controllers->start();

  if (tls) {
    m.http = std::make_unique<httplib::SSLServer>(opts.tls_cert_file.c_str(), opts.tls_key_file.c_str());
  } else {
    m.http = std::make_unique<httplib::Server>();
  }
  httplib::Server& h = *m.http;
  int threads = opts.worker_threads;
  h.new_task_queue = [threads] { return new httplib::ThreadPool(size_t(threads)); };
  h.set_keep_alive_max_count(100000);
  // Idle keep-alive connections are dropped after 5s: clients reconnect cheaply, and a graceful
  // stop waits at most this long for them.
  h.set_keep_alive_timeout(5);
  h.set_tcp_nodelay(true);
  h.set_payload_max_length(opts.max_body_bytes + 65536);
  h.set_read_timeout(60, 0);
  h.set_write_timeout(60, 0);
  auto handler = [&m](const httplib::Request& req, httplib::Response& res) { m.serve(req, res); };
  h.Get(".*", handler);
  h.Post(".*", handler);
  h.Put(".*", handler);
  h.Patch(".*", handler);
  h.Delete(".*", handler);
  if (port == 0) {
    m.port = h.bind_to_any_port(m.host);
  } else {
    m.port = h.bind_to_port(m.host, port) ? port : -1;
  }
  if (m.port <= 0) return core::Error("cannot listen on " + opts.listen + ": address in use or not available");
  m.listener = std::thread([&h] { h.listen_after_bind(); });
  return s;
}

Server::~Server() = default;

int Server::port() const { return impl_->port; }

std::string Server::url() const {
  bool tls = !impl_->opts.tls_cert_file.empty();
  return std::string(tls ? "https://" : "http://") + impl_->host + ":" + std::to_string(impl_->port);
}

void Server::wait() {
  std::unique_lock<std::mutex> lk(impl_->mu);
  impl_->cv.wait(lk, [&] { return impl_->stopped; });
}

void Server::stop() { impl_->shutdown(); }

}  // namespace oc::apiserver
