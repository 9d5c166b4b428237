// Method + path routing with `{name}` parameters, answering 404 for unknown paths and 405 with an
// Allow header for known paths under another method. Routes are fixed at start-up; matching is a
// walk over path segments (static segments win over parameters), with no allocation on a miss.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "net/http_message.hpp"
#include "net/request_context.hpp"

namespace brokle::net {

using handler = std::function<boost::asio::awaitable<http_response>(request_context&)>;

enum class route_kind { http, websocket };

struct route {
  http_method method;
  std::string pattern;
  handler fn;
  route_kind kind = route_kind::http;
  size_t index = 0;  // dense id, for per-route metrics
};

struct route_match {
  const route* matched = nullptr;
  std::vector<std::pair<std::string_view, std::string>> params;
  bool path_known = false;         // some route has this path (-> 405 rather than 404)
  std::vector<http_method> allow;  // methods registered for this path
};

class router {
 public:
  router();
  ~router();
  router(const router&) = delete;
  router& operator=(const router&) = delete;

  void add(http_method m, std::string pattern, handler fn);
  // A WebSocket endpoint: a GET whose handler returns a response with `stream` set to accept
  // (the server then upgrades) or any other response to refuse the upgrade.
  void add_websocket(std::string pattern, handler fn);

  route_match match(http_method m, std::string_view path) const;
  const std::vector<std::unique_ptr<route>>& routes() const noexcept { return routes_; }

 private:
  struct node;
  std::unique_ptr<node> root_;
  std::vector<std::unique_ptr<route>> routes_;
};

}  // namespace brokle::net
