// One HTTP/1.1 listener (Beast, C++20 coroutines) on an io_runtime: keep-alive, per-request
// parsers with header/body limits, timeouts against idle and slow clients, routing, the fixed
// middleware chain (request id -> CORS -> handler with a top-level catch -> metrics -> access log),
// SSE and WebSocket streams, and graceful draining.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "core/metrics.hpp"
#include "core/result.hpp"
#include "net/io_runtime.hpp"
#include "net/router.hpp"
#include "net/server_options.hpp"

namespace brokle::net {

class http_server {
 public:
  http_server(std::string name, server_options opts, const router& routes, io_runtime& runtime,
              metrics::registry& metrics);
  ~http_server();
  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  // Binds and starts accepting (the runtime may already be running). Returns the bound port.
  result<uint16_t> listen();
  // Stops accepting; idle keep-alive connections close now, busy ones after their response,
  // live streams are closed. Thread-safe.
  void begin_shutdown();
  // Waits until no connection is left or the deadline passes; true when fully drained.
  bool wait_drained(std::chrono::steady_clock::time_point deadline);

  size_t active_connections() const noexcept;
  size_t in_flight() const noexcept;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace brokle::net
