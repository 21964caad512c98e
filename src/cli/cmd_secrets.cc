// `opencenter secrets encrypt|decrypt|edit|rotate|updatekeys|status|keygen`: sops with age
// (getsops/sops cmd/sops semantics) on top of src/crypto. Plaintext goes to standard output
// unless the user asks for a file (-i, --output); files are replaced atomically; `edit` works on
// a 0600 file in a private temporary directory that is always removed.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "cli/command.h"
#include "core/file.h"
#include "core/json.h"
#include "crypto/age_keys.h"
#include "crypto/byte_io.h"
#include "crypto/passphrase.h"
#include "crypto/primitives.h"
#include "crypto/sops.h"
#include "crypto/sops_keys.h"

namespace oc::cli {

namespace {

namespace sops = crypto::sops;
namespace age = crypto::age;
namespace fs = std::filesystem;

int usage_error(const Io& io, const std::string& msg) {
  io.err << "opencenter: error: " << msg << "\n";
  return kExitUsage;
}

// Identities from the sops locations, with a terminal prompt for encrypted key files.
struct Keys {
  sops::LoadedIdentities loaded;
  sops::IdentityList refs;

  static Keys load() {
    Keys k;
    sops::KeyEnvironment env = sops::KeyEnvironment::from_process();
    env.passphrase = [] {
      return crypto::read_terminal_passphrase("Enter passphrase for the age identity file:");
    };
    k.loaded = sops::load_identities(env);
    for (auto& i : k.loaded.identities) k.refs.push_back(i.get());
    return k;
  }
  // Appended to "could not recover the data key" errors: sources that failed to load.
  std::string problems() const {
    std::string s;
    for (const auto& e : loaded.errors) s += "\n  could not load identities from " + e;
    return s;
  }
};

// Config and store settings: --config, $SOPS_CONFIG, or the first .sops.yaml from the working
// directory up (sops looks from the working directory, not the file's).
struct ConfigLookup {
  std::optional<sops::Config> config;
  sops::StoreConfig stores;
};

core::Result<ConfigLookup> find_and_load_config(const Args& args) {
  ConfigLookup c;
  std::string path = args.get("config");
  if (path.empty()) {
    if (const char* e = std::getenv("SOPS_CONFIG"); e && *e) path = e;
  }
  if (path.empty()) {
    if (auto found = sops::find_config(".")) path = *found;
  }
  if (path.empty()) return c;
  auto cfg = sops::load_config(path);
  if (!cfg.ok()) return cfg.error();
  c.stores = cfg->stores;
  c.config = std::move(*cfg);
  return c;
}

struct Formats {
  sops::Format in, out;
};

core::Result<Formats> formats_for(const Args& args, const std::string& name) {
  Formats f{sops::format_for_path(name), sops::format_for_path(name)};
  if (args.given("input-type")) {
    auto p = sops::parse_format(args.get("input-type"));
    if (!p.ok()) return p.error();
    f.in = *p;
    f.out = *p;
  }
  if (args.given("output-type")) {
    auto p = sops::parse_format(args.get("output-type"));
    if (!p.ok()) return p.error();
    f.out = *p;
  }
  return f;
}

core::Result<std::string> read_input(const std::string& path) {
  if (path == "-") return crypto::read_fd(0, "standard input", size_t(256) << 20);
  return core::read_file(path, size_t(256) << 20);
}

mode_t file_mode(const std::string& path, mode_t fallback) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : fallback;
}

// Writes the result: in place (keeping the mode), to --output, or to standard output.
int deliver(const Args& args, const Io& io, const std::string& file, const std::string& data,
            bool plaintext) {
  if (args.flag("in-place")) {
    if (auto s = core::write_file_atomic(file, data, file_mode(file, 0600)); !s.ok())
      return io.fail(s.error().to_string());
    return kExitOk;
  }
  if (args.given("output")) {
    const std::string& out = args.get("output");
    if (auto s = core::write_file_atomic(out, data, file_mode(out, plaintext ? 0600 : 0644));
        !s.ok()) {
      return io.fail(s.error().to_string());
    }
    return kExitOk;
  }
  io.out << data;
  io.out.flush();
  return kExitOk;
}

core::Status check_in_place(const Args& args, const std::string& file) {
  if (args.flag("in-place") && file == "-")
    return core::Error("cannot use --in-place when reading from standard input");
  if (args.flag("in-place") && args.given("output"))
    return core::Error("cannot use both --output and --in-place");
  return {};
}

// The name sops uses for format detection and rule matching.
std::string name_for(const Args& args, const std::string& file) {
  if (args.given("filename-override")) return args.get("filename-override");
  return file;
}

// age recipients and rules for a new file: --age / SOPS_AGE_RECIPIENTS, else the creation rule.
core::Result<sops::EncryptSpec> encrypt_spec(const Args& args, const ConfigLookup& cfg,
                                             const std::string& name) {
  sops::EncryptSpec spec;
  std::string flag_age = args.get("age");
  if (flag_age.empty()) {
    if (const char* e = std::getenv("SOPS_AGE_RECIPIENTS"); e && *e) flag_age = e;
  }
  const sops::CreationRule* rule = nullptr;
  if (cfg.config && cfg.config->has_creation_rules) {
    auto r = sops::rule_for_file(*cfg.config, name);
    if (!r.ok()) {
      if (flag_age.empty()) return r.error();
    } else {
      rule = *r;
    }
  }
  if (!flag_age.empty()) {
    spec.recipients.push_back(sops::split_key_list(flag_age));
  } else if (rule) {
    spec.recipients = rule->key_groups;
    spec.shamir_threshold = rule->shamir_threshold;
  } else {
    return core::Error(
        "no age recipients for " + name +
        ": pass --age, set SOPS_AGE_RECIPIENTS, or add a creation rule to .sops.yaml");
  }
  if (rule) spec.rules = rule->rules;
  // Command-line rule options take precedence over the rule's, field by field (sops).
  for (auto [flag, field] :
       {std::pair{"unencrypted-suffix", &spec.rules.unencrypted_suffix},
        std::pair{"encrypted-suffix", &spec.rules.encrypted_suffix},
        std::pair{"unencrypted-regex", &spec.rules.unencrypted_regex},
        std::pair{"encrypted-regex", &spec.rules.encrypted_regex},
        std::pair{"unencrypted-comment-regex", &spec.rules.unencrypted_comment_regex},
        std::pair{"encrypted-comment-regex", &spec.rules.encrypted_comment_regex}}) {
    if (args.given(flag)) *field = args.get(flag);
  }
  if (args.flag("mac-only-encrypted")) spec.rules.mac_only_encrypted = true;
  if (args.given("shamir-secret-sharing-threshold")) {
    spec.shamir_threshold = std::atoi(args.get("shamir-secret-sharing-threshold").c_str());
  }
  return spec;
}

// What encrypt, decrypt and rotate start from: the file, its formats, the config, its text.
struct FileJob {
  std::string file, name;
  Formats fmts{};
  ConfigLookup cfg;
  std::string text;
  ~FileJob() { crypto::cleanse(text); }

