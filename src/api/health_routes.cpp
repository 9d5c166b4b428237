#include "api/health_routes.hpp"

#include <boost/json.hpp>

#include "core/build_info.hpp"
#include "net/stream_channel.hpp"
#include "realtime/health_hub.hpp"

namespace brokle::api {

namespace asio = boost::asio;

namespace {

asio::awaitable<net::http_response> liveness(api_services& s) {
  boost::json::object o;
  o["status"] = "ok";
  o["version"] = build::version;
  o["uptime_seconds"] =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - s.started_at).count();
  co_return net::json_response(200, boost::json::serialize(o));
}

asio::awaitable<net::http_response> readiness(api_services& s) {
  auto probe = co_await s.blocking.run([&s] { return s.stores.health->probe(); });
  if (!probe) co_return net::error_response(503, "", "overloaded", probe.err().message);
  if (!probe->ok()) {
    boost::json::object o;
    o["status"] = "unavailable";
    o["backend"] = s.stores.backend;
    o["error"] = probe->err().message;
    co_return net::json_response(503, boost::json::serialize(o));
  }
  const auto& p = probe->value();
  boost::json::object o;
  o["status"] = "ok";
  o["backend"] = p.backend;
  o["latency_ms"] = static_cast<double>(p.latency.count()) / 1000.0;
  o["schema_version"] = p.schema_version;
  co_return net::json_response(200, boost::json::serialize(o));
}

std::shared_ptr<net::stream_channel> subscribe(api_services& s, bool sse) {
  auto ch = std::make_shared<net::stream_channel>(net::stream_channel::limits{64, 1 << 20});
  if (!s.health.subscribe(ch, sse)) return nullptr;
  return ch;
}

}  // namespace

void add_health_routes(net::router& r, api_services& s) {
  r.add(net::http_method::get, "/health", [&s](net::request_context&) { return liveness(s); });
  r.add(net::http_method::get, "/health/db", [&s](net::request_context&) { return readiness(s); });
  r.add(net::http_method::get, "/health/ready", [&s](net::request_context&) { return readiness(s); });
  r.add(net::http_method::get, "/metrics", [&s](net::request_context&) -> asio::awaitable<net::http_response> {
    co_return net::text_response(200, s.metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  r.add(net::http_method::get, "/health/stream", [&s](net::request_context&) -> asio::awaitable<net::http_response> {
    net::http_response res;
    res.headers.set("Content-Type", "text/event-stream");
    res.stream = subscribe(s, true);
    if (!res.stream) co_return net::error_response(503, "", "too_many_streams", "too many live health streams");
    co_return res;
  });
  r.add_websocket("/ws/health", [&s](net::request_context&) -> asio::awaitable<net::http_response> {
    net::http_response res;
    res.status = 101;
    res.stream = subscribe(s, false);
    if (!res.stream) co_return net::error_response(503, "", "too_many_streams", "too many live health streams");
    co_return res;
  });
}

}  // namespace brokle::api
