#include "api/json_body.hpp"

#include <boost/json/parse.hpp>

namespace brokle::api {

void fail(unsigned status, std::string code, std::string message) {
  throw net::request_error{status, std::move(code), std::move(message), ""};
}

boost::json::object parse_json_object(const net::http_request& req, boost::json::storage_ptr sp) {
  auto ct = req.header("Content-Type");
  if (!ct.empty() && ct.find("json") == std::string_view::npos)
    fail(415, "unsupported_media_type", "expected Content-Type: application/json");
  if (req.body.empty()) fail(400, "invalid_json", "request body is empty; expected a JSON object");
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 32;
  auto v = boost::json::parse(req.body, ec, std::move(sp), opts);
  if (ec) fail(400, "invalid_json", "request body is not valid JSON: " + ec.message());
  if (!v.is_object()) fail(400, "invalid_json", "request body must be a JSON object");
  return std::move(v.as_object());
}

namespace {
const boost::json::value* find(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}
bool valid_utf8_and_no_controls(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 && c != '\t') return false;
  return true;
}
}  // namespace

std::optional<std::string> optional_string(const boost::json::object& o, std::string_view key, size_t max_len) {
  const auto* v = find(o, key);
  if (!v) return std::nullopt;
  if (!v->is_string()) fail(400, "invalid_field", "field '" + std::string(key) + "' must be a string");
  std::string s(v->as_string());
  if (s.size() > max_len)
    fail(400, "invalid_field", "field '" + std::string(key) + "' is longer than " + std::to_string(max_len) + " bytes");
  if (!valid_utf8_and_no_controls(s))
    fail(400, "invalid_field", "field '" + std::string(key) + "' contains control characters");
  return s;
}

std::string required_string(const boost::json::object& o, std::string_view key, size_t max_len) {
  auto s = optional_string(o, key, max_len);
  if (!s) fail(400, "missing_field", "field '" + std::string(key) + "' is required");
  size_t b = s->find_first_not_of(" \t");
  if (b == std::string::npos) fail(400, "invalid_field", "field '" + std::string(key) + "' must not be empty");
  return *s;
}

std::optional<int64_t> optional_int(const boost::json::object& o, std::string_view key, int64_t min, int64_t max) {
  const auto* v = find(o, key);
  if (!v) return std::nullopt;
  int64_t n = 0;
  if (v->is_int64()) n = v->as_int64();
  else if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) n = static_cast<int64_t>(v->as_uint64());
  else fail(400, "invalid_field", "field '" + std::string(key) + "' must be an integer");
  if (n < min || n > max)
    fail(400, "invalid_field", "field '" + std::string(key) + "' must be between " + std::to_string(min) + " and " +
                                   std::to_string(max));
  return n;
}

std::optional<bool> optional_bool(const boost::json::object& o, std::string_view key) {
  const auto* v = find(o, key);
  if (!v) return std::nullopt;
  if (!v->is_bool()) fail(400, "invalid_field", "field '" + std::string(key) + "' must be true or false");
  return v->as_bool();
}

bool looks_like_email(std::string_view s) {
  if (s.size() < 3 || s.size() > 254) return false;
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
  auto domain = s.substr(at + 1);
  auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '>' || c == '"' || c == ',' || c == ';') return false;
  return true;
}

std::string required_email(const boost::json::object& o, std::string_view key) {
  std::string e = required_string(o, key, 254);
  while (!e.empty() && e.back() == ' ') e.pop_back();
  while (!e.empty() && e.front() == ' ') e.erase(0, 1);
  for (auto& c : e)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  if (!looks_like_email(e)) fail(400, "invalid_email", "field '" + std::string(key) + "' is not a valid email address");
  return e;
}

}  // namespace brokle::api
