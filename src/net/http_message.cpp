#include "net/http_message.hpp"

#include <algorithm>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse_query.hpp>

namespace brokle::net {

http_method parse_method(std::string_view s) {
  if (s == "GET") return http_method::get;
  if (s == "POST") return http_method::post;
  if (s == "PUT") return http_method::put;
  if (s == "DELETE") return http_method::del;
  if (s == "PATCH") return http_method::patch;
  if (s == "HEAD") return http_method::head;
  if (s == "OPTIONS") return http_method::options;
  return http_method::other;
}

std::string_view method_name(http_method m) {
  switch (m) {
    case http_method::get: return "GET";
    case http_method::head: return "HEAD";
    case http_method::post: return "POST";
    case http_method::put: return "PUT";
    case http_method::patch: return "PATCH";
    case http_method::del: return "DELETE";
    case http_method::options: return "OPTIONS";
    case http_method::other: return "OTHER";
  }
  return "OTHER";
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

std::string_view header_map::get(std::string_view name) const noexcept {
  for (const auto& e : entries_)
    if (iequals(e.name, name)) return e.value;
  return {};
}

bool header_map::has(std::string_view name) const noexcept {
  return std::any_of(entries_.begin(), entries_.end(), [&](const entry& e) { return iequals(e.name, name); });
}

void header_map::set(std::string name, std::string value) {
  for (auto& e : entries_) {
    if (iequals(e.name, name)) {
      e.value = std::move(value);
      return;
    }
  }
  add(std::move(name), std::move(value));
}

void header_map::add(std::string name, std::string value) {
  // Room for a typical message's headers at once, instead of growing through 1, 2, 4, 8.
  if (entries_.capacity() == 0) entries_.reserve(8);
  entries_.push_back({std::move(name), std::move(value)});
}

void header_map::erase(std::string_view name) {
  std::erase_if(entries_, [&](const entry& e) { return iequals(e.name, name); });
}

bool http_request::query_param(std::string_view name, std::string& out) const {
  auto params = boost::urls::parse_query(query);
  if (!params) return false;
  // Form encoding, as browsers, fetch's URLSearchParams and most HTTP libraries write queries:
  // percent escapes, and '+' for a space.
  const boost::urls::encoding_opts form(/*space_as_plus=*/true);
  for (auto p : *params) {
    if (p.key.decode(form) == name) {
      out = p.has_value ? p.value.decode(form) : std::string();
      return true;
    }
  }
  return false;
}

std::string_view error_type_for_status(unsigned status) {
  switch (status) {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 409: return "conflict_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 503: return "overloaded_error";
    default: break;
  }
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

http_response error_response(unsigned status, std::string_view type, std::string_view code,
                             std::string_view message) {
  boost::json::object err;
  err["message"] = message;
  err["type"] = type.empty() ? error_type_for_status(status) : type;
  err["code"] = code;
  boost::json::object root;
  root["error"] = std::move(err);
  return json_response(status, boost::json::serialize(root));
}

http_response json_response(unsigned status, std::string body) {
  http_response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

http_response text_response(unsigned status, std::string body, std::string content_type) {
  http_response r;
  r.status = status;
  r.headers.set("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

// An origin-form target with nothing to decode ("/v1/chat/completions", "/x?a=1&b=2": only
// RFC 3986 path and query characters, no percent escapes): split without a URL parser, which
// cost ~2k instructions per request. false sends the target to boost::urls.
bool split_plain_target(std::string_view target, std::string& path, std::string& query) {
  if (target.empty() || target[0] != '/') return false;
  size_t q = std::string_view::npos;
  for (size_t i = 0; i < target.size(); ++i) {
    char c = target[i];
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (plain) continue;
    switch (c) {
      case '-': case '.': case '_': case '~':                                        // unreserved
      case '!': case '$': case '&': case '\'': case '(': case ')': case '*': case '+':
      case ',': case ';': case '=':                                                  // sub-delims
      case ':': case '@': case '/':
        continue;
      case '?':
        if (q == std::string_view::npos) q = i;
        continue;
      default:
        return false;  // '%', '#', spaces, anything else: the full parser decides
    }
  }
  path.assign(target.substr(0, q));
  query.assign(q == std::string_view::npos ? std::string_view() : target.substr(q + 1));
  return true;
}

}  // namespace brokle::net
