// The one place that lists the CLI's verbs: add a module's registration function here.
#include "cli/command.h"

namespace oc::cli {

void register_all(Registry& r) {
  register_version_command(r);
  register_yaml_commands(r);
  register_kustomize_commands(r);
  register_helm_commands(r);
  register_cluster_local_commands(r);
  register_controller_commands(r);
  register_age_commands(r);
  register_secrets_commands(r);
  register_flux_commands(r);
}

}  // namespace oc::cli
