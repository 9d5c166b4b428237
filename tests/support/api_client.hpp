// JSON calls against a running brokle for integration tests: method, path, optional JSON body and
// bearer token / API key, answering the status, headers and parsed body.
#pragma once

#include <string>

#include <boost/json.hpp>

#include "support/http_client.hpp"

namespace brokle::testing {

struct api_reply {
  http_reply raw;
  boost::json::value json;
  int status() const { return raw.status; }
  std::string str(std::string_view key) const;  // top-level string field or ""
  std::string error_code() const;               // error.code or ""
};

api_reply call(uint16_t port, std::string_view method, std::string_view path, const boost::json::value& body = nullptr,
               std::string_view bearer = {}, std::vector<std::pair<std::string, std::string>> headers = {});
api_reply call_raw(uint16_t port, std::string_view method, std::string_view path, std::string_view body,
                   std::string_view bearer = {}, std::vector<std::pair<std::string, std::string>> headers = {});

}  // namespace brokle::testing
