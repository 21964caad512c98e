// Helpers for tests that run real programs (our binary, the Go oracles, kubectl, age).
#pragma once

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace oc::test {

// Call in a forked child before exec: the child is killed when the test process ends, so a test
// that crashes or is killed never leaves a server behind.
inline void die_with_parent() {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A directory under $TMPDIR removed when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "oc-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::string write(const std::string& name, const std::string& content) const {
    std::string p = file(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

 private:
  std::string path_;
};

inline std::string read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Runs `cmd` through /bin/sh with `input` on stdin; captures stdout and stderr.
inline RunResult run(const std::string& cmd, const std::string& input = "") {
  TempDir dir;
  std::string in = dir.write("stdin", input);
  std::string out = dir.file("stdout"), err = dir.file("stderr");
  std::string full = "(" + cmd + ") <'" + in + "' >'" + out + "' 2>'" + err + "'";
  int st = std::system(full.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.out = read_all(out);
  r.err = read_all(err);
  return r;
}

inline bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

inline bool on_path(const std::string& prog) {
  return std::system(("command -v " + prog + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace oc::test
