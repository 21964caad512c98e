// ArtifactServer: the storage root over HTTP, as source-controller's file server makes
// status.artifact.url reachable (cpp-httplib, in this file only).
#include <fcntl.h>
#include <httplib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <thread>

#include "source/artifact.h"

namespace oc::source {

namespace {

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// The decoded request path as storage-relative components, or false when it is not a plain
// file path: every segment must be non-empty and must not start with '.' (which also refuses
// "." and "..", whether sent literally or as %2e%2e, and our temporary files), nor hold a
// backslash or NUL.
bool split_request_path(const std::string& path, std::vector<std::string>* parts) {
  if (path.empty() || path[0] != '/') return false;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    size_t end = slash == std::string::npos ? path.size() : slash;
    std::string seg = path.substr(start, end - start);
    if (seg.empty() || seg[0] == '.' || seg.find('\\') != std::string::npos ||
        seg.find('\0') != std::string::npos) {
      return false;
    }
    parts->push_back(std::move(seg));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return !parts->empty();
}

// Opens root/parts… one directory at a time without following any symlink, so nothing outside
// the root can be reached; -1 unless the target is a regular file.
int open_beneath(const std::string& root, const std::vector<std::string>& parts, struct stat* st) {
  int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return -1;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    int next = ::openat(dir, parts[i].c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ::close(dir);
    if (next < 0) return -1;
    dir = next;
  }
  int fd = ::openat(dir, parts.back().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  ::close(dir);
  if (fd < 0) return -1;
  if (::fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string http_date(time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// What Go's http.FileServer ends up sending for artifacts: content sniffing finds gzip.
const char* content_type(const std::string& name) {
  if (ends_with(name, ".gz") || ends_with(name, ".tgz")) return "application/x-gzip";
  return "application/octet-stream";
}

}  // namespace

struct ArtifactServer::Impl {
  httplib::Server server;
  std::thread thread;
  std::string root;
};

ArtifactServer::ArtifactServer() = default;

ArtifactServer::~ArtifactServer() {
  stop();
}

core::Result<std::string> ArtifactServer::start(const std::string& root_dir,
                                                const std::string& listen) {
  if (impl_) return core::Error("artifact server already started");
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return core::Error("listen address must be HOST:PORT: " + listen);
  std::string host = listen.substr(0, colon);
  int port = 0;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
    return core::Error("listen address must be HOST:PORT: " + listen);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  struct stat st;
  if (::stat(root_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return core::Error("artifact storage is not a directory", root_dir);
  }

  auto impl = std::make_unique<Impl>();
  impl->root = root_dir;
  const std::string* root = &impl->root;
  impl->server.Get(R"(/.*)", [root](const httplib::Request& req, httplib::Response& res) {
    std::vector<std::string> parts;
    struct stat fst;
    int fd = split_request_path(req.path, &parts) ? open_beneath(*root, parts, &fst) : -1;
    if (fd < 0) {
      res.status = 404;
      res.set_content("404 page not found\n", "text/plain; charset=utf-8");
      return;
    }
    auto file = std::make_shared<Fd>(fd);
    res.set_header("Last-Modified", http_date(fst.st_mtime));
    res.set_content_provider(size_t(fst.st_size), content_type(parts.back()),
                             [file](size_t offset, size_t length, httplib::DataSink& sink) {
                               char buf[64 * 1024];
                               while (length > 0) {
                                 ssize_t n = ::pread(file->fd, buf, std::min(length, sizeof buf),
                                                     off_t(offset));
                                 if (n < 0 && errno == EINTR) continue;
                                 if (n <= 0) return false;
                                 if (!sink.write(buf, size_t(n))) return false;
                                 offset += size_t(n);
                                 length -= size_t(n);
                               }
                               return true;
                             });
  });

  int bound = port == 0 ? impl->server.bind_to_any_port(host)
                        : (impl->server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) return core::Error("cannot listen on " + listen);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->server.listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so do not return before it does.
  for (int i = 0; i < 5000 && !raw->server.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  impl_ = std::move(impl);
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "http://" + shown + ":" + std::to_string(bound);
}

void ArtifactServer::stop() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_.reset();
}

}  // namespace oc::source
