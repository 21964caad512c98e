// The CLI's command model. Each module adds its verbs by describing them here (see
// commands.cc, the one place that lists them); the argument parser behind it lives only in
// app.cc. Commands get parsed arguments and streams, return an exit status, and hold no logic
// that tests cannot reach through the engines they call.
#pragma once

#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace oc::cli {

// Exit statuses (DESIGN.md §4).
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

struct Flag {
  enum class Kind { kBool, kString, kStrings };
  // Comma-separated spellings, short first: "-i,--in-place". The long name (without dashes)
  // is the key in Args.
  std::string names;
  std::string help;
  Kind kind = Kind::kString;
  std::string default_value;
  // Allowed values for kString, empty for any.
  std::vector<std::string> choices;
};

struct Positional {
  std::string name;
  std::string help;
  bool required = true;
  bool many = false;  // takes all remaining arguments
};

// Parsed values, keyed by long flag name or positional name.
class Args {
 public:
  bool flag(std::string_view name) const;
  // The value of a string flag or single positional ("" when absent and no default).
  const std::string& get(std::string_view name) const;
  // Every value of a repeated flag or a `many` positional.
  const std::vector<std::string>& list(std::string_view name) const;
  // Whether the user gave it on the command line.
  bool given(std::string_view name) const;

  // Filled by the parser.
  void set_flag(const std::string& name, bool v) { flags_[name] = v; }
  void set_values(const std::string& name, std::vector<std::string> v, bool given);

 private:
  std::map<std::string, bool, std::less<>> flags_;
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
  std::map<std::string, bool, std::less<>> given_;
};

// Where a command writes. Colours only when the stream is a terminal and NO_COLOR is unset.
struct Io {
  std::ostream& out;
  std::ostream& err;
  bool color_out = false;
  bool color_err = false;

  // "opencenter: error: <message>" on stderr; returns kExitFailure for `return io.fail(...)`.
  int fail(std::string_view message) const;
  void warn(std::string_view message) const;
};

struct Command {
  std::vector<std::string> path;  // e.g. {"yaml", "fmt"}
  std::string summary;            // one line for --help listings
  std::string description;        // longer text for the command's own --help
  std::vector<Flag> flags;
  std::vector<Positional> args;
  // Common flags of DESIGN.md §4 this command takes.
  bool namespace_flags = false;   // -n/--namespace, -A/--all-namespaces
  bool output_flag = false;       // -o/--output
  std::vector<std::string> output_choices = {"table", "yaml", "json"};
  // Servers and controllers keep glibc's default heap; every other command runs once and
  // exits, and gets core::use_short_run_heap() before it starts.
  bool long_running = false;
  std::function<int(const Args&, const Io&)> run;
};

// Commands in registration order. Group commands ("yaml") exist implicitly.
class Registry {
 public:
  void add(Command c) { commands_.push_back(std::move(c)); }
  const std::vector<Command>& commands() const { return commands_; }

 private:
  std::vector<Command> commands_;
};

// Registers every module's verbs (commands.cc).
void register_all(Registry& r);

// Per-module registration functions, called from register_all.
void register_version_command(Registry& r);
void register_yaml_commands(Registry& r);
void register_kustomize_commands(Registry& r);
void register_helm_commands(Registry& r);
void register_cluster_local_commands(Registry& r);
void register_controller_commands(Registry& r);
void register_age_commands(Registry& r);
void register_secrets_commands(Registry& r);
void register_flux_commands(Registry& r);

// Parses argv against the registry and runs the chosen command.
int run(int argc, const char* const* argv, const Registry& registry, const Io& io);

}  // namespace oc::cli
