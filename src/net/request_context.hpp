// What a handler gets for one request: the request, its path parameters, its request id and the
// matched route pattern (the metrics label — never the raw path, which would be unbounded).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/http_message.hpp"

namespace brokle::net {

struct request_context {
  http_request& request;
  std::string request_id;
  std::string_view route_pattern;
  std::vector<std::pair<std::string_view, std::string>> params;
  std::chrono::steady_clock::time_point started;

  std::string_view param(std::string_view name) const noexcept {
    for (const auto& [k, v] : params)
      if (k == name) return v;
    return {};
  }
};

}  // namespace brokle::net