  // Fills the job; on failure returns the exit status (after printing the error).
  std::optional<int> prepare(const Args& args, const Io& io) {
    file = args.get("FILE");
    if (auto s = check_in_place(args, file); !s.ok()) return usage_error(io, s.error().message);
    name = name_for(args, file);
    auto f = formats_for(args, name);
    if (!f.ok()) return usage_error(io, f.error().message);
    fmts = *f;
    auto c = find_and_load_config(args);
    if (!c.ok()) return io.fail(c.error().to_string());
    cfg = std::move(*c);
    auto t = read_input(file);
    if (!t.ok()) return io.fail(t.error().to_string());
    text = std::move(*t);
    return std::nullopt;
  }
};

int run_encrypt(const Args& args, const Io& io) {
  FileJob job;
  if (auto rc = job.prepare(args, io)) return *rc;
  if (args.given("indent"))
    job.cfg.stores.yaml_indent = job.cfg.stores.json_indent = std::atoi(args.get("indent").c_str());
  auto spec = encrypt_spec(args, job.cfg, job.name);
  if (!spec.ok()) return io.fail(spec.error().to_string());
  auto out =
      sops::encrypt_document(job.text, job.name, job.fmts.in, job.fmts.out, job.cfg.stores, *spec);
  if (!out.ok()) return io.fail(out.error().to_string());
  return deliver(args, io, job.file, *out, false);
}

int run_decrypt(const Args& args, const Io& io) {
  FileJob job;
  if (auto rc = job.prepare(args, io)) return *rc;
  Keys keys = Keys::load();
  sops::DecryptOptions o;
  o.ignore_mac = args.flag("ignore-mac");
  auto out = sops::decrypt_document(job.text, job.name, job.fmts.in, job.fmts.out, job.cfg.stores,
                                    keys.refs, o);
  if (!out.ok()) return io.fail(out.error().to_string() + keys.problems());
  int rc = deliver(args, io, job.file, *out, true);
  crypto::cleanse(*out);
  return rc;
}

int run_rotate(const Args& args, const Io& io) {
  FileJob job;
  if (auto rc = job.prepare(args, io)) return *rc;
  Keys keys = Keys::load();
  sops::DecryptOptions o;
  o.ignore_mac = args.flag("ignore-mac");
  auto out = sops::rotate_document(job.text, job.name, job.fmts.in, job.cfg.stores, keys.refs,
                                   args.list("add-age"), args.list("rm-age"), o);
  if (!out.ok()) return io.fail(out.error().to_string() + keys.problems());
  return deliver(args, io, job.file, *out, false);
}

// --- edit ----------------------------------------------------------------------------------

// A private directory holding the plaintext while the editor runs; always removed.
class TempPlaintext {
 public:
  static core::Result<std::unique_ptr<TempPlaintext>> create(const std::string& base,
                                                             const std::string& data) {
    std::unique_ptr<TempPlaintext> t(new TempPlaintext());
    std::string tmpl = (fs::temp_directory_path() / "opencenter-edit-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
      return core::Error(std::string("cannot create a temporary directory: ") +
                         std::strerror(errno));
    t->dir_ = tmpl;
    t->path_ = tmpl + "/" + base;
    int fd = ::open(t->path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
      return core::Error(std::string("cannot create the temporary file: ") + std::strerror(errno));
    crypto::FdSink sink(fd, t->path_);
    auto s = sink.write(data);
    ::close(fd);
    if (!s.ok()) return s.error();
    return t;
  }
  ~TempPlaintext() {
    if (!path_.empty()) {
      // Overwrite before unlinking: the plaintext should not linger in free blocks longer
      // than needed (best effort; the file system may keep copies).
      struct stat st;
      if (::stat(path_.c_str(), &st) == 0) {
        int fd = ::open(path_.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
          std::string zeros(size_t(st.st_size), '\0');
          (void)!::write(fd, zeros.data(), zeros.size());
          ::close(fd);
        }
      }
      ::unlink(path_.c_str());
    }
    if (!dir_.empty()) {
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }
  const std::string& path() const { return path_; }

 private:
  TempPlaintext() = default;
  std::string dir_, path_;
};

// shlex-like splitting of $EDITOR: white space separates words, quotes and backslashes escape.
std::vector<std::string> split_command(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  bool have = false;
  char quote = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else if (c == '\\' && quote == '"' && i + 1 < s.size())
        cur += s[++i];
      else
        cur += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      have = true;
    } else if (c == '\\' && i + 1 < s.size()) {
      cur += s[++i];
      have = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (have) out.push_back(cur);
      cur.clear();
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) out.push_back(cur);
  return out;
}

core::Status run_editor(const std::string& path) {
  std::vector<std::string> cmd;
  for (const char* var : {"SOPS_EDITOR", "EDITOR"}) {
    if (const char* e = std::getenv(var); e && *e) {
      cmd = split_command(e);
      if (cmd.empty()) return core::Error(std::string("invalid $") + var);
      break;
    }
  }
  if (cmd.empty()) {
    for (const char* candidate : {"vim", "nano", "vi"}) {
      std::string found;
      if (const char* p = std::getenv("PATH")) {
        std::string paths = p;
        size_t b = 0;
        while (found.empty() && b <= paths.size()) {
          size_t e = paths.find(':', b);
          std::string dir = paths.substr(b, e == std::string::npos ? std::string::npos : e - b);
          std::string full = (dir.empty() ? "." : dir) + "/" + candidate;
          if (::access(full.c_str(), X_OK) == 0) found = full;
          if (e == std::string::npos) break;
          b = e + 1;
        }
      }
      if (!found.empty()) {
        cmd = {found};
        break;
      }
    }
    if (cmd.empty())
      return core::Error(
          "no editor available: set SOPS_EDITOR or EDITOR (vim, nano and vi were not found)");
  }
  cmd.push_back(path);
  std::vector<char*> argv;
  for (auto& a : cmd) argv.push_back(a.data());
  argv.push_back(nullptr);
  // Like system(3): the editor gets Ctrl-C, we wait for it and then clean up.
  struct sigaction ignore {
  }, old_int{}, old_quit{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, &old_int);
  ::sigaction(SIGQUIT, &ignore, &old_quit);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::sigaction(SIGINT, &old_int, nullptr);
    ::sigaction(SIGQUIT, &old_quit, nullptr);
    ::execvp(argv[0], argv.data());
    std::fprintf(stderr, "opencenter: error: cannot run editor %s: %s\n", argv[0],
                 std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  if (pid > 0) {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  if (pid < 0) return core::Error(std::string("cannot start the editor: ") + std::strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return core::Error(
        "the editor " + cmd[0] + " failed (exit status " +
        std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) +
        "); the file was not changed");
  }
  return {};
}

// sops's examples for a new file (stores.ExampleComplexTree / ExampleFlatTree / ExampleSimpleTree).
std::string example_for(sops::Format f) {
  switch (f) {
    case sops::Format::kYaml:
      return "hello: Welcome to SOPS! Edit this file as you please!\nexample_key: example_value\n"
             "# Example comment\nexample_array:\n    - example_value1\n    - example_value2\n"
             "example_number: 1234.56789\nexample_booleans:\n    - true\n    - false\n";
    case sops::Format::kJson:
      return "{\n\t\"hello\": \"Welcome to SOPS! Edit this file as you "
             "please!\",\n\t\"example_key\": "
             "\"example_value\",\n\t\"example_array\": "
             "[\n\t\t\"example_value1\",\n\t\t\"example_value2\"\n\t],\n"
             "\t\"example_number\": 1234.56789,\n\t\"example_booleans\": "
             "[\n\t\ttrue,\n\t\tfalse\n\t]\n}\n";
    case sops::Format::kDotenv:
      return "# This is an example file.\nhello=Welcome to SOPS! Edit this file as you please!\n"
             "example_key=example_value\nexample_multiline=foo\\nbar\\nbaz\n";
    case sops::Format::kIni:
      return "[Welcome!]\n; This is an example file.\nhello       = Welcome to SOPS! Edit this "
             "file as you please!\n"
             "example_key = example_value\n";
    case sops::Format::kBinary:
      return "Welcome to SOPS! Edit this file as you please!";
  }
  return "";
}

int run_edit(const Args& args, const Io& io) {
  const std::string& file = args.get("FILE");
  auto fmts = formats_for(args, file);
  if (!fmts.ok()) return usage_error(io, fmts.error().message);
  sops::Format f = fmts->in;
  auto cfg = find_and_load_config(args);
  if (!cfg.ok()) return io.fail(cfg.error().to_string());

  sops::Decrypted d;
  std::string plaintext;
  bool existing = ::access(file.c_str(), F_OK) == 0;
  Keys keys;
  if (existing) {
    auto text = core::read_file(file, size_t(256) << 20);
    if (!text.ok()) return io.fail(text.error().to_string());
    auto loaded = sops::load_encrypted(f, *text, file);
    if (!loaded.ok()) return io.fail(loaded.error().to_string());
    if (!*loaded)
      return io.fail(file + ": the file is not encrypted; use `opencenter secrets encrypt` first");
    keys = Keys::load();
    sops::DecryptOptions o;
    o.ignore_mac = args.flag("ignore-mac");
    o.keep_ivs = true;
    auto dec = sops::decrypt(std::move(**loaded), keys.refs, file, o);
    if (!dec.ok()) return io.fail(dec.error().to_string() + keys.problems());
    d = std::move(*dec);
    auto p = sops::emit_plain(f, d.branches, cfg->stores);
    if (!p.ok()) return io.fail(p.error().to_string());
    plaintext = std::move(*p);
  } else {
    auto spec = encrypt_spec(args, *cfg, file);
    if (!spec.ok()) return io.fail(spec.error().to_string());
    auto groups = sops::key_groups_for(spec->recipients);
    if (!groups.ok()) return io.fail(groups.error().message);
    d.metadata.key_groups = std::move(*groups);
    d.metadata.rules = spec->rules;
    if (f != sops::Format::kBinary) {
      if (auto s = d.metadata.rules.normalize(); !s.ok()) return io.fail(s.error().message);
    } else {
      d.metadata.rules = sops::Rules();
    }
    d.metadata.shamir_threshold = spec->shamir_threshold;
    d.metadata.version = std::string(sops::kSopsFormatVersion);
    d.data_key = crypto::SecretBytes::random(32);
    if (auto s = sops::wrap_data_key(d.metadata, d.data_key); !s.ok())
      return io.fail(s.error().message);
    plaintext = example_for(f);
  }

  auto tmp = TempPlaintext::create(fs::path(file).filename().string(), plaintext);
  if (!tmp.ok()) return io.fail(tmp.error().message);
  auto original = crypto::sha256(plaintext);
  crypto::cleanse(plaintext);
  std::vector<sops::Branch> branches;
  for (;;) {
    if (auto s = run_editor((*tmp)->path()); !s.ok()) return io.fail(s.error().message);
    auto edited = core::read_file((*tmp)->path(), size_t(256) << 20);
    if (!edited.ok()) return io.fail(edited.error().to_string());
    if (crypto::sha256(*edited) == original) {
      io.err << "opencenter: " << file << " has not changed\n";
      crypto::cleanse(*edited);
      return kExitOk;
    }
    auto b = sops::load_plain(f, *edited, file);
    crypto::cleanse(*edited);
    std::string problem;
    if (!b.ok()) {
      problem = b.error().to_string();
    } else if (sops::has_sops_key(f, *b)) {
      problem = file + ": the edited document has a top-level sops entry, which is reserved";
    } else if (b->empty()) {
      problem = file + ": the edited document is empty";
    }
    if (problem.empty()) {
      branches = std::move(*b);
      break;
    }
    if (!::isatty(0)) return io.fail(problem + " (nothing was written)");
    io.err << "opencenter: error: " << problem
           << "\nPress enter to return to the editor, or Ctrl+C to exit.\n";
    std::string line;
    if (!std::getline(std::cin, line)) return io.fail("cancelled; nothing was written");
  }
  sops::update_version(d.metadata);
  auto out = sops::encrypt(std::move(branches), d.metadata, d.data_key, f, cfg->stores, &d.stash);
  if (!out.ok()) return io.fail(core::Error(out.error().message, file).to_string());
  if (auto s = core::write_file_atomic(file, *out, file_mode(file, 0644)); !s.ok())
    return io.fail(s.error().to_string());
  return kExitOk;
}

// --- updatekeys ----------------------------------------------------------------------------

int run_updatekeys(const Args& args, const Io& io) {
  auto cfg = find_and_load_config(args);
  if (!cfg.ok()) return io.fail(cfg.error().to_string());
  if (!cfg->config)
    return io.fail(
        "no .sops.yaml found (from the working directory up); updatekeys needs its creation rules");
  if (!cfg->config->has_creation_rules)
    return io.fail(cfg->config->path + ": the config file does not contain any creation rule");
  int threshold = args.given("shamir-secret-sharing-threshold")
                      ? std::atoi(args.get("shamir-secret-sharing-threshold").c_str())
                      : 0;
  Keys keys = Keys::load();
  int rc = kExitOk;
  for (const std::string& file : args.list("FILE")) {
    auto rule = sops::rule_for_file(*cfg->config, file);
    if (!rule.ok()) {
      rc = io.fail(rule.error().to_string());
      continue;
    }
    sops::Format f = sops::format_for_path(file);
    if (args.given("input-type")) {
      auto p = sops::parse_format(args.get("input-type"));
      if (!p.ok()) return usage_error(io, p.error().message);
      f = *p;
    }
    auto text = core::read_file(file, size_t(256) << 20);
    if (!text.ok()) {
      rc = io.fail(text.error().to_string());
      continue;
    }
    auto loaded = sops::load_encrypted(f, *text, file);
    if (!loaded.ok()) {
      rc = io.fail(loaded.error().to_string());
      continue;
    }
    if (!*loaded) {
      rc = io.fail(file + ": sops metadata not found: the file is not encrypted");
      continue;
    }
    auto plan = sops::plan_update_keys((*loaded)->metadata, **rule, threshold);
    if (!plan.ok()) {
      rc = io.fail(plan.error().message);
      continue;
    }
    if (plan->empty()) {
      io.err << "opencenter: " << file << " already up to date\n";
      continue;
    }
    io.out << "The following changes will be made to " << file << "'s key groups:\n";
    for (const auto& a : plan->added) io.out << "+++ " << a << "\n";
    for (const auto& r : plan->removed) io.out << "--- " << r << "\n";
    if (plan->old_threshold != plan->new_threshold) {
      io.out << "Shamir threshold: " << plan->old_threshold << " → " << plan->new_threshold << "\n";
    }
    io.out.flush();
    if (!args.flag("yes")) {
      if (!::isatty(0))
        return io.fail("not changing " + file + " without confirmation: pass -y/--yes");
      io.out << "Is this okay? (y/n): ";
      io.out.flush();
      std::string answer;
      while (std::getline(std::cin, answer) && answer != "y" && answer != "n")
        io.out << "Is this okay? (y/n): " << std::flush;
      if (answer != "y") {
        io.err << "opencenter: " << file << " left unchanged\n";
        continue;
      }
    }
    auto out = sops::update_keys(*text, file, f, cfg->stores, keys.refs, **rule, threshold);
    if (!out.ok()) {
      rc = io.fail(out.error().to_string() + keys.problems());
      continue;
    }
    if (auto s = core::write_file_atomic(file, *out, file_mode(file, 0644)); !s.ok()) {
      rc = io.fail(s.error().to_string());
      continue;
    }
    io.err << "opencenter: " << file << " synced with new keys\n";
  }
  return rc;
}

// --- status --------------------------------------------------------------------------------

struct FileStatus {
  std::string file, status, detail;
  bool finding = false;
};

FileStatus classify(const std::string& path, const ConfigLookup& cfg, const Keys& keys) {
  FileStatus st{path, "", "", false};
  sops::Format f = sops::format_for_path(path);
  auto text = core::read_file(path, size_t(16) << 20);
  if (!text.ok()) return {path, "unreadable", text.error().message, true};
  auto loaded = sops::load_encrypted(f, *text, path);
  if (loaded.ok() && *loaded) {
    std::string version = (*loaded)->metadata.version;
    sops::DecryptOptions o;
    auto key = sops::recover_data_key((*loaded)->metadata, keys.refs);
    if (!key.ok()) return {path, "encrypted", "MAC not checked: no identity for this file", false};
    auto d = sops::decrypt_with_key(std::move(**loaded), std::move(*key), path, o);
    if (!d.ok()) return {path, "mac-failed", d.error().message, true};
    return {path, "encrypted", "MAC ok (sops " + version + ")", false};
  }
  if (!loaded.ok() && f != sops::Format::kBinary &&
      text->find("ENC[AES256_GCM,") != std::string::npos) {
    return {path, "damaged", loaded.error().message, true};
  }
  if (cfg.config && cfg.config->has_creation_rules) {
    auto rule = sops::rule_for_file(*cfg.config, path);
    if (rule.ok()) {
      return {path, "plaintext",
              "matches creation_rules[" + std::to_string((*rule)->index) + "] but is not encrypted",
              true};
    }
  }
  return {path, "", "", false};
}

void walk(const fs::path& p, std::vector<std::string>& out) {
  std::error_code ec;
  if (fs::is_regular_file(p, ec)) {
    out.push_back(p.string());
    return;
  }
  if (!fs::is_directory(p, ec)) return;
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(p, ec)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& e : entries) {
    std::string name = e.filename().string();
    if (name == ".git" || name == ".sops.yaml") continue;
    if (fs::is_symlink(e, ec)) continue;
    walk(e, out);
  }
}

int run_status(const Args& args, const Io& io) {
  auto cfg = find_and_load_config(args);
  if (!cfg.ok()) return io.fail(cfg.error().to_string());
  Keys keys = Keys::load();
  std::vector<std::string> files;
  auto paths = args.list("PATH");
  if (paths.empty()) paths = {"."};
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) return io.fail(p + ": no such file or directory");
    walk(p, files);
  }
  std::vector<FileStatus> rows;
  bool findings = false;
  for (const auto& f : files) {
    FileStatus st = classify(f, *cfg, keys);
    if (st.status.empty()) continue;
    findings = findings || st.finding;
    rows.push_back(std::move(st));
  }
  if (args.get("output") == "json") {
    core::Node list = core::Node::sequence();
    for (const auto& r : rows) {
      core::Node m = core::Node::mapping();
      m.set("file", core::Node::string(r.file));
      m.set("status", core::Node::string(r.status));
      m.set("detail", core::Node::string(r.detail));
      m.set("finding", core::Node::boolean(r.finding));
      list.push_back(std::move(m));
    }
    core::JsonStyle js;
    js.indent = "  ";
    io.out << *core::write_json(list, js) << "\n";
  } else {
    size_t w1 = 6, w2 = 4;
    for (const auto& r : rows) {
      w1 = std::max(w1, r.status.size());
      w2 = std::max(w2, r.file.size());
    }
    auto pad = [](const std::string& s, size_t w) {
      return s + std::string(w - s.size() + 2, ' ');
    };
    io.out << pad("STATUS", w1) << pad("FILE", w2) << "DETAIL\n";
    for (const auto& r : rows) io.out << pad(r.status, w1) << pad(r.file, w2) << r.detail << "\n";
  }
  io.out.flush();
  return findings ? kExitFailure : kExitOk;
}

// --- keygen --------------------------------------------------------------------------------

int run_keygen(const Args& args, const Io& io) {
  std::string path = args.get("output");
  if (path.empty()) {
    sops::KeyEnvironment env = sops::KeyEnvironment::from_process();
    path = env.sops_age_key_file ? *env.sops_age_key_file : env.default_key_file();
    if (path.empty())
      return io.fail("no place for the key: set SOPS_AGE_KEY_FILE or HOME, or pass --output");
  }
  std::error_code ec;
  fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::exists(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec) return io.fail("cannot create " + parent.string() + ": " + ec.message());
    fs::permissions(parent, fs::perms::owner_all, ec);
  }
  auto id = age::X25519Identity::generate();
  std::string text = age::keygen_file(id);
  // keys.txt holds every identity sops should try: append to an existing file.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return io.fail("cannot open " + path + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) == 0 && (st.st_mode & 077)) {
    io.warn(path + " is readable by other users (mode " + std::to_string((st.st_mode >> 6) & 7) +
            std::to_string((st.st_mode >> 3) & 7) + std::to_string(st.st_mode & 7) +
            "); consider chmod 600");
  }
  if (::fstat(fd, &st) == 0 && st.st_size > 0) text = "\n" + text;
  crypto::FdSink sink(fd, path);
  auto s = sink.write(text);
  crypto::cleanse(text);
  ::close(fd);
  if (!s.ok()) return io.fail(s.error().message);
  io.out << id.recipient().to_string() << "\n";
  io.err << "opencenter: wrote a new age identity to " << path << "\n";
  return kExitOk;
}

