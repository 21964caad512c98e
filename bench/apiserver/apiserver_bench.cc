// Load benchmark for the embedded API server (issue 3): N clients create ConfigMaps over
// keep-alive HTTP connections (then update them) while M watchers follow; reports durable
// writes/s, latency percentiles, watch delivery lag and the server's RSS.
//
//   build/release/bench/apiserver/apiserver_bench [objects=100000] [clients=8] [watchers=4]
//
// The server is the real one (tests/apiserver's harness: the same Server `opencenter
// apiserver` runs), started as a separate process with fsync on (synchronous=FULL).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

// A keep-alive HTTP/1.1 connection to 127.0.0.1.
class Conn {
 public:
  explicit Conn(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      std::perror("connect");
      std::exit(1);
    }
  }
  ~Conn() { ::close(fd_); }

  int request(const std::string& method, const std::string& path, const std::string& body,
              const std::string& ct) {
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench/1\r\n"
                      "Content-Type: " + ct + "\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\n\r\n" + body;
    send_all(req);
    // Read headers, then Content-Length bytes.
    std::string head;
    for (;;) {
      size_t e = buf_.find("\r\n\r\n");
      if (e != std::string::npos) {
        head = buf_.substr(0, e);
        buf_.erase(0, e + 4);
        break;
      }
      if (!fill()) return 0;
    }
    int status = std::atoi(head.c_str() + 9);
    size_t cl = 0;
    const char* p = strcasestr(head.c_str(), "content-length:");
    if (p) cl = std::strtoul(p + 15, nullptr, 10);
    while (buf_.size() < cl) {
      if (!fill()) return 0;
    }
    buf_.erase(0, cl);
    return status;
  }

  // Starts a watch and calls `on_line` for each event line until `stop`.
  void watch(const std::string& path, const std::atomic<bool>& stop,
             const std::function<void(const std::string&)>& on_line) {
    send_all("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench/1\r\n\r\n");
    std::string body;
    bool in_body = false;
    while (!stop) {
      if (!fill()) return;
      if (!in_body) {
        size_t e = buf_.find("\r\n\r\n");
        if (e == std::string::npos) continue;
        buf_.erase(0, e + 4);
        in_body = true;
      }
      // De-chunk what we have.
      for (;;) {
        size_t eol = buf_.find("\r\n");
        if (eol == std::string::npos) break;
        size_t len = std::strtoul(buf_.substr(0, eol).c_str(), nullptr, 16);
        if (buf_.size() < eol + 2 + len + 2) break;
        body.append(buf_, eol + 2, len);
        buf_.erase(0, eol + 2 + len + 2);
      }
      size_t nl;
      while ((nl = body.find('\n')) != std::string::npos) {
        on_line(body.substr(0, nl));
        body.erase(0, nl + 1);
      }
    }
  }

 private:
  void send_all(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) std::exit(1);
      off += size_t(n);
    }
  }
  bool fill() {
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, size_t(n));
    return true;
  }
  int fd_;
  std::string buf_;
};

double pct(std::vector<int64_t>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, size_t(p * double(v.size())));
  return double(v[i]) / 1000.0;
}

long rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int objects = argc > 1 ? std::atoi(argv[1]) : 100000;
  int clients = argc > 2 ? std::atoi(argv[2]) : 8;
  int watchers = argc > 3 ? std::atoi(argv[3]) : 4;
  std::string harness = OC_HARNESS;
  std::string dir = (std::filesystem::temp_directory_path() / ("oc-bench-" + std::to_string(::getpid()))).string();
  std::filesystem::create_directories(dir);

  int fds[2];
  if (::pipe(fds) != 0) return 1;
  pid_t server = ::fork();
  if (server == 0) {
    ::dup2(fds[1], 1);
    ::execl(harness.c_str(), harness.c_str(), (dir + "/data").c_str(), "127.0.0.1:0", "--no-simulate", nullptr);
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string line;
  char c;
  while (::read(fds[0], &c, 1) == 1 && c != '\n') line.push_back(c);
  int port = std::atoi(line.c_str() + line.rfind(':') + 1);
  std::printf("server pid %d on port %d; %d objects, %d clients, %d watchers\n", server, port,
              objects, clients, watchers);

  // Watchers follow every ConfigMap event and measure delivery lag against the write ack time.
  std::mutex ack_mu;
  std::unordered_map<std::string, int64_t> acked;
  acked.reserve(size_t(objects) * 2);
  std::atomic<bool> stop{false};
  std::mutex lag_mu;
  std::vector<int64_t> lags;
  std::atomic<long> events_seen{0};
  std::vector<std::thread> watch_threads;
  for (int w = 0; w < watchers; ++w) {
    watch_threads.emplace_back([&] {
      Conn conn(port);
      std::vector<int64_t> mine;
      conn.watch("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1", stop,
                 [&](const std::string& ev) {
                   int64_t t = now_us();
                   ++events_seen;
                   size_t p = ev.find("\"name\":\"");
                   if (p == std::string::npos) return;
                   std::string name = ev.substr(p + 8, ev.find('"', p + 8) - p - 8);
                   if (ev.find("\"MODIFIED\"") != std::string::npos) name += "#u";
                   std::lock_guard<std::mutex> g(ack_mu);
                   auto it = acked.find(name);
                   if (it != acked.end()) mine.push_back(std::max<int64_t>(0, t - it->second));
                 });
      std::lock_guard<std::mutex> g(lag_mu);
      lags.insert(lags.end(), mine.begin(), mine.end());
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  auto phase = [&](const char* label, bool update) {
    std::vector<std::vector<int64_t>> lat(static_cast<size_t>(clients));
    std::atomic<int> failures{0};
    auto t0 = Clock::now();
    std::vector<std::thread> ts;
    for (int t = 0; t < clients; ++t) {
      ts.emplace_back([&, t] {
        Conn conn(port);
        std::string pad(200, 'x');
        for (int i = t; i < objects; i += clients) {
          std::string name = "cm-" + std::to_string(i);
          int64_t s = now_us();
          int status;
          if (!update) {
            status = conn.request("POST", "/api/v1/namespaces/default/configmaps",
                                  R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + name +
                                      R"(","labels":{"bench":"yes"}},"data":{"payload":")" + pad + "\"}}",
                                  "application/json");
          } else {
            status = conn.request("PATCH", "/api/v1/namespaces/default/configmaps/" + name,
                                  R"({"data":{"updated":"yes"}})", "application/merge-patch+json");
          }
          int64_t e = now_us();
          if (status != (update ? 200 : 201)) {
            ++failures;
            continue;
          }
          lat[size_t(t)].push_back(e - s);
          std::lock_guard<std::mutex> g(ack_mu);
          acked[update ? name + "#u" : name] = e;
        }
      });
    }
    for (auto& th : ts) th.join();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<int64_t> all;
    for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
    std::printf("%-8s %7zu writes in %6.2fs = %8.0f durable writes/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; failures %d\n",
                label, all.size(), secs, double(all.size()) / secs, pct(all, 0.50), pct(all, 0.99),
                pct(all, 0.99999), failures.load());
  };
  phase("create", false);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  long rss_after_create = rss_kib(server);
  phase("update", true);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  long rss = rss_kib(server);
  stop = true;
  ::kill(server, SIGTERM);
  ::waitpid(server, nullptr, 0);
  for (auto& w : watch_threads) w.join();
  std::printf("watch    %ld events delivered to %d watchers; lag after ack p50 %.2f ms, p99 %.2f ms\n",
              events_seen.load(), watchers, pct(lags, 0.50), pct(lags, 0.99));
  std::printf("server   RSS %.1f MiB with %d ConfigMaps stored (%.1f MiB after the create phase)\n",
              double(rss) / 1024.0, objects, double(rss_after_create) / 1024.0);
  std::filesystem::remove_all(dir);
  return 0;
}
