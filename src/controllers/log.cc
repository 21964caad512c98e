#include "controllers/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <ctime>

#include "core/json.h"

namespace oc::controllers {

namespace {

std::string timestamp_millis() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  std::tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03ldZ", ts.tv_nsec / 1000000);
  return buf;
}

}  // namespace

Logger::~Logger() {
  if (file_) std::fclose(file_);
}

bool Logger::set_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  FILE* f = ::fdopen(fd, "a");
  if (!f) {
    ::close(fd);
    return false;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (file_) std::fclose(file_);
  file_ = f;
  return true;
}

void Logger::capture(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  capture_ = on;
}

std::vector<std::string> Logger::captured() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

void Logger::log(LogLevel level, const std::string& msg, const LogFields& fields) {
  if (level < level_) return;
  std::string line = "{\"level\":\"";
  line += level == LogLevel::kError ? "error" : level == LogLevel::kDebug ? "debug" : "info";
  line += "\",\"ts\":\"" + timestamp_millis() + "\",\"msg\":";
  core::append_json_string(line, msg, false);
  for (const auto& [k, v] : fields) {
    line.push_back(',');
    core::append_json_string(line, k, false);
    line.push_back(':');
    core::append_json_string(line, v, false);
  }
  line += "}\n";
  std::lock_guard<std::mutex> lock(mu_);
  if (capture_) {
    line.pop_back();
    lines_.push_back(std::move(line));
    return;
  }
  FILE* out = file_ ? file_ : stderr;
  std::fwrite(line.data(), 1, line.size(), out);
  std::fflush(out);
}

}  // namespace oc::controllers
