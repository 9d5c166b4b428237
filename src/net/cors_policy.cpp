#include "net/cors_policy.hpp"

#include "core/ulid.hpp"

namespace brokle::net {

bool cors_policy::allows(std::string_view origin) const noexcept {
  if (origin.empty()) return false;
  for (const auto& o : origins_)
    if (o == "*" || o == origin) return true;
  return false;
}

bool cors_policy::is_preflight(const http_request& req) const noexcept {
  return req.method == http_method::options && req.headers.has("Origin") &&
         req.headers.has("Access-Control-Request-Method");
}

http_response cors_policy::preflight(const http_request& req, const std::vector<http_method>& allow) const {
  http_response res;
  res.status = 204;
  std::string origin(req.header("Origin"));
  if (!allows(origin)) return res;  // no CORS headers: the browser refuses
  std::string methods;
  for (auto m : allow) {
    if (!methods.empty()) methods += ", ";
    methods += method_name(m);
  }
  res.headers.set("Access-Control-Allow-Origin", origin);
  res.headers.set("Vary", "Origin");
  res.headers.set("Access-Control-Allow-Methods", methods.empty() ? "GET, POST, PUT, PATCH, DELETE" : methods);
  auto requested = req.header("Access-Control-Request-Headers");
  res.headers.set("Access-Control-Allow-Headers",
                  requested.empty() ? std::string("Authorization, Content-Type, X-API-Key, X-Request-Id")
                                    : std::string(requested));
  res.headers.set("Access-Control-Allow-Credentials", "true");
  res.headers.set("Access-Control-Max-Age", "600");
  return res;
}

void cors_policy::decorate(const http_request& req, http_response& res) const {
  auto origin = req.header("Origin");
  if (!allows(origin)) return;
  res.headers.set("Access-Control-Allow-Origin", std::string(origin));
  res.headers.set("Vary", "Origin");
  res.headers.set("Access-Control-Allow-Credentials", "true");
  res.headers.set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
}

std::string accept_or_make_request_id(std::string_view incoming) {
  if (!incoming.empty() && incoming.size() <= 128) {
    bool ok = true;
    for (char c : incoming) {
      bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                     c == '_' || c == ':' || c == '-';
      if (!allowed) {
        ok = false;
        break;
      }
    }
    if (ok) return std::string(incoming);
  }
  return new_ulid();
}

}  // namespace brokle::net
