// Knobs of one HTTP listener. Every limit here is a bound with a stated overflow behaviour.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace brokle::net {

struct server_options {
  std::string bind_address = "0.0.0.0";
  uint16_t port = 8080;                        // 0 = any free port (tests)
  size_t body_limit = 10 * 1024 * 1024;        // over it: 413, connection closed
  size_t header_limit = 16 * 1024;             // over it: 431, connection closed
  size_t websocket_message_limit = 1 << 20;    // over it: WebSocket closed with 1009
  size_t max_connections = 10000;              // over it: new connections closed at accept
  std::chrono::milliseconds header_timeout{10000};  // first byte to end of headers (slow-loris): 408
  std::chrono::milliseconds idle_timeout{75000};    // keep-alive wait between requests: closed
  std::chrono::milliseconds body_timeout{60000};    // whole body: 408
  std::chrono::milliseconds write_timeout{60000};   // each response write: closed
  std::chrono::milliseconds stream_heartbeat{15000};  // SSE comment / WebSocket ping cadence
  std::vector<std::string> cors_origins;       // exact origins, or "*"; empty = no CORS headers
  bool access_log = true;
};

}  // namespace brokle::net
