// Which cluster a command talks to (DESIGN.md §1): --kubeconfig / $KUBECONFIG / --context like
// kubectl, else the local cluster's kubeconfig.
#pragma once

#include <string>

#include "cli/command.h"
#include "core/error.h"
#include "kube/kubeconfig.h"

namespace oc::cli {

// $XDG_DATA_HOME/opencenter/local, or ~/.local/share/opencenter/local.
std::string default_local_dir();

// Flags every cluster-facing command takes: --kubeconfig, --context.
void add_target_flags(Command& c);

// The cluster to use. Errors say how to start the local cluster when nothing is configured.
core::Result<kube::ClusterAccess> target_access(const Args& args);

}  // namespace oc::cli
