#include "crypto/sops_keys.h"

#include <cstdlib>

#include "core/file.h"
#include "crypto/age.h"

namespace oc::crypto::sops {

namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string(v);
}

}  // namespace

KeyEnvironment KeyEnvironment::from_process() {
  KeyEnvironment e;
  e.sops_age_key = env("SOPS_AGE_KEY");
  e.sops_age_key_file = env("SOPS_AGE_KEY_FILE");
  // Go's os.UserConfigDir on Linux: $XDG_CONFIG_HOME, else $HOME/.config.
  if (auto x = env("XDG_CONFIG_HOME"); x && !x->empty()) {
    e.config_dir = *x;
  } else if (auto h = env("HOME"); h && !h->empty()) {
    e.config_dir = *h + "/.config";
  }
  return e;
}

std::string KeyEnvironment::default_key_file() const {
  return config_dir.empty() ? std::string() : config_dir + "/sops/age/keys.txt";
}

core::Result<age::Identities> parse_identity_text(std::string_view text, bool multiple_per_line,
                                                  const age::PassphraseFn& passphrase) {
  if (age::is_age_file(text.substr(0, 2048))) {
    // An age-encrypted identity file (sops age/encrypted_keys.go).
    if (!passphrase)
      return core::Error("the identity file is encrypted and no passphrase source is available");
    age::ScryptIdentity id(passphrase);
    std::string plain;
    age::AgeStatus st = age::decrypt_string(text, {&id}, plain);
    if (!st.ok()) return core::Error("decrypting the encrypted identity file: " + st.error.message);
    auto ids = parse_identity_text(plain, multiple_per_line, nullptr);
    cleanse(plain);
    return ids;
  }
  if (!multiple_per_line) return age::parse_identities(text);
  // Split every line into words (bufio.ScanWords) and parse them as one identity per line.
  std::string lines;
  size_t p = 0;
  while (p < text.size()) {
    size_t nl = text.find('\n', p);
    std::string_view line = text.substr(p, (nl == std::string_view::npos ? text.size() : nl) - p);
    p = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\v' ||
                                 line[i] == '\f' || line[i] == '\r'))
        ++i;
      size_t start = i;
      while (i < line.size() && !(line[i] == ' ' || line[i] == '\t' || line[i] == '\v' ||
                                  line[i] == '\f' || line[i] == '\r'))
        ++i;
      if (i > start) {
        lines.append(line.substr(start, i - start));
        lines += '\n';
      }
    }
  }
  auto ids = age::parse_identities(lines);
  cleanse(lines);
  return ids;
}

LoadedIdentities load_identities(const KeyEnvironment& e) {
  LoadedIdentities out;
  auto take = [&](const std::string& where, core::Result<age::Identities> r) {
    if (!r.ok()) {
      out.errors.push_back(where + ": " + r.error().message);
      return;
    }
    out.sources.push_back(where);
    for (auto& i : *r) out.identities.push_back(std::move(i));
  };
  if (e.sops_age_key) {
    take("SOPS_AGE_KEY", parse_identity_text(*e.sops_age_key, true, e.passphrase));
  } else {
    out.missing.push_back("SOPS_AGE_KEY");
  }
  if (e.sops_age_key_file) {
    auto text = core::read_file(*e.sops_age_key_file, size_t(16) << 20);
    if (!text.ok()) {
      out.errors.push_back("SOPS_AGE_KEY_FILE: " + text.error().to_string());
    } else {
      take("SOPS_AGE_KEY_FILE (" + *e.sops_age_key_file + ")",
           parse_identity_text(*text, false, e.passphrase));
      cleanse(*text);
    }
  } else {
    out.missing.push_back("SOPS_AGE_KEY_FILE");
  }
  std::string def = e.default_key_file();
  if (!def.empty()) {
    auto text = core::read_file(def, size_t(16) << 20);
    if (text.ok()) {
      take(def, parse_identity_text(*text, false, e.passphrase));
      cleanse(*text);
    } else if (text.error().message.find("No such file") == std::string::npos) {
      out.errors.push_back(text.error().to_string());
    } else {
      out.missing.push_back(def);
    }
  }
  return out;
}

core::Result<age::Identities> identities_from_secret(
    const std::map<std::string, std::string>& data) {
  age::Identities all;
  for (const auto& [key, value] : data) {
    if (key.size() < 7 || key.compare(key.size() - 7, 7, ".agekey") != 0) continue;
    auto ids = age::parse_identities(value);
    if (!ids.ok()) return core::Error("Secret data key \"" + key + "\": " + ids.error().message);
    for (auto& i : *ids) all.push_back(std::move(i));
  }
  return all;
}

}  // namespace oc::crypto::sops