// --- registration --------------------------------------------------------------------------

Flag config_flag() {
  return {"--config",
          "Path of the .sops.yaml (default: $SOPS_CONFIG or found from the working directory)",
          Flag::Kind::kString,
          "",
          {}};
}

Flag ignore_mac_flag() {
  return {"--ignore-mac", "Do not verify the MAC", Flag::Kind::kBool, "", {}};
}

Flag type_flag(const char* name, const char* help) {
  return {name, help, Flag::Kind::kString, "", {"yaml", "json", "dotenv", "ini", "binary"}};
}

std::vector<Flag> io_flags() {
  return {
      {"-i,--in-place",
       "Write the result back to FILE instead of standard output",
       Flag::Kind::kBool,
       "",
       {}},
      {"--output", "Write the result to this file", Flag::Kind::kString, "", {}},
      type_flag("--input-type", "Input format (default: from the file name)"),
      type_flag("--output-type", "Output format (default: the input format)"),
      {"--filename-override",
       "Use this name for format detection and creation rules (for standard input)",
       Flag::Kind::kString,
       "",
       {}},
      config_flag(),
  };
}

std::vector<Flag> rule_flags() {
  return {
      {"--age",
       "Comma-separated age recipients (default: $SOPS_AGE_RECIPIENTS, then .sops.yaml)",
       Flag::Kind::kString,
       "",
       {}},
      {"--unencrypted-suffix",
       "Keys ending with this stay plaintext (default _unencrypted)",
       Flag::Kind::kString,
       "",
       {}},
      {"--encrypted-suffix",
       "Only keys ending with this are encrypted",
       Flag::Kind::kString,
       "",
       {}},
      {"--unencrypted-regex", "Keys matching this stay plaintext", Flag::Kind::kString, "", {}},
      {"--encrypted-regex", "Only keys matching this are encrypted", Flag::Kind::kString, "", {}},
      {"--unencrypted-comment-regex",
       "Values after a comment matching this stay plaintext",
       Flag::Kind::kString,
       "",
       {}},
      {"--encrypted-comment-regex",
       "Only values after a comment matching this are encrypted",
       Flag::Kind::kString,
       "",
       {}},
      {"--mac-only-encrypted", "The MAC covers only encrypted values", Flag::Kind::kBool, "", {}},
      {"--shamir-secret-sharing-threshold",
       "Key groups needed to decrypt",
       Flag::Kind::kString,
       "",
       {}},
      {"--indent", "Indentation of the YAML/JSON output", Flag::Kind::kString, "", {}},
  };
}

