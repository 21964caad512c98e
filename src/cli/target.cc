#include "cli/target.h"

#include <unistd.h>

#include <cstdlib>

namespace oc::cli {

std::string default_local_dir() {
  std::string base;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x) {
    base = x;
  } else if (const char* h = std::getenv("HOME"); h && *h) {
    base = std::string(h) + "/.local/share";
  } else {
    base = "/tmp";
  }
  return base + "/opencenter/local";
}

void add_target_flags(Command& c) {
  c.flags.push_back({"--kubeconfig", "Path to a kubeconfig (default: $KUBECONFIG, ~/.kube/config, else the local cluster)",
                     Flag::Kind::kString, "", {}});
  c.flags.push_back({"--context", "The kubeconfig context to use", Flag::Kind::kString, "", {}});
}

core::Result<kube::ClusterAccess> target_access(const Args& args) {
  std::string path = args.get("kubeconfig");
  const char* env = std::getenv("KUBECONFIG");
  std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  bool configured = !path.empty() || (env && *env) || (!home.empty() && ::access((home + "/.kube/config").c_str(), R_OK) == 0);
  if (!configured) {
    std::string local = default_local_dir() + "/kubeconfig";
    if (::access(local.c_str(), R_OK) != 0) {
      return core::Error("no cluster configured: start the local cluster with `opencenter up`, or pass --kubeconfig");
    }
    path = local;
  }
  return kube::load_kubeconfig(path, args.get("context"));
}

}  // namespace oc::cli
