// Routes one framed HTTP request to the mock's answer: control endpoints (/mock/*), then for
// provider endpoints the common gauntlet every real provider runs first (route, API key, injected
// status, JSON body), then the provider's own route. Stateless apart from the shared stats.
#pragma once

#include <string_view>

#include "http_request_parser.hpp"
#include "http_response.hpp"
#include "json_text.hpp"
#include "mock_stats.hpp"

namespace brokle::mock {

class mock_router {
 public:
  explicit mock_router(mock_stats& stats) : stats_(stats) {}

  // Fills `response` (which it resets first). `arena` backs the request's JSON work.
  void handle(const http_request& request, json_arena& arena, mock_response& response);

  // For requests the HTTP layer refused before routing (400, 413, 431, 501, 505); `path` may be
  // empty when the request line was unreadable. The error is shaped for the path's provider.
  void reject(int status, std::string_view path, mock_response& response);

 private:
  mock_stats& stats_;
};

}  // namespace brokle::mock
