// CORS for the dashboard API and the gateway when called from browsers: exact allowed origins
// (or "*"), preflight answers, and the headers added to actual responses.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/http_message.hpp"

namespace brokle::net {

class cors_policy {
 public:
  explicit cors_policy(std::vector<std::string> origins) : origins_(std::move(origins)) {}
  bool enabled() const noexcept { return !origins_.empty(); }
  bool allows(std::string_view origin) const noexcept;
  bool is_preflight(const http_request& req) const noexcept;
  http_response preflight(const http_request& req, const std::vector<http_method>& allow) const;
  void decorate(const http_request& req, http_response& res) const;

 private:
  std::vector<std::string> origins_;
};

// Validates a caller's X-Request-Id (1..128 of [A-Za-z0-9._:-]) or makes a new one (a ULID).
std::string accept_or_make_request_id(std::string_view incoming);

}  // namespace brokle::net
