// `opencenter version`
#include "cli/command.h"
#include "version_stamp.h"

namespace oc::cli {

void register_version_command(Registry& r) {
  Command c;
  c.path = {"version"};
  c.summary = "Print the version, git commit and build type";
  c.output_flag = true;
  c.output_choices = {"text", "json", "yaml"};
  c.run = [](const Args& args, const Io& io) {
    const std::string& o = args.get("output");
    if (o == "json") {
      io.out << "{\"version\":\"" OC_VERSION "\",\"gitCommit\":\"" OC_GIT_COMMIT
                "\",\"buildType\":\"" OC_BUILD_TYPE "\"}\n";
    } else if (o == "yaml") {
      io.out << "buildType: " OC_BUILD_TYPE "\ngitCommit: \"" OC_GIT_COMMIT
                "\"\nversion: " OC_VERSION "\n";
    } else {
      io.out << "opencenter " OC_VERSION " (commit " OC_GIT_COMMIT ", " OC_BUILD_TYPE ")\n";
    }
    return kExitOk;
  };
  r.add(std::move(c));
}

}  // namespace oc::cli
