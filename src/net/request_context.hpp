// What a handler gets for one request: the request, its path parameters, its request id and the
// matched route pattern (the metrics label — never the raw path, which would be unbounded).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_message.hpp"

namespace brokle::net {

// Lets a handler that waits long on something else (a model provider) learn that its client hung
// up, so it can stop that work instead of finishing it for nobody.
class client_presence {
 public:
  virtual ~client_presence() = default;
  // `gone` runs once, on the request's thread, if the client closes its connection before the
  // response is complete. A later call replaces the callback.
  virtual void on_client_gone(std::function<void()> gone) = 0;
};

struct request_context {
  http_request& request;
  std::string request_id;
  std::string_view route_pattern;
  std::vector<std::pair<std::string_view, std::string>> params;
  std::chrono::steady_clock::time_point started;
  client_presence* presence = nullptr;  // null outside a live connection (tests, internal calls)

  void on_client_gone(std::function<void()> gone) {
    if (presence) presence->on_client_gone(std::move(gone));
  }

  std::string_view param(std::string_view name) const noexcept {
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return {};
  }
};

}  // namespace brokle::net
