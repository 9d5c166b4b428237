#include "support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace brokle::testing {

namespace {
bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}
}  // namespace

std::string http_reply::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return v;
  return {};
}

http_connection::http_connection(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

http_connection::~http_connection() {
  if (fd_ >= 0) ::close(fd_);
}

bool http_connection::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool http_connection::fill(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char tmp[16384];
  ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
  if (n <= 0) return false;
  buf_.append(tmp, static_cast<size_t>(n));
  return true;
}

std::optional<http_reply> http_connection::read_reply(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t end;
  for (;;) {
    end = buf_.find("\r\n\r\n");
    if (end != std::string::npos) break;
    if (!fill(deadline)) return std::nullopt;
  }
  http_reply r;
  std::string head = buf_.substr(0, end);
  buf_.erase(0, end + 4);
  size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return std::nullopt;
  r.status = std::stoi(status_line.substr(9, 3));
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string::npos) e = head.size();
    std::string line = head.substr(pos, e - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      r.headers.emplace_back(line.substr(0, colon), v);
    }
    pos = e + 2;
  }
  if (r.status == 100) return read_reply(timeout);
  auto cl = r.header("Content-Length");
  if (!cl.empty()) {
    size_t n = std::stoul(cl);
    while (buf_.size() < n)
      if (!fill(deadline)) return std::nullopt;
    r.body = buf_.substr(0, n);
    buf_.erase(0, n);
  } else if (iequal(r.header("Transfer-Encoding"), "chunked")) {
    for (;;) {
      size_t le;
      while ((le = buf_.find("\r\n")) == std::string::npos)
        if (!fill(deadline)) return std::nullopt;
      size_t n = std::stoul(buf_.substr(0, le), nullptr, 16);
      while (buf_.size() < le + 2 + n + 2)
        if (!fill(deadline)) return std::nullopt;
      r.body += buf_.substr(le + 2, n);
      buf_.erase(0, le + 2 + n + 2);
      if (n == 0) break;
    }
  }
  return r;
}

std::string http_connection::read_until(std::string_view needle, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (buf_.find(needle) == std::string::npos)
    if (!fill(deadline)) break;
  return buf_;
}

bool http_connection::closed_by_peer(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char tmp[4096];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return true;
    buf_.append(tmp, static_cast<size_t>(n));
  }
}

http_reply request(uint16_t port, std::string_view method, std::string_view target, std::string_view body,
                   const std::vector<std::pair<std::string, std::string>>& headers) {
  http_connection c(port);
  std::string req = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "Connection: close\r\n\r\n";
  req += body;
  c.send_raw(req);
  auto r = c.read_reply(std::chrono::seconds(15));
  if (!r) throw std::runtime_error("no response to " + std::string(method) + " " + std::string(target));
  return *r;
}

}  // namespace brokle::testing