Positional file_arg() {
  return {"FILE", "The file (- for standard input)", true, false};
}

}  // namespace

void register_secrets_commands(Registry& r) {
  const std::string keys_note =
      "Identities: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE and $XDG_CONFIG_HOME/sops/age/keys.txt "
      "(~/.config/sops/age/keys.txt), all tried.";
  {
    Command c;
    c.path = {"secrets", "encrypt"};
    c.summary = "Encrypt a YAML, JSON, dotenv, INI or binary file with sops + age";
    c.description =
        "Recipients and rules come from --age/flags or the first matching creation rule "
        "of .sops.yaml. The output is what sops 3.13 writes.";
    c.flags = io_flags();
    auto rf = rule_flags();
    c.flags.insert(c.flags.end(), rf.begin(), rf.end());
    c.args = {file_arg()};
    c.run = run_encrypt;
    r.add(std::move(c));
  }
  {
    Command c;
    c.path = {"secrets", "decrypt"};
    c.summary = "Decrypt a sops file to standard output (or in place with -i)";
    c.description = keys_note + " The MAC is verified unless --ignore-mac.";
    c.flags = io_flags();
    c.flags.push_back(ignore_mac_flag());
    c.args = {file_arg()};
    c.run = run_decrypt;
    r.add(std::move(c));
  }
  {
    Command c;
    c.path = {"secrets", "edit"};
    c.summary = "Edit a sops file in $SOPS_EDITOR/$EDITOR and encrypt it again";
    c.description =
        "The plaintext is written to a 0600 file in a private temporary directory, which is "
        "removed afterwards. Unchanged values keep their ciphertext. A new file gets recipients "
        "from --age or .sops.yaml. " +
        keys_note;
    c.flags = {type_flag("--input-type", "Format (default: from the file name)"), config_flag(),
               ignore_mac_flag()};
    auto rf = rule_flags();
    c.flags.insert(c.flags.end(), rf.begin(), rf.end());
    c.args = {{"FILE", "The file to edit (created when missing)", true, false}};
    c.run = run_edit;
    r.add(std::move(c));
  }
  {
    Command c;
    c.path = {"secrets", "rotate"};
    c.summary = "Re-encrypt a sops file with a new data key";
    c.description = keys_note;
    c.flags = io_flags();
    c.flags.push_back(
        {"--add-age", "Add an age recipient (repeatable)", Flag::Kind::kStrings, "", {}});
    c.flags.push_back(
        {"--rm-age", "Remove an age recipient (repeatable)", Flag::Kind::kStrings, "", {}});
    c.flags.push_back(ignore_mac_flag());
    c.args = {file_arg()};
    c.run = run_rotate;
    r.add(std::move(c));
  }
  {
    Command c;
    c.path = {"secrets", "updatekeys"};
    c.summary = "Re-wrap files' data keys for the recipients of their .sops.yaml creation rule";
    c.description = "Values and MAC are unchanged. Asks for confirmation unless -y. " + keys_note;
    c.flags = {
        {"-y,--yes", "Do not ask for confirmation", Flag::Kind::kBool, "", {}},
        config_flag(),
        type_flag("--input-type", "Format (default: from the file name)"),
        {"--shamir-secret-sharing-threshold", "New Shamir threshold", Flag::Kind::kString, "", {}}};
    c.args = {{"FILE", "Files to update", true, true}};
    c.run = run_updatekeys;
    r.add(std::move(c));
  }
  {
    Command c;
    c.path = {"secrets", "status"};
    c.summary =
        "List encrypted files, plaintext files that a creation rule covers, and MAC failures";
    c.description =
        "Walks the given paths (default .). Findings (exit status 1): a file a creation rule "
        "matches that is not encrypted, an encrypted file whose MAC or values do not verify. "
        "MACs are checked when an identity for the file is available. " +
        keys_note;
    c.flags = {config_flag()};
    c.output_flag = true;
    c.output_choices = {"table", "json"};
    c.args = {{"PATH", "Files or directories (default: .)", false, true}};
    c.run = run_status;
    r.add(std::move(c));
  }
  {
    Command c;
    c.path = {"secrets", "keygen"};
    c.summary = "Create an age identity for sops (appended to the sops key file)";
    c.description =
        "Writes to --output, else $SOPS_AGE_KEY_FILE, else $XDG_CONFIG_HOME/sops/age/keys.txt, "
        "creating it 0600 (its directory 0700). Prints the recipient (age1…).";
    c.flags = {{"--output", "The identity file to append to", Flag::Kind::kString, "", {}}};
    c.run = run_keygen;
    r.add(std::move(c));
  }
}

}  // namespace oc::cli
