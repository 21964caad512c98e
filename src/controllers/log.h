// Structured JSON logs, one object per line, shaped like Flux's controller logs:
//   {"level":"info","ts":"2026-11-26T10:00:00.123Z","msg":"...","controller":"kustomization",
//    "controllerGroup":"kustomize.toolkit.fluxcd.io","controllerKind":"Kustomization",
//    "name":"app","namespace":"flux-system","reconcileID":"…", …}
// `opencenter logs` reads these lines back.
//
// Thread safety: log() may be called from any thread; lines are never interleaved.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace oc::controllers {

enum class LogLevel { kDebug, kInfo, kError };

using LogFields = std::vector<std::pair<std::string, std::string>>;

class Logger {
 public:
  // Writes to stderr until set_file() is called.
  Logger() = default;
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // Appends to `path` (created 0600). Returns false when it cannot be opened.
  bool set_file(const std::string& path);
  void set_level(LogLevel level) { level_ = level; }
  // Keeps lines in memory instead (tests).
  void capture(bool on);
  std::vector<std::string> captured() const;

  void log(LogLevel level, const std::string& msg, const LogFields& fields = {});
  void info(const std::string& msg, const LogFields& fields = {}) { log(LogLevel::kInfo, msg, fields); }
  void error(const std::string& msg, const LogFields& fields = {}) { log(LogLevel::kError, msg, fields); }

 private:
  mutable std::mutex mu_;
  FILE* file_ = nullptr;
  LogLevel level_ = LogLevel::kInfo;
  bool capture_ = false;
  std::vector<std::string> lines_;
};

}  // namespace oc::controllers
