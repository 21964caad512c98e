// Where a client connects and how it authenticates: kubeconfig files as kubectl reads them, or
// the in-cluster service account.
#pragma once

#include <string>

#include "core/error.h"

namespace oc::kube {

struct ClusterAccess {
  std::string server;          // "https://10.0.0.1:6443"
  std::string ca_pem;          // certificate authority data (PEM), empty = system roots
  bool insecure_skip_tls_verify = false;
  std::string client_cert_pem; // client certificate auth
  std::string client_key_pem;
  std::string token;           // bearer token (from `token` or `tokenFile`)
  std::string username;        // basic auth (legacy)
  std::string password;
  std::string tls_server_name;
  std::string namespace_name;  // the context's namespace ("default" when unset)
  std::string context;         // the context used
};

// Loads a kubeconfig like kubectl: `explicit_path` when given, else every file of $KUBECONFIG
// (colon-separated, merged: the first file to define a name wins), else ~/.kube/config; then
// the context `context_override` or the current-context. File and data forms of certificates,
// keys and tokens are read. Errors name the file and the missing piece.
core::Result<ClusterAccess> load_kubeconfig(const std::string& explicit_path,
                                            const std::string& context_override = "");

// The in-cluster configuration (KUBERNETES_SERVICE_HOST/PORT and the service account files
// under /var/run/secrets/kubernetes.io/serviceaccount, or `root` in tests).
core::Result<ClusterAccess> in_cluster_access(
    const std::string& root = "/var/run/secrets/kubernetes.io/serviceaccount");

}  // namespace oc::kube
