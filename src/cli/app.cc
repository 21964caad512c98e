// Maps the Registry onto CLI11. This is the only file that includes CLI11.
#include <CLI/CLI.hpp>

#include <deque>
#include <map>
#include <memory>

#include "cli/command.h"
#include "core/heap.h"

namespace oc::cli {

namespace {

// Storage CLI11 writes into while parsing one command's arguments.
struct Bound {
  const Command* command = nullptr;
  CLI::App* app = nullptr;
  std::map<std::string, bool> bools;
  std::map<std::string, std::string> singles;
  std::map<std::string, std::vector<std::string>> values;
  std::map<std::string, CLI::Option*> options;
};

std::string long_name(const std::string& names) {
  // "-i,--in-place" → "in-place"; "-o" → "o"; "FILE" → "FILE".
  std::string best;
  size_t p = 0;
  while (p <= names.size()) {
    size_t c = names.find(',', p);
    std::string part = names.substr(p, c == std::string::npos ? std::string::npos : c - p);
    if (part.rfind("--", 0) == 0) return part.substr(2);
    if (best.empty()) best = part.rfind("-", 0) == 0 ? part.substr(1) : part;
    if (c == std::string::npos) break;
    p = c + 1;
  }
  return best;
}

// One line for the --help listing of a group command (one that only holds subcommands).
std::string group_summary(const CLI::App* parent, const std::string& name) {
  if (parent->get_parent() != nullptr) {
    if (name == "sources") return "Get source statuses";
    return "";
  }
  static const std::map<std::string, std::string> kGroups = {
      {"yaml", "Read and write YAML/JSON documents (comments kept)"},
      {"kustomize", "Build kustomizations (output like kustomize v5.5)"},
      {"helm", "Render Helm charts (output like helm template)"},
      {"secrets", "Encrypt, decrypt and rotate sops files (sops 3 compatible)"},
      {"get", "Show the status of Flux objects"},
      {"reconcile", "Ask a Flux object to reconcile now and wait for it"},
      {"suspend", "Suspend the reconciliation of Flux objects"},
      {"resume", "Resume suspended Flux objects and wait for them to reconcile"},
      {"tree", "Show the objects a Kustomization manages, as a tree"},
      {"build", "Build a Kustomization's objects locally, as the controller would"},
      {"diff", "Show what applying a local directory through a Kustomization would change"},
  };
  auto it = kGroups.find(name);
  return it == kGroups.end() ? "" : it->second;
}

CLI::App* child(CLI::App* parent, const std::string& name) {
  for (CLI::App* sub : parent->get_subcommands([](CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  CLI::App* sub = parent->add_subcommand(name, group_summary(parent, name));
  sub->fallthrough();
  return sub;
}

void add_flag(Bound& b, const Flag& f) {
  std::string key = long_name(f.names);
  CLI::Option* opt = nullptr;
  switch (f.kind) {
    case Flag::Kind::kBool:
      b.bools[key] = false;
      opt = b.app->add_flag(f.names, b.bools[key], f.help);
      break;
    case Flag::Kind::kString: {
      auto& v = b.singles[key];
      opt = b.app->add_option(f.names, v, f.help);
      if (!f.default_value.empty()) opt->default_str(f.default_value);
      if (!f.choices.empty()) opt->check(CLI::IsMember(f.choices));
      break;
    }
    case Flag::Kind::kStrings: {
      auto& v = b.values[key];
      opt = b.app->add_option(f.names, v, f.help)->allow_extra_args(false);
      break;
    }
  }
  b.options[key] = opt;
}

// The command argv names, when that is certain without CLI11: its path words come first, after
// the global flags, and no help is asked for. Only that command is then described to CLI11 —
// building every command's options took a tenth of a short command's start. Otherwise (help, a
// typo, a group alone) nullptr, and all commands are registered as before.
const Command* invoked_command(int argc, const char* const* argv, const Registry& registry) {
  // Help anywhere ("helm template --help") takes the full registration, as before.
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-h" || a == "--help" || a == "--help-all") return nullptr;
  }
  std::vector<std::string_view> words;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (!words.empty() && !a.empty() && a[0] == '-') break;
    if (a == "--kubeconfig" || a == "--context") {
      ++i;
      continue;
    }
    if (a.rfind("--kubeconfig=", 0) == 0 || a.rfind("--context=", 0) == 0 || a == "--no-color")
      continue;
    if (a.empty() || a[0] == '-') return nullptr;
    words.push_back(a);
  }
  const Command* best = nullptr;
  for (const Command& c : registry.commands()) {
    if (c.path.size() > words.size()) continue;
    bool prefix = true;
    for (size_t k = 0; k < c.path.size() && prefix; ++k) prefix = c.path[k] == words[k];
    if (prefix && (!best || c.path.size() > best->path.size())) best = &c;
  }
  return best;
}

}  // namespace

int run(int argc, const char* const* argv, const Registry& registry, const Io& io) {
  CLI::App app("opencenter: GitOps for platform clusters in one native program.\n"
               "Generate a cluster's GitOps repository, reconcile it continuously "
               "(Flux-compatible), and run it all on an embedded local cluster.",
               "opencenter");
  app.require_subcommand(0, 1);
  app.set_help_all_flag("--help-all", "Print help for every command");
  std::string kubeconfig, context;
  bool no_color = false;
  app.add_option("--kubeconfig", kubeconfig,
                 "Path to the kubeconfig file (default: $KUBECONFIG, then the local cluster's)")
      ->envname("KUBECONFIG");
  app.add_option("--context", context, "The kubeconfig context to use");
  app.add_flag("--no-color", no_color, "Never colour the output");

  std::deque<Bound> bound;
  const Command* only = invoked_command(argc, argv, registry);
  for (const Command& c : registry.commands()) {
    if (only && &c != only) continue;
    CLI::App* parent = &app;
    for (size_t i = 0; i + 1 < c.path.size(); ++i) parent = child(parent, c.path[i]);
    Bound& b = bound.emplace_back();
    b.command = &c;
    b.app = parent->add_subcommand(c.path.back(), c.summary);
    b.app->fallthrough();
    if (!c.description.empty()) b.app->footer(c.description);
    for (const Flag& f : c.flags) add_flag(b, f);
    if (c.namespace_flags) {
      add_flag(b, Flag{"-n,--namespace", "Namespace to act in", Flag::Kind::kString, "", {}});
      add_flag(b, Flag{"-A,--all-namespaces", "Act in all namespaces", Flag::Kind::kBool, "", {}});
    }
    if (c.output_flag) {
      add_flag(b, Flag{"-o,--output", "Output format", Flag::Kind::kString,
                       c.output_choices.empty() ? "" : c.output_choices.front(), c.output_choices});
    }
    for (const Positional& p : c.args) {
      CLI::Option* opt = p.many ? b.app->add_option(p.name, b.values[p.name], p.help)
                                : b.app->add_option(p.name, b.singles[p.name], p.help);
      if (p.required) opt->required();
      b.options[p.name] = opt;
    }
  }
  // Group commands ("yaml") need one of their subcommands.
  std::function<void(CLI::App*)> require = [&](CLI::App* a) {
    for (CLI::App* sub : a->get_subcommands([](CLI::App*) { return true; })) {
      bool is_leaf = false;
      for (const Bound& b : bound) is_leaf = is_leaf || b.app == sub;
      if (!is_leaf) sub->require_subcommand(1);
      require(sub);
    }
  };
  require(&app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    // Help for the deepest command given.
    CLI::App* target = &app;
    for (;;) {
      auto subs = target->get_subcommands();
      if (subs.empty()) break;
      target = subs.front();
    }
    io.out << target->help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    io.out << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::RequiredError& e) {
    // A group command without its subcommand, or a missing argument.
    io.err << "opencenter: error: " << e.what() << "\n";
    io.err << "Run 'opencenter --help' for usage.\n";
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    io.err << "opencenter: error: " << e.what() << "\n";
    io.err << "Run 'opencenter --help' for usage.\n";
    return kExitUsage;
  }

  for (Bound& b : bound) {
    if (!b.app->parsed()) continue;
    Args args;
    for (const auto& [k, v] : b.bools) args.set_flag(k, v);
    for (auto& [k, v] : b.values) {
      CLI::Option* opt = b.options[k];
      args.set_values(k, v, opt && opt->count() > 0);
    }
    for (auto& [k, v] : b.singles) {
      CLI::Option* opt = b.options[k];
      bool given = opt && opt->count() > 0;
      std::vector<std::string> vals;
      if (given) {
        vals = {v};
      } else if (opt && !opt->get_default_str().empty()) {
        vals = {opt->get_default_str()};
      }
      args.set_values(k, std::move(vals), given);
    }
    // The global flags only override a command's own --kubeconfig/--context when given.
    if (!kubeconfig.empty()) args.set_values("kubeconfig", {kubeconfig}, true);
    if (!context.empty()) args.set_values("context", {context}, true);
    Io cmd_io = io;
    if (no_color) {
      cmd_io.color_out = false;
      cmd_io.color_err = false;
    }
    if (!b.command->long_running) core::use_short_run_heap();
    return b.command->run(args, cmd_io);
  }
  // No command given.
  io.out << app.help();
  return argc > 1 ? kExitUsage : kExitOk;
}

}  // namespace oc::cli
