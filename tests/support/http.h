// A minimal blocking HTTP/1.1 client for tests against servers on 127.0.0.1 (one request per
// connection, Content-Length or chunked responses).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace oc::test {

struct HttpResponse {
  int status = 0;  // 0: connection failed
  std::string headers;
  std::string body;
};

// `url` is "http://127.0.0.1:PORT"; `path` includes the query.
inline HttpResponse http(const std::string& url, const std::string& method, const std::string& path,
                         const std::string& body = "",
                         const std::string& content_type = "application/json") {
  HttpResponse r;
  std::string hostport = url.substr(url.find("//") + 2);
  std::string host = hostport.substr(0, hostport.rfind(':'));
  int port = std::atoi(hostport.c_str() + hostport.rfind(':') + 1);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return r;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(uint16_t(port));
  ::inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return r;
  }
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: " + hostport +
                    "\r\nConnection: close\r\nUser-Agent: oc-test/1\r\nAccept: application/json\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n";
  }
  req += "\r\n" + body;
  size_t off = 0;
  while (off < req.size()) {
    ssize_t n = ::send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      ::close(fd);
      return r;
    }
    off += size_t(n);
  }
  std::string raw;
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    raw.append(buf, size_t(n));
  }
  ::close(fd);
  size_t he = raw.find("\r\n\r\n");
  if (he == std::string::npos || raw.size() < 12) return r;
  r.status = std::atoi(raw.c_str() + 9);
  r.headers = raw.substr(0, he);
  std::string rest = raw.substr(he + 4);
  if (r.headers.find("chunked") != std::string::npos) {
    size_t p = 0;
    while (p < rest.size()) {
      size_t eol = rest.find("\r\n", p);
      if (eol == std::string::npos) break;
      size_t len = std::strtoul(rest.substr(p, eol - p).c_str(), nullptr, 16);
      if (len == 0) break;
      r.body += rest.substr(eol + 2, len);
      p = eol + 2 + len + 2;
    }
  } else {
    r.body = rest;
  }
  return r;
}

}  // namespace oc::test
