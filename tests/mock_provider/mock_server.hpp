// The mock provider's server: binds the listening sockets, runs one event_worker per thread, and
// stops them all on request. Owns nothing provider-specific.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "event_worker.hpp"
#include "mock_router.hpp"
#include "mock_stats.hpp"

namespace brokle::mock {

struct server_options {
  std::string host = "127.0.0.1";  // IPv4 literal
  std::uint16_t port = 0;          // 0 = let the kernel pick
  int threads = 1;
  static constexpr int max_threads = 64;
};

class mock_server {
 public:
  explicit mock_server(server_options options);
  ~mock_server();
  mock_server(const mock_server&) = delete;
  mock_server& operator=(const mock_server&) = delete;

  // Binds one SO_REUSEPORT socket per worker (all on the same port) and prepares the workers.
  bool open(std::string& error);
  std::uint16_t port() const { return port_; }
  int max_connections() const { return max_connections_; }
  void start();
  // Wakes every worker, waits for them to close their connections, and returns.
  void stop();

 private:
  server_options options_;
  std::uint16_t port_ = 0;
  int wake_fd_ = -1;
  std::vector<int> listen_fds_;
  mock_stats stats_;
  mock_router router_{stats_};
  std::atomic<int> connection_count_{0};
  int max_connections_ = worker_limits::max_connections;  // lowered when descriptors are scarcer
  std::vector<std::unique_ptr<event_worker>> workers_;
  std::vector<std::thread> threads_;
};

}  // namespace brokle::mock
