// A deliberately small HTTP/1.1 client on raw sockets, so tests can send exactly the bytes they
// mean (malformed lines, slow headers, oversized bodies) and read exactly what comes back.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace brokle::testing {

struct http_reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(std::string_view name) const;  // "" when absent
};

class http_connection {
 public:
  explicit http_connection(uint16_t port);
  ~http_connection();
  http_connection(const http_connection&) = delete;

  bool send_raw(std::string_view bytes);
  // Reads one response; nullopt on timeout or when the peer closed before a full response.
  std::optional<http_reply> read_reply(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads whatever arrives until `needle` is seen or timeout; returns all text read.
  std::string read_until(std::string_view needle, std::chrono::milliseconds timeout);
  // True when the server closes the connection within the timeout.
  bool closed_by_peer(std::chrono::milliseconds timeout);
  int fd() const { return fd_; }

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buf_;
};

http_reply request(uint16_t port, std::string_view method, std::string_view target, std::string_view body = {},
                   const std::vector<std::pair<std::string, std::string>>& headers = {});

}  // namespace brokle::testing
