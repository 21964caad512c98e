#include "kube/kubeconfig.h"

#include <cstdlib>
#include <vector>

#include "core/base64.h"
#include "core/file.h"
#include "core/yaml.h"

namespace oc::kube {

namespace {

using core::Node;

std::string text_of(const Node* n) {
  return n && n->is_scalar() && !n->is_null() ? n->text() : std::string();
}

std::string dir_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

// A loaded kubeconfig file.
struct File {
  std::string path;
  Node doc;
};

// Finds the entry named `name` in the list `list_key` of the first file that has it.
const Node* find_named(const std::vector<File>& files, const char* list_key, const std::string& name,
                       const File** from) {
  for (const auto& f : files) {
    const Node* list = f.doc.is_mapping() ? f.doc.find(list_key) : nullptr;
    if (!list || !list->is_sequence()) continue;
    for (const auto& item : list->items()) {
      if (text_of(item.find("name")) == name) {
        *from = &f;
        return item.find(std::string_view(list_key) == "clusters"   ? "cluster"
                         : std::string_view(list_key) == "users"    ? "user"
                                                                     : "context");
      }
    }
  }
  return nullptr;
}

// `field-data` (base64) or `field` (a file path relative to the kubeconfig).
core::Result<std::string> data_or_file(const Node& n, const std::string& data_key,
                                       const std::string& file_key, const File& f) {
  std::string data = text_of(n.find(data_key));
  if (!data.empty()) {
    auto d = core::base64_decode(data);
    if (!d) return core::Error(data_key + " is not valid base64", f.path);
    return *d;
  }
  std::string file = text_of(n.find(file_key));
  if (file.empty()) return std::string();
  if (file[0] != '/') file = dir_of(f.path) + "/" + file;
  auto content = core::read_file(file);
  if (!content.ok()) return core::Error(file_key + ": " + content.error().to_string(), f.path);
  return *content;
}

}  // namespace

core::Result<ClusterAccess> load_kubeconfig(const std::string& explicit_path,
                                            const std::string& context_override) {
  std::vector<std::string> paths;
  if (!explicit_path.empty()) {
    paths.push_back(explicit_path);
  } else if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::string list = env;
    size_t p = 0;
    while (p <= list.size()) {
      size_t c = list.find(':', p);
      std::string one = list.substr(p, c == std::string::npos ? std::string::npos : c - p);
      if (!one.empty()) paths.push_back(one);
      if (c == std::string::npos) break;
      p = c + 1;
    }
  } else if (const char* home = std::getenv("HOME")) {
    paths.push_back(std::string(home) + "/.kube/config");
  }
  std::vector<File> files;
  for (const auto& p : paths) {
    auto text = core::read_file(p);
    if (!text.ok()) {
      // $KUBECONFIG entries that do not exist are skipped, as kubectl does; an explicit
      // --kubeconfig must exist.
      if (!explicit_path.empty()) return text.error();
      continue;
    }
    core::ParseOptions po;
    po.file = p;
    po.comments = false;
    auto doc = core::parse_yaml(*text, po);
    if (!doc.ok()) return doc.error();
    files.push_back({p, std::move(*doc)});
  }
  if (files.empty()) return core::Error("no kubeconfig found (looked at " + (paths.empty() ? std::string("~/.kube/config") : paths.front()) + ")");
  std::string context = context_override;
  if (context.empty()) {
    for (const auto& f : files) {
      context = text_of(f.doc.is_mapping() ? f.doc.find("current-context") : nullptr);
      if (!context.empty()) break;
    }
  }
  if (context.empty()) return core::Error("the kubeconfig has no current-context; pass --context", files.front().path);
  const File* ctx_file = nullptr;
  const Node* ctx = find_named(files, "contexts", context, &ctx_file);
  if (!ctx) return core::Error("context \"" + context + "\" not found in the kubeconfig", files.front().path);
  std::string cluster_name = text_of(ctx->find("cluster"));
  std::string user_name = text_of(ctx->find("user"));
  ClusterAccess a;
  a.context = context;
  a.namespace_name = text_of(ctx->find("namespace"));
  if (a.namespace_name.empty()) a.namespace_name = "default";
  const File* cl_file = nullptr;
  const Node* cluster = find_named(files, "clusters", cluster_name, &cl_file);
  if (!cluster) {
    return core::Error("cluster \"" + cluster_name + "\" of context \"" + context + "\" not found", ctx_file->path);
  }
  a.server = text_of(cluster->find("server"));
  if (a.server.empty()) return core::Error("cluster \"" + cluster_name + "\" has no server", cl_file->path);
  a.insecure_skip_tls_verify = text_of(cluster->find("insecure-skip-tls-verify")) == "true";
  a.tls_server_name = text_of(cluster->find("tls-server-name"));
  auto ca = data_or_file(*cluster, "certificate-authority-data", "certificate-authority", *cl_file);
  if (!ca.ok()) return ca.error();
  a.ca_pem = std::move(*ca);
  if (!user_name.empty()) {
    const File* u_file = nullptr;
    const Node* user = find_named(files, "users", user_name, &u_file);
    if (!user) return core::Error("user \"" + user_name + "\" of context \"" + context + "\" not found", ctx_file->path);
    if (user->is_mapping()) {
      auto cert = data_or_file(*user, "client-certificate-data", "client-certificate", *u_file);
      if (!cert.ok()) return cert.error();
      auto key = data_or_file(*user, "client-key-data", "client-key", *u_file);
      if (!key.ok()) return key.error();
      a.client_cert_pem = std::move(*cert);
      a.client_key_pem = std::move(*key);
      a.token = text_of(user->find("token"));
      if (a.token.empty()) {
        std::string tf = text_of(user->find("tokenFile"));
        if (!tf.empty()) {
          if (tf[0] != '/') tf = dir_of(u_file->path) + "/" + tf;
          auto t = core::read_file(tf);
          if (!t.ok()) return core::Error("tokenFile: " + t.error().to_string(), u_file->path);
          a.token = *t;
          while (!a.token.empty() && (a.token.back() == '\n' || a.token.back() == '\r')) a.token.pop_back();
        }
      }
      a.username = text_of(user->find("username"));
      a.password = text_of(user->find("password"));
      if (user->find("exec") || user->find("auth-provider")) {
        if (a.token.empty() && a.client_cert_pem.empty()) {
          return core::Error("user \"" + user_name + "\" uses an exec or auth-provider plugin, which is not supported; use a token or client certificate", u_file->path);
        }
      }
    }
  }
  return a;
}

core::Result<ClusterAccess> in_cluster_access(const std::string& root) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !port) {
    return core::Error("not running in a cluster (KUBERNETES_SERVICE_HOST/PORT unset) and no kubeconfig given");
  }
  ClusterAccess a;
  std::string h = host;
  if (h.find(':') != std::string::npos) h = "[" + h + "]";
  a.server = "https://" + h + ":" + port;
  auto token = core::read_file(root + "/token");
  if (!token.ok()) return token.error();
  a.token = *token;
  auto ca = core::read_file(root + "/ca.crt");
  if (!ca.ok()) return ca.error();
  a.ca_pem = *ca;
  auto ns = core::read_file(root + "/namespace");
  a.namespace_name = ns.ok() ? *ns : "default";
  while (!a.namespace_name.empty() && a.namespace_name.back() == '\n') a.namespace_name.pop_back();
  a.context = "in-cluster";
  return a;
}

}  // namespace oc::kube
