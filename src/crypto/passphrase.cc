#include "crypto/passphrase.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "crypto/byte_io.h"

namespace oc::crypto {

core::Result<SecretBytes> read_terminal_passphrase(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return core::Error(
        "no terminal to read a passphrase from (/dev/tty: " + std::string(std::strerror(errno)) +
        "); for scripts use -j batchpass with AGE_PASSPHRASE or AGE_PASSPHRASE_FD");
  }
  struct termios old {};
  bool restore = ::tcgetattr(fd, &old) == 0;
  if (restore) {
    struct termios quiet = old;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string p = prompt + " ";
  (void)!::write(fd, p.data(), p.size());
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') {
    if (c != '\r') line.push_back(c);
  }
  if (restore) ::tcsetattr(fd, TCSAFLUSH, &old);
  ::close(fd);
  SecretBytes s(line);
  cleanse(line);
  return s;
}

core::Result<SecretBytes> batchpass_passphrase() {
  const char* env = std::getenv("AGE_PASSPHRASE");
  const char* fd = std::getenv("AGE_PASSPHRASE_FD");
  if (env && fd) return core::Error("AGE_PASSPHRASE and AGE_PASSPHRASE_FD are mutually exclusive");
  if (!env && !fd) return core::Error("either AGE_PASSPHRASE or AGE_PASSPHRASE_FD must be set");
  std::string p;
  if (env) {
    p = env;
  } else {
    char* end = nullptr;
    long n = std::strtol(fd, &end, 10);
    if (!*fd || *end || n < 0) return core::Error("invalid AGE_PASSPHRASE_FD: " + std::string(fd));
    auto r = read_fd(int(n), "AGE_PASSPHRASE_FD", size_t(1) << 20);
    if (!r.ok()) return r.error();
    p = std::move(*r);
    while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
  }
  if (p.empty()) return core::Error("passphrase can't be empty");
  SecretBytes s(p);
  cleanse(p);
  return s;
}

core::Result<int> work_factor_from_env(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  long n = std::strtol(v, &end, 10);
  if (*end) return core::Error(std::string("invalid ") + name + ": " + v);
  if (n < 1 || n > 30) return core::Error(std::string(name) + " must be between 1 and 30");
  return int(n);
}

}  // namespace oc::crypto
