// `opencenter kustomize build DIR`: what `kubectl kustomize DIR` / `kustomize build DIR` print.
#include <iostream>

#include "cli/command.h"
#include "core/heap.h"
#include "kustomize/git_fetcher.h"
#include "kustomize/kustomize.h"

namespace oc::cli {

namespace {

int run_build(const Args& args, const Io& io) {
  kustomize::BuildOptions opts;
  opts.load_restrictions = args.get("load-restrictor") == "LoadRestrictionsNone"
                               ? kustomize::LoadRestrictions::kNone
                               : kustomize::LoadRestrictions::kRootOnly;
  // The CLI default is kustomize's legacy kind order; --reorder none keeps input order.
  opts.reorder =
      args.get("reorder") == "none" ? kustomize::Reorder::kNone : kustomize::Reorder::kLegacy;
  opts.warn = [&io](std::string_view w) { io.err << w << "\n"; };
  kustomize::GitFetcher fetcher;  // git repositories (mirrors cached) and http(s) files
  opts.remote = &fetcher;
  std::string dir = args.get("DIR");
  if (dir.empty()) dir = ".";
  auto res = kustomize::build(dir, opts);
  if (!res.ok()) return io.fail(res.error().to_string());
  io.out << kustomize::to_yaml(*res);
  // Left to the end of the process instead of freed object by object (core/heap.h).
  core::release_at_exit(std::make_shared<std::vector<core::Node>>(std::move(*res)));
  return kExitOk;
}

}  // namespace

void register_kustomize_commands(Registry& r) {
  Command build;
  build.path = {"kustomize", "build"};
  build.summary = "Build a kustomization directory (output identical to kustomize v5.5)";
  build.description =
      "Prints the resources the kustomization in DIR produces, as `kubectl kustomize DIR` does. "
      "Nothing is printed on stdout when the build fails.";
  build.flags = {
      {"--load-restrictor",
       "Whether files outside the kustomization root may be read",
       Flag::Kind::kString,
       "LoadRestrictionsRootOnly",
       {"LoadRestrictionsRootOnly", "LoadRestrictionsNone"}},
      {"--reorder",
       "Output order: legacy (kind order, the default) or none (input order)",
       Flag::Kind::kString,
       "legacy",
       {"legacy", "none"}},
  };
  build.args = {
      {"DIR", "The kustomization directory (default: the current directory)", false, false}};
  build.run = run_build;
  r.add(std::move(build));
}

}  // namespace oc::cli
