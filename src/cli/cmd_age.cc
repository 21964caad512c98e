// `opencenter age` and `opencenter age keygen`: the age and age-keygen command lines
// (FiloSottile/age cmd/age, cmd/age-keygen) on top of src/crypto. Output files are written
// through a temporary file and renamed, so a failed decryption leaves nothing behind.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "core/file.h"
#include "crypto/age.h"
#include "crypto/armor.h"
#include "crypto/passphrase.h"

namespace oc::cli {

namespace {

namespace age = crypto::age;

std::string absolute(const std::string& p) {
  char buf[PATH_MAX];
  if (::realpath(p.c_str(), buf)) return buf;
  return p;
}

// The contents of an identity or recipients file; "-" is standard input.
core::Result<std::string> read_key_file(const std::string& path) {
  if (path == "-") return crypto::read_fd(0, "standard input", size_t(16) << 20);
  return core::read_file(path, size_t(16) << 20);
}

// Identities from an identity file, which may itself be age-encrypted with a passphrase.
core::Result<age::Identities> load_identity_file(const std::string& path) {
  auto text = read_key_file(path);
  if (!text.ok()) return text.error();
  if (!age::is_age_file(text->substr(0, 2048))) {
    auto ids = age::parse_identities(*text);
    crypto::cleanse(*text);
    return ids;
  }
  age::ScryptIdentity pass([path] {
    return crypto::read_terminal_passphrase("Enter passphrase for identity file \"" + path + "\":");
  });
  std::string plain;
  age::AgeStatus st = age::decrypt_string(*text, {&pass}, plain);
  if (!st.ok()) return core::Error("decrypting the identity file: " + st.error.message);
  auto ids = age::parse_identities(plain);
  crypto::cleanse(plain);
  return ids;
}

// age -d -i … refuses passphrase-encrypted files instead of prompting.
class RejectScrypt : public age::Identity {
 public:
  age::Unwrapped unwrap(const std::vector<age::Stanza>& stanzas) const override {
    age::Unwrapped u;
    if (stanzas.size() == 1 && stanzas[0].type == "scrypt") {
      u.kind = age::Unwrapped::Kind::kError;
      u.error = core::Error(
          "file is passphrase-encrypted but identities were specified with -i/--identity or -j; "
          "remove them to decrypt passphrase-encrypted files");
    }
    return u;
  }
};

int usage_error(const Io& io, const std::string& msg) {
  io.err << "opencenter: error: " << msg << "\n";
  return kExitUsage;
}

core::Result<crypto::SecretBytes> passphrase_for_encryption() {
  auto p = crypto::read_terminal_passphrase("Enter passphrase:");
  if (!p.ok()) return p;
  if (p->empty()) {
    return core::Error("passphrase can't be empty (opencenter does not generate passphrases)");
  }
  auto again = crypto::read_terminal_passphrase("Confirm passphrase:");
  if (!again.ok()) return again;
  if (!(*again == *p)) return core::Error("passphrases didn't match");
  return p;
}

struct Output {
  std::unique_ptr<crypto::AtomicFileSink> file;
  std::optional<crypto::FdSink> stdout_sink;
  crypto::Sink* sink = nullptr;
};

int run_age_crypt(const Args& args, const Io& io, const std::string& input) {
  bool decrypt = args.flag("decrypt"), encrypt = args.flag("encrypt");
  bool pass = args.flag("passphrase"), armor = args.flag("armor");
  const auto& recipients = args.list("recipient");
  const auto& recipient_files = args.list("recipients-file");
  const auto& identity_files = args.list("identity");
  const auto& plugins = args.list("j");
  const std::string& output = args.get("output");
  auto usage = [&](const std::string& msg) { return usage_error(io, msg); };
  for (const auto& p : plugins) {
    if (p != "batchpass")
      return io.fail("age plugin \"" + p + "\" is not supported (only -j batchpass)");
  }
  if (decrypt) {
    if (encrypt) return usage("-e/--encrypt can't be used with -d/--decrypt");
    if (armor)
      return usage(
          "-a/--armor can't be used with -d/--decrypt (armored files are detected automatically)");
    if (pass)
      return usage(
          "-p/--passphrase can't be used with -d/--decrypt (passphrase-encrypted files are "
          "detected automatically)");
    if (!recipients.empty() || !recipient_files.empty()) {
      return usage(
          "-r/--recipient and -R/--recipients-file can't be used with -d/--decrypt; did you mean "
          "-i/--identity?");
    }
  } else {
    if (!identity_files.empty() && !encrypt) {
      return usage(
          "-i/--identity can't be used in encryption mode unless -e/--encrypt is given; did you "
          "forget -d/--decrypt?");
    }
    if (recipients.empty() && recipient_files.empty() && identity_files.empty() &&
        plugins.empty() && !pass) {
      return usage(
          "missing recipients: specify -r/--recipient, -R/--recipients-file or -p/--passphrase");
    }
    if (pass && (!recipients.empty() || !recipient_files.empty() || !identity_files.empty() ||
                 !plugins.empty())) {
      return usage("-p/--passphrase can't be combined with -r, -R, -i or -j");
    }
  }

  // Input.
  int in_fd = 0;
  std::string in_name = "standard input";
  if (!input.empty() && input != "-") {
    in_fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
    if (in_fd < 0)
      return io.fail("failed to open input file \"" + input + "\": " + std::strerror(errno));
    in_name = input;
  }
  struct Closer {
    int fd;
    ~Closer() {
      if (fd > 0) ::close(fd);
    }
  } closer{in_fd};
  // Large input files (also on standard input) are read in place (mapped) rather than copied
  // by read(2); pipes and small files are read.
  crypto::FdSource fd_in(in_fd, in_name);
  std::unique_ptr<crypto::MappedFileSource> mapped =
      crypto::MappedFileSource::map(in_fd, size_t(1) << 20, in_name);
  crypto::Source& in = mapped ? static_cast<crypto::Source&>(*mapped) : fd_in;

  // Output: a file through a temporary file, or standard output.
  Output out;
  if (!output.empty() && output != "-") {
    std::vector<std::string> in_use = identity_files;
    in_use.insert(in_use.end(), recipient_files.begin(), recipient_files.end());
    if (!input.empty() && input != "-") in_use.push_back(input);
    for (const auto& f : in_use) {
      if (f != "-" && absolute(f) == absolute(output)) {
        return io.fail("input and output file are the same: \"" + output + "\"");
      }
    }
    mode_t mask = ::umask(0);
    ::umask(mask);
    // Decrypted data is private to the user; encrypted output follows the umask like age.
    auto f = crypto::AtomicFileSink::open(output, decrypt ? 0600 : (0666 & ~mask));
    if (!f.ok()) return io.fail(f.error().to_string());
    out.file = std::move(*f);
    out.sink = out.file.get();
  } else {
    if (::isatty(1) && output != "-" && !decrypt && !armor) {
      return io.fail(
          "refusing to output binary to the terminal; did you mean to use -a/--armor? (force with "
          "\"-o -\")");
    }
    io.out.flush();
    out.sink = &out.stdout_sink.emplace(1, "standard output");
  }

  if (decrypt) {
    age::Identities ids;
    std::vector<const age::Identity*> refs;
    for (const auto& path : identity_files) {
      auto loaded = load_identity_file(path);
      if (!loaded.ok()) return io.fail("reading \"" + path + "\": " + loaded.error().message);
      for (auto& i : *loaded) ids.push_back(std::move(i));
    }
    if (!plugins.empty()) {
      auto p = crypto::batchpass_passphrase();
      if (!p.ok()) return io.fail(p.error().message);
      auto max = crypto::work_factor_from_env("AGE_PASSPHRASE_MAX_WORK_FACTOR", 30);
      if (!max.ok()) return io.fail(max.error().message);
      ids.push_back(std::make_unique<age::ScryptIdentity>(std::move(*p), *max));
    }
    bool prompt = ids.empty();
    if (prompt) {
      ids.push_back(std::make_unique<age::ScryptIdentity>(
          [] { return crypto::read_terminal_passphrase("Enter passphrase:"); }));
    } else if (plugins.empty()) {
      ids.push_back(std::make_unique<RejectScrypt>());
    }
    for (auto& i : ids) refs.push_back(i.get());
    age::AgeStatus st = age::decrypt(in, *out.sink, refs);
    if (!st.ok()) {
      std::string msg = st.error.message;
      if (prompt && st.failure == age::Failure::kNoMatch) {
        msg = "the file is not passphrase-encrypted, identities are required (-i/--identity)";
      }
      return io.fail(msg);
    }
  } else {
    age::Recipients rs;
    for (const auto& r : recipients) {
      auto p = age::parse_recipient(r);
      if (!p.ok()) return io.fail(p.error().message);
      rs.push_back(std::move(*p));
    }
    for (const auto& path : recipient_files) {
      auto text = read_key_file(path);
      if (!text.ok()) return io.fail(text.error().to_string());
      auto p = age::parse_recipients(*text);
      if (!p.ok())
        return io.fail("failed to parse recipient file \"" + path + "\": " + p.error().message);
      for (auto& r : *p) rs.push_back(std::move(r));
    }
    for (const auto& path : identity_files) {
      auto loaded = load_identity_file(path);
      if (!loaded.ok()) return io.fail("reading \"" + path + "\": " + loaded.error().message);
      for (auto& i : *loaded) rs.push_back(i->to_recipient());
    }
    if (pass || !plugins.empty()) {
      auto p = pass ? passphrase_for_encryption() : crypto::batchpass_passphrase();
      if (!p.ok()) return io.fail(p.error().message);
      auto wf = crypto::work_factor_from_env("AGE_PASSPHRASE_WORK_FACTOR", 18);
      if (!wf.ok()) return io.fail(wf.error().message);
      rs.push_back(std::make_unique<age::ScryptRecipient>(std::move(*p), pass ? 18 : *wf));
    }
    std::vector<const age::Recipient*> refs;
    for (auto& r : rs) refs.push_back(r.get());
    age::EncryptOptions o;
    o.armor = armor;
    if (auto s = age::encrypt(in, *out.sink, refs, o); !s.ok()) return io.fail(s.error().message);
  }
  if (out.file) {
    if (auto s = out.file->commit(); !s.ok()) return io.fail(s.error().to_string());
  }
  return kExitOk;
}

int run_keygen(const Args& args, const Io& io, const std::vector<std::string>& inputs) {
  const std::string& output = args.get("output");
  for (const char* f : {"encrypt", "decrypt", "armor", "passphrase"}) {
    if (args.flag(f)) return usage_error(io, std::string("--") + f + " can't be used with keygen");
  }
  for (const char* f : {"recipient", "recipients-file", "identity", "j"}) {
    if (!args.list(f).empty())
      return usage_error(io,
                         std::string("-") + (f[1] ? "-" : "") + f + " can't be used with keygen");
  }
  if (inputs.size() > (args.flag("y") ? 1u : 0u)) return usage_error(io, "too many arguments");
  const std::string input = inputs.empty() ? "" : inputs[0];
  // Like age-keygen: the output file is opened first (never overwritten, private from the
  // start), so nothing is generated when it cannot be written.
  int fd = -1;
  if (!output.empty() && output != "-") {
    fd = ::open(output.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
      return io.fail("failed to open output file \"" + output + "\": " + std::strerror(errno));
  }
  struct Closer {
    int fd;
    ~Closer() {
      if (fd >= 0) ::close(fd);
    }
  } closer{fd};
  std::string text;
  if (args.flag("y")) {
    auto in = input.empty() || input == "-" ? crypto::read_fd(0, "standard input", size_t(16) << 20)
                                            : core::read_file(input, size_t(16) << 20);
    if (!in.ok()) return io.fail("failed to open input file: " + in.error().to_string());
    auto ids = age::parse_identities(*in);
    crypto::cleanse(*in);
    if (!ids.ok()) return io.fail("failed to parse input: " + ids.error().message);
    for (const auto& id : *ids) {
      if (auto r = id->to_recipient()) {
        if (auto* x = dynamic_cast<const age::X25519Recipient*>(r.get()))
          text += x->to_string() + "\n";
      }
    }
  } else {
    auto id = age::X25519Identity::generate();
    text = age::keygen_file(id);
    bool out_is_tty = fd < 0 ? ::isatty(1) : false;
    if (!out_is_tty) io.err << "Public key: " << id.recipient().to_string() << "\n";
  }
  int rc = kExitOk;
  if (fd >= 0) {
    crypto::FdSink sink(fd, output);
    if (auto s = sink.write(text); !s.ok()) rc = io.fail(s.error().message);
    if (::close(fd) != 0 && rc == kExitOk) rc = io.fail("failed to close \"" + output + "\"");
    closer.fd = -1;
  } else {
    io.out << text;
    io.out.flush();
  }
  crypto::cleanse(text);
  return rc;
}

int run_age(const Args& args, const Io& io) {
  // `age keygen` is dispatched here: the CLI frame runs the parent command when a command has
  // subcommands, so keygen is the first positional of `age` (docs/crypto.md).
  const auto& inputs = args.list("INPUT");
  if (!inputs.empty() && inputs[0] == "keygen") {
    return run_keygen(args, io, std::vector<std::string>(inputs.begin() + 1, inputs.end()));
  }
  if (args.flag("y")) return usage_error(io, "-y is an option of `opencenter age keygen`");
  if (inputs.size() > 1) {
    return usage_error(
        io, "too many INPUT arguments; only a single input file may be given, after all flags");
  }
  return run_age_crypt(args, io, inputs.empty() ? "" : inputs[0]);
}

}  // namespace

void register_age_commands(Registry& r) {
  Command c;
  c.path = {"age"};
  c.summary = "Encrypt and decrypt files with age; `age keygen` makes keys (age 1.x compatible)";
  c.description =
      "opencenter age [-e] -r RECIPIENT [-r …] [-R FILE] [-i IDENTITY] [-a] [-o OUT] [IN]\n"
      "opencenter age [-e] -p [-a] [-o OUT] [IN]\n"
      "opencenter age -d [-i IDENTITY …] [-o OUT] [IN]\n"
      "opencenter age keygen [-o FILE]        (like age-keygen; FILE created 0600, never "
      "overwritten)\n"
      "opencenter age keygen -y [-o OUT] [IN] (identity file to recipients)\n\n"
      "Passphrases are read from the terminal, as age does. For scripts, -j batchpass reads\n"
      "AGE_PASSPHRASE or AGE_PASSPHRASE_FD like age's batchpass plugin. Armored input is\n"
      "detected automatically. With -o, the output is written to a temporary file and renamed\n"
      "only when everything succeeded; decrypted files are created 0600.";
  c.flags = {
      {"-e,--encrypt", "Encrypt the input (the default)", Flag::Kind::kBool, "", {}},
      {"-d,--decrypt", "Decrypt the input", Flag::Kind::kBool, "", {}},
      {"-o,--output",
       "Write the result to FILE (default: standard output)",
       Flag::Kind::kString,
       "",
       {}},
      {"-a,--armor", "Encrypt to a PEM-encoded (ASCII armored) file", Flag::Kind::kBool, "", {}},
      {"-p,--passphrase", "Encrypt with a passphrase", Flag::Kind::kBool, "", {}},
      {"-r,--recipient", "Encrypt to RECIPIENT (age1…; repeatable)", Flag::Kind::kStrings, "", {}},
      {"-R,--recipients-file",
       "Encrypt to the recipients listed in PATH (repeatable)",
       Flag::Kind::kStrings,
       "",
       {}},
      {"-i,--identity", "Use the identity file at PATH (repeatable)", Flag::Kind::kStrings, "", {}},
      {"-j", "Data-less plugin; only \"batchpass\" (AGE_PASSPHRASE)", Flag::Kind::kStrings, "", {}},
      {"-y", "keygen: convert identities to recipients", Flag::Kind::kBool, "", {}},
  };
  c.args = {{"INPUT", "Input file (default: standard input), or `keygen`", false, true}};
  c.run = run_age;
  r.add(std::move(c));
}

}  // namespace oc::cli
