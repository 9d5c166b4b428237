#pragma once

#include <chrono>
#include <cstddef>

namespace brokle::net {

// Bounds of the gateway's provider connections (the timeouts are configurable: gateway.upstream_*).
struct upstream_limits {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds first_byte_timeout{120000};  // model latency lives here
  std::chrono::milliseconds idle_timeout{60000};         // between stream chunks
  std::chrono::milliseconds pool_idle{30000};            // pooled connections older than this are dropped
  size_t max_idle_per_host = 256;
  size_t max_body = 64 * 1024 * 1024;
};

}  // namespace brokle::net
