#include "support/api_client.hpp"

namespace brokle::testing {

std::string api_reply::str(std::string_view key) const {
  if (!json.is_object()) return {};
  auto it = json.as_object().find(key);
  if (it == json.as_object().end() || !it->value().is_string()) return {};
  return std::string(it->value().as_string());
}

std::string api_reply::error_code() const {
  if (!json.is_object() || !json.as_object().contains("error")) return {};
  const auto& e = json.at("error");
  if (!e.is_object() || !e.as_object().contains("code")) return {};
  return std::string(e.at("code").as_string());
}

api_reply call_raw(uint16_t port, std::string_view method, std::string_view path, std::string_view body,
                   std::string_view bearer, std::vector<std::pair<std::string, std::string>> headers) {
  if (!bearer.empty()) headers.emplace_back("Authorization", "Bearer " + std::string(bearer));
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  api_reply r;
  r.raw = request(port, method, path, body, headers);
  boost::system::error_code ec;
  r.json = boost::json::parse(r.raw.body, ec);
  if (ec) r.json = nullptr;
  return r;
}

api_reply call(uint16_t port, std::string_view method, std::string_view path, const boost::json::value& body,
               std::string_view bearer, std::vector<std::pair<std::string, std::string>> headers) {
  std::string text = body.is_null() ? std::string() : boost::json::serialize(body);
  return call_raw(port, method, path, text, bearer, std::move(headers));
}

}  // namespace brokle::testing
